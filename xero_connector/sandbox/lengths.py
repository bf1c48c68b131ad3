"""Xero's field length limits, checked on every write (strict; loosen with ``field_lengths``).

Where the OpenAPI spec gives a ``maxLength`` it is cited by its path in
``../shared/xero-openapi/xero_accounting.yaml``; the others come from Xero's API pages.
Called by :mod:`.documents` and :mod:`.contacts`.
"""

from __future__ import annotations

from . import messages as msg

# components/schemas/Invoice/properties/InvoiceNumber: maxLength 255. CreditNote has no
# maxLength in the spec; Xero numbers both document kinds from the same settings, so 255 too.
NUMBER = 255
# Reference: "ACCREC only – additional reference number", 255 on developer.xero.com/documentation/
# api/accounting/invoices (not in the 16.1.0 spec)
REFERENCE = 255
# LineItem Description: "at least 1 character, at most 4,000" (developer.xero.com/documentation/
# api/accounting/invoices#post-invoices, repeated in Workato's Xero connector docs)
DESCRIPTION = 4000

# components/schemas/Contact/properties/*/maxLength
CONTACT = {
	"Name": 255,
	"FirstName": 255,
	"LastName": 255,
	"EmailAddress": 255,
	"AccountNumber": 50,
	"ContactNumber": 50,
	"CompanyNumber": 50,
	"TaxNumber": 50,
}
# components/schemas/Address/properties/*/maxLength
ADDRESS = {
	"AddressLine1": 500,
	"AddressLine2": 500,
	"AddressLine3": 500,
	"AddressLine4": 500,
	"City": 255,
	"Region": 255,
	"PostalCode": 50,
	"Country": 50,
	"AttentionTo": 255,
}
# components/schemas/Phone/properties/*/maxLength
PHONE = {"PhoneNumber": 50, "PhoneAreaCode": 10, "PhoneCountryCode": 20}


def over(record: dict, limits: dict[str, int], prefix: str = "") -> list[str]:
	"""Xero's messages for the fields of ``record`` longer than their limit."""
	return [
		msg.too_long(f"{prefix}{key}", limit)
		for key, limit in limits.items()
		if isinstance(record.get(key), str) and len(record[key]) > limit
	]


def contact_errors(element: dict) -> list[str]:
	"""Over-long fields of a contact element, its addresses and phones included."""
	errors = over(element, CONTACT)
	for key, limits in (("Addresses", ADDRESS), ("Phones", PHONE)):
		for entry in element.get(key) or []:
			if isinstance(entry, dict):
				errors += over(entry, limits, f"{key[:-2] if key == 'Addresses' else key[:-1]}.")
	return list(dict.fromkeys(errors))
