"""The Xero Sync Log: the integration's ledger, written here and nowhere else.

Every attempt to make Xero match an ERPNext document (and every payment pull) is one
row. A row is born Queued when the work is queued (:func:`queue`: submit, cancel,
resend, webhook, the sweep), and the job completes it with the engine's outcome
(:func:`record`); pre-flight problems found on submit are a Failed row of their own
(:func:`record_preflight`). Each write also keeps ``Sales Invoice.xero_sync_status``
(the list filter and number cards) in step with the invoice's newest row.

Callers: jobs.py (enqueue), host.FrappeHost (engine results), events.py and api.py
(pre-flight), tasks.py (the sweep), webhook.py. Redaction of what a row stores is the
doctype's own ``validate`` (XeroSyncLog), so it holds for every write below.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import (
	CONNECTION,
	INVOICE_OPERATIONS,
	KIND_PERMANENT,
	KIND_PREFLIGHT,
	OP_PUSH,
	OP_VOID,
	SETTINGS,
	STATUS_FAILED,
	STATUS_QUEUED,
	STATUS_SKIPPED,
	STATUS_SUCCESS,
	SYNC_FAILED,
	SYNC_LOG,
	SYNC_QUEUED,
	SYNC_SKIPPED,
	SYNC_SYNCED,
)

SALES_INVOICE = "Sales Invoice"
PURCHASE_INVOICE = "Purchase Invoice"
PURCHASE_ORDER = "Purchase Order"
# the documents the sync sends (jobs, resend, the sweep) and whose xero_sync_status follows their
# newest row (list filter, number cards): invoices, and on the buying side bills and orders
INVOICE_DOCTYPES = (SALES_INVOICE, PURCHASE_INVOICE, PURCHASE_ORDER)
ERROR_KINDS = ("transient", "permanent", "needs_reauthorisation", "rate_limited", "preflight")
# Which log operations a queued job of each kind turns into (see record)
JOB_OPERATIONS = {
	"push": ("push", "update"),
	"update": ("push", "update"),
	"void": ("void", "delete", "push"),
	"allocate": ("allocate",),
	"pull": ("pull",),
}
# how the customer's Xero contact was found, as the Sync Log's "Contact Matched By" says it
CONTACT_RULES = {
	"stored": "Link kept from an earlier sync",
	"account_number": "Billing account code (Xero AccountNumber)",
	"name": "Same name",
	"created": "Created in Xero",
}


def company_of(reference_doctype: str | None, reference_name: str | None) -> str | None:
	"""The company a row is about: the document's, or the connection's for a pull (None for
	a document that no longer exists). Every row has one, so User Permissions on Company
	decide who sees it."""
	if not reference_doctype or not reference_name:
		return None
	if reference_doctype == CONNECTION:
		return frappe.db.get_value(CONNECTION, reference_name, "company")
	if reference_doctype == SETTINGS or not frappe.get_meta(reference_doctype).has_field("company"):
		return None
	return frappe.db.get_value(reference_doctype, reference_name, "company")


def queue(
	name: str,
	operation: str,
	reference_doctype: str = SALES_INVOICE,
	*,
	company: str | None = None,
	note: str | None = None,
	status_written: bool = False,
) -> str:
	"""The Queued row for (document, operation): the newest one still Queued, or a new
	one. ``note`` (e.g. what a webhook said changed) goes into its Xero Messages;
	``company``: the document's (read from it when not given).

	Called in every submit (through jobs.enqueue_sync, which passes the company), so it
	costs two queries: one read of the document's rows for this operation (the newest
	Queued one, and the attempt count) and one INSERT through ``Document.db_insert`` (a
	Queued row has nothing to redact or validate, so the controller's hooks are skipped)."""
	rows = frappe.db.sql(
		f"SELECT `name`, `status` FROM `tab{SYNC_LOG}`"
		" WHERE `reference_name`=%s AND `operation`=%s ORDER BY `modified` DESC",
		(name, operation),
	)
	log = next((row_name for row_name, status in rows if status == STATUS_QUEUED), None)
	if log:
		if note:
			frappe.db.set_value(SYNC_LOG, log, "xero_messages", note, update_modified=False)
		return log
	doc = frappe.get_doc(
		{
			"doctype": SYNC_LOG,
			"reference_doctype": reference_doctype,
			"reference_name": name,
			"company": company or company_of(reference_doctype, name),
			"operation": operation,
			"status": STATUS_QUEUED,
			"attempt": len(rows) + 1,
			"error_kind": "",  # as a new Document has it (the Select's first, empty option)
			"xero_messages": note,
		}
	)
	doc.db_insert()  # names it (hash autoname, retried on a collision), owner and timestamps
	frappe.publish_realtime(
		"list_update", {"doctype": SYNC_LOG, "name": doc.name, "user": frappe.session.user}, after_commit=True
	)
	if reference_doctype in INVOICE_DOCTYPES and not status_written:
		set_invoice_status(name, operation, STATUS_QUEUED, reference_doctype)
	return doc.name


def record(values: dict, *, queued: str | None = None) -> tuple[str, bool]:
	"""Write one attempt's outcome (:func:`entry_values` of an engine LogEntry, plus the
	job's tenant and id). It completes ``queued`` when that row is still Queued for the
	same document and a matching operation, else it is a new row. Returns the row's
	name and whether ``queued`` was completed."""
	completes = queued is not None and _completes(queued, values)
	if not values.get("company"):
		values = {
			**values,
			"company": company_of(values.get("reference_doctype"), values.get("reference_name")),
		}
	if completes:
		doc = frappe.get_doc(SYNC_LOG, queued)
		doc.update(values)
	else:
		doc = frappe.get_doc({"doctype": SYNC_LOG, **values})
	doc.flags.ignore_permissions = True
	doc.flags.ignore_links = True  # the ledger records what happened, deleted documents too
	doc.save() if completes else doc.insert()
	if values.get("reference_doctype") in (None, "", *INVOICE_DOCTYPES):
		set_invoice_status(
			values["reference_name"],
			values["operation"],
			values["status"],
			values.get("reference_doctype") or SALES_INVOICE,
		)
	return doc.name, completes


def record_not_voided(name: str, cause: str, resolution: str, doctype: str = SALES_INVOICE) -> str:
	"""One Failed void row for a cancelled invoice whose Xero document this site will
	not void (its company's connection is missing or disabled): the Xero copy stays as it
	was, and the row says so, with the way to void it. Called by events.on_cancel."""
	attempt = frappe.db.count(SYNC_LOG, {"reference_name": name, "operation": OP_VOID}) + 1
	log, _ = record(
		{
			"reference_doctype": doctype,
			"reference_name": name,
			"operation": OP_VOID,
			"status": STATUS_FAILED,
			"error_kind": KIND_PERMANENT,
			"attempt": attempt,
			"cause": cause,
			"resolution": resolution,
			"xero_messages": None,
		}
	)
	return log


def record_preflight(name: str, problems: list, doctype: str = SALES_INVOICE) -> str:
	"""One Failed push row listing the pre-flight problems of invoice ``name``
	(part of the submit's transaction). Called by events.before_submit and
	api.check_invoice."""
	attempt = frappe.db.count(SYNC_LOG, {"reference_name": name, "operation": OP_PUSH}) + 1
	log, _ = record(
		{
			"reference_doctype": doctype,
			"reference_name": name,
			"operation": OP_PUSH,
			"status": STATUS_FAILED,
			"error_kind": KIND_PREFLIGHT,
			"attempt": attempt,
			"cause": "\n".join(str(p) for p in problems),
			"resolution": "\n".join(dict.fromkeys(p.fix for p in problems)),
			"xero_messages": None,
		}
	)
	return log


def close_queued(log: str, cause: str, *, status: str = STATUS_SKIPPED, job_id: str | None = None) -> bool:
	"""End a row that is still Queued without an engine outcome (the job found nothing
	to do; the invoice was deleted). Returns whether it was still Queued."""
	if frappe.db.get_value(SYNC_LOG, log, "status") != STATUS_QUEUED:
		return False
	values = {"status": status, "cause": cause}
	if job_id:
		values["job_id"] = job_id
	frappe.db.set_value(SYNC_LOG, log, values)
	return True


def touch(log: str) -> None:
	"""Mark a Queued row as just queued again (the sweep), without another attempt."""
	frappe.db.set_value(SYNC_LOG, log, "modified", frappe.utils.now_datetime(), update_modified=False)


def set_invoice_status(name: str, operation: str, status: str, doctype: str = SALES_INVOICE) -> None:
	"""Keep the invoice's xero_sync_status (list filter, number cards) in step with the newest
	log row of an invoice operation."""
	# no existence check: an UPDATE of a missing name changes nothing (one query less per submit)
	if operation not in INVOICE_OPERATIONS or not name:
		return
	if status == STATUS_SUCCESS:
		value = SYNC_SYNCED
	elif status == STATUS_FAILED:
		value = SYNC_FAILED
	elif status == STATUS_QUEUED:
		value = SYNC_QUEUED
	else:
		value = SYNC_SYNCED if frappe.db.get_value(doctype, name, "xero_invoice_id") else SYNC_SKIPPED
	frappe.db.set_value(doctype, name, "xero_sync_status", value, update_modified=False)


def entry_values(entry) -> dict:
	"""Xero Sync Log field values for an engine ``LogEntry``."""
	ids = [i for i in entry.xero_ids if i]
	kind = entry.error_kind or {"Failed": "permanent", "Queued": "transient"}.get(entry.status)
	doctype = entry.reference_doctype or SALES_INVOICE
	return {
		"reference_doctype": doctype,
		# a Dynamic Link to a Single holds the doctype's name (the engine names the resource)
		"reference_name": SETTINGS if doctype == SETTINGS else entry.reference_name,
		"operation": entry.operation,
		"status": entry.status,
		"attempt": entry.attempt,
		"idempotency_key": entry.idempotency_key,
		"xero_id": ids[0] if ids else None,
		"xero_contact_id": ids[1] if len(ids) > 1 else None,
		"request": entry.request,
		"response": entry.response,
		"xero_messages": "\n".join(entry.messages) or None,
		"cause": entry.cause,
		"resolution": entry.resolution,
		"error_kind": kind if entry.status != "Success" and kind in ERROR_KINDS else None,
		"http_status": entry.http_status or None,
		"contact_rule": CONTACT_RULES.get(entry.contact_rule or "", entry.contact_rule),
	}


def _completes(queued: str, values: dict) -> bool:
	row = frappe.db.get_value(SYNC_LOG, queued, ["reference_name", "operation", "status"], as_dict=True)
	if not row or row.status != STATUS_QUEUED or row.reference_name != values.get("reference_name"):
		return False
	return values.get("operation") in JOB_OPERATIONS.get(row.operation, (row.operation,))
