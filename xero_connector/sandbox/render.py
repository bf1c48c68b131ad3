"""Stored records → the JSON Xero sends (money as numbers, ``/Date(…)/`` dates with ``*String`` companions).

Called by the resource modules when they build a response. Pure functions of
the organisation's state; nothing here changes it.
"""

from __future__ import annotations

from decimal import Decimal

from .state import Organisation
from .totals import UNIT_2DP, UNIT_4DP, dec
from .xerodates import date_string, ms_date, stamp_string

ZERO_ID = "00000000-0000-0000-0000-000000000000"


def num(value) -> float | None:
	"""A stored amount (string or Decimal) as a JSON number."""
	if value is None:
		return None
	return float(value)


def _dated(record: dict, key: str, with_string: bool) -> dict:
	value = record.get(key)
	if not value:
		return {}
	out = {key: ms_date(value)}
	if with_string:
		out[f"{key}String"] = date_string(value)
	return out


def _updated(record: dict, with_string: bool = False) -> dict:
	out = {"UpdatedDateUTC": ms_date(record["UpdatedDateUTC"])}
	if with_string:
		out["UpdatedDateUTCString"] = stamp_string(record["UpdatedDateUTC"])
	return out


def account(record: dict) -> dict:
	out = {k: v for k, v in record.items() if k != "UpdatedDateUTC"}
	out.setdefault("HasAttachments", False)
	return {**out, **_updated(record)}


def tax_rate(record: dict) -> dict:
	rate = num(record["EffectiveRate"])
	component = {"Name": "GST", "Rate": rate, "IsCompound": False, "IsNonRecoverable": False}
	return {
		**{k: v for k, v in record.items() if k != "EffectiveRate"},
		"TaxComponents": [component],
		"DisplayTaxRate": rate,
		"EffectiveRate": rate,
	}


def item(record: dict, unitdp: int = 2) -> dict:
	out = {k: v for k, v in record.items() if k not in ("UpdatedDateUTC", "SalesDetails")}
	sales = dict(record.get("SalesDetails") or {})
	if "UnitPrice" in sales:
		sales["UnitPrice"] = _unit(sales["UnitPrice"], unitdp)
	out["SalesDetails"] = sales
	out["PurchaseDetails"] = {}
	return {**out, **_updated(record)}


def contact(record: dict, with_merge: bool = True) -> dict:
	"""A contact as Xero shows it; ``MergedToContactID`` only when ``with_merge`` (xero_accounting.yaml
	Contact.MergedToContactID: "Only returned when using paging or when fetching a contact by
	ContactId or ContactNumber")."""
	out = {k: v for k, v in record.items() if k != "UpdatedDateUTC"}
	if not with_merge:
		out.pop("MergedToContactID", None)
	out.setdefault("Addresses", [])
	out.setdefault("Phones", [])
	out.setdefault("ContactGroups", [])
	out.setdefault("ContactPersons", [])
	out["HasAttachments"] = False
	out["HasValidationErrors"] = False
	return {**out, **_updated(record)}


def contact_summary(org: Organisation, contact_id: str) -> dict:
	record = org.contacts.get(contact_id)
	if record is None:
		return {"ContactID": contact_id}
	keys = ("ContactID", "ContactNumber", "AccountNumber", "ContactStatus", "Name", "EmailAddress")
	out = {k: record[k] for k in keys if record.get(k) is not None}
	return {
		**out,
		"Addresses": [],
		"Phones": [],
		"ContactGroups": [],
		"ContactPersons": [],
		"HasValidationErrors": False,
	}


def _unit(value, unitdp: int) -> float:
	return float(Decimal(str(value)).quantize(UNIT_4DP if unitdp == 4 else UNIT_2DP))


def line_item(line: dict, unitdp: int) -> dict:
	out = {k: v for k, v in line.items() if v is not None and not k.startswith("_")}
	for key in ("Quantity", "TaxAmount", "LineAmount", "DiscountRate", "DiscountAmount"):
		if key in out:
			out[key] = num(out[key])
	out["UnitAmount"] = _unit(line["UnitAmount"], unitdp)
	out.setdefault("Tracking", [])
	return out


