"""The parts every document of the Accounting API is written from, whatever its kind: the
contact it names, its currency and rate, its LineAmountTypes, its lines and Xero's totals.

Used by :mod:`.documents` (invoices and credit notes, sales and purchases), :mod:`.quotes` and
:mod:`.purchase_orders`; split from :mod:`.documents`, which re-exports these names.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from . import messages as msg
from . import payables
from .common import Ctx
from .lines import build_lines
from .totals import LINE_AMOUNT_TYPES, BadNumber, DocumentTotals, dec, document_totals


def set_lines_and_totals(
	ctx: Ctx,
	doc: dict,
	raw_lines: list,
	lat: str,
	status: str,
	from_request: bool,
	errors: list[str],
	discounts: bool = True,
	purchases: bool = False,
) -> DocumentTotals:
	"""Store ``doc``'s LineItems and Xero's totals (SubTotal, TotalTax, Total, TotalDiscount) as
	strings; line errors and a negative total go to ``errors``. Called for invoices and credit
	notes (above; ``discounts`` False for credit notes and bills, ``purchases`` True for bills and
	supplier credit notes: sandbox/payables.py) and for quotes (quotes.py)."""
	unitdp = ctx.unitdp if from_request else 4
	lines, results, line_errors = build_lines(
		ctx, raw_lines, lat, status, doc.get("LineItems", []), unitdp, discounts, purchases
	)
	errors.extend(line_errors)
	doc["LineItems"] = lines
	totals = document_totals(results, lat)
	if totals.total < 0:
		errors.append(msg.NEGATIVE_TOTAL)
	doc.update(
		SubTotal=str(totals.sub_total),
		TotalTax=str(totals.total_tax),
		Total=str(totals.total),
		TotalDiscount=str(totals.total_discount),
	)
	return totals


def _line_amount_types(doc: dict, element: dict, errors: list[str]) -> str:
	"""The element's LineAmountTypes in Xero's spelling (else the stored one, else Exclusive),
	stored on ``doc``; an unknown value is reported. Called for invoices, credit notes and quotes."""
	lat = element.get("LineAmountTypes", doc.get("LineAmountTypes") or "Exclusive")
	lat = next((t for t in LINE_AMOUNT_TYPES if str(lat).lower() == t.lower()), None)
	if lat is None:
		errors.append(msg.line_amount_types_invalid(element.get("LineAmountTypes")))
		lat = "Exclusive"
	doc["LineAmountTypes"] = lat
	return lat


def _requested_lines(doc: dict, element: dict) -> tuple[object, bool]:
	"""The element's LineItems (as sent, maybe not a list) and True; else ``doc``'s stored lines
	fed back through validation and False. Called for invoices, credit notes and quotes."""
	if "LineItems" in element:
		return element["LineItems"], True
	return _stored_as_input(doc.get("LineItems", [])), False


def _stored_as_input(lines: list[dict]) -> list[dict]:
	"""Stored lines fed back through validation on an update that leaves LineItems alone."""
	return [
		{**line, "TaxAmount": line["TaxAmount"] if line.get("_taxOverride") else None, "LineAmount": None}
		for line in lines
	]


def _contact(ctx: Ctx, doc: dict, element: dict, errors: list[str]) -> dict | None:
	given = element.get("Contact")
	if given is None:
		if not doc.get("ContactID"):
			errors.append(msg.CONTACT_REQUIRED)
		return None
	if not isinstance(given, dict) or not any(given.get(k) for k in ("ContactID", "ContactNumber", "Name")):
		errors.append(msg.CONTACT_REQUIRED)
		return None
	org = ctx.org
	if given.get("ContactID"):
		contact = org.contacts.get(str(given["ContactID"]).lower())
	elif given.get("ContactNumber"):
		contact = next(iter(org.contacts_with_contact_number(given["ContactNumber"])), None)
	else:
		matches = org.contacts_named(given["Name"])
		contact = next(
			(c for c in matches if c["ContactStatus"] == "ACTIVE"), matches[0] if matches else None
		)
		if contact is None:  # Xero creates a contact named on a document that matches none
			new = {
				"ContactID": str(uuid.uuid4()),
				"ContactStatus": "ACTIVE",
				"Name": str(given["Name"]).strip(),
			}
			new.update(payables.new_contact_flags(doc.get("Type")))
			doc["ContactID"] = new["ContactID"]
			return new
	if contact is None:
		errors.append(msg.CONTACT_NOT_FOUND)
	elif contact["ContactStatus"] != "ACTIVE":
		errors.append(msg.CONTACT_ARCHIVED)
	else:
		doc["ContactID"] = contact["ContactID"]
	return None


def _currency(ctx: Ctx, doc: dict, element: dict, errors: list[str]) -> None:
	org = ctx.org
	code = str(element.get("CurrencyCode") or doc.get("CurrencyCode") or org.base_currency).upper()
	if code not in org.currency_codes():
		errors.append(msg.currency_not_subscribed(code))
	doc["CurrencyCode"] = code
	if code == org.base_currency:
		doc["CurrencyRate"] = "1.000000"
		return
	try:
		rate = dec(element.get("CurrencyRate"))
	except BadNumber:
		rate = None
		errors.append(msg.not_a_number("CurrencyRate"))
	if rate is not None and rate <= 0:
		errors.append(msg.not_a_number("CurrencyRate"))
	if rate is None or rate <= 0:
		rate = dec(doc.get("CurrencyRate") if doc.get("CurrencyCode") == code else None)
		rate = rate or Decimal(org.default_rates.get(code, "1"))
	doc["CurrencyRate"] = str(rate.quantize(Decimal("0.000001")))
