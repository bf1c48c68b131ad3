"""Payment Entries from Xero payments: turn Xero's ``Payments`` into plain intents
("create this Payment Entry", "cancel that one", "nothing to do, because …").

Only customer payments on invoices (``PaymentType`` ``ACCRECPAYMENT``) of Sales
Invoices this site synced become Payment Entries. Credit-note allocations are not
payments (Xero does not list them under ``/Payments``, and the ERPNext return
already reduced the outstanding); a refund of a credit note (``ARCREDITPAYMENT``)
and payments on invoices raised directly in Xero are skipped with a reason. A
payment whose ``Status`` is ``DELETED`` cancels its entry. Every intent is keyed
on Xero's ``PaymentID``, so the Frappe side can make them exactly once.

Amounts: ``Amount`` is in the invoice's currency; Xero's ``CurrencyRate`` is
foreign units per 1 base unit, so ERPNext's ``source_exchange_rate`` (base per
1 foreign) is its inverse; ERPNext then posts the exchange gain or loss against
the invoice's rate itself.

Called by the Frappe shell (``xero_connector.xero_connector.sync.payment_entries``)
after :func:`fetch_payments` (``GET /Payments`` with ``If-Modified-Since``, paged).
Pure (no frappe).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine.records import parse_xero_datetime, xero_date

CUSTOMER_PAYMENT = "ACCRECPAYMENT"
CREDIT_NOTE_REFUND = "ARCREDITPAYMENT"
# issue 16: a payment of a bill (xero_accounting.yaml components/schemas/Payment/properties/
# PaymentType) is an ERPNext Payment Entry of type "Pay"; a customer's, of type "Receive"
SUPPLIER_PAYMENT = "ACCPAYPAYMENT"
SUPPLIER_CREDIT_REFUND = "APCREDITPAYMENT"
PAYMENT_TYPES = {CUSTOMER_PAYMENT: "Receive", SUPPLIER_PAYMENT: "Pay"}
RATE_PLACES = Decimal("0.000000001")  # ERPNext stores exchange rates with 9 decimals
CENT = Decimal("0.01")
ORDER = "UpdatedDateUTC ASC"
RESOURCE = "Payments"  # the watermark's name


@dataclass(frozen=True)
class BankMapping:
	"""One row of the Xero bank account → ERPNext bank/cash account mapping."""

	account: str  # ERPNext Account (Bank or Cash)
	xero_account_id: str | None = None
	xero_account_code: str | None = None
	mode_of_payment: str | None = None


@dataclass
class PaymentIntent:
	"""What to do in ERPNext for one Xero payment.

	``action``: "create" (submit a Payment Entry), "cancel" (cancel the entry of a
	payment deleted in Xero) or "skip" (``reason`` says why; ``failed`` when a person
	must act, e.g. an unmapped bank account)."""

	action: str
	payment_id: str
	reason: str | None = None
	failed: bool = False
	invoice: str | None = None  # ERPNext Sales Invoice (or, payment_type "Pay", Purchase Invoice) name
	xero_invoice_id: str | None = None
	invoice_number: str | None = None
	currency: str | None = None  # the invoice's currency (Amount's)
	amount: Decimal | None = None
	bank_amount: Decimal | None = None  # in the base currency
	exchange_rate: Decimal | None = None  # ERPNext source_exchange_rate: base per 1 ``currency``
	date: str | None = None  # YYYY-MM-DD
	reference: str | None = None
	account: str | None = None
	mode_of_payment: str | None = None
	updated: datetime | None = None
	payment_type: str = "Receive"  # ERPNext Payment Entry type: "Pay" for a bill's payment

	def to_dict(self) -> dict:
		out = asdict(self)
		for key, value in out.items():
			if isinstance(value, Decimal):
				out[key] = str(value)
			elif isinstance(value, datetime):
				out[key] = value.isoformat()
		return out


def fetch_payments(client, since: datetime | None, page_size: int = 1000) -> list[dict]:
	"""``GET /Payments`` changed since ``since`` (``If-Modified-Since``), oldest change first,
	``pageSize`` ≤1000 paged to the end: ⌈changed/1000⌉ calls (+1 when a page is full).
	``client`` is a :class:`xero_connector.xero.client.XeroClient`."""
	return client.list_payments(if_modified_since=since, order=ORDER, page_size=page_size)


def find_bank(payment: dict, banks: Iterable[BankMapping]) -> BankMapping | None:
	"""The mapping row for the payment's Xero account: by AccountID, else by Code."""
	ref = payment.get("Account") or {}
	account_id = str(ref.get("AccountID") or "").lower()
	code = str(ref.get("Code") or "")
	banks = list(banks)
	for bank in banks:
		if account_id and (bank.xero_account_id or "").lower() == account_id:
			return bank
	for bank in banks:
		if code and bank.xero_account_code == code:
			return bank
	return None


