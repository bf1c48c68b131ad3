"""Sales Invoice and Purchase Invoice document events (hooks.doc_events) and their dashboard
override. A Purchase Invoice is a Xero bill (issue 16), sent when its company's connection has
"Send Purchase Invoices as Xero Bills" on; the same events, rules and ledger serve both.

Nothing here calls Xero: submitting, cancelling and amending stay fast and work
when Xero is down. Each event does a local check and queues a job that runs
after the transaction commits (jobs.enqueue_sync).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from xero_connector.constants import (
	FIELDS_SYNCED_AFTER_SUBMIT,
	OP_PUSH,
	OP_UPDATE,
	OP_VOID,
	SALES_INVOICE_SYNC_FIELDS,
	SYNC_FAILED,
	SYNC_LOG,
	SYNC_QUEUED,
	TRIGGER_IN_ROUNDS,
	TRIGGER_MANUAL,
	TRIGGER_ON_WORKFLOW_STATE,
)
from xero_connector.engine.rules import void_blocked_by
from xero_connector.exceptions import PreflightFailed, XeroHasPayments
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.custom_fields import ORDER_FIELDS_LEFT_OUT
from xero_connector.xero_connector.jobs import enqueue_sync
from xero_connector.xero_connector.sync import ledger

PURCHASE_INVOICE = "Purchase Invoice"
PURCHASE_ORDER = "Purchase Order"
# the connection's setting that sends each buying doctype (sales invoices always go)
SENDS = {PURCHASE_INVOICE: "send_purchase_invoices", PURCHASE_ORDER: "send_purchase_orders"}


def connection_of(doc):
	"""The connection that sends ``doc``'s company's documents (None: the company has none,
	or, for a Purchase Invoice or Order, its connection does not send them)."""
	connection = registry.for_company(doc.get("company"))
	if connection and doc.doctype in SENDS and not connection.get(SENDS[doc.doctype]):
		return None
	return connection


def sends_on_submit(connection, doc=None) -> bool:
	"""Whether submitting ``doc`` sends it: the connection is enabled and sends on submit (or
	in rounds), or sends on workflow states and the document is submitted into one of them."""
	if not (connection and connection.enabled) or connection.sync_trigger == TRIGGER_MANUAL:
		return False
	if doc is not None and doc.doctype == PURCHASE_ORDER and connection.get("only_chosen_purchase_orders"):
		return bool(doc.get("xero_send"))  # only the orders chosen (the "tracked" ones)
	if doc is not None and doc.doctype in SENDS:
		return True  # bills and orders go on submit (rounds and workflow states are the sales side's)
	if connection.sync_trigger == TRIGGER_ON_WORKFLOW_STATE:
		return doc is not None and reached_a_sending_state(connection, doc)
	return True


def reached_a_sending_state(connection, doc) -> bool:
	"""Whether ``doc``'s workflow state is one the connection sends on (Send on Workflow
	States)."""
	state = doc.get("workflow_state")
	return bool(state) and state in {
		row.workflow_state for row in connection.get("send_on_workflow_states") or []
	}


def before_insert(doc, method=None):
	"""doc_events before_insert: a new Sales Invoice has never been in Xero. The desk's
	Amend copies no_copy fields, so an amendment would otherwise carry the cancelled
	original's Xero ID and state."""
	for field in APP_WRITTEN_FIELDS[doc.doctype]:
		if doc.get(field):
			doc.set(field, None)
	if doc.doctype != PURCHASE_ORDER:
		for field in ("xero_amount_due", "xero_amount_paid"):
			doc.set(field, 0)


# What only the app writes (through frappe.db.set_value, which runs no document event):
# the link to the Xero document and what Xero last said. A form save, a REST PUT or an
# Update After Submit keeps what is stored, so nobody can point an invoice at another
# Xero document (cancel and update act on the stored ID) or fake a payment status.
APP_WRITTEN_FIELDS = {
	"Sales Invoice": (*SALES_INVOICE_SYNC_FIELDS, "xero_sync_state", "xero_online_invoice_url"),
	PURCHASE_INVOICE: (*SALES_INVOICE_SYNC_FIELDS, "xero_sync_state"),
	PURCHASE_ORDER: (
		*(f for f in SALES_INVOICE_SYNC_FIELDS if f not in ORDER_FIELDS_LEFT_OUT),
		"xero_sync_state",
	),
	"Quotation": ("xero_quote_id", "xero_quote_status"),
}


