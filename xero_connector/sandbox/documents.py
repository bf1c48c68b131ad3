"""Sales invoices (ACCREC) and credit notes (ACCRECCREDIT): create, update, status rules.

One element of a PUT/POST batch goes through :func:`write_document`, which
validates it like Xero (contact, number, status, currency, lines, totals)
and either stores it or returns the element with Xero's messages. Called by
:mod:`.accounting`. The parts every kind of document shares (contact, currency, lines and
totals) are in :mod:`.document_parts`.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import lengths, payables, render
from . import messages as msg
from .common import Ctx, Outcome, Refused

# the parts every document is written from (split out; these names stay importable from here)
from .document_parts import (
	_contact,
	_currency,
	_line_amount_types,
	_requested_lines,
	set_lines_and_totals,
)
from .totals import ZERO, dec, money
from .xerodates import BadDate, parse_date

EDITABLE = ("DRAFT", "SUBMITTED")
FINAL = ("VOIDED", "DELETED")


@dataclass(frozen=True)
class Kind:
	"""What differs between invoices and credit notes."""

	collection: str
	id_key: str
	number_key: str
	type: str
	prefix: str
	resource: str  # webhook resource name
	unique: str
	status_create: str
	status_modify: str
	not_found: str
	payable_type: str = ""  # the same collection's supplier side (sandbox/payables.py)

	def render(self, ctx: Ctx, doc: dict, with_lines: bool = True) -> dict:
		if self.collection == "invoices":
			return render.invoice(ctx.org, doc, ctx.unitdp, with_lines)
		return render.credit_note(ctx.org, doc, ctx.unitdp, with_lines)


INVOICE = Kind(
	"invoices",
	"InvoiceID",
	"InvoiceNumber",
	"ACCREC",
	"INV",
	"INVOICE",
	msg.INVOICE_NUMBER_UNIQUE,
	msg.INVOICE_STATUS_CREATE,
	msg.INVOICE_STATUS_MODIFY,
	msg.INVOICE_NOT_FOUND,
	"ACCPAY",
)
CREDIT_NOTE = Kind(
	"credit_notes",
	"CreditNoteID",
	"CreditNoteNumber",
	"ACCRECCREDIT",
	"CN",
	"CREDITNOTE",
	msg.CREDIT_NOTE_NUMBER_UNIQUE,
	msg.CREDIT_NOTE_STATUS_CREATE,
	msg.CREDIT_NOTE_STATUS_MODIFY,
	msg.CREDIT_NOTE_NOT_FOUND,
	"ACCPAYCREDIT",
)


def find(ctx: Ctx, kind: Kind, key: str | None) -> dict | None:
	"""A document by id or number (the path of ``/Invoices/{InvoiceID or InvoiceNumber}``)."""
	if not key:
		return None
	docs = getattr(ctx.org, kind.collection)
	return docs.get(str(key).lower()) or ctx.org.document_by_number(kind.collection, key)


def write_document(
	ctx: Ctx, kind: Kind, element, path_key: str | None = None, create_only: bool = False
) -> Outcome:
	"""Create or update one document; never raises for bad input."""
	if not isinstance(element, dict):
		return Outcome({}, [msg.INVALID_TYPE])
	try:
		existing = None if create_only else _existing(ctx, kind, element, path_key)
		if create_only and element.get(kind.id_key) and ctx.strict("put_existing_id"):
			# PUT creates (xero_accounting.yaml paths./Invoices.put: createInvoices); an ID that is
			# already a document's does not make a second one
			if getattr(ctx.org, kind.collection).get(str(element[kind.id_key]).lower()) is not None:
				raise Refused(
					msg.document_id_exists(kind.resource.lower(), kind.id_key, element[kind.id_key])
				)
		doc = _update(ctx, kind, existing, element) if existing else _create(ctx, kind, element)
	except Refused as refused:
		echo = render.echo(element)
		echo.setdefault(kind.id_key, render.ZERO_ID)
		return Outcome(echo, refused.messages)
	return Outcome(kind.render(ctx, doc))


def _existing(ctx: Ctx, kind: Kind, element: dict, path_key: str | None) -> dict | None:
	if path_key:
		doc = find(ctx, kind, path_key)
		if doc is None:
			raise Refused(kind.not_found)
		return doc
	if element.get(kind.id_key):
		doc = getattr(ctx.org, kind.collection).get(str(element[kind.id_key]).lower())
		if doc is None:
			raise Refused(kind.not_found)
		return doc
	if payables.is_payable(element):  # a bill's number names no document: only its ID does
		return None
	return ctx.org.document_by_number(kind.collection, element.get(kind.number_key))


# ---- create -----------------------------------------------------------------


def _create(ctx: Ctx, kind: Kind, element: dict) -> dict:
	if element.get("Type") not in (kind.type, kind.payable_type):
		raise Refused(msg.INVALID_TYPE)
	status = str(element.get("Status") or "DRAFT").upper()
	errors = [] if status in (*EDITABLE, "AUTHORISED") else [kind.status_create]
	doc = {
		kind.id_key: str(uuid.uuid4()),
		"Type": element["Type"],
		"AmountPaid": "0.00",
		"AmountCredited": "0.00",
	}
	new_contact = _fill(ctx, kind, doc, element, status, errors)
	if errors:
		raise Refused(*errors)
	if not doc.get(kind.number_key) and payables.auto_numbered(doc):
		doc[kind.number_key] = ctx.org.next_number(kind.prefix)
	_store(ctx, kind, doc, new_contact, "CREATE")
	return doc


# ---- update -----------------------------------------------------------------


def _update(ctx: Ctx, kind: Kind, doc: dict, element: dict) -> dict:
	current = doc["Status"]
	status = str(element.get("Status") or current).upper()
	if current in FINAL:
		raise Refused(kind.status_modify)
	if _has_money_applied(ctx, kind, doc):
		raise Refused(msg.HAS_PAYMENTS)
	if current == "AUTHORISED" and status not in ("AUTHORISED", "VOIDED"):
		raise Refused(kind.status_modify)
	if status not in (*EDITABLE, "AUTHORISED", *FINAL) or (current in EDITABLE and status == "VOIDED"):
		raise Refused(kind.status_modify)
	if status in FINAL:  # deleting or voiding only changes the status
		doc["Status"] = status
		_set_balances(kind, doc)
		_store(ctx, kind, doc, None, "UPDATE")
		return doc
	draft = {**doc, "LineItems": list(doc["LineItems"])}
	errors: list[str] = []
	new_contact = _fill(ctx, kind, draft, element, status, errors)
	if errors:
		raise Refused(*errors)
	doc.clear()
	doc.update(draft)
	_store(ctx, kind, doc, new_contact, "UPDATE")
	return doc


def _has_money_applied(ctx: Ctx, kind: Kind, doc: dict) -> bool:
	payments, allocations = ctx.org.applied_to(doc[kind.id_key])
	return bool(allocations) or any(p["Status"] != "DELETED" for p in payments)


# ---- shared validation ------------------------------------------------------------


def _fill(ctx: Ctx, kind: Kind, doc: dict, element: dict, status: str, errors: list[str]) -> dict | None:
	"""Apply the element's fields to ``doc``, collecting Xero's messages. Returns a contact to create, if any."""
	doc["Status"] = status
	new_contact = _contact(ctx, doc, element, errors)
	_number(ctx, kind, doc, element, errors)
	_dates(ctx, kind, doc, element, status, errors)
	_currency(ctx, doc, element, errors)
	for key in ("Reference", "Url", "BrandingThemeID", "SentToContact"):
		if key in element:
			doc[key] = element[key]
	if ctx.strict("field_lengths"):
		errors.extend(lengths.over(doc, {kind.number_key: lengths.NUMBER, "Reference": lengths.REFERENCE}))
	lat = _line_amount_types(doc, element, errors)
	raw_lines, from_request = _requested_lines(doc, element)
	if not isinstance(raw_lines, list):
		raw_lines = []
	if not raw_lines and status != "DRAFT":
		errors.append(msg.LINE_ITEMS_REQUIRED)
	payable = payables.is_payable(doc)
	totals = set_lines_and_totals(
		ctx, doc, raw_lines, lat, status, from_request, errors, kind is INVOICE and not payable, payable
	)
	doc["IsDiscounted"] = totals.total_discount != 0
	_set_balances(kind, doc)
	return new_contact


def _number(ctx: Ctx, kind: Kind, doc: dict, element: dict, errors: list[str]) -> None:
	number = element.get(kind.number_key)
	if number in (None, ""):
		return
	number = str(number).strip()
	doc[kind.number_key] = number
	if not ctx.strict("number_unique") or not payables.number_is_unique(doc):
		return
	# a VOIDED or DELETED document keeps its number (issue 12); loosen with number_reuse
	others = ctx.org.documents_numbered(kind.collection, number)
	if not ctx.strict("number_reuse"):
		others = [o for o in others if o["Status"] not in FINAL]
	if any(o[kind.id_key] != doc[kind.id_key] for o in others):
		errors.append(kind.unique)


def _dates(ctx: Ctx, kind: Kind, doc: dict, element: dict, status: str, errors: list[str]) -> None:
	keys = ("Date", "DueDate", "ExpectedPaymentDate") if kind is INVOICE else ("Date", "DueDate")
	for key in keys:
		if element.get(key) not in (None, ""):
			try:
				doc[key] = parse_date(element[key])
			except BadDate:
				errors.append(msg.not_a_date(key, element[key]))
	doc.setdefault("Date", ctx.today)
	if kind is INVOICE and status != "DRAFT" and not doc.get("DueDate"):
		due = _due_from_terms(ctx, doc["Date"], payables.terms_key(doc))
		if due:
			doc["DueDate"] = due
		else:
			errors.append(msg.DUE_DATE_REQUIRED)


def _due_from_terms(ctx: Ctx, issued: str, which: str = "Sales") -> str | None:
	"""The organisation's default sales (or bills) payment terms (the demo company: 20th of the following month)."""
	terms = (ctx.org.profile.get("PaymentTerms") or {}).get(which) or {}
	day, term = terms.get("Day"), terms.get("Type")
	start = date.fromisoformat(issued)
	if term == "DAYSAFTERBILLDATE":
		return (start + timedelta(days=int(day))).isoformat()
	if term == "OFFOLLOWINGMONTH":
		year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
		return date(year, month, min(int(day), calendar.monthrange(year, month)[1])).isoformat()
	return None


