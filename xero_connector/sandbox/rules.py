"""The sandbox's strict rules that a test may loosen, one by name.

Strict is the default: the sandbox refuses what Xero refuses. A test (or the CLI's
``--loosen NAME``) that needs the old, kinder behaviour for one rule names it in
``SandboxConfig(loosen={...})``; every name here says which Xero rule it loosens and where
that rule is written down. Read by :mod:`.accounting` (through ``Ctx.strict``) and
:mod:`.pipeline` (scopes).
"""

from __future__ import annotations

RULES = {
	# Xero refuses a LineAmount that is not round(Quantity × UnitAmount less discount, 2):
	# "The line total X does not match the expected line total Y" (XeroAPI/Xero-NetStandard#74, #147;
	# community.xero.com/developer/discussion/144129369)
	"line_amount": "a LineAmount that disagrees with Quantity × UnitAmount is recomputed",
	# an ACCREC invoice's or credit note's number is unique in the organisation: "Invoice # must be
	# unique." / "Credit Note # must be unique." (xero_accounting.yaml components/schemas/Invoice/
	# properties/InvoiceNumber: "ACCREC - Unique alpha numeric code identifying invoice";
	# developer.xero.com/documentation/api/accounting/invoices; XeroAPI/Xero-Net#257). Loosened by
	# the duplicate-hunting soak, so that only the connector's own guarantees stand between a race
	# and a second copy
	"number_unique": "a number already held by a live document may be used again (duplicates stored)",
	# a contact's Name is unique among ACTIVE contacts ("The contact name X is already assigned to
	# another contact. The contact name must be unique across all active contacts.") and its
	# AccountNumber among all ("The Account Number already exists. Please enter a different Account
	# Number."): developer.xero.com/documentation/api/accounting/contacts. Loosened by the
	# contact-create race test, so that only the connector's per-customer hold keeps one customer
	# from becoming two contacts
	"contact_unique": "a contact name or account number already in use may be used again (duplicates stored)",
	# an ACCREC number stays taken by its VOIDED or DELETED invoice (issue 12)
	"number_reuse": "a voided or deleted document's number may be used again",
	# field lengths from the OpenAPI spec (xero_accounting.yaml components/schemas/*/maxLength)
	"field_lengths": "over-long text fields are stored as sent",
	# components/schemas/Allocation/required: [Amount, Invoice, Date]
	"allocation_date": "an allocation without a Date is dated today",
	# components/schemas/LineItem/properties/DiscountRate: "ACCPAY invoices and credit notes in
	# Xero do not support discounts"
	"credit_note_discount": "DiscountRate/DiscountAmount accepted on credit note lines",
	# where compares strings case-sensitively (calcinai/xero-php#416, XeroAPI/xero-ruby#184)
	"where_case": "where string comparisons ignore case",
	# PUT creates; an InvoiceID/CreditNoteID that exists is not a new document
	"put_existing_id": "a PUT naming an existing document's ID creates a new document",
	# each endpoint needs its scope (xero_accounting.yaml paths/*/security; granular scopes:
	# developer.xero.com/documentation/guides/oauth2/scopes)
	"scopes": "any token is served whatever scopes it was granted",
}


def check(names) -> frozenset[str]:
	"""``names`` as a frozenset, refusing a name that is not a rule (a typo must not loosen nothing)."""
	chosen = frozenset(names or ())
	unknown = sorted(chosen - set(RULES))
	if unknown:
		raise ValueError(
			f"unknown sandbox rule(s) to loosen: {', '.join(unknown)}; known: {', '.join(RULES)}"
		)
	return chosen