def keep_app_written_fields(doc, method=None):
	"""doc_events validate and before_update_after_submit (Sales Invoice, Quotation): the
	Xero fields keep their stored values (none on a new document), whatever the request
	sent."""
	fields = APP_WRITTEN_FIELDS.get(doc.doctype)
	if not fields:
		return
	stored = None
	if not doc.is_new():
		# Frappe already read the stored document for its own "modified since" check (no
		# query of ours on every save and submit); read it only where it did not
		stored = doc.get_doc_before_save() or frappe.db.get_value(doc.doctype, doc.name, fields, as_dict=True)
	for field in fields:
		value = stored.get(field) if stored else None
		if doc.get(field) != value:
			doc.set(field, value)


def before_submit(doc, method=None):
	"""doc_events Sales Invoice before_submit: when on_submit will queue the push, mark
	the invoice Queued now, so the submit's own UPDATE writes xero_sync_status (no
	query of ours). A pre-flight problem found in on_submit turns it to Failed."""
	if sends_on_submit(connection_of(doc), doc):
		doc.set("xero_sync_status", SYNC_QUEUED)
		doc.flags.xero_status_queued = True


def on_submit(doc, method=None):
	"""doc_events Sales Invoice on_submit: pre-flight, then queue the push (returns
	become credit notes and are allocated by the same job)."""
	s = connection_of(doc)
	if not sends_on_submit(s, doc):
		return
	send(doc, s)


def send(doc, s) -> None:
	"""Pre-flight ``doc``, then queue its push (on submit, or when its workflow reached a
	state the connection sends on). A problem is shown and logged; with Block Submit on
	Pre-flight Problems it refuses the submit (or the workflow action)."""
	problems = preflight_problems(doc.name, doc)
	if problems:
		message = problems_message(problems)
		if s.block_submit_on_preflight:
			frappe.throw(message, PreflightFailed, title=_("Xero would reject this invoice"))
		ledger.record_preflight(doc.name, problems, doc.doctype)
		doc.set("xero_sync_status", SYNC_FAILED)  # as the ledger wrote it (before_submit set Queued)
		frappe.msgprint(message, title=_("Not sent to Xero"), indicator="orange")
		return
	# before_submit wrote the Queued status in the submit's own UPDATE (when it ran)
	enqueue_sync(
		doc.name,
		OP_PUSH,
		company=doc.company,
		status_written=bool(doc.flags.xero_status_queued),
		wait_for_round=s.sync_trigger == TRIGGER_IN_ROUNDS and doc.doctype != PURCHASE_INVOICE,
		doctype=doc.doctype,
	)


def before_cancel(doc, method=None):
	"""doc_events before_cancel: refuse when Xero shows payments or credit (from the
	stored status; no network call). Xero will not void such an invoice."""
	if not doc.get("xero_invoice_id"):
		return
	state = _state(doc)
	paid = flt(doc.get("xero_amount_paid"))
	credited = flt(state.amount_credited) if state and state.amount_credited is not None else 0
	blocked = void_blocked_by(paid, credited, doc.get("xero_status"))
	if blocked:
		what = []
		if "payments" in blocked:
			what.append(
				_("payments of {0}").format(
					frappe.format(paid, {"fieldtype": "Currency", "options": doc.currency})
				)
			)
		if "credit" in blocked:
			what.append(
				_("credit notes of {0}").format(
					frappe.format(credited, {"fieldtype": "Currency", "options": doc.currency})
				)
			)
		frappe.throw(
			_(
				"{0} cannot be cancelled: its Xero invoice has {1}. Xero does not void an invoice with payments or credit: remove them in Xero first, then pull payments (Xero Settings) and cancel again."
			).format(frappe.bold(doc.name), _(" and ").join(what)),
			XeroHasPayments,
			title=_("Paid in Xero"),
		)


def on_cancel(doc, method=None):
	"""doc_events on_cancel: queue the void (or delete) of the Xero document. When the
	company's connection is missing or disabled, the Xero document stays as it is: a Failed
	void row and a message say so, and how to void it."""
	s = connection_of(doc)
	if not s or not s.enabled:
		if doc.get("xero_invoice_id"):
			_not_voided(doc, s)
		return
	if doc.get("xero_invoice_id") or (s.sync_trigger != TRIGGER_MANUAL and _has_log(doc)):
		enqueue_sync(doc.name, OP_VOID, company=doc.company, doctype=doc.doctype)


def _not_voided(doc, connection) -> None:
	if connection is None:
		cause = _(
			"{0} was cancelled in ERPNext, but its Xero document was not voided: company {1} has no Xero connection."
		).format(doc.name, doc.company)
	else:
		cause = _(
			"{0} was cancelled in ERPNext, but its Xero document was not voided: the Xero connection of company {1} is disabled."
		).format(doc.name, doc.company)
	fix = _("Void the invoice in Xero yourself, or enable the company's Xero Connection and Resend this row.")
	ledger.record_not_voided(doc.name, cause, fix, doc.doctype)
	frappe.msgprint(f"{cause} {fix}", title=_("Not voided in Xero"), indicator="orange")


