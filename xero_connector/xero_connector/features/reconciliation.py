"""Server side of the "Xero Reconciliation" Script Report: ERPNext's Sales Invoices of a
company and period against Xero's (engine/reconcile.py), and the report's Resend and
Link actions.

Xero is read in pages of 1,000: every sales invoice and credit note dated in the
period (a ``where`` clause, so documents raised directly in Xero appear), then, by
``InvoiceNumbers`` / ``CreditNoteNumber`` in chunks, the ERPNext documents not found
that way (e.g. redated in Xero) — never one call per invoice.
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.engine.rules import customer_owes
from xero_connector.exceptions import XeroConnectorError, shows_xero_errors
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.permissions import require_manager

SALES_INVOICE = "Sales Invoice"
NUMBER_CHUNK = 40  # numbers per InvoiceNumbers filter / where clause (keeps the URL short)
PAGE = 1000
LINK_WAIT_SECONDS = 30  # a push of the invoice holding its lock takes a few seconds
LINK_LEASE_SECONDS = 120


class NothingToLink(XeroConnectorError):
	"""Link asked for a document Xero has no (undeleted) copy of, or whose copy is linked elsewhere."""


def erpnext_rows(company: str, from_date: str, to_date: str) -> list[dict]:
	"""Submitted Sales Invoices of the period, and cancelled ones that reached Xero."""
	rows = frappe.get_all(
		SALES_INVOICE,
		filters={
			"company": company,
			"posting_date": ("between", [from_date, to_date]),
			"docstatus": ("in", (1, 2)),
		},
		fields=[
			"name",
			"is_return",
			"docstatus",
			"customer",
			"posting_date",
			"currency",
			"grand_total",
			"rounded_total",
			"disable_rounded_total",
			"outstanding_amount",
			"xero_invoice_id",
			"xero_amount_due",
		],
		order_by="name asc",
		limit=0,
	)
	# ERPNext's own outstanding, always: a payment or a return that ERPNext and Xero see
	# differently is exactly what this report is for (the amount due last pulled from Xero
	# would hide it whenever Payment Entries from Xero are off).
	out = []
	for row in rows:
		if row.docstatus == 2 and not row.xero_invoice_id:
			continue
		total = customer_owes(row)
		out.append(
			{
				"name": row.name,
				"is_return": row.is_return,
				"docstatus": row.docstatus,
				"customer": row.customer,
				"posting_date": str(row.posting_date),
				"currency": row.currency,
				"total": str(total),
				"outstanding": str(row.outstanding_amount),
				"xero_id": row.xero_invoice_id,
			}
		)
	return out


def xero_documents(client, erpnext: list[dict], from_date: str, to_date: str) -> list:
	"""Xero's sales invoices and credit notes of the period, plus ERPNext's numbers not among them."""
	from xero_connector.engine.reconcile import XeroDoc, where_period
	from xero_connector.engine.xero_adapter import any_of

	docs = [
		XeroDoc.from_element(e, "invoice")
		for e in client.iter_invoices(where=where_period("invoice", from_date, to_date), page_size=PAGE)
	]
	docs += [
		XeroDoc.from_element(e, "credit_note")
		for e in client.iter_credit_notes(
			where=where_period("credit_note", from_date, to_date), page_size=PAGE
		)
	]
	seen = {(d.kind, d.number) for d in docs} | {("id", d.xero_id) for d in docs}
	missing = {"invoice": [], "credit_note": []}
	for row in erpnext:
		kind = "credit_note" if row["is_return"] else "invoice"
		if (kind, row["name"]) not in seen and ("id", row.get("xero_id")) not in seen:
			missing[kind].append(row["name"])
	for start in range(0, len(missing["invoice"]), NUMBER_CHUNK):
		part = missing["invoice"][start : start + NUMBER_CHUNK]
		docs += [
			XeroDoc.from_element(e, "invoice")
			for e in client.iter_invoices(invoice_numbers=part, page_size=PAGE)
		]
	for start in range(0, len(missing["credit_note"]), NUMBER_CHUNK):
		part = missing["credit_note"][start : start + NUMBER_CHUNK]
		docs += [
			XeroDoc.from_element(e, "credit_note")
			for e in client.iter_credit_notes(where=any_of("CreditNoteNumber", part), page_size=PAGE)
		]
	unique = {}
	for doc in docs:
		unique.setdefault(doc.xero_id, doc)
	return list(unique.values())


def reconcile_period(company: str, from_date: str, to_date: str) -> list[dict]:
	"""The report's rows (engine.reconcile.Row as dicts)."""
	from xero_connector.engine.reconcile import reconcile
	from xero_connector.xero_connector.connection.sync_session import open_client

	erpnext = erpnext_rows(company, from_date, to_date)
	with open_client(registry.require(company), "reconciliation") as client:
		xero = xero_documents(client, erpnext, str(from_date), str(to_date))
	return [row.as_dict() for row in reconcile(erpnext, xero)]


