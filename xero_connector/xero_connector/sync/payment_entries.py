"""Payment Entries from Xero payments (optional, off by default: Xero Settings
"Create Payment Entries from Xero Payments").

After the payment pull, ``GET /Payments`` since the Payments watermark; the core
(:mod:`xero_connector.engine.payments`) turns each payment into an intent and this
module makes it real: a submitted Payment Entry against the Sales Invoice, or (issue 16) of
type Pay against the Purchase Invoice of a bill's payment (part payments and foreign currency
included: ``source_exchange_rate`` from Xero's rate,
ERPNext posts the exchange gain or loss to the company's account), keyed on the
Payment Entry's unique ``xero_payment_id`` so a payment is never entered twice; a
payment deleted in Xero cancels its entry. Each entry made, cancelled or refused
writes a Xero Sync Log row on the invoice. The watermark never passes a payment
that failed, so it is tried again once the cause is fixed.

Called by jobs.pull_payments (after the invoices' status pull) and by tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import flt, today

from xero_connector.engine.host import LogEntry
from xero_connector.engine.payments import (
	RESOURCE,
	BankMapping,
	PaymentIntent,
	fetch_payments,
	next_watermark,
	plan_payments,
)
from xero_connector.xero_connector.connection import registry

PAYMENT_ENTRY = "Payment Entry"
SALES_INVOICE = "Sales Invoice"
PURCHASE_INVOICE = "Purchase Invoice"


@dataclass
class PaymentEntryReport:
	"""What one run did, by Xero PaymentID."""

	created: dict[str, str] = field(default_factory=dict)  # PaymentID → Payment Entry
	cancelled: dict[str, str] = field(default_factory=dict)
	already: list[str] = field(default_factory=list)  # entered before (never twice)
	skipped: dict[str, str] = field(default_factory=dict)  # PaymentID → reason
	reconciled: dict[str, str] = field(default_factory=dict)  # return → original it was matched to
	failed: dict[str, str] = field(default_factory=dict)  # PaymentID → reason


def enabled(connection) -> bool:
	return bool(connection.get("create_payment_entries"))


def bank_mappings(connection) -> list[BankMapping]:
	rows = frappe.get_all(
		"Xero Bank Account Mapping",
		filters={"parent": connection.name, "parenttype": connection.doctype},
		fields=["xero_account_code", "xero_account_id", "account", "mode_of_payment"],
		order_by="idx asc",
	)
	return [
		BankMapping(
			account=r.account,
			xero_account_id=(r.xero_account_id or "").strip() or None,
			xero_account_code=(r.xero_account_code or "").strip() or None,
			mode_of_payment=r.mode_of_payment or None,
		)
		for r in rows
	]


def pull_if_enabled(engine) -> PaymentEntryReport | None:
	"""jobs.pull_payments' hook: run when the setting is on (the engine's port gives the client)."""
	if not enabled(engine.host.connection):
		return None
	return pull_payment_entries(engine.port.client, engine.host)


def pull_payment_entries(client, host=None) -> PaymentEntryReport:
	"""Read the payments changed since the watermark and make the Payment Entries match."""
	from xero_connector.xero_connector.sync.host import FrappeHost

	host = host or FrappeHost(registry.for_tenant(client.tenant_id), commit=True)
	tenant = client.tenant_id
	watermark = host.get_watermark(tenant, RESOURCE)
	payments = fetch_payments(client, watermark)
	base_currency = host.connection.base_currency or ""
	intents = plan_payments(payments, host.find_by_xero_id, bank_mappings(host.connection), base_currency)
	report = PaymentEntryReport()
	report.reconciled = reconcile_allocated_returns()
	done, failed = [], []
	for intent in intents:
		ok = _apply(intent, report, host)
		(done if ok else failed).append(intent.updated)
	mark = next_watermark(watermark, done, failed)
	if mark is not None and mark != watermark:
		host.set_watermark(tenant, RESOURCE, mark)
	frappe.db.commit()
	return report


def _apply(intent: PaymentIntent, report: PaymentEntryReport, host) -> bool:
	"""Make one intent real; False when it failed (the watermark then stops before it)."""
	if intent.action == "skip":
		if intent.failed and _existing(intent.payment_id):
			report.already.append(intent.payment_id)  # entered before: the read overlaps a second
			return True
		if intent.failed:
			report.failed[intent.payment_id] = intent.reason
			_log(host, intent, "Failed", intent.reason)
			return False
		report.skipped[intent.payment_id] = intent.reason
		return True
	frappe.db.savepoint("xero_payment_entry")
	try:
		if intent.action == "create":
			_create(intent, report, host)
		elif intent.action == "cancel":
			_cancel(intent, report, host)
	except Exception as exc:
		frappe.db.rollback(save_point="xero_payment_entry")
		reason = _error_text(exc)
		report.failed[intent.payment_id] = reason
		_log(host, intent, "Failed", reason)
		frappe.clear_messages()
		return False
	return True


def _existing(payment_id: str) -> dict | None:
	return frappe.db.get_value(
		PAYMENT_ENTRY, {"xero_payment_id": payment_id}, ["name", "docstatus"], as_dict=True
	)


def _create(intent: PaymentIntent, report: PaymentEntryReport, host) -> None:
	existing = _existing(intent.payment_id)
	if existing:
		report.already.append(intent.payment_id)
		return
	invoice = frappe.get_doc(invoice_doctype(intent), intent.invoice)
	if invoice.docstatus != 1:
		raise frappe.ValidationError(_("{0} is not submitted in ERPNext").format(invoice.name))
	if intent.currency and intent.currency != invoice.currency:
		raise frappe.ValidationError(
			_("Xero paid in {0} but {1} is in {2}").format(intent.currency, invoice.name, invoice.currency)
		)
	if flt(intent.amount) > flt(invoice.outstanding_amount) + 0.005:
		raise frappe.ValidationError(
			_("Xero's payment of {0} {1} is more than {2} still owes in ERPNext ({3})").format(
				intent.amount, invoice.currency, invoice.name, invoice.outstanding_amount
			)
		)
	entry = build_payment_entry(invoice, intent)
	entry.insert(ignore_permissions=True)
	entry.submit()
	report.created[intent.payment_id] = entry.name
	_log(host, intent, "Success", _("Payment Entry {0} created and submitted").format(entry.name))


def invoice_doctype(intent: PaymentIntent) -> str:
	"""The ERPNext invoice a Xero payment is on: a bill's payment (type Pay) is a Purchase
	Invoice's."""
	return PURCHASE_INVOICE if intent.payment_type == "Pay" else SALES_INVOICE


