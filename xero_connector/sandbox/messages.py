"""Xero's validation messages, word for word where Xero's wording is known.

Sources: Xero's OpenAPI examples (``xero_accounting.yaml``), Xero's API documentation and the
messages integrators quote from Xero's responses; each known text names its source. Where no
wording is public, the sandbox uses a message in Xero's style (marked "sandbox wording").
Used by every resource module; tests/test_sandbox_messages.py pins the known ones.
"""

# Documents (invoices and credit notes). Sources of the known texts: CONTACT_REQUIRED, LINE_ITEMS_REQUIRED,
# INVOICE_STATUS_CREATE: Xero's XML answer in freakboy3742/pyxero's tests; INVOICE_NUMBER_UNIQUE:
# xero_accounting.yaml paths./Invoices/{InvoiceID}.post example; CONTACT_ARCHIVED, HAS_PAYMENTS,
# TAX_AMOUNT_TOO_BIG, account_archived, account_not_valid: Xero's texts as integrators list them
# (e.g. help.dext.com "Xero publishing errors"; community.xero.com/developer/discussion/92539695);
# tax_type_*: XeroAPI/Xero-Java#336; currency_not_subscribed, ACCOUNT_REQUIRED, NEGATIVE_TOTAL:
# quoted by integrators from Xero's answers
CONTACT_REQUIRED = "A Contact must be specified for this type of transaction"
CONTACT_ARCHIVED = (
	"The contact with the specified contact details has been archived. "
	"The contact must be un-archived before creating new invoices or credit notes."
)
CONTACT_NOT_FOUND = "The contact with the specified contact details could not be found."  # sandbox wording
INVOICE_NUMBER_UNIQUE = "Invoice # must be unique."
CREDIT_NOTE_NUMBER_UNIQUE = "Credit Note # must be unique."  # Xero's (quoted in XeroAPI/Xero-Net#257)
INVOICE_STATUS_CREATE = "Invoice not of valid status for creation"
INVOICE_STATUS_MODIFY = "Invoice not of valid status for modification"
CREDIT_NOTE_STATUS_CREATE = "Credit Note not of valid status for creation"
CREDIT_NOTE_STATUS_MODIFY = "Credit Note not of valid status for modification"
HAS_PAYMENTS = "This document cannot be edited as it has a payment or credit note allocated to it."
LINE_ITEMS_REQUIRED = "One or more line items must be specified"
DESCRIPTION_REQUIRED = "The Description field is mandatory for each line item."
ACCOUNT_REQUIRED = "Account code or ID must be specified."
NEGATIVE_TOTAL = "The Total for this document must be greater than or equal to zero."
# Xero's, quoted from its response in waynerobinson/xeroizer#290 (and by integrators meeting it on
# an AUTHORISED invoice sent without a DueDate)
DUE_DATE_REQUIRED = "The document DueDate field must be specified."
TAX_AMOUNT_TOO_BIG = "The tax amount cannot be greater than the line amount!"
INVALID_TYPE = (  # sandbox wording
	"The sandbox supports ACCREC and ACCPAY invoices and ACCRECCREDIT and ACCPAYCREDIT credit notes only."
)
DOCUMENT_NOT_FOUND = "The document with the specified ID could not be found."  # sandbox wording
# An InvoiceID / CreditNoteID that is no document of the organisation: the credit note's text is the
# example of xero_accounting.yaml paths./CreditNotes.put (responses 200, summarizeErrors=false);
# the invoice's, its counterpart, as integrators match it in Xero's answers
INVOICE_NOT_FOUND = "An existing Invoice with the specified InvoiceID could not be found"
CREDIT_NOTE_NOT_FOUND = "An existing Credit Note with the specified CreditNoteID could not be found"


def line_total_mismatch(given, expected) -> str:
	# Xero's wording, quoted in XeroAPI/Xero-NetStandard#74 and #147
	return f"The line total {given} does not match the expected line total {expected}"


def too_long(field: str, limit: int) -> str:
	return f"{field} must be no more than {limit} characters long."  # sandbox wording


def document_id_exists(kind: str, key: str, value: str) -> str:
	return f"A {kind} with {key} {value} already exists: update it with POST."  # sandbox wording


CREDIT_NOTE_NO_DISCOUNT = "Discounts are not supported on credit note line items."  # sandbox wording
# components/schemas/LineItem/properties/DiscountRate: "ACCPAY invoices and credit notes in Xero do
# not support discounts"
PAYABLE_NO_DISCOUNT = (
	"Discounts are not supported on ACCPAY invoice or credit note line items."  # sandbox wording
)
ALLOCATION_TYPE = "Credit notes can only be allocated to invoices of the same type (ACCRECCREDIT to ACCREC, ACCPAYCREDIT to ACCPAY)."  # sandbox wording
ALLOCATION_DATE_REQUIRED = "A Date must be specified for the allocation."  # sandbox wording


