app_name = "xero_connector"
app_title = "Xero Connector"
app_publisher = "xero_connector developers"
app_description = "Sync ERPNext Sales Invoices to Xero: invoices, credit notes, voids and payment status"
app_email = "dev@xero-connector.invalid"
app_license = "MIT"

required_apps = ["frappe/erpnext"]