def on_update_after_submit(doc, method=None):
	"""doc_events on_update_after_submit: queue an update when a field Xero shows changed;
	with Send Invoices "On Workflow State", send the invoice when its workflow reaches one of
	the connection's states (an approval after the submit)."""
	s = connection_of(doc)
	if not s or not s.enabled:
		return
	if not doc.get("xero_invoice_id"):
		if (
			s.sync_trigger == TRIGGER_ON_WORKFLOW_STATE
			and doc.has_value_changed("workflow_state")
			and reached_a_sending_state(s, doc)
		):
			send(doc, s)
		return
	if any(doc.has_value_changed(field) for field in FIELDS_SYNCED_AFTER_SUBMIT):
		enqueue_sync(doc.name, OP_UPDATE, company=doc.company, doctype=doc.doctype)


def purchase_order_changed(doc, method=None):
	"""doc_events Purchase Order on_change (also after ERPNext's Close, Complete and Update
	Items, which write through db_set): queue an update of its Xero purchase order when it is
	in Xero; the engine sends what changed, and BILLED once the order is Closed or Completed."""
	if doc.docstatus != 1 or not doc.get("xero_invoice_id"):
		return
	s = connection_of(doc)
	if not s or not s.enabled:
		return
	if doc.has_value_changed("status") or doc.has_value_changed("modified"):
		enqueue_sync(doc.name, OP_UPDATE, company=doc.company, doctype=doc.doctype)


# -- pre-flight ---------------------------------------------------------------------------------


def preflight_problems(name: str, doc) -> list:
	"""Every reason Xero would refuse this document (a Sales or Purchase Invoice, or its
	as_dict), found locally (no Xero call).

	Called by on_submit and by api.send_to_xero."""
	from xero_connector.engine.preflight import preflight
	from xero_connector.engine.preflight_bill import preflight_bill
	from xero_connector.engine.preflight_purchase_order import preflight_purchase_order
	from xero_connector.engine.rules import is_purchase, is_purchase_order
	from xero_connector.xero_connector.sync.host import FrappeHost
	from xero_connector.xero_connector.sync.masters import plain

	data = plain(doc.as_dict() if isinstance(doc, Document) else doc)  # JSON-safe values
	host = FrappeHost.for_company(data.get("company"), commit=False, doctype=data.get("doctype"))
	check = preflight
	if is_purchase(data):
		check = preflight_bill
	elif is_purchase_order(data):
		check = preflight_purchase_order
	return list(check(data, host.mapping_context(data)))


def problems_message(problems: list) -> str:
	"""An HTML list naming the document, row, field and the fix for each problem."""
	rows = []
	for p in problems:
		where = _("Row {0}").format(p.row) if getattr(p, "row", None) else ""
		field = p.field if getattr(p, "value", None) in (None, "") else f"{p.field} = {p.value}"
		rows.append(
			"<li>{where}{sep}<b>{field}</b>: {message} <i>{fix_label}</i> {fix}</li>".format(
				where=frappe.utils.escape_html(where),
				sep=", " if where else "",
				field=frappe.utils.escape_html(field),
				message=frappe.utils.escape_html(p.message),
				fix_label=_("Fix:"),
				fix=frappe.utils.escape_html(p.fix),
			)
		)
	head = _("{0} was not sent to Xero because Xero would reject it:").format(
		frappe.bold(problems[0].document or "")
	)
	return f"{head}<ul>{''.join(rows)}</ul>"


def _state(doc):
	raw = doc.get("xero_sync_state")
	if not raw:
		return None
	import json

	from xero_connector.engine.host import SyncState

	return SyncState.from_dict(json.loads(raw))


def _has_log(doc) -> bool:
	return bool(frappe.db.exists(SYNC_LOG, {"reference_doctype": doc.doctype, "reference_name": doc.name}))


# -- dashboard ------------------------------------------------------------------------------------


def sales_invoice_dashboard(data):
	"""hooks.override_doctype_dashboards: show Xero Sync Log in the Connections tab."""
	data = data or {}
	data.setdefault("non_standard_fieldnames", {})["Xero Sync Log"] = "reference_name"
	transactions = data.setdefault("transactions", [])
	transactions.append({"label": _("Xero"), "items": ["Xero Sync Log"]})
	return data