def build_payment_entry(invoice, intent: PaymentIntent):
	"""The Payment Entry for one Xero payment (ERPNext's own builder, then Xero's facts). A
	customer's payment goes from the receivable to the bank (Receive); a bill's from the bank
	to the payable (Pay). The party's side is in the invoice's currency at Xero's rate; the
	bank's side is Xero's BankAmount when the bank's currency differs."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.utils import get_account_currency

	entry = get_payment_entry(invoice.doctype, invoice.name, party_amount=flt(intent.amount))
	posting_date = intent.date or today()
	entry.posting_date = posting_date
	entry.reference_date = posting_date
	entry.reference_no = intent.reference or intent.payment_id
	entry.mode_of_payment = intent.mode_of_payment
	rate = flt(intent.exchange_rate) or 1
	bank_currency = get_account_currency(intent.account)
	if intent.payment_type == "Pay":
		entry.paid_from = intent.account
		entry.paid_from_account_currency = bank_currency
		entry.received_amount = flt(intent.amount)  # to the supplier, in the bill's currency
		entry.target_exchange_rate = rate
		if entry.paid_from_account_currency == entry.paid_to_account_currency:
			entry.paid_amount = entry.received_amount
			entry.source_exchange_rate = rate
		else:
			entry.paid_amount = flt(intent.bank_amount)
			entry.source_exchange_rate = 1 if bank_currency == invoice.company_currency else 0
	else:
		entry.paid_to = intent.account
		entry.paid_to_account_currency = bank_currency
		entry.paid_amount = flt(intent.amount)  # from the customer, in the invoice's currency
		entry.source_exchange_rate = rate
		if entry.paid_to_account_currency == entry.paid_from_account_currency:
			entry.received_amount = entry.paid_amount
			entry.target_exchange_rate = rate
		else:
			entry.received_amount = flt(intent.bank_amount)
			entry.target_exchange_rate = 1 if bank_currency == invoice.company_currency else 0
	for row in entry.references:
		row.allocated_amount = flt(intent.amount) if row.reference_name == invoice.name else 0
	entry.xero_payment_id = intent.payment_id
	entry.remarks = _("Xero payment {0} on {1}").format(
		intent.payment_id, intent.invoice_number or invoice.name
	)
	return entry


def _cancel(intent: PaymentIntent, report: PaymentEntryReport, host) -> None:
	existing = _existing(intent.payment_id)
	if not existing or existing.docstatus != 1:
		report.skipped[intent.payment_id] = "no submitted Payment Entry for this deleted payment"
		return
	entry = frappe.get_doc(PAYMENT_ENTRY, existing.name)
	entry.flags.ignore_permissions = True
	entry.cancel()
	report.cancelled[intent.payment_id] = entry.name
	_log(
		host,
		intent,
		"Success",
		_("Payment Entry {0} cancelled: the payment was deleted in Xero").format(entry.name),
	)


def _log(host, intent: PaymentIntent, status: str, text: str | None) -> None:
	if not intent.invoice:
		return
	entry = LogEntry(
		reference_doctype=invoice_doctype(intent),
		reference_name=intent.invoice,
		operation="pull",
		status=status,
		xero_ids=[intent.payment_id],
		messages=[text or ""],
		cause=text if status == "Failed" else None,
		resolution=(
			_("Fix the cause, then Pull Payments Now: the payment is read again.")
			if status == "Failed"
			else None
		),
	)
	host.write_log(entry)


def _error_text(exc: Exception) -> str:
	from frappe.utils import strip_html

	text = strip_html(str(exc)).strip()
	return text or type(exc).__name__


# -- credit-note allocations --------------------------------------------------------------------


def reconcile_allocated_returns(limit: int = 500) -> dict[str, str]:
	"""Xero allocated a return's credit note to its original invoice; when the return keeps
	its own outstanding in ERPNext (``update_outstanding_for_self``, ERPNext's default) match
	it against the original the same way (ERPNext's credit-note reconciliation journal), so
	that the original's outstanding is what the customer still owes and a later Xero payment
	is not more than that. Returns ``{return: original}`` for each one matched."""
	rows = frappe.get_all(
		SALES_INVOICE,
		filters={
			"is_return": 1,
			"docstatus": 1,
			"outstanding_amount": ("<", 0),
			"return_against": ("is", "set"),
			"xero_invoice_id": ("is", "set"),
		},
		fields=["name", "return_against", "outstanding_amount", "xero_sync_state"],
		order_by="creation asc",
		limit=limit,
	)
	done = {}
	for row in rows:
		allocated = _allocated_in_xero(row.xero_sync_state)
		if allocated <= 0:
			continue
		frappe.db.savepoint("xero_return_reconcile")
		try:
			if _reconcile_return(row, allocated):
				done[row.name] = row.return_against
		except Exception as exc:
			frappe.db.rollback(save_point="xero_return_reconcile")
			frappe.clear_messages()
			from xero_connector.exceptions import log_exception

			log_exception(
				_("Xero: could not match return {0} to {1}").format(row.name, row.return_against), exc
			)
	if done:
		frappe.db.commit()
	return done


def _allocated_in_xero(raw_state: str | None) -> float:
	import json

	from xero_connector.engine.host import SyncState

	if not raw_state:
		return 0.0
	state = SyncState.from_dict(json.loads(raw_state))
	return flt(state.allocated or 0)


def _reconcile_return(row, allocated: float) -> bool:
	from erpnext.accounts.doctype.payment_reconciliation.payment_reconciliation import reconcile_dr_cr_note

	ret = frappe.get_doc(SALES_INVOICE, row.name)
	if not ret.get("update_outstanding_for_self"):
		return False
	original = frappe.get_doc(SALES_INVOICE, row.return_against)
	amount = min(abs(flt(ret.outstanding_amount)), flt(original.outstanding_amount), allocated)
	if amount <= 0:
		return False
	rate = flt(ret.conversion_rate) or 1
	reconcile_dr_cr_note(
		[
			frappe._dict(
				voucher_type=SALES_INVOICE,
				voucher_no=ret.name,
				against_voucher_type=SALES_INVOICE,
				against_voucher=original.name,
				account=ret.debit_to,
				party_type="Customer",
				party=ret.customer,
				dr_or_cr="credit_in_account_currency",
				allocated_amount=amount,
				unadjusted_amount=abs(flt(ret.outstanding_amount)),
				exchange_rate=rate,
				difference_amount=0,
				currency=ret.currency,
				cost_center=ret.cost_center,
			)
		],
		ret.company,
	)
	return True
