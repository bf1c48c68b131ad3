"""Allocating an AUTHORISED credit note to AUTHORISED invoices of the same contact and currency.

``PUT /CreditNotes/{id}/Allocations`` with ``{"Allocations": [{"Invoice":
{"InvoiceID": …}, "Amount": …, "Date": …}]}``. The amount may not exceed the
credit note's remaining credit nor the invoice's amount due; each document
becomes PAID when nothing is left on it. Called by :mod:`.accounting`.
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


def write_allocation(ctx: Ctx, note: dict, element) -> Outcome:
	"""Allocate part of ``note`` to one invoice; never raises for bad input."""
	if not isinstance(element, dict):
		return Outcome({}, [msg.ALLOCATION_INVOICE_REQUIRED])
	try:
		record = _create(ctx, note, element)
	except Refused as refused:
		echo = render.echo(element)
		echo.setdefault("AllocationID", render.ZERO_ID)
		return Outcome(echo, refused.messages)
	return Outcome(render.allocation(ctx.org, record))


def _create(ctx: Ctx, note: dict, element: dict) -> dict:
	ref = element.get("Invoice")
	invoice = None
	if isinstance(ref, dict):
		invoice = find(ctx, INVOICE, ref.get("InvoiceID") or ref.get("InvoiceNumber"))
	if invoice is None:
		raise Refused(msg.ALLOCATION_INVOICE_REQUIRED)
	errors = []
	try:
		amount = dec(element.get("Amount"))
	except BadNumber:
		amount = None
	if amount is None or amount <= 0:
		errors.append(msg.ALLOCATION_AMOUNT_POSITIVE)
		amount = ZERO
	amount = money(amount)
	if note["Status"] != "AUTHORISED":
		errors.append(msg.ALLOCATION_NOT_AUTHORISED)
	elif amount > Decimal(note["RemainingCredit"]):
		errors.append(msg.ALLOCATION_EXCEEDS_CREDIT)
	if invoice["Status"] == "PAID":
		errors.append(msg.ALLOCATION_INVOICE_PAID)
	elif invoice["Status"] != "AUTHORISED":
		errors.append(msg.ALLOCATION_INVOICE_STATUS)
	elif amount > Decimal(invoice["AmountDue"]):
		errors.append(msg.ALLOCATION_EXCEEDS_INVOICE)
	if not payables.same_side(note, invoice):
		errors.append(msg.ALLOCATION_TYPE)
	if invoice["ContactID"] != note["ContactID"]:
		errors.append(msg.ALLOCATION_CONTACT)
	if invoice["CurrencyCode"] != note["CurrencyCode"]:
		errors.append(msg.ALLOCATION_CURRENCY)
	if not element.get("Date") and ctx.strict("allocation_date"):
		# components/schemas/Allocation/required: [Amount, Invoice, Date]
		errors.append(msg.ALLOCATION_DATE_REQUIRED)
	try:
		on_date = parse_date(element["Date"]) if element.get("Date") else ctx.today
	except BadDate:
		on_date = ctx.today
		errors.append(msg.not_a_date("Date", element.get("Date")))
	if errors:
		raise Refused(*errors)
	record = {
		"AllocationID": str(uuid.uuid4()),
		"CreditNoteID": note["CreditNoteID"],
		"InvoiceID": invoice["InvoiceID"],
		"Amount": str(amount),
		"Date": on_date,
	}
	ctx.org.add_allocation(record)
	ctx.touch(record)
	apply_money(ctx, INVOICE, invoice, ZERO, amount, on_date)
	apply_money(ctx, CREDIT_NOTE, note, ZERO, amount, on_date)
	return record