def exchange_rate(xero_rate, currency: str | None, base_currency: str | None) -> Decimal:
	"""ERPNext's source_exchange_rate (base per 1 foreign) from Xero's CurrencyRate
	(foreign per 1 base); 1 for the base currency."""
	if not currency or currency == base_currency:
		return Decimal(1)
	rate = Decimal(str(xero_rate or 0))
	if rate <= 0:
		raise ValueError(f"Xero sent no CurrencyRate for a {currency} payment")
	return (Decimal(1) / rate).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def plan_payment(
	payment: dict, find_invoice: Callable[[str], str | None], banks: Iterable[BankMapping], base_currency: str
) -> PaymentIntent:
	"""The intent for one element of ``GET /Payments``."""
	payment_id = str(payment.get("PaymentID") or "").lower()
	invoice = payment.get("Invoice") or {}
	invoice_id = str(invoice.get("InvoiceID") or "").lower() or None
	stamp = payment.get("UpdatedDateUTC")
	intent = PaymentIntent(
		action="skip",
		payment_id=payment_id,
		xero_invoice_id=invoice_id,
		invoice_number=invoice.get("InvoiceNumber"),
		currency=invoice.get("CurrencyCode"),
		reference=payment.get("Reference") or None,
		updated=parse_xero_datetime(stamp) if stamp else None,
	)
	kind = payment.get("PaymentType")
	if kind in (CREDIT_NOTE_REFUND, SUPPLIER_CREDIT_REFUND):
		intent.reason = "a refund of a credit note, not a payment of an invoice"
		return intent
	if kind not in PAYMENT_TYPES or not invoice_id:
		intent.reason = f"not a payment on a sales invoice or bill ({kind or 'no type'})"
		return intent
	intent.payment_type = PAYMENT_TYPES[kind]
	intent.invoice = find_invoice(invoice_id)
	if not intent.invoice:
		intent.reason = f"invoice {intent.invoice_number or invoice_id} was not sent from this site"
		return intent
	if payment.get("Status") == "DELETED":
		intent.action = "cancel"
		intent.reason = "the payment was deleted in Xero"
		return intent
	bank = find_bank(payment, banks)
	if bank is None:
		ref = payment.get("Account") or {}
		intent.failed = True
		intent.reason = (
			f"Xero account {ref.get('Code') or ref.get('AccountID')} is not mapped to an ERPNext bank or "
			"cash account: add it to the Xero Bank Accounts table on the Xero Connection"
		)
		return intent
	intent.amount = Decimal(str(payment.get("Amount") or 0)).quantize(CENT)
	if intent.amount <= 0:
		intent.reason = "Xero sent no amount"
		intent.failed = True
		return intent
	try:
		intent.exchange_rate = exchange_rate(payment.get("CurrencyRate"), intent.currency, base_currency)
	except ValueError as error:
		intent.reason, intent.failed = str(error), True
		return intent
	bank_amount = payment.get("BankAmount")
	intent.bank_amount = (
		Decimal(str(bank_amount)).quantize(CENT)
		if bank_amount not in (None, "")
		else (intent.amount * intent.exchange_rate).quantize(CENT, rounding=ROUND_HALF_UP)
	)
	intent.date = xero_date(payment.get("Date")) if payment.get("Date") else None
	intent.account = bank.account
	intent.mode_of_payment = bank.mode_of_payment
	intent.action = "create"
	return intent


def plan_payments(
	payments: Iterable[dict],
	find_invoice: Callable[[str], str | None],
	banks: Iterable[BankMapping],
	base_currency: str,
) -> list[PaymentIntent]:
	"""Intents for a pull's payments, in Xero's order (oldest change first); a payment
	listed twice keeps its newest state only."""
	banks = list(banks)
	latest: dict[str, PaymentIntent] = {}
	for payment in payments:
		intent = plan_payment(payment, find_invoice, banks, base_currency)
		latest.pop(intent.payment_id, None)
		latest[intent.payment_id] = intent
	return list(latest.values())


def next_watermark(
	current: datetime | None, done: Iterable[datetime | None], failed: Iterable[datetime | None]
) -> datetime | None:
	"""Where the next pull starts: the newest change handled, but never past a payment that
	failed (it is read again next time, once a person fixed the cause)."""
	newest = max((d for d in done if d), default=None)
	if newest is None or (current is not None and newest <= current):
		newest = current
	first_failure = min((f for f in failed if f), default=None)
	if first_failure is not None:
		ceiling = first_failure - timedelta(seconds=1)
		if newest is None or newest > ceiling:
			newest = ceiling if current is None or ceiling > current else current
	return newest