# -- actions from the report ------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def resend(name: str) -> dict:
	"""Resend: queue the push of one Sales Invoice (as the Sync Log's Resend does)."""
	from xero_connector.constants import OP_PUSH
	from xero_connector.xero_connector.jobs import enqueue_sync

	require_manager()
	frappe.has_permission(SALES_INVOICE, "read", name, throw=True)
	if frappe.db.get_value(SALES_INVOICE, name, "docstatus") != 1:
		frappe.throw(_("Only a submitted Sales Invoice can be sent to Xero."), XeroConnectorError)
	return {"queued_log": enqueue_sync(name, OP_PUSH)}


@frappe.whitelist(methods=["POST"])
@shows_xero_errors
def link(name: str) -> dict:
	"""Link: attach the Xero invoice (credit note, for a return) carrying this document's
	number to it, as if the connector had created it. Refused when Xero has none, or when
	that Xero document is already linked to another Sales Invoice.

	Holds the document's lock (the one a push job holds) and commits before letting go,
	so a push of the same invoice queued a moment earlier runs before or after it, never
	interleaved with it (two writers of one invoice row deadlock in MariaDB)."""
	from xero_connector.xero.locks import LockTimeout
	from xero_connector.xero_connector.connection.redis_backends import RedisLock
	from xero_connector.xero_connector.connection.sync_session import document_lock

	require_manager()
	frappe.has_permission(SALES_INVOICE, "write", name, throw=True)
	try:
		with RedisLock(lease_seconds=LINK_LEASE_SECONDS).hold(document_lock(name), timeout=LINK_WAIT_SECONDS):
			# a fresh transaction (when this one wrote nothing yet, as in a request): what a push
			# job committed while we waited for the lock is seen, and MariaDB's snapshot
			# isolation (11.6+, Frappe 16's) does not refuse our write of a row the job changed
			# after this request first read it (error 1020)
			if not frappe.db.transaction_writes:
				frappe.db.rollback()
			linked = _link(name)
			frappe.db.commit()
			return linked
	except LockTimeout:
		frappe.throw(
			_("{0} is being sent to Xero right now. Try Link again in a minute.").format(name),
			XeroConnectorError,
			title=_("Sending to Xero"),
		)


def _link(name: str) -> dict:
	from xero_connector.engine.host import LogEntry
	from xero_connector.engine.records import state_from_element
	from xero_connector.engine.xero_adapter import any_of
	from xero_connector.xero_connector.connection.sync_session import open_client
	from xero_connector.xero_connector.sync.host import FrappeHost

	is_return = frappe.db.get_value(SALES_INVOICE, name, "is_return")
	kind = "credit_note" if is_return else "invoice"
	host = FrappeHost.for_invoice(name, commit=False)
	# the organisation guard: never link another organisation's document
	with open_client(host.connection, "reconciliation") as client:
		if kind == "invoice":
			found = client.list_invoices(invoice_numbers=[name])
		else:
			found = client.list_credit_notes(where=any_of("CreditNoteNumber", [name]))
	found = [e for e in found if e.get("Status") != "DELETED"]
	if not found:
		frappe.throw(
			_("Xero has no {0} numbered {1}.").format(_(kind.replace("_", " ")), name), NothingToLink
		)
	element = found[0]
	xero_id = element.get("InvoiceID") or element.get("CreditNoteID")
	other = host.find_by_xero_id(xero_id)
	if other and other != name:
		frappe.throw(
			_("That Xero document is already linked to {0}.").format(
				frappe.get_desk_link(SALES_INVOICE, other)
			),
			NothingToLink,
		)
	state = state_from_element(element, kind, host.get_state(name))
	host.save_state(name, state)
	host.write_log(
		LogEntry(
			reference_doctype=SALES_INVOICE,
			reference_name=name,
			operation="push",
			status="Success",
			attempt=host.count_attempts(name, "push") + 1,
			xero_ids=[xero_id],
			messages=[
				f"Linked to the existing Xero {kind.replace('_', ' ')} {name} ({xero_id}) from the reconciliation report."
			],
		)
	)
	return {"xero_id": xero_id, "xero_status": state.xero_status, "xero_total": str(state.total)}
