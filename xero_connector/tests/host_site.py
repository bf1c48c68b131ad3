"""Set-up and look-ups for the browser and over-HTTP tests (``tests/host``), which
drive a throw-away site through its own web server. They call these through
``bench --site SITE execute xero_connector.tests.host_site.FUNCTION --kwargs JSON``
(shell access to the bench: nothing here is whitelisted). Each returns plain JSON."""

from __future__ import annotations

from types import SimpleNamespace

import frappe

from xero_connector.constants import SYNC_LOG, XERO_MANAGER
from xero_connector.tests import fixtures

# users of the throw-away site, one per kind of person the tests act as
USERS = {
	"manager": ("xero.manager@example.com", ["Xero Manager", "Accounts User"]),
	# who maps taxes: Sales Taxes and Charges Templates are readable by Accounts Managers
	# (and Sales Users), not by Accounts Users
	"accounts_manager": ("accounts.manager@example.com", ["Xero Manager", "Accounts Manager"]),
	"accounts": ("accounts.user@example.com", ["Accounts User"]),
	"norole": ("no.roles@example.com", []),
	# people of the second company only (User Permission on Company): issue 15
	"accounts_b": ("accounts.b@example.com", ["Accounts User"]),
	"manager_b": ("xero.manager.b@example.com", ["Xero Manager", "Accounts User"]),
}
LIMITED_TO_SECOND_COMPANY = ("accounts_b", "manager_b")
PASSWORD = "Host-Tests-Only-7391!"  # a throw-away site's users; never a real one


def _require_throwaway():
	if not frappe.conf.get("xero_throwaway_site"):
		frappe.throw("host_site runs only on a throw-away site (site config xero_throwaway_site)")


def prepare(sandbox_url: str, client_id: str, client_secret: str) -> dict:
	"""Masters, the three users with passwords, and Xero Settings pointing at the
	sandbox (not yet connected: the browser test connects through the OAuth pages)."""
	from frappe.utils.password import update_password

	_require_throwaway()
	frappe.set_user("Administrator")
	complete_setup_wizard()
	fixtures.make_masters()
	fixtures.make_masters_b()
	users = {}
	for kind, (email, roles) in USERS.items():
		fixtures.make_user(email, roles)
		update_password(email, PASSWORD)
		if kind in LIMITED_TO_SECOND_COMPANY:
			fixtures.limit_to(email, fixtures.COMPANY_B)
		users[kind] = email
	sandbox = SimpleNamespace(url=sandbox_url, client_id=client_id, client_secret=client_secret)
	fixtures.configure_settings(sandbox)
	forget_connection()
	drop_workflow()  # a kept site's earlier run may have stopped inside the workflow test
	# as a production site is set: no Python traceback in the answers people get (the
	# over-HTTP tests check that the app's own answers carry none either)
	frappe.db.set_single_value("System Settings", "allow_error_traceback", 0)
	frappe.db.commit()
	return {
		"users": users,
		"password": PASSWORD,
		"company": fixtures.COMPANY,
		"company_b": fixtures.COMPANY_B,
		"app": fixtures.APP_NAME,
	}


def forget_connection() -> None:
	"""Each run starts a new sandbox, which knows nothing of the tokens a kept site
	holds from an earlier run: forget them, as Disconnect does (without telling the
	old sandbox, which is gone), so the administrator connects afresh."""
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore
	from xero_connector.xero_connector.connection.settings_state import forget_connection

	FrappeTokenStore(fixtures.app()).clear()
	# the contacts the old sandbox made are not in the new one: match customers afresh
	frappe.db.delete("Xero Contact Link")
	forget_connection(fixtures.connection())
	# the second company's connection is made through the desk by the browser test
	frappe.db.delete("Xero Connection", {"company": fixtures.COMPANY_B})


