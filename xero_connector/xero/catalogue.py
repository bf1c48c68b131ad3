"""The error catalogue: every Xero validation message and HTTP failure the
connector can meet, with a kind and a plain-language cause and resolution.

Called by the client (to type its exceptions and per-element batch results), by
the engine (to decide retry vs. park) and by the Sync Log (to show people what
to do). ``match_message(text)`` finds the entry for one of Xero's validation
messages; ``for_http(status, ...)`` for a failed HTTP exchange; ``get(key)`` by
key. Unknown messages map to ``UNKNOWN_VALIDATION`` (permanent): callers keep
Xero's text verbatim next to it.

Kinds:
- ``transient``: retry later with backoff, nothing for a person to do;
- ``permanent``: will fail again until a person fixes the cause and resends;
- ``needs_reauthorisation``: an administrator must connect to Xero again;
- ``rate_limited``: wait (``Retry-After``) or defer until the limit resets.
"""

from __future__ import annotations

import re

from xero_connector.xero.catalogue_entry import (
	KINDS,
	MATCH_CHARS,
	NEEDS_REAUTHORISATION,
	PERMANENT,
	RATE_LIMITED,
	TRANSIENT,
	CatalogueEntry,
	_e,
)
from xero_connector.xero.catalogue_http import HTTP_ENTRIES

__all__ = [
	"ENTRIES",
	"HTTP_ENTRIES",
	"KINDS",
	"MATCH_CHARS",
	"NEEDS_REAUTHORISATION",
	"PERMANENT",
	"RATE_LIMITED",
	"TRANSIENT",
	"UNKNOWN_VALIDATION",
	"VALIDATION_ENTRIES",
	"CatalogueEntry",
	"for_http",
	"for_oauth_error",
	"get",
	"match_message",
]

