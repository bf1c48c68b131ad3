"""Business rules the connector applies in more than one place (the engine, pre-flight,
the mapping forms, the cancel check on the form, the reconciliation report), written
once here. Pure: no ``import frappe``."""

from __future__ import annotations

from decimal import Decimal

from xero_connector.engine.money import ZERO, dec, money

REVENUE_CLASS = "REVENUE"
REVENUE_TYPES = frozenset({"REVENUE", "SALES", "OTHERINCOME"})


# Xero's Rounding account (code 860 by default): the one system account Xero takes on an invoice
# line, for the adjustment line its rounding guide advises
# (https://developer.xero.com/documentation/api-guides/rounding-in-xero; not among the system
# accounts that block transactions, https://help.xero.com/uk/Chart-LockedSystem). The sandbox
# follows the same documents (xero_connector/sandbox/lines.py).
ROUNDING_SYSTEM_ACCOUNT = "ROUNDING"


def is_revenue_account(account_class: str | None, account_type: str | None) -> bool:
	"""Whether a Xero account (its ``Class`` and ``Type``) may take a sales line: a revenue
	account (Type REVENUE, SALES or OTHERINCOME; by its class where Xero gave no type)."""
	if account_class not in (None, "", REVENUE_CLASS):
		return False
	return account_type in REVENUE_TYPES if account_type else account_class == REVENUE_CLASS


def line_account_refusal(
	account_class: str | None,
	account_type: str | None,
	system_account: str | None,
	rounding_line: bool = False,
) -> str | None:
	"""Why a Xero account may not take a sales line, or None when it may: ``"system_account"``
	(Xero keeps it for its own entries and refuses lines on it) or ``"account_not_revenue"``.

	An item, charge or discount line needs a revenue account. The line carrying ERPNext's rounding
	adjustment may also go to Xero's Rounding system account (:data:`ROUNDING_SYSTEM_ACCOUNT`),
	which Xero accepts on lines; every other system account is refused, as Xero refuses it
	("Account code 'X' is not a valid code for this document.";
	https://community.xero.com/developer/discussion/92539695)."""
	if system_account:
		if rounding_line and system_account == ROUNDING_SYSTEM_ACCOUNT:
			return None
		return "system_account"
	if not is_revenue_account(account_class, account_type):
		return "account_not_revenue"
	return None


def customer_owes(doc: dict) -> Decimal:
	"""What the customer owes on an ERPNext Sales Invoice, signed as ERPNext signs it
	(negative on a return): the rounded total where ERPNext rounds, else the grand total."""
	rounded = money(doc.get("rounded_total"))
	if not doc.get("disable_rounded_total") and rounded:
		return rounded
	return money(doc.get("grand_total"))


def owed_sign_fits(doc: dict) -> bool:
	"""Whether what the customer owes has the sign the document's kind allows in Xero, which
	takes no document with a negative total ("The Total for this document must be greater than
	or equal to zero."): an ordinary Sales Invoice owes zero or more; a return (a Xero credit
	note, whose total is what ERPNext's negative amount credits) zero or less."""
	owed = customer_owes(doc)
	return owed <= ZERO if doc.get("is_return") else owed >= ZERO


def void_blocked_by(amount_paid, amount_credited, status: str | None = None) -> list[str]:
	"""What stops Xero voiding (or deleting) a document: ``"payments"`` and/or ``"credit"``
	(credit notes or allocations), empty when nothing does. Xero refuses to void an invoice
	or credit note that has payments or allocations until they are removed."""
	blocked = []
	if dec(amount_paid) > ZERO or status == "PAID":
		blocked.append("payments")
	if dec(amount_credited) > ZERO:
		blocked.append("credit")
	return blocked


PURCHASE_INVOICE = "Purchase Invoice"


def is_purchase(doc: dict) -> bool:
	"""An ERPNext Purchase Invoice (a Xero bill, or for a return a supplier credit note)."""
	return doc.get("doctype") == PURCHASE_INVOICE


PURCHASE_ORDER = "Purchase Order"


def is_purchase_order(doc: dict) -> bool:
	"""An ERPNext Purchase Order (a Xero purchase order: engine/purchase_orders.py)."""
	return doc.get("doctype") == PURCHASE_ORDER


def document_number(doc: dict) -> str:
	"""The number the document carries in Xero. A Sales Invoice: its name (unique in Xero, as ACCREC
	numbers are). A Purchase Invoice: the supplier's own number (``bill_no``), which is what Xero's
	InvoiceNumber holds on a bill ("ACCPAY – non-unique alpha numeric code identifying invoice",
	developer.xero.com/documentation/api/accounting/invoices; and CreditNoteNumber likewise on an
	ACCPAYCREDIT credit note); its ERPNext name when the supplier gave none."""
	name = doc.get("name") or ""
	if is_purchase(doc):
		return str(doc.get("bill_no") or "").strip() or name
	return name