def _set_balances(kind: Kind, doc: dict) -> None:
	"""AmountDue / RemainingCredit follow status, payments and allocations."""
	total = dec(doc["Total"]) or ZERO
	applied = (dec(doc.get("AmountPaid")) or ZERO) + (dec(doc.get("AmountCredited")) or ZERO)
	outstanding = ZERO if doc["Status"] in FINAL else money(total - applied)
	if kind is INVOICE:
		doc["AmountDue"] = str(money(outstanding))
	else:
		doc["RemainingCredit"] = str(money(outstanding))


def _store(ctx: Ctx, kind: Kind, doc: dict, new_contact: dict | None, event: str) -> None:
	if new_contact is not None:
		ctx.org.store_contact(new_contact)
		ctx.touch(new_contact)
		ctx.event("CONTACT", new_contact["ContactID"], "CREATE")
	ctx.org.store_document(kind.collection, doc)
	ctx.touch(doc)
	payables.mark_contact(ctx, doc)
	ctx.event(kind.resource, doc[kind.id_key], event)


def apply_money(
	ctx: Ctx, kind: Kind, doc: dict, paid: Decimal, credited: Decimal, on_date: str | None
) -> None:
	"""Add (or, with negative amounts, remove) a payment or allocation; PAID when nothing is left.

	Called by :mod:`.payments` and :mod:`.allocations`."""
	if kind is INVOICE:
		doc["AmountPaid"] = str(money((dec(doc["AmountPaid"]) or ZERO) + paid))
		doc["AmountCredited"] = str(money((dec(doc["AmountCredited"]) or ZERO) + credited))
	else:  # a credit note's refunds and allocations both use up its credit
		doc["AmountPaid"] = str(money((dec(doc.get("AmountPaid")) or ZERO) + paid + credited))
	doc["Status"] = "AUTHORISED"
	_set_balances(kind, doc)
	left = doc["AmountDue"] if kind is INVOICE else doc["RemainingCredit"]
	if Decimal(left) == 0:
		doc["Status"] = "PAID"
		doc["FullyPaidOnDate"] = on_date
	else:
		doc.pop("FullyPaidOnDate", None)
	ctx.touch(doc)
	ctx.event(kind.resource, doc[kind.id_key], "UPDATE")