def complete_setup_wizard() -> None:
	"""What a new ERPNext user does first: the setup wizard, for the test company (a
	fresh site's desk opens on the wizard until it is done)."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete
	from frappe.utils import getdate, today

	if frappe.is_setup_complete():
		return
	year = getdate(today()).year
	setup_complete(
		{
			"currency": "NZD",
			"full_name": "Xero Test Owner",
			"company_name": fixtures.COMPANY,
			"company_abbr": fixtures.ABBR,
			"timezone": "Pacific/Auckland",
			"industry": "Services",
			"country": "New Zealand",
			"fy_start_date": f"{year}-01-01",
			"fy_end_date": f"{year}-12-31",
			"language": "english",
			"company_tagline": "Testing the Xero connector",
			"email": "owner@example.com",
			"password": PASSWORD,
			"chart_of_accounts": "Standard",
		}
	)
	frappe.db.commit()


def connect_directly(sandbox_url: str) -> dict:
	"""The OAuth flow run from the server side (as fixtures.connect does), for tests
	that need a connected site without going through the browser."""
	_require_throwaway()
	frappe.set_user("Administrator")
	result = fixtures.connect(SimpleNamespace(url=sandbox_url))
	fixtures.set_defaults(default_account_code="200", default_tax_type="OUTPUT2")
	fixtures.map_tax("Sales Taxes and Charges Template", fixtures.TAX_TEMPLATE, "OUTPUT2")
	frappe.db.commit()
	return {"result": str(result)}


def settings() -> dict:
	doc = fixtures.connection_doc()
	return {
		"connection_status": doc.connection_status,
		"tenant_id": doc.tenant_id,
		"organisation_name": doc.get("organisation_name"),
		"enabled": doc.enabled,
	}


def make_invoice(customer: str | None = None, submit: bool = True, as_user: str | None = None) -> dict:
	"""A Sales Invoice of the test company (as ``as_user`` when given); returns its name."""
	_require_throwaway()
	frappe.set_user(as_user or "Administrator")
	si = fixtures.make_invoice(customer=customer or fixtures.CUSTOMER, submit=submit)
	frappe.db.commit()
	return {"name": si.name}


def make_invoice_b() -> dict:
	"""A submitted Sales Invoice of the second company; returns its name."""
	_require_throwaway()
	frappe.set_user("Administrator")
	si = fixtures.make_invoice_b()
	frappe.db.commit()
	return {"name": si.name}


def set_trigger(trigger: str) -> dict:
	"""The test company's Send Invoices setting (On Submit, Manual, ...)."""
	_require_throwaway()
	fixtures.set_defaults(sync_trigger=trigger)
	frappe.db.commit()
	return {"sync_trigger": trigger}


def use_workflow() -> dict:
	"""An approval workflow on Sales Invoice (an Accounts User submits into "Awaiting
	Approval", an Accounts Manager approves), and the test company sending "On Workflow
	State" when an invoice is Approved."""
	_require_throwaway()
	frappe.set_user("Administrator")
	fixtures.make_workflow(submit_role="Accounts User", approve_role="Accounts Manager")
	connection = fixtures.connection_doc()
	connection.sync_trigger = "On Workflow State"
	connection.set("send_on_workflow_states", [{"workflow_state": "Approved"}])
	connection.save(ignore_permissions=True)
	frappe.db.commit()
	return {"workflow": fixtures.WORKFLOW}


def drop_workflow() -> dict:
	"""No workflow on Sales Invoice, and the test company sending On Submit again."""
	_require_throwaway()
	frappe.set_user("Administrator")
	fixtures.remove_workflow()
	connection = fixtures.connection_doc() if frappe.db.exists("Xero Connection", fixtures.COMPANY) else None
	if connection and (connection.sync_trigger != "On Submit" or connection.send_on_workflow_states):
		connection.sync_trigger = "On Submit"
		connection.set("send_on_workflow_states", [])
		connection.save(ignore_permissions=True)
	frappe.db.commit()
	return {}


def connection_of(company: str) -> dict | None:
	"""A company's Xero Connection as stored (None when it has none)."""
	fields = ["name", "company", "xero_app", "tenant_id", "organisation_name", "connection_status"]
	frappe.db.rollback()
	return frappe.db.get_value("Xero Connection", {"company": company}, fields, as_dict=True)


def make_customer(name: str, billing_code: str | None = None) -> dict:
	_require_throwaway()
	frappe.set_user("Administrator")
	fixtures.make_customer(name, billing_code)
	frappe.db.commit()
	return {"name": name}


def invoice(name: str) -> dict:
	fields = ["name", "docstatus", "xero_invoice_id", "xero_status", "xero_amount_due", "xero_link"]
	if frappe.get_meta("Sales Invoice").has_field("workflow_state"):
		fields.append("workflow_state")
	values = frappe.db.get_value("Sales Invoice", name, fields, as_dict=True) or {}
	values["logs"] = frappe.get_all(
		SYNC_LOG,
		filters={"reference_name": name},
		fields=["name", "status", "operation", "error_kind", "http_status"],
		order_by="creation asc",
	)
	return {
		k: (str(v) if v is not None and not isinstance(v, int | str | list) else v) for k, v in values.items()
	}