def _document_money(doc: dict) -> dict:
	keys = ("SubTotal", "TotalTax", "Total", "CurrencyRate")
	return {k: num(doc[k]) for k in keys if doc.get(k) is not None}


def invoice(org: Organisation, doc: dict, unitdp: int = 2, with_lines: bool = True) -> dict:
	"""An ACCREC invoice with its payments and applied credit notes."""
	paid, allocated = org.applied_to(doc["InvoiceID"])
	payments = [payment_summary(p) for p in paid if p["Status"] != "DELETED"]
	credits = [credit_summary(org, a) for a in allocated if a["InvoiceID"] == doc["InvoiceID"]]
	out = {
		"Type": doc["Type"],
		"InvoiceID": doc["InvoiceID"],
		"InvoiceNumber": doc.get("InvoiceNumber"),
		"Reference": doc.get("Reference", ""),
		"Payments": payments,
		"CreditNotes": credits,
		"Prepayments": [],
		"Overpayments": [],
		"AmountDue": num(doc["AmountDue"]),
		"AmountPaid": num(doc["AmountPaid"]),
		"AmountCredited": num(doc["AmountCredited"]),
		"IsDiscounted": doc.get("IsDiscounted", False),
		"HasAttachments": False,
		"HasErrors": False,
		"Contact": contact_summary(org, doc["ContactID"]),
		**_dated(doc, "Date", True),
		**_dated(doc, "DueDate", True),
		**_dated(doc, "ExpectedPaymentDate", False),
		"Status": doc["Status"],
		"LineAmountTypes": doc["LineAmountTypes"],
		**_document_money(doc),
		"TotalDiscount": num(doc.get("TotalDiscount", "0")),
		"CurrencyCode": doc["CurrencyCode"],
		"SentToContact": doc.get("SentToContact", False),
		**_dated(doc, "FullyPaidOnDate", False),
		**_updated(doc),
	}
	for optional in ("Url", "BrandingThemeID"):
		if doc.get(optional):
			out[optional] = doc[optional]
	if with_lines:
		out["LineItems"] = [line_item(line, unitdp) for line in doc["LineItems"]]
	return out


def credit_note(org: Organisation, doc: dict, unitdp: int = 2, with_lines: bool = True) -> dict:
	"""An ACCRECCREDIT credit note with its allocations and refunds."""
	paid, allocated = org.applied_to(doc["CreditNoteID"])
	allocations = [allocation(org, a, from_credit_note=True) for a in allocated]
	payments = [payment_summary(p) for p in paid if p["Status"] != "DELETED"]
	out = {
		"Type": doc["Type"],
		"CreditNoteID": doc["CreditNoteID"],
		"CreditNoteNumber": doc.get("CreditNoteNumber"),
		"Reference": doc.get("Reference", ""),
		"Payments": payments,
		"Allocations": allocations,
		"RemainingCredit": num(doc["RemainingCredit"]),
		"HasAttachments": False,
		"HasErrors": False,
		"Contact": contact_summary(org, doc["ContactID"]),
		**_dated(doc, "Date", True),
		**_dated(doc, "DueDate", True),
		"Status": doc["Status"],
		"LineAmountTypes": doc["LineAmountTypes"],
		**_document_money(doc),
		"CurrencyCode": doc["CurrencyCode"],
		"SentToContact": doc.get("SentToContact", False),
		**_dated(doc, "FullyPaidOnDate", False),
		**_updated(doc),
	}
	if with_lines:
		out["LineItems"] = [line_item(line, unitdp) for line in doc["LineItems"]]
	return out


def payment_summary(record: dict) -> dict:
	"""A payment as listed inside its invoice or credit note."""
	return {
		"PaymentID": record["PaymentID"],
		**_dated(record, "Date", False),
		"Amount": num(record["Amount"]),
		"CurrencyRate": num(record["CurrencyRate"]),
		"Reference": record.get("Reference", ""),
		"Status": record["Status"],
		"HasAccount": False,
		"HasValidationErrors": False,
	}


