"""Quotations as Xero Quotes (optional: Xero Settings "Send Submitted Quotations as
Xero Quotes").

On submit (to a Customer) a job is queued after the commit; it maps the Quotation
with the invoice mapping rules, resolves the customer's contact like the invoice
push does, and creates or updates the Xero quote with the Quotation's name as
QuoteNumber (:mod:`xero_connector.engine.quotes`). Cancelling deletes the quote.
The QuoteID and status are kept on the Quotation; each attempt writes a Xero Sync
Log row. The organisation guard applies as for invoices.

Called by hooks.doc_events (Quotation on_submit / on_cancel) and the RQ worker.
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.constants import JOB_TIMEOUT, QUEUE
from xero_connector.engine.host import LogEntry
from xero_connector.xero_connector.connection import registry

QUOTATION = "Quotation"
JOB = "xero-quote::{name}"
METHOD = "xero_connector.xero_connector.jobs.sync_quotation"  # the queue's door (jobs.py)


def enabled(company: str | None) -> bool:
	"""The company's connection sends Quotations (Xero Settings: Push Quotations)."""
	connection = registry.for_company(company)
	return bool(connection and connection.enabled and connection.get("push_quotations"))


def on_submit(doc, method=None):
	"""doc_events Quotation on_submit: queue the push after the commit."""
	if enabled(doc.company) and doc.quotation_to == "Customer":
		enqueue(doc.name)


def on_cancel(doc, method=None):
	"""doc_events Quotation on_cancel: queue deleting its Xero quote."""
	if enabled(doc.company) and doc.get("xero_quote_id"):
		enqueue(doc.name)


def enqueue(name: str) -> None:
	frappe.enqueue(
		METHOD,
		queue=QUEUE,
		timeout=JOB_TIMEOUT,
		enqueue_after_commit=True,
		job_id=JOB.format(name=name),
		deduplicate=True,
		name=name,
	)


def sync_quotation(name: str) -> dict:
	"""RQ job: make Xero's quote match the Quotation (create, update or delete)."""
	from xero_connector.xero_connector.sync.host import FrappeHost

	host = FrappeHost.for_company(frappe.db.get_value(QUOTATION, name, "company"), commit=True)
	try:
		return _sync(host, name)
	except Exception as exc:
		frappe.db.rollback()
		from xero_connector.exceptions import describe

		described = describe(exc)
		_log(host, name, "push", "Failed", described.cause, described.resolution, described.messages)
		frappe.db.commit()
		return {"status": "Failed", "reason": described.cause}


def _sync(host, name: str) -> dict:
	from xero_connector.engine import quotes
	from xero_connector.engine.contacts import customer_key, resolve_contacts
	from xero_connector.engine.keys import idempotency_key, payload_hash
	from xero_connector.engine.problems import MappingError
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.sync.host import as_plain_dict

	with open_engine(host, "quotation") as (engine, client):
		quotation = frappe.get_doc(QUOTATION, name)
		if quotation.docstatus == 2:
			return _delete(host, client, quotation)
		doc = as_plain_dict(quotation)
		customer = doc.get("party_name")
		ctx = engine.context(quotes.quotation_as_invoice(doc))
		resolved = resolve_contacts(engine, {customer: customer_key(customer, ctx)})[customer]
		if not resolved.ok:
			reason = _("No Xero contact for customer {0}: {1}").format(
				customer, resolved.cause or "; ".join(resolved.messages)
			)
			_log(host, name, "push", "Failed", reason, resolved.resolution, resolved.messages)
			return {"status": "Failed", "reason": reason}
		try:
			payload = quotes.quote_payload(doc, ctx, resolved.contact_id)
		except MappingError as error:
			messages = [str(p) for p in error.problems]
			_log(host, name, "push", "Failed", "; ".join(p.message for p in error.problems), None, messages)
			return {"status": "Failed", "reason": messages}
		plan = quotes.plan_quote(quotes.find_quotes(client, name))
		if plan.action == "skip":
			_save(name, plan.quote_id, plan.status)
			_log(host, name, "push", "Skipped", plan.reason, None, [])
			return {"status": "Skipped", "reason": plan.reason}
		key = idempotency_key(host.site_id, name, "quote", payload_hash(payload))
		element = quotes.send_quote(client, payload, plan, key)
		errors = [e.get("Message") for e in element.get("ValidationErrors") or [] if e.get("Message")]
		if errors or not element.get("QuoteID"):
			_log(
				host, name, "push", "Failed", "; ".join(errors) or _("Xero returned no QuoteID"), None, errors
			)
			return {"status": "Failed", "reason": errors}
		_save(name, element["QuoteID"], element.get("Status"))
		_log(
			host,
			name,
			"push",
			"Success",
			_("Xero quote {0} {1}").format(
				element.get("QuoteNumber"), _("updated") if plan.action == "update" else _("created")
			),
			None,
			[],
			xero_id=element["QuoteID"],
		)
		return {"status": "Success", "quote_id": element["QuoteID"], "action": plan.action}


def _delete(host, client, quotation) -> dict:
	from xero_connector.engine import quotes

	if not quotation.get("xero_quote_id"):
		return {"status": "Skipped"}
	plan = quotes.QuotePlan("update", quotation.xero_quote_id)
	element = quotes.send_quote(
		client,
		{"QuoteNumber": quotation.name, "Status": "DELETED"},
		plan,
		f"{host.site_id}:{quotation.name}:quote:delete",
	)
	errors = [e.get("Message") for e in element.get("ValidationErrors") or [] if e.get("Message")]
	if errors:
		_log(
			host,
			quotation.name,
			"void",
			"Failed",
			"; ".join(errors),
			_("Delete or decline the quote in Xero."),
			errors,
		)
		return {"status": "Failed", "reason": errors}
	_save(quotation.name, quotation.xero_quote_id, element.get("Status"))
	_log(
		host,
		quotation.name,
		"void",
		"Success",
		_("Xero quote deleted"),
		None,
		[],
		xero_id=quotation.xero_quote_id,
	)
	return {"status": "Success", "action": "delete"}


def _save(name: str, quote_id: str | None, status: str | None) -> None:
	frappe.db.set_value(
		QUOTATION, name, {"xero_quote_id": quote_id, "xero_quote_status": status}, update_modified=False
	)
	frappe.db.commit()


def _log(host, name, operation, status, cause, resolution, messages, xero_id=None) -> None:
	host.write_log(
		LogEntry(
			reference_doctype=QUOTATION,
			reference_name=name,
			operation=operation,
			status=status,
			attempt=host.count_attempts(name, operation) + 1,
			xero_ids=[xero_id] if xero_id else [],
			messages=[str(m) for m in messages or []] or ([cause] if cause else []),
			cause=cause if status != "Success" else None,
			resolution=resolution,
		)
	)