def managers() -> dict:
	return {"users": frappe.get_all("Has Role", filters={"role": XERO_MANAGER}, pluck="parent")}


def set_webhook_key() -> dict:
	"""A new webhook signing key on the test Xero App (a Password field); returns it."""
	_require_throwaway()
	key = frappe.generate_hash(length=64)
	settings = fixtures.app_doc()
	settings.webhook_key = key
	settings.flags.ignore_permissions = True
	settings.save()
	frappe.db.commit()
	return {"key": key}


def set_defaults_for_desk() -> dict:
	"""The defaults an administrator sets once connected: revenue account and tax type,
	and the GST template mapped."""
	_require_throwaway()
	frappe.set_user("Administrator")
	fixtures.set_defaults(default_account_code="200", default_tax_type="OUTPUT2")
	fixtures.map_tax("Sales Taxes and Charges Template", fixtures.TAX_TEMPLATE, "OUTPUT2")
	frappe.db.commit()
	return {}


def wait_for_log(name: str, status: str, timeout: float = 90) -> dict | None:
	"""The newest Sync Log row of ``name`` with ``status``, waiting for the worker."""
	import time

	deadline = time.monotonic() + timeout
	while True:
		frappe.db.rollback()  # see the worker's commits
		rows = frappe.get_all(
			SYNC_LOG,
			filters={"reference_name": name, "status": status},
			fields=["name", "status", "operation", "cause", "resolution", "xero_messages", "http_status"],
			order_by="creation desc",
			limit=1,
		)
		if rows or time.monotonic() > deadline:
			return rows[0] if rows else None
		time.sleep(1)


def unmap(kind: str, mapping_type: str, reference_name: str) -> dict:
	"""Delete the account (``kind`` "account") or tax mapping of one ERPNext record, so
	that the browser test can create it afresh through the form."""
	from xero_connector.constants import ACCOUNT_MAPPING, TAX_MAPPING

	_require_throwaway()
	frappe.set_user("Administrator")
	doctype = {"account": ACCOUNT_MAPPING, "tax": TAX_MAPPING}[kind]
	fixtures.unmap(doctype, mapping_type=mapping_type, reference_name=reference_name)
	frappe.db.commit()
	return {}


def mapping(kind: str, name: str) -> dict | None:
	"""A saved account or tax mapping, as stored."""
	from xero_connector.constants import ACCOUNT_MAPPING, TAX_MAPPING

	doctype = {"account": ACCOUNT_MAPPING, "tax": TAX_MAPPING}[kind]
	row = frappe.db.get_value(doctype, name, "*", as_dict=True)
	return (
		{k: (v if isinstance(v, int | str) or v is None else str(v)) for k, v in row.items()} if row else None
	)


def number_cards() -> dict:
	"""What each number card of the Xero workspace counts, by its own filters (as the
	Administrator, who sees every Sales Invoice; the test's manager also does)."""
	frappe.set_user("Administrator")
	workspace = frappe.get_doc("Workspace", "Xero")
	counts = {}
	for row in workspace.number_cards:
		card = frappe.get_doc("Number Card", row.number_card_name)
		filters = frappe.parse_json(card.filters_json or "[]")
		counts[card.name] = {
			"labels": [row.label, card.label],
			"count": frappe.db.count(card.document_type, filters=[f[:4] for f in filters]),
		}
	return counts


def sync_logs(names: list[str]) -> dict:
	"""The Sync Log rows of each Sales Invoice in ``names``, oldest first."""
	frappe.db.rollback()
	return {name: invoice(name)["logs"] for name in names}


def wait_for_status(name: str, status: str, timeout: float = 90) -> str | None:
	"""Wait for the worker to set the invoice's xero_sync_status to ``status``."""
	import time

	deadline = time.monotonic() + timeout
	while True:
		frappe.db.rollback()
		found = frappe.db.get_value("Sales Invoice", name, "xero_sync_status")
		if found == status or time.monotonic() > deadline:
			return found
		time.sleep(1)


def secrets() -> dict:
	"""The secrets the Xero App holds now (tokens, client secret, webhook key), for the
	over-HTTP tests to check that no answer carries them. A throw-away site's only."""
	from frappe.utils.password import get_decrypted_password

	_require_throwaway()
	values = fixtures.token_values()
	key = get_decrypted_password("Xero App", fixtures.APP_NAME, "webhook_key", raise_exception=False)
	return {"values": [v for v in [*values, key] if v]}


