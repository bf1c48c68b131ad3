"""Payments against AUTHORISED invoices (and refunds of AUTHORISED credit notes), and their deletion.

A payment must go into a BANK account or one with ``EnablePaymentsToAccount``,
for no more than the document's amount outstanding; when nothing is left the
document becomes PAID with ``FullyPaidOnDate``. Deleting a payment
(``Status: DELETED``) reverses it. Called by :mod:`.accounting`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from . import messages as msg
from . import payables, render
from .common import Ctx, Outcome, Refused
from .documents import CREDIT_NOTE, INVOICE, apply_money, find
from .totals import ZERO, BadNumber, dec, money
from .xerodates import BadDate, parse_date


def write_payment(ctx: Ctx, element) -> Outcome:
	"""Create one payment; never raises for bad input."""
	if not isinstance(element, dict):
		return Outcome({}, [msg.PAYMENT_DOCUMENT_REQUIRED])
	try:
		record = _create(ctx, element)
	except Refused as refused:
		echo = render.echo(element)
		echo.setdefault("PaymentID", render.ZERO_ID)
		return Outcome(echo, refused.messages)
	return Outcome(render.payment(ctx.org, record))


def _document(ctx: Ctx, element: dict):
	for kind, key in ((INVOICE, "Invoice"), (CREDIT_NOTE, "CreditNote")):
		ref = element.get(key)
		if isinstance(ref, dict):
			doc = find(ctx, kind, ref.get(kind.id_key) or ref.get(kind.number_key))
			if doc is None:
				raise Refused(msg.DOCUMENT_NOT_FOUND)
			return kind, doc
	raise Refused(msg.PAYMENT_DOCUMENT_REQUIRED)


def _account(ctx: Ctx, element: dict) -> dict:
	ref = element.get("Account")
	if not isinstance(ref, dict) or not (ref.get("AccountID") or ref.get("Code")):
		raise Refused(msg.PAYMENT_ACCOUNT_REQUIRED)
	if ref.get("AccountID"):
		account = ctx.org.accounts.get(str(ref["AccountID"]).lower())
	else:
		account = ctx.org.account_by_code(ref["Code"])
	if account is None or account["Status"] != "ACTIVE":
		raise Refused(msg.PAYMENT_ACCOUNT_INVALID)
	if account["Type"] != "BANK" and not account.get("EnablePaymentsToAccount"):
		raise Refused(msg.PAYMENT_ACCOUNT_INVALID)
	return account


def _create(ctx: Ctx, element: dict) -> dict:
	kind, doc = _document(ctx, element)
	errors = []
	try:
		account = _account(ctx, element)
	except Refused as refused:
		account, errors = None, refused.messages
	try:
		amount = dec(element.get("Amount"))
	except BadNumber:
		amount = None
	if amount is None or amount <= 0:
		errors.append(msg.PAYMENT_AMOUNT_POSITIVE)
	if doc["Status"] != "AUTHORISED":
		errors.append(msg.PAYMENT_NOT_AUTHORISED)
	else:
		outstanding = Decimal(doc["AmountDue"] if kind is INVOICE else doc["RemainingCredit"])
		if amount is not None and money(amount) > outstanding:
			errors.append(msg.PAYMENT_EXCEEDS)
	try:
		on_date = parse_date(element["Date"]) if element.get("Date") else ctx.today
	except BadDate:
		on_date = ctx.today
		errors.append(msg.not_a_date("Date", element.get("Date")))
	rate = _rate(doc, element, errors)
	if errors:
		raise Refused(*errors)
	amount = money(amount)
	record = {
		"PaymentID": str(uuid.uuid4()),
		kind.id_key: doc[kind.id_key],
		"AccountID": account["AccountID"],
		"Date": on_date,
		"Amount": str(amount),
		"BankAmount": str(amount if doc["CurrencyCode"] == ctx.org.base_currency else money(amount / rate)),
		"CurrencyRate": str(rate),
		"Reference": str(element.get("Reference") or ""),
		"Status": "AUTHORISED",
		"PaymentType": payables.payment_type(doc, kind is INVOICE),
		"IsReconciled": bool(element.get("IsReconciled", False)),
	}
	ctx.org.add_payment(record)
	ctx.touch(record)
	apply_money(ctx, kind, doc, amount, ZERO, on_date)
	return record


def _rate(doc: dict, element: dict, errors: list[str]) -> Decimal:
	"""The payment's rate: the one sent, else the document's (always 1 in the base currency)."""
	try:
		sent = dec(element.get("CurrencyRate"))
	except BadNumber:
		sent = None
		errors.append(msg.not_a_number("CurrencyRate"))
	if doc["CurrencyRate"] == "1.000000" or sent is None or sent <= 0:
		return Decimal(doc["CurrencyRate"])
	return sent.quantize(Decimal("0.000001"))


def delete_payment(ctx: Ctx, payment_id: str, element) -> Outcome:
	"""``POST /Payments/{id}`` with ``{"Status": "DELETED"}``: reverse the payment."""
	record = ctx.org.payments.get(str(payment_id).lower())
	if record is None:
		return Outcome({"PaymentID": render.ZERO_ID}, [msg.DOCUMENT_NOT_FOUND])
	if not isinstance(element, dict) or str(element.get("Status", "")).upper() != "DELETED":
		return Outcome(render.payment(ctx.org, record), [msg.PAYMENT_ONLY_DELETE])
	if record["Status"] == "DELETED":
		return Outcome(render.payment(ctx.org, record), [msg.PAYMENT_ALREADY_DELETED])
	record["Status"] = "DELETED"
	ctx.touch(record)
	kind = INVOICE if record.get("InvoiceID") else CREDIT_NOTE
	doc = getattr(ctx.org, kind.collection)[record[kind.id_key]]
	apply_money(ctx, kind, doc, -Decimal(record["Amount"]), ZERO, None)
	return Outcome(render.payment(ctx.org, record))