# ---------------------------------------------------------------- validation messages
# Order matters: the first matching entry wins, so specific patterns come first.
VALIDATION_ENTRIES: tuple[CatalogueEntry, ...] = (
	_e(
		"contact_account_number_exists",
		PERMANENT,
		"The customer's name differs from the Xero contact that already holds this account number, "
		"so Xero refused to create a second contact with the same account number.",
		"Check the customer's name and billing account code: correct the name to match the Xero "
		"contact, or correct the billing account code on the Customer, then resend.",
		r"The Account Number already exists",
		"The Account Number already exists. Please enter a different Account Number.",
	),
	_e(
		"invoice_number_not_unique",
		PERMANENT,
		"An invoice with this number is already in Xero (sent earlier, or entered there by hand).",
		"Link the Sales Invoice to the existing Xero invoice rather than create it again "
		"(the sync looks it up by InvoiceNumber), or renumber one of them.",
		r"Invoice\s*#\s*must be unique|InvoiceNumber.*(already|must be unique)",
		"Invoice # must be unique.",
	),
	_e(
		"credit_note_number_not_unique",
		PERMANENT,
		"A credit note with this number is already in Xero (sent earlier, or entered there by hand).",
		"Link the return to the existing Xero credit note rather than create it again, or renumber one of them.",
		r"Credit Note\s*#\s*must be unique",
		"Credit Note # must be unique.",
	),
	_e(
		"idempotency_key_reused",
		PERMANENT,
		"The same Idempotency-Key was sent with a different request within Xero's 6-minute window.",
		"This is a bug in how keys are derived: the key must change when the payload changes "
		"(it includes a hash of the payload). Report it; resending after 6 minutes works around it.",
		r"Idempotency[- ]Key.*(used with a different request|different request)",
		"Idempotency Key abc-123 is used with a different request.",
	),
	_e(
		"idempotency_key_too_long",
		PERMANENT,
		"The Idempotency-Key header is longer than Xero's 128-character limit.",
		"This is a bug in key derivation (keys are hashed to fit); report it.",
		r"Idempotency[- ]Key must not be longer than",
		"Idempotency-Key must not be longer than 128 characters.",
	),
	_e(
		"account_code_archived",
		PERMANENT,
		"A line uses a Xero account that has been archived or deleted.",
		"In Xero Account Mapping, map this item, item group or income account to an active Xero "
		"revenue account (or restore the account in Xero), then resend.",
		r"Account code '?[^']*'? has been archived|account .*(is )?archived",
		"Account code '205' has been archived, or has been deleted. Each line item must reference a valid account.",
	),
	_e(
		"account_code_not_revenue",
		PERMANENT,
		"A line uses a Xero account that is not a revenue account (sales invoices need REVENUE, "
		"SALES or OTHERINCOME accounts).",
		"Map the item, item group or income account to a Xero revenue account in Xero Account Mapping, then resend.",
		r"Account code '?[^']*'? (is not a revenue|cannot be used for sales|is not of a revenue)|"
		r"(?:not a|non-)revenue account",
		"Account code '610' is not a revenue account.",
	),
	_e(
		"account_code_invalid",
		PERMANENT,
		"A line uses an account code that does not exist in this Xero organisation's chart of accounts "
		"(or cannot be used on this kind of document, e.g. a bank account).",
		"Fix the Rate-to-Account mapping (Xero Account Mapping) or the default sales account in "
		"the Xero Connection so it names an active Xero revenue account, then resend.",
		r"Account code '?[^']*'? is not a valid code|AccountCode.*(not valid|does not exist)|"
		r"Account code or ID must be specified",
		"Account code '999' is not a valid code for this document.",
	),
	_e(
		"tax_type_invalid",
		PERMANENT,
		"A line uses a tax type that does not exist in Xero, is inactive, or cannot be used on sales.",
		"Fix the Xero Tax Mapping (or the default tax type on the Xero Connection) to a Xero tax rate that "
		"is active and can apply to revenue, then resend.",
		r"TaxType code .*(does not exist or cannot be used|cannot be used with account)|TaxType .*(not valid|invalid)",
		"The TaxType code 'XYZ' does not exist or cannot be used for this type of transaction.",
	),
	_e(
		"currency_not_enabled",
		PERMANENT,
		"The invoice's currency is not set up in this Xero organisation.",
		"Add the currency in Xero (Settings → Currencies; needs a plan with multi-currency), "
		"or invoice in the organisation's base currency, then resend.",
		r"not subscribed to currency|currency .*(is not|isn't) (a )?(valid|set up|enabled)|"
		r"Currency code .*(not valid|invalid)",
		"Organisation is not subscribed to currency USD",
	),
	_e(
		"contact_name_duplicate",
		PERMANENT,
		"Another active Xero contact already has this name, so a new contact cannot be created with it.",
		"Set the customer's billing account code to the existing Xero contact's account number so "
		"they are matched, or rename one of them, then resend.",
		r"contact name .*is already assigned to another contact",
		"The contact name Acme Ltd is already assigned to another contact. "
		"The contact name must be unique across all active contacts.",
	),
	_e(
		"contact_name_required",
		PERMANENT,
		"The contact sent to Xero has no name; Xero needs one to create a contact.",
		"Fill in the Customer Name in ERPNext (or the customer's billing account code of an existing "
		"Xero contact), then resend.",
		r"contact name cannot be empty",
		"Contact Name cannot be empty.",
	),
	_e(
		"contact_archived",
		PERMANENT,
		"The matched Xero contact is archived (often after two contacts were merged in Xero).",
		"Restore the contact in Xero, or point the customer at the surviving contact (Use Merged "
		"Contact on the Xero Sync Log row, or delete the customer's Xero Contact Link or fix its "
		"billing account code), then resend.",
		r"contact .*has been archived|contact .*is archived|status 'ARCHIVED' is not valid for contacts|"
		r"matched an archived contact",
		"The contact with the specified contact details has been archived. "
		"The contact must be un-archived before creating new invoices or credit notes.",
	),
	_e(
		"contact_required",
		PERMANENT,
		"The document has no contact, or the contact reference is empty.",
		"Make sure the customer resolves to a Xero contact (ContactID, account number or name), then resend.",
		r"A Contact must be specified|Contact.*(is required|must be specified)",
		"A Contact must be specified for this type of transaction",
	),
	_e(
		"document_has_payments",
		PERMANENT,
		"The Xero invoice has payments or credit notes allocated, so Xero will not change, void or delete it.",
		"Remove the payments/allocations in Xero first (or cancel with a credit note instead), then resend.",
		r"cannot be (edited|voided|deleted) as it has a payment|has (a )?payments? or credit notes? allocated|"
		r"because it has payments",
		"This document cannot be edited as it has a payment or credit note allocated to it.",
	),
	_e(
		"document_status_not_modifiable",
		PERMANENT,
		"The Xero document is in a status that does not allow this change (e.g. it is already PAID, "
		"VOIDED or DELETED, or an AUTHORISED invoice was asked to be DELETED rather than VOIDED).",
		"Open the document in Xero to see its status; an AUTHORISED invoice is voided, a DRAFT/SUBMITTED "
		"one deleted, a paid one needs its payments removed first.",
		r"not of valid status for (modification|creation)|cannot be applied to the (invoice|document)|"
		r"status .*(is not valid|cannot be changed)",
		"Invoice not of valid status for modification",
	),
	_e(
		"amount_exceeds_outstanding",
		PERMANENT,
		"The payment or credit note allocation is larger than what is still outstanding on the document.",
		"Allocate no more than the invoice's AmountDue (and the credit note's RemainingCredit); "
		"refresh the amounts from Xero and resend.",
		r"(exceeds|greater than|more than) the (amount|balance) (outstanding|due|remaining)|"
		r"amount outstanding|(exceeds|greater than) the remaining credit|amount must be less than",
		"Payment amount exceeds the amount outstanding on this document.",
	),
	_e(
		"allocation_invoice_paid",
		PERMANENT,
		"The invoice the credit note should be allocated to is already paid in full.",
		"Nothing to allocate: leave the credit note unallocated (or refund it) in Xero; mark the return as handled.",
		r"already been paid off|invoice .*already (been )?paid",
		"The invoice you are trying to allocate to has already been paid off",
	),
	_e(
		"payment_document_not_authorised",
		PERMANENT,
		"Payments and allocations can only be made against AUTHORISED documents (this one is DRAFT, "
		"SUBMITTED, VOIDED or DELETED).",
		"Approve the document in Xero (or send invoices as AUTHORISED), then resend.",
		r"can only be made against Authori[sz]ed documents|can only be allocated to AUTHORISED|"
		r"Only AUTHORISED credit notes",
		"Payments can only be made against Authorised documents",
	),
	_e(
		"item_code_invalid",
		PERMANENT,
		"A line names an item code that does not exist in Xero.",
		"Create the item in Xero, or let the sync omit ItemCode for items Xero does not have (refresh the "
		"Xero reference data), then resend.",
		r"Item code '?[^']*'? is not valid|ItemCode .*(not valid|does not exist)",
		"Item code 'WIDGET' is not valid.",
	),
	_e(
		"contact_not_found",
		PERMANENT,
		"The stored Xero ContactID does not match any contact in this organisation.",
		"Delete the customer's Xero Contact Link (listed on the Customer) so the contact is matched again "
		"by account number or name.",
		r"contact with the specified contact details could not be found|contact .*(not found|could not be found)",
		"The contact with the specified contact details could not be found.",
	),
	_e(
		"negative_total",
		PERMANENT,
		"The document's total would be negative; Xero needs credit notes for negative amounts.",
		"Check the invoice's discounts and lines; returns are sent as credit notes.",
		r"Total for this document must be greater than or equal to zero",
		"The Total for this document must be greater than or equal to zero.",
	),
	_e(
		"due_date_required",
		PERMANENT,
		"An AUTHORISED invoice needs a due date and none was sent.",
		"Set the Sales Invoice's due date (or the customer's payment terms), then resend.",
		r"Due ?date cannot be empty|DueDate .*(required|must be specified)",
		"The document DueDate field must be specified.",
	),
	_e(
		"tax_amount_invalid",
		PERMANENT,
		"A line's tax amount is larger than the line amount.",
		"Check the tax template and the line's rate; resend once the tax is right.",
		r"tax amount cannot be greater than the line amount",
		"The tax amount cannot be greater than the line amount!",
	),
	_e(
		"too_many_elements",
		PERMANENT,
		"More than 50 documents were sent in one request.",
		"A bug: the client splits batches into chunks of 50; report it.",
		r"maximum of 50 .* in a single request",
		"A maximum of 50 Invoices can be submitted in a single request.",
	),
	_e(
		"payment_account_invalid",
		PERMANENT,
		"Payments must be made to a bank account (or one with 'Enable payments to this account').",
		"Choose a Xero BANK account for payments on the Xero Connection, then resend.",
		r"Payments can only be made to|payments to this account|invalid for making a payment",
		"Account type is invalid for making a payment to/from",
	),
	_e(
		"period_locked",
		PERMANENT,
		"The document date is before the lock date set in Xero (the period is closed).",
		"Ask the Xero adviser to move the lock date, or date the document in an open period, then resend.",
		r"lock date|period is locked|closed period",
		"The document date cannot be before the period lock date.",
	),
	_e(
		"line_items_required",
		PERMANENT,
		"The document has no line items, or a line is missing its description/amount.",
		"Check the Sales Invoice's items and the account/tax mapping, then resend.",
		r"(at least one|one or more|must contain).*line items?.*(specified|required)|"
		r"LineItems? .*(required|must be specified)|Description (field )?is (required|mandatory)",
		"One or more line items must be specified",
	),
	_e(
		"email_invalid",
		PERMANENT,
		"The contact's email address is not valid for Xero.",
		"Correct the customer's email address, then resend.",
		r"Email address must be valid",
		"Email address must be valid.",
	),
	_e(
		"total_mismatch",
		PERMANENT,
		"The document's total in Xero would differ from the total that was sent (rounding or tax).",
		"Check rounding and tax mapping; the sync sends per-line tax so Xero's total equals ERPNext's.",
		r"(total|sum) .*(does not|doesn't) (match|equal)|Total .* must equal",
		"The total of the line items does not match the Total supplied.",
	),
)

