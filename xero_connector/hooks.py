app_name = "xero_connector"
app_title = "Xero Connector"
app_publisher = "xero_connector developers"
app_description = "Sync ERPNext Sales Invoices to Xero: invoices, credit notes, voids and payment status"
app_email = "dev@xero-connector.invalid"
app_license = "MIT"

required_apps = ["frappe/erpnext"]

# Install / migrate / uninstall: role, custom fields, log clearing (see install.py and uninstall.py)
before_install = "xero_connector.install.before_install"
after_install = "xero_connector.install.after_install"
after_migrate = "xero_connector.install.after_migrate"
before_uninstall = "xero_connector.uninstall.before_uninstall"

# Frappe 16: a web process never makes a second encryption key (encryption.py)
before_request = ["xero_connector.xero_connector.connection.encryption.adopt_site_key"]

# bench run-tests --app xero_connector: the setup data a fresh site lacks (tests/fixtures.py)
before_tests = "xero_connector.tests.fixtures.before_tests"

# Desk: Xero status and the Send / Resend button on the Sales Invoice form
doctype_js = {
	"Sales Invoice": "public/js/sales_invoice.js",
	# issue 16: a bill's and a purchase order's Xero line, the same file
	"Purchase Invoice": "public/js/sales_invoice.js",
	"Purchase Order": "public/js/sales_invoice.js",
	"Customer": "public/js/customer.js",  # issue 6: Xero on the Customer
	# the mapping forms' shared ERPNext Record handling
	"Xero Account Mapping": "public/js/mapping_form.js",
	"Xero Tax Mapping": "public/js/mapping_form.js",
}

# issue 17: Send to Xero from the Sales Invoice list (after ERPNext's list settings)
doctype_list_js = {"Sales Invoice": "public/js/sales_invoice_list.js"}

doc_events = {
	# issue 6: optional Xero Quotes (quotations.py)
	"Quotation": {
		"validate": "xero_connector.xero_connector.events.keep_app_written_fields",
		"before_update_after_submit": "xero_connector.xero_connector.events.keep_app_written_fields",
		"on_submit": "xero_connector.xero_connector.features.quotations.on_submit",
		"on_cancel": "xero_connector.xero_connector.features.quotations.on_cancel",
	},
	# the Xero fields only the app writes (events.APP_WRITTEN_FIELDS)
	"Sales Invoice": {
		"validate": "xero_connector.xero_connector.events.keep_app_written_fields",
		"before_update_after_submit": "xero_connector.xero_connector.events.keep_app_written_fields",
		"before_insert": "xero_connector.xero_connector.events.before_insert",
		"before_submit": "xero_connector.xero_connector.events.before_submit",
		"on_submit": "xero_connector.xero_connector.events.on_submit",
		"before_cancel": "xero_connector.xero_connector.events.before_cancel",
		"on_cancel": "xero_connector.xero_connector.events.on_cancel",
		"on_update_after_submit": "xero_connector.xero_connector.events.on_update_after_submit",
	},
}
# issue 16: a Purchase Invoice is a Xero bill, through the same events
doc_events["Purchase Invoice"] = dict(doc_events["Sales Invoice"])
# issue 16: a Purchase Order is a Xero purchase order: updated on any change once in Xero
doc_events["Purchase Order"] = {
	"validate": "xero_connector.xero_connector.events.keep_app_written_fields",
	"before_update_after_submit": "xero_connector.xero_connector.events.keep_app_written_fields",
	"before_insert": "xero_connector.xero_connector.events.before_insert",
	"before_submit": "xero_connector.xero_connector.events.before_submit",
	"on_submit": "xero_connector.xero_connector.events.on_submit",
	"on_cancel": "xero_connector.xero_connector.events.on_cancel",
	"on_change": "xero_connector.xero_connector.events.purchase_order_changed",
}

# Xero Sync Log rows in the Sales Invoice's Connections
override_doctype_dashboards = {
	"Sales Invoice": "xero_connector.xero_connector.events.sales_invoice_dashboard",
	"Purchase Invoice": "xero_connector.xero_connector.events.sales_invoice_dashboard",
	"Purchase Order": "xero_connector.xero_connector.events.sales_invoice_dashboard",
}

scheduler_events = {
	"cron": {
		# every 5 minutes: pull payments when the configured interval has passed
		"*/5 * * * *": [
			"xero_connector.xero_connector.tasks.pull_payments_if_due",
			# Send Invoices "In Rounds": send what waits when the round's interval has passed
			"xero_connector.xero_connector.tasks.push_round_if_due",
			# queue again a Xero Backfill whose worker died
			"xero_connector.xero_connector.sync.backfill.resume_stalled",
		],
		# every minute: send again what gave its worker back to Xero's minute limit
		"* * * * *": ["xero_connector.xero_connector.tasks.retry_rate_limited"],
		# every 15 minutes: re-queue work stuck in Queued
		"*/15 * * * *": ["xero_connector.xero_connector.tasks.requeue_stuck"],
	},
	"hourly": ["xero_connector.xero_connector.tasks.check_connection"],
}

# Successful Xero Sync Log rows are cleared after 30 days (Log Settings)
default_log_clearing_doctypes = {"Xero Sync Log": 30}

# a Sync Log row about a Sales Invoice (its payload included) is seen only by users who may
# read that invoice's company (permissions.py)
permission_query_conditions = {
	"Xero Sync Log": "xero_connector.xero_connector.permissions.sync_log_conditions",
}
has_permission = {
	"Xero Sync Log": "xero_connector.xero_connector.permissions.sync_log_permission",
}
