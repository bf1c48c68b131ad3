"""Bills (ACCPAY invoices) and supplier credit notes (ACCPAYCREDIT): Xero's rules where they
differ from the sales side. The documents share :mod:`.documents` (status, currency, lines,
totals, payments, allocations); this module holds only what is particular to payables,
each rule with where it is written down. Called by :mod:`.documents`, :mod:`.lines`,
:mod:`.payments` and :mod:`.allocations`.
"""

from __future__ import annotations

PAYABLE_TYPES = frozenset({"ACCPAY", "ACCPAYCREDIT"})

# The account classes a bill line may use. Xero's documentation is silent on which accounts a
# bill's line may take (developer.xero.com/documentation/api/accounting/invoices, LineItems
# AccountCode: "See Accounts"; xero_accounting.yaml components/schemas/LineItem); what a bill
# buys is an expense (EXPENSE: DIRECTCOSTS, EXPENSE, OVERHEADS) or an asset (ASSET: INVENTORY,
# FIXED, CURRENT, NONCURRENT, PREPAYMENT; developer.xero.com/documentation/api/accounting/types
# #account-class-types). As on the sales side (sandbox/lines.py), the sandbox keeps the stricter
# rule: a revenue account on a bill line is refused, so a connector that codes a purchase to
# income fails a test rather than, perhaps, production. Bank accounts and system accounts
# (except Rounding, the one Xero takes on lines) are refused as on sales lines.
PURCHASE_CLASSES = frozenset({"EXPENSE", "ASSET"})

# The TaxRate flag that says whether a tax rate may be used with an account of each class:
# xero_accounting.yaml components/schemas/TaxRate/properties CanApplyToAssets, CanApplyToEquity,
# CanApplyToExpenses, CanApplyToLiabilities, CanApplyToRevenue ("Boolean to describe if tax
# rate can be used for asset accounts i.e. true,false", …). Xero's message when a bill line's tax
# type does not fit: "The TaxType code X does not exist or cannot be used for this type of
# transaction." (sandbox/messages.py)
TAX_FLAG_BY_CLASS = {
	"EXPENSE": "CanApplyToExpenses",
	"ASSET": "CanApplyToAssets",
	"LIABILITY": "CanApplyToLiabilities",
	"EQUITY": "CanApplyToEquity",
	"REVENUE": "CanApplyToRevenue",
}


def is_payable(doc_or_type) -> bool:
	"""True for an ACCPAY invoice or an ACCPAYCREDIT credit note (a stored doc or its Type)."""
	kind = doc_or_type.get("Type") if isinstance(doc_or_type, dict) else doc_or_type
	return str(kind or "").upper() in PAYABLE_TYPES


def number_is_unique(doc: dict) -> bool:
	"""Whether the document's number must be unique in the organisation. Only ACCREC numbers are:
	xero_accounting.yaml components/schemas/Invoice/properties/InvoiceNumber says "ACCREC – Unique
	alpha numeric code identifying invoice", and developer.xero.com/documentation/api/accounting/
	invoices adds "ACCPAY – non-unique alpha numeric code identifying invoice" (a bill's number is
	the supplier's own invoice number; two suppliers may use the same one). The credit notes page
	says the same of CreditNoteNumber for ACCRECCREDIT and ACCPAYCREDIT."""
	return not is_payable(doc)


def auto_numbered(doc: dict) -> bool:
	"""Xero numbers a document sent without one from the organisation's invoice settings: sales
	invoices and credit notes only ("when missing will auto-generate from your Organisation
	Invoice Settings" is said of ACCREC; a bill without the supplier's number has none)."""
	return not is_payable(doc)


def terms_key(doc: dict) -> str:
	"""Which of the organisation's PaymentTerms give a missing DueDate: Bills for payables
	(xero_accounting.yaml components/schemas/PaymentTerm: Bills, Sales)."""
	return "Bills" if is_payable(doc) else "Sales"


def new_contact_flags(doc_type: str) -> dict:
	"""A contact Xero creates from a document's Contact Name: IsSupplier is "automatically set when
	an accounts payable invoice is generated against this contact" (developer.xero.com/
	documentation/api/accounting/contacts, IsSupplier / IsCustomer)."""
	payable = is_payable(doc_type)
	return {"IsCustomer": not payable, "IsSupplier": payable}


def mark_contact(ctx, doc: dict) -> None:
	"""Set IsSupplier (payables) or IsCustomer (sales) on the document's contact once it has an
	AUTHORISED document of that side (same source as :func:`new_contact_flags`)."""
	contact = ctx.org.contacts.get(doc.get("ContactID") or "")
	if contact is None or doc.get("Status") not in ("AUTHORISED", "PAID"):
		return
	flag = "IsSupplier" if is_payable(doc) else "IsCustomer"
	if not contact.get(flag):
		contact[flag] = True
		ctx.touch(contact)


def purchase_account_refusal(account: dict, system_allowed: frozenset[str]) -> bool:
	"""True when ``account`` may not take a bill or supplier credit note line (see
	:data:`PURCHASE_CLASSES`)."""
	system = account.get("SystemAccount")
	if system:
		return system not in system_allowed
	return account["Class"] not in PURCHASE_CLASSES or account["Type"] == "BANK"


def purchase_tax_usable(rate: dict | None, account: dict | None) -> bool:
	"""Whether a tax rate may be used on a payable line with ``account`` (see
	:data:`TAX_FLAG_BY_CLASS`; without an account, its use on expenses)."""
	if rate is None or rate["Status"] != "ACTIVE":
		return False
	flag = TAX_FLAG_BY_CLASS.get((account or {}).get("Class") or "EXPENSE", "CanApplyToExpenses")
	return bool(rate.get(flag))


def payment_type(doc: dict, is_invoice: bool) -> str:
	"""Xero's PaymentType for a payment on ``doc``: xero_accounting.yaml components/schemas/Payment/
	properties/PaymentType enum ACCRECPAYMENT, ACCPAYPAYMENT, ARCREDITPAYMENT, APCREDITPAYMENT, …"""
	if is_payable(doc):
		return "ACCPAYPAYMENT" if is_invoice else "APCREDITPAYMENT"
	return "ACCRECPAYMENT" if is_invoice else "ARCREDITPAYMENT"


def same_side(note: dict, invoice: dict) -> bool:
	"""A credit note is allocated to an invoice of its own side: ACCRECCREDIT to ACCREC, ACCPAYCREDIT
	to ACCPAY (developer.xero.com/documentation/api/accounting/creditnotes, Allocations: "Allocate
	to an Invoice"; a supplier's credit reduces what is owed to that supplier, not a customer's debt)."""
	return is_payable(note) == is_payable(invoice)