UNKNOWN_VALIDATION = _e(
	"validation_unknown",
	PERMANENT,
	"Xero refused the document with a message the connector does not know yet (shown verbatim).",
	"Read Xero's message, fix the document or its mappings accordingly, then resend.",
)

ENTRIES: tuple[CatalogueEntry, ...] = (*VALIDATION_ENTRIES, UNKNOWN_VALIDATION, *HTTP_ENTRIES)
_BY_KEY = {entry.key: entry for entry in ENTRIES}
RATE_LIMIT_PROBLEMS = {
	"minute": "rate_limit_minute",
	"day": "rate_limit_day",
	"concurrent": "rate_limit_concurrent",
	"appminute": "rate_limit_app_minute",
}


def get(key: str) -> CatalogueEntry:
	"""The entry with this key (KeyError if none)."""
	return _BY_KEY[key]


def match_message(message: str) -> CatalogueEntry:
	"""The entry for one of Xero's validation messages; ``UNKNOWN_VALIDATION`` if none matches."""
	for entry in VALIDATION_ENTRIES:
		if entry.matches(message):
			return entry
	return UNKNOWN_VALIDATION


def for_http(status: int, detail: str | None = None, problem: str | None = None) -> CatalogueEntry:
	"""The entry for a failed HTTP exchange with Xero's API. ``detail`` is Xero's
	``Detail``/``Message`` text, ``problem`` the ``X-Rate-Limit-Problem`` header."""
	if status == 429:
		return get(RATE_LIMIT_PROBLEMS.get((problem or "").strip().lower(), "rate_limit_minute"))
	if status == 401:
		return get(
			"token_expired" if detail and "tokenexpired" in detail.lower() else "authentication_unsuccessful"
		)
	if status == 403:
		# Xero: 403 "AuthorizationUnsuccessful" when the token lacks the endpoint's scope,
		# "AuthenticationUnsuccessful" when the tenant is not connected
		if detail and re.search(r"scope|authorization", detail, re.IGNORECASE):
			return get("insufficient_scope")
		return get("tenant_not_connected")
	if status == 400:
		return get("validation_exception" if detail and "validation" in detail.lower() else "bad_request")
	for entry in HTTP_ENTRIES:
		if entry.http_status == status:
			return entry
	if status >= 500:
		return get("server_error")
	return UNKNOWN_VALIDATION


def for_oauth_error(error: str | None) -> CatalogueEntry:
	"""The entry for an OAuth error code from Xero's identity service."""
	code = (error or "").strip().lower()
	if code in _BY_KEY and code in ("invalid_grant", "invalid_client", "invalid_scope", "access_denied"):
		return get(code)
	if code == "unauthorized_client":
		return get("invalid_client")
	return get("bad_request")