def account_not_valid(code: str) -> str:
	return f"Account code '{code}' is not a valid code for this document."


def account_archived(code: str) -> str:
	return f"Account code '{code}' has been archived, or has been deleted. Each line item must reference a valid account."


def tax_type_invalid(tax_type: str) -> str:
	return f"The TaxType code {tax_type} does not exist or cannot be used for this type of transaction."


def tax_type_not_for_account(tax_type: str, code: str) -> str:
	return f"The TaxType code '{tax_type}' cannot be used with account code '{code}'."


def currency_not_subscribed(code: str) -> str:
	return f"Organisation is not subscribed to currency {code}"


def item_not_valid(code: str) -> str:
	return f"Item code '{code}' is not valid."  # sandbox wording


def not_a_number(field: str) -> str:
	return f"{field} must be a number."  # sandbox wording


def not_a_date(field: str, value) -> str:
	return f"The {field} '{value}' is not a valid date."  # sandbox wording


def line_amount_types_invalid(value) -> str:
	return f"'{value}' is not a valid LineAmountTypes value."  # sandbox wording


def too_many_elements(kind: str) -> str:
	return f"A maximum of 50 {kind} can be submitted in a single request."  # sandbox wording


# Contacts
ACCOUNT_NUMBER_EXISTS = (  # wording not found in a public source
	"The Account Number already exists. Please enter a different Account Number."
)
CONTACT_NAME_REQUIRED = "Contact Name cannot be empty."  # Xero's (its response quoted in xeroizer PR #380)
# Xero's answer to an edit of an archived contact (integrators quote it verbatim; the sandbox still
# lets ContactStatus ACTIVE restore one)
CONTACT_ARCHIVED_UPDATE = (
	"The specified contact details matched an archived contact. "
	"Archived contacts cannot currently be edited via the API."
)


def contact_name_taken(name: str) -> str:  # xero_accounting.yaml paths./Contacts.put example
	return (
		f"The contact name {name} is already assigned to another contact. "
		"The contact name must be unique across all active contacts."
	)


# Payments
PAYMENT_NOT_AUTHORISED = "Payments can only be made against Authorised documents"
PAYMENT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"  # xero_accounting.yaml paths./Payments.put example
PAYMENT_ACCOUNT_REQUIRED = (  # wording not found in a public source
	"You must specify an Account code or Account ID for the payment"
)
# Xero's, for an account that is neither BANK nor "Enable payments to this account" (integrators
# match this text in Xero's answers to retry with a payment-enabled account)
PAYMENT_ACCOUNT_INVALID = "Account type is invalid for making a payment to/from"
PAYMENT_AMOUNT_POSITIVE = "Payment amount must be greater than zero."  # sandbox wording
PAYMENT_DOCUMENT_REQUIRED = "You must specify an Invoice or Credit Note for the payment."  # sandbox wording
PAYMENT_ALREADY_DELETED = "This payment has already been deleted."  # sandbox wording
PAYMENT_ONLY_DELETE = "A payment can only be updated to a Status of DELETED."  # sandbox wording

# Credit-note allocations
ALLOCATION_NOT_AUTHORISED = "Only AUTHORISED credit notes can be allocated."  # sandbox wording
# the two below: Xero's answer to an allocation, quoted in waynerobinson/xeroizer#320
ALLOCATION_INVOICE_PAID = "The invoice you are trying to allocate to has already been paid off"
ALLOCATION_INVOICE_STATUS = "Credit notes can only be allocated to AUTHORISED invoices."  # sandbox wording
ALLOCATION_EXCEEDS_INVOICE = "Credit Note cannot be allocated as amount is greater than amount outstanding"
ALLOCATION_EXCEEDS_CREDIT = (
	"The amount allocated cannot be greater than the remaining credit."  # sandbox wording
)
ALLOCATION_AMOUNT_POSITIVE = "The amount allocated must be greater than zero."  # sandbox wording
ALLOCATION_CONTACT = "The credit note and the invoice must be for the same contact."  # sandbox wording
ALLOCATION_CURRENCY = "The credit note and the invoice must be in the same currency."  # sandbox wording
ALLOCATION_INVOICE_REQUIRED = "An Invoice must be specified for the allocation."  # sandbox wording
