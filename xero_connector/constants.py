"""Names the Frappe shell shares: doctypes, roles, statuses, job and cache keys.

Kept in one module so that hooks, controllers, jobs and tests agree on spelling.
The pure core (``xero``, ``engine``, ``sandbox``) does not import this module.
"""

MODULE_NAME = "Xero Connector"

SETTINGS = "Xero Settings"  # what is set once for the site (connection/registry.site_settings)
APP = "Xero App"  # a Xero app's credentials and its consent's tokens, shared by its companies
CONNECTION = "Xero Connection"  # a company's link to one Xero organisation (registry.for_company)
ACCOUNT_MAPPING = "Xero Account Mapping"
TAX_MAPPING = "Xero Tax Mapping"
SYNC_LOG = "Xero Sync Log"
XERO_ACCOUNT = "Xero Account"
XERO_TAX_RATE = "Xero Tax Rate"
CONTACT_LINK = "Xero Contact Link"  # a party's ContactID in one company's organisation

XERO_MANAGER = "Xero Manager"
MANAGER_ROLES = ("System Manager", XERO_MANAGER)
READ_ONLY_ROLES = ("Accounts User", "Accounts Manager")

# Xero Sync Log
STATUS_QUEUED = "Queued"
STATUS_SUCCESS = "Success"
STATUS_FAILED = "Failed"
STATUS_SKIPPED = "Skipped"

OP_PUSH = "push"
OP_UPDATE = "update"
OP_VOID = "void"
OP_ALLOCATE = "allocate"
OP_PULL = "pull"
OP_CONTACT = "contact"
OP_CONNECT = "connect"
OP_ATTACH = "attach"  # the invoice's PDF attached in Xero (features/invoice_pdf.py)

KIND_PREFLIGHT = "preflight"
KIND_TRANSIENT = "transient"
KIND_PERMANENT = "permanent"
KIND_NEEDS_REAUTH = "needs_reauthorisation"
KIND_RATE_LIMITED = "rate_limited"

# Xero Settings
CONNECTED = "Connected"
NOT_CONNECTED = "Not Connected"
NEEDS_REAUTH = "Needs Reauthorisation"
TRIGGER_ON_SUBMIT = "On Submit"
TRIGGER_MANUAL = "Manual"
TRIGGER_IN_ROUNDS = "In Rounds"  # submitted invoices wait for the next push round (jobs.push_round)
TRIGGER_ON_WORKFLOW_STATE = "On Workflow State"  # sent when its workflow reaches a chosen state

# Xero account rules (DESIGN.md: "exists, ACTIVE, revenue class")
ACTIVE = "ACTIVE"

# Rate-to-Account / Tax mapping: label shown to the user -> doctype linked
# the buying side (issue 16): its own types, mapped to Xero's expense and asset accounts and to
# tax types that apply to expenses (the same item or GST account is OUTPUT2 on sales, INPUT2 on bills)
BUYING_ACCOUNT_MAPPING_TYPES = {
	"Item (Buying)": "Item",
	"Item Group (Buying)": "Item Group",
	"Expense Account": "Account",
}
ACCOUNT_MAPPING_DOCTYPES = {
	"Item": "Item",
	"Item Group": "Item Group",
	"Income Account": "Account",
	**BUYING_ACCOUNT_MAPPING_TYPES,
}
BUYING_TAX_MAPPING_TYPES = {
	"Item Tax Template (Buying)": "Item Tax Template",
	"Purchase Taxes and Charges Template": "Purchase Taxes and Charges Template",
	"Tax Account (Buying)": "Account",
}
TAX_MAPPING_DOCTYPES = {
	"Item Tax Template": "Item Tax Template",
	"Sales Taxes and Charges Template": "Sales Taxes and Charges Template",
	"Tax Account": "Account",
	**BUYING_TAX_MAPPING_TYPES,
}

# Custom fields on Sales Invoice that the sync writes (read-only for users)
SALES_INVOICE_SYNC_FIELDS = (
	"xero_sync_status",
	"xero_invoice_id",
	"xero_document_type",
	"xero_status",
	"xero_amount_due",
	"xero_amount_paid",
	"xero_fully_paid_on",
	"xero_last_synced",
	"xero_link",
)
# Sales Invoice xero_sync_status values (what the number cards count)
SYNC_QUEUED = "Queued"
SYNC_SYNCED = "Synced"
SYNC_FAILED = "Failed"
SYNC_SKIPPED = "Skipped"
INVOICE_OPERATIONS = ("push", "update", "void", "delete", "allocate")

# Sales Invoice fields that, changed after submit, make Xero's copy stale
FIELDS_SYNCED_AFTER_SUBMIT = ("due_date", "po_no", "po_date")

# Background jobs (Frappe RQ queues)
QUEUE = "default"
JOB_TIMEOUT = 600
# The longest a sync job waits for Xero's per-minute limits (or a 429's Retry-After) before it
# puts its document back (Queued, error kind rate_limited) and frees the worker: a company
# flooding its organisation then leaves the workers to the other companies between its jobs;
# tasks.retry_rate_limited queues the document again once the wait has passed.
LIMITER_MAX_WAIT = 10.0
JOB_PUSH = "xero-push::{name}"
JOB_VOID = "xero-void::{name}"
JOB_UPDATE = "xero-update::{name}"
JOB_ATTACH = "xero-attach::{name}"
# per connection: {key} is registry.job_key(connection name)
JOB_PULL = "xero-pull-payments::{site}::{key}"
JOB_PUSH_ROUND = "xero-push-round::{site}::{key}"
JOB_PULL_IDS = "xero-pull-ids::{site}::{key}::{digest}"
JOB_SEND_SELECTED = "xero-send-selected::{site}::{key}::{digest}"

# Redis (frappe.cache) keys; frappe.cache namespaces them per site
CACHE_OAUTH_STATE = "xero_connector:oauth_state:{state}"
CACHE_REFRESH_LOCK = "xero_connector:refresh_lock"
CACHE_LIMITER = "xero_connector:limiter:{key}"
OAUTH_STATE_TTL = 600

OAUTH_CALLBACK_METHOD = "xero_connector.xero_connector.api.oauth_callback"
WEBHOOK_METHOD = "xero_connector.xero_connector.webhook.receive"

XERO_INVOICE_URL = "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID={id}"
XERO_CREDIT_NOTE_URL = "https://go.xero.com/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}"
XERO_BILL_URL = "https://go.xero.com/AccountsPayable/View.aspx?InvoiceID={id}"
XERO_PURCHASE_ORDER_URL = "https://go.xero.com/Accounts/Payable/PurchaseOrders/View/{id}"
XERO_SUPPLIER_CREDIT_NOTE_URL = "https://go.xero.com/AccountsPayable/ViewCreditNote.aspx?creditNoteID={id}"