def migrated(docs: list[dict], settings: dict) -> dict:
	"""After ``bench migrate`` from an earlier version of the app (.ci/host, suite
	"migrate"): what that version held is still there, and the site has this version's
	schema and desk. ``docs`` and ``settings`` are what .ci/host stored through the
	earlier version (each doc found by its own values). Returns the problems found."""
	_require_throwaway()
	from xero_connector.xero_connector.connection.reference import code_of

	problems = []
	connections = frappe.get_all("Xero Connection", pluck="name")
	company = connections[0] if len(connections) == 1 else None
	# Xero's codes became the company's rows (patches/v2_0/reference_per_company.py): a
	# mapping links "{code} - {abbr}", and each Xero row and mapping has the company
	links = {"xero_account_code": "Xero Account", "xero_tax_type": "Xero Tax Rate"}
	for doc in docs:
		values = {k: v for k, v in doc.items() if k != "doctype" and not isinstance(v, list | dict)}
		kept = {k: v for k, v in values.items() if k not in links}
		found = frappe.get_all(doc["doctype"], filters=kept, fields=["*"], limit=1)
		if not found:
			problems.append(f"{doc['doctype']} {values} is gone")
			continue
		row = found[0]
		for field, xero_doctype in links.items():
			if field in values and code_of(xero_doctype, row.get(field)) != values[field]:
				problems.append(
					f"{doc['doctype']}.{field} is {row.get(field)!r}, not the row of {values[field]!r}"
				)
		per_company = ("Xero Account", "Xero Tax Rate", "Xero Account Mapping", "Xero Tax Mapping")
		if doc["doctype"] in per_company and row.company != company:
			problems.append(f"{doc['doctype']} {values} has company {row.company!r}, not {company!r}")
	# Xero Settings became the Xero App "Xero" and the Xero Connection of the company whose
	# invoices were in Xero (patches/v2_0/settings_to_connections.py)
	app = frappe.get_doc("Xero App", "Xero") if frappe.db.exists("Xero App", "Xero") else None
	connection = frappe.get_doc("Xero Connection", company) if company else None
	if app is None or connection is None:
		problems.append(f"Xero Settings became Xero App {app and app.name!r} and connections {connections}")
	for field, value in settings.items():
		holder = app if field in fixtures.APP_FIELDS else connection
		found = holder.get(field) if holder is not None else None
		if field in fixtures.DEFAULT_LINKS:
			found = code_of(fixtures.DEFAULT_LINKS[field], found)
		if found != value:
			problems.append(f"{field} is {found!r} after the migration, was {value!r}")
	# this version's schema and records, as a fresh install has them
	for doctype in frappe.get_all("DocType", filters={"module": "Xero Connector"}, pluck="name"):
		meta = frappe.get_meta(doctype)
		if meta.issingle or meta.istable or meta.is_virtual:
			continue
		missing = [
			df.fieldname
			for df in meta.fields
			if df.fieldtype not in frappe.model.no_value_fields
			and not frappe.db.has_column(doctype, df.fieldname)
		]
		if missing:
			problems.append(f"{doctype} has no column for {missing}")
	import json
	from pathlib import Path

	from frappe.utils import get_datetime

	for path in Path(frappe.get_app_path("xero_connector", "xero_connector", "workspace")).glob("*/*.json"):
		record = json.loads(path.read_text())
		held = frappe.db.get_value("Workspace", record["name"], "modified")
		if not held or get_datetime(held) < get_datetime(record["modified"]):
			problems.append(f"the Workspace {record['name']} is not this version's (modified {held})")
	if not frappe.db.exists("Role", XERO_MANAGER):
		problems.append("no Xero Manager role")
	from xero_connector.xero_connector.custom_fields import get_custom_fields

	for doctype, fields in get_custom_fields().items():
		for field in fields:
			if not frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]}):
				problems.append(f"no custom field {doctype}.{field['fieldname']}")
	from xero_connector.install import NAVIGATION

	for folder, doctype in NAVIGATION:
		if (
			frappe.db.exists("DocType", doctype)
			and frappe.db.get_value(doctype, "Xero", "app") != "xero_connector"
		):
			problems.append(f"the {doctype} Xero is not the app's own ({folder}/xero.json)")
	return {"problems": problems}