def credit_summary(org: Organisation, record: dict) -> dict:
	"""A credit note as listed inside an invoice it was allocated to."""
	note = org.credit_notes.get(record["CreditNoteID"], {})
	return {
		"CreditNoteID": record["CreditNoteID"],
		"CreditNoteNumber": note.get("CreditNoteNumber"),
		"ID": record["CreditNoteID"],
		"AppliedAmount": num(record["Amount"]),
		**_dated(record, "Date", True),
		"Total": num(note.get("Total")),
		"HasErrors": False,
	}


def _invoice_summary(invoice_id: str, number: str | None, **extra) -> dict:
	"""The Invoice Xero nests in an allocation or a payment: empty money lists, no lines
	(``extra`` goes before LineItems). Called by allocation() and payment()."""
	return {
		"InvoiceID": invoice_id,
		"InvoiceNumber": number,
		"Payments": [],
		"CreditNotes": [],
		"Prepayments": [],
		"Overpayments": [],
		"HasErrors": False,
		"IsDiscounted": False,
		**extra,
		"LineItems": [],
	}


def allocation(org: Organisation, record: dict, from_credit_note: bool = False) -> dict:
	invoice_doc = org.invoices.get(record["InvoiceID"], {})
	out = {
		"AllocationID": record["AllocationID"],
		"Amount": num(record["Amount"]),
		**_dated(record, "Date", False),
		"Invoice": _invoice_summary(record["InvoiceID"], invoice_doc.get("InvoiceNumber")),
		"IsDeleted": False,
	}
	if not from_credit_note:
		note = org.credit_notes.get(record["CreditNoteID"], {})
		out["CreditNote"] = {
			"CreditNoteID": record["CreditNoteID"],
			"CreditNoteNumber": note.get("CreditNoteNumber"),
			"ID": record["CreditNoteID"],
			"LineItems": [],
		}
	return out


def payment(org: Organisation, record: dict) -> dict:
	account_record = org.accounts.get(record["AccountID"], {})
	out = {
		"PaymentID": record["PaymentID"],
		**_dated(record, "Date", False),
		"BankAmount": num(record["BankAmount"]),
		"Amount": num(record["Amount"]),
		"Reference": record.get("Reference", ""),
		"CurrencyRate": num(record["CurrencyRate"]),
		"PaymentType": record["PaymentType"],
		"Status": record["Status"],
		"IsReconciled": record.get("IsReconciled", False),
		"HasAccount": True,
		"HasValidationErrors": False,
		"Account": {"AccountID": record["AccountID"], "Code": account_record.get("Code")},
		**_updated(record),
	}
	if record.get("InvoiceID"):
		doc = org.invoices[record["InvoiceID"]]
		out["Invoice"] = {
			"Type": doc["Type"],
			**_invoice_summary(
				doc["InvoiceID"],
				doc.get("InvoiceNumber"),
				Contact=contact_summary(org, doc["ContactID"]),
				CurrencyCode=doc["CurrencyCode"],
			),
		}
	else:
		doc = org.credit_notes[record["CreditNoteID"]]
		out["CreditNote"] = {
			"Type": doc["Type"],
			"CreditNoteID": doc["CreditNoteID"],
			"CreditNoteNumber": doc.get("CreditNoteNumber"),
			"ID": doc["CreditNoteID"],
			"Contact": contact_summary(org, doc["ContactID"]),
			"CurrencyCode": doc["CurrencyCode"],
			"LineItems": [],
		}
	return out


def organisation(org: Organisation) -> dict:
	profile = dict(org.profile)
	profile["Name"] = org.name
	profile["BaseCurrency"] = org.base_currency
	profile["ShortCode"] = org.short_code
	created = profile.pop("CreatedDateUTC", None)
	if created:
		profile["CreatedDateUTC"] = ms_date(created)
	return profile


def echo(element) -> dict:
	"""A rejected element sent back as the client sent it (numbers as numbers), for ValidationErrors."""
	if not isinstance(element, dict):
		return {}
	return _jsonable(element)


def _jsonable(value):
	if isinstance(value, dict):
		return {k: _jsonable(v) for k, v in value.items()}
	if isinstance(value, list):
		return [_jsonable(v) for v in value]
	if isinstance(value, Decimal):
		return float(value)
	return value


def amount(value) -> Decimal:
	"""Stored amount → Decimal (helper for resources)."""
	return dec(value) or Decimal("0")
