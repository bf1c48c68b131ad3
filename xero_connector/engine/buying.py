"""The buying side's resolutions and rules (issue 16): which Xero account a Purchase Invoice
line goes to, which Xero contact a Supplier is, and which Xero accounts and tax types a bill
line may use. The mapping of a bill (:mod:`.mapping.bill`) and its pre-flight use these; the
sales side's are in :mod:`.resolve` and :mod:`.rules`.

Account, first hit wins: Item → Item Group (then its parent groups) → the line's Expense
Account (else the item's default for the company, else the company's) → Settings.
default_purchase_account_code. Tax: Item Tax Template → Purchase Taxes and Charges Template →
tax account head → Settings.default_purchase_tax_type, through the same Tax Mapping machinery
as sales (:func:`buying_view` hands it the buying tables).
"""

from __future__ import annotations

from dataclasses import replace

from xero_connector.engine.context import MappingContext, Mappings
from xero_connector.engine.resolve import AccountSide
from xero_connector.engine.rules import ROUNDING_SYSTEM_ACCOUNT

# Xero account classes a bill line may use: what a business buys is an expense (class EXPENSE:
# DIRECTCOSTS, EXPENSE, OVERHEADS, e.g. cost of goods sold) or an asset (class ASSET: INVENTORY,
# FIXED, CURRENT, NONCURRENT, PREPAYMENT), developer.xero.com/documentation/api/accounting/types
# #account-class-types. Bank accounts and Xero's system accounts (except Rounding, on the rounding
# line) are refused as on sales lines. The sandbox holds the same rule (sandbox/payables.py).
PURCHASE_CLASSES = frozenset({"EXPENSE", "ASSET"})

# Which TaxRate flag says a tax type may be used with an account of a class
# (xero_accounting.yaml components/schemas/TaxRate: CanApplyToAssets, CanApplyToEquity,
# CanApplyToExpenses, CanApplyToLiabilities, CanApplyToRevenue)
TAX_FLAG_BY_CLASS = {
	"EXPENSE": "CanApplyToExpenses",
	"ASSET": "CanApplyToAssets",
	"LIABILITY": "CanApplyToLiabilities",
	"EQUITY": "CanApplyToEquity",
	"REVENUE": "CanApplyToRevenue",
}


def purchase_line_refusal(
	account_class: str | None, account_type: str | None, system_account: str | None, rounding_line: bool
) -> str | None:
	"""Why a Xero account may not take a bill line: ``"system_account"``, ``"account_not_purchase"``
	(not an expense or asset account, or a bank account), or None when it may."""
	if system_account:
		if rounding_line and system_account == ROUNDING_SYSTEM_ACCOUNT:
			return None
		return "system_account"
	if account_class not in PURCHASE_CLASSES or account_type == "BANK":
		return "account_not_purchase"
	return None


def tax_flag(account_class: str | None) -> str:
	"""The TaxRate flag a bill line's tax type needs for its account (expenses when unknown)."""
	return TAX_FLAG_BY_CLASS.get(account_class or "EXPENSE", "CanApplyToExpenses")


BUYING = AccountSide(
	"expense_account",
	"Expense Account",
	" (buying)",
	"the default purchase account code on the Xero Connection",
)


def buying_view(ctx: MappingContext) -> MappingContext:
	"""``ctx`` as the sales mapping machinery reads it, with the buying tables in the places it
	looks (tax templates, default tax type, default account, the status documents are created
	in, the party's code field). Built once per context."""
	memo = ctx.memo("buying view")
	view = memo.get("ctx")
	if view is None:
		m, s = ctx.mappings, ctx.settings
		view = memo["ctx"] = replace(
			ctx,
			mappings=Mappings(
				account_by_item=m.expense_account_by_item,
				account_by_item_group=m.expense_account_by_item_group,
				account_by_income_account=m.account_by_expense_account,
				tax_by_item_tax_template=m.purchase_tax_by_item_tax_template,
				tax_by_sales_taxes_template=m.tax_by_purchase_taxes_template,
				tax_by_tax_account=m.purchase_tax_by_tax_account,
			),
			settings=replace(
				s,
				default_account_code=s.default_purchase_account_code,
				default_tax_type=s.default_purchase_tax_type,
				rounding_account_code=s.purchase_rounding_account_code or s.rounding_account_code,
				invoice_status=s.bill_status,
				billing_code_field=s.supplier_code_field,
			),
		)
	return view


def supplier_key(supplier: str, ctx: MappingContext) -> tuple[str, str | None]:
	"""(Xero contact name, account code) of an ERPNext Supplier: matched to Contact.AccountNumber,
	then Name, as customers are (:func:`xero_connector.engine.contacts.customer_key`)."""
	master = ctx.masters.suppliers.get(supplier) or {}
	code = master.get(ctx.settings.supplier_code_field) or None
	return (master.get("supplier_name") or supplier).strip(), (str(code).strip() if code else None)
