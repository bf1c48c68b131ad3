"""ERPNext Purchase Invoice (a plain dict) → the Xero bill (Type ACCPAY) or, for a return, the
supplier credit note (ACCPAYCREDIT), to the cent.

The sales mapping's builder (:mod:`.document`) does the work: the same lines (ERPNext's
``net_amount``, Quantity and UnitAmount chosen so that Xero's rounding gives it), the same
taxes (every tax row spread over the lines, cents by largest remainder, TaxAmount stated where
Xero's own would differ), the same discount and rounding lines and the same check that the total
is ERPNext's (``rounded_total``, else ``grand_total``). What differs lives here:

- accounts: Item → Item Group → Expense Account → default purchase account (engine/buying.py),
  each an expense or asset account in Xero, never revenue;
- tax types: Item Tax Template → Purchase Taxes and Charges Template → tax account → default
  purchase tax type, each one Xero lets apply to the line's account class (``CanApplyToExpenses``
  for expenses, ``CanApplyToAssets`` for assets; xero_accounting.yaml components/schemas/TaxRate);
- the number: a bill's InvoiceNumber is the supplier's (``bill_no``; rules.document_number), not
  unique in Xero; no Reference (xero_accounting.yaml: Invoice.Reference and CreditNote.Reference
  are "ACCREC only" / "ACCRECCREDIT only");
- the party: the Supplier, matched to a Xero contact like a customer (buying.supplier_key);
- tax rows ERPNext deducts (``add_deduct_tax`` "Deduct") or books to valuation only
  (``category`` "Valuation") are refused in pre-flight, with the reason, until they are mapped.
"""

from __future__ import annotations

from decimal import Decimal

from xero_connector.engine.buying import (
	BUYING,
	PURCHASE_CLASSES,
	buying_view,
	purchase_line_refusal,
	supplier_key,
	tax_flag,
)
from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping.document import Builder, XeroDocument
from xero_connector.engine.mapping.lines import Line
from xero_connector.engine.problems import Problem
from xero_connector.engine.resolve import Resolved, resolve_account, resolve_charge_account
from xero_connector.engine.rules import document_number


class BillBuilder(Builder):
	"""One Purchase Invoice's mapping (see the module's docstring for what differs from sales)."""

	TEMPLATE_LABEL = "Purchase Taxes and Charges Template"
	TYPES = ("ACCPAY", "ACCPAYCREDIT")

	def __init__(self, doc: dict, ctx: MappingContext):
		super().__init__(doc, buying_view(ctx))
		self.full = ctx  # the context with the buying tables under their own names

	def account_for(self, item: dict) -> Resolved:
		get = item.get
		key = (get("item_code"), get("item_group"), get("expense_account"))
		found = self._resolved.get(key)
		if found is None:
			found = self._resolved[key] = resolve_account(item, self.ctx, BUYING)
		return found

	def charge_line(self, row, part) -> Line:
		line = super().charge_line(row, part)
		line.account = resolve_charge_account(row.account_head, self.ctx, "taxes.account_head", BUYING)
		return line

	def adjustment_lines(self, lines: list[Line], owed: Decimal, amount_types: str) -> list[Line]:
		extra = super().adjustment_lines(lines, owed, amount_types)
		for line in extra:
			if line.field == "additional_discount_account":
				head = self.doc.get("additional_discount_account") or ""
				line.account = resolve_charge_account(head, self.ctx, line.field, BUYING)
		return extra

	# ---- checks ------------------------------------------------------------------------------

	def check_document(self) -> None:
		super().check_document()
		for position, row in enumerate(self.doc.get("taxes") or []):
			idx = row.get("idx") or position + 1
			if row.get("add_deduct_tax") == "Deduct":
				self.problem(
					idx,
					"taxes.add_deduct_tax",
					f"Tax row {idx} ({row.get('account_head') or ''}) is deducted from the bill (withholding); "
					"the connector does not send deducted taxes to Xero yet.",
					"Record the withholding in Xero by hand, or remove the row and book it with a Journal "
					"Entry in ERPNext, then resend.",
					value=row.get("account_head"),
					kind="deducted_tax",
				)
			elif row.get("category") == "Valuation":
				self.problem(
					idx,
					"taxes.category",
					f"Tax row {idx} ({row.get('account_head') or ''}) is for valuation only (not in the "
					"bill's total); the connector does not send valuation-only charges to Xero yet.",
					"Set the row's Consider Tax or Charge for to 'Total' or 'Valuation and Total', or "
					"record the charge in Xero by hand, then resend.",
					value=row.get("account_head"),
					kind="valuation_tax",
				)

	def check_customer(self) -> None:
		"""The supplier (the party of a Purchase Invoice) must be known and matchable."""
		doc, ctx = self.doc, self.full
		supplier = doc.get("supplier")
		if not supplier:
			self.problem(
				None,
				"supplier",
				"The bill has no supplier.",
				"Set the Supplier on the Purchase Invoice.",
				kind="missing_supplier",
			)
			return
		if supplier not in ctx.masters.suppliers:
			self.problem(
				None,
				"supplier",
				f"Supplier '{supplier}' is not among the suppliers the connector was given.",
				f"Make sure Supplier '{supplier}' exists in ERPNext (and in the masters file when using the CLI).",
				value=supplier,
				kind="supplier_not_found",
			)
			return
		name, code = supplier_key(supplier, ctx)
		if not code and not name:
			self.problem(
				None,
				"supplier",
				f"Supplier '{supplier}' has neither an account code nor a name to match a Xero contact.",
				f"Fill in the Supplier's '{ctx.settings.supplier_code_field}' (Xero AccountNumber) or Supplier Name.",
				value=supplier,
				kind="supplier_without_match_key",
			)

	def contact_name(self) -> str:
		return (
			supplier_key(self.doc.get("supplier") or "", self.full)[0] or self.doc.get("supplier_name") or ""
		)

	def unmapped_account(self, line: Line) -> None:
		if line.field == "items.item_code":
			item = self.item_for_row(line.row) or {}
			code = item.get("item_code") or ""
			self.problem(
				line.row,
				"items.item_code",
				f"No Xero account for purchased item '{code}': no buying account mapping for the item, its "
				f"item group or its expense account '{item.get('expense_account') or '?'}', and no default "
				"purchase account code.",
				f"Add a buying Xero Account Mapping for Item '{code}', its Item Group or Expense Account "
				f"'{item.get('expense_account') or '?'}', or set Default Purchase Account Code on the Xero Connection.",
				value=code,
				kind="unmapped_account",
			)
			return
		head = (
			(self.tax_row(line.row) or {}).get("account_head")
			if line.field == "taxes.account_head"
			else self.doc.get("additional_discount_account")
		) or ""
		self.problem(
			line.row,
			line.field,
			f"No Xero account for the charge on account '{head}': no buying account mapping for it and "
			"no default purchase account code.",
			f"Add a buying Xero Account Mapping for Expense Account '{head}', or set Default Purchase "
			"Account Code on the Xero Connection.",
			value=head,
			kind="unmapped_account",
		)

	def check_account(self, line: Line, account: dict | None) -> None:
		"""Exists, ACTIVE, and an expense or asset account (buying.purchase_line_refusal)."""
		if account is None or (account.get("Status") or "ACTIVE") != "ACTIVE":
			super().check_account(line, account)  # unknown / archived: the same problem as on sales
			return
		code, source = line.account.value, line.account.source
		refusal = purchase_line_refusal(
			account.get("Class"),
			account.get("Type"),
			account.get("SystemAccount"),
			rounding_line=line.field == "rounding_adjustment",
		)
		if refusal == "system_account":
			self.problem(
				line.row,
				line.field,
				f"Xero account '{code}' (from {source}) is Xero's {account.get('SystemAccount')} system "
				"account, which Xero keeps for its own entries and refuses on bill lines.",
				f"Change {source} to an expense or asset account (e.g. 429 General Expenses).",
				value=code,
				kind="system_account",
			)
		elif refusal == "account_not_purchase":
			self.problem(
				line.row,
				line.field,
				f"Xero account '{code}' (from {source}) is a {account.get('Type') or account.get('Class')} "
				"account; a bill line needs an expense or asset account (EXPENSE, DIRECTCOSTS, OVERHEADS, "
				"INVENTORY, FIXED, CURRENT, NONCURRENT, PREPAYMENT).",
				f"Change {source} to an expense, cost of sales, inventory or fixed asset account in Xero "
				"(e.g. 429 General Expenses, 310 Cost of Goods Sold, 710 Office Equipment).",
				value=code,
				kind="account_not_purchase",
			)

	def check_tax_type(self, line: Line, tax: Resolved, rate: dict | None) -> None:
		"""Exists, ACTIVE, and Xero lets it apply to the line's account class on a bill."""
		if rate is None or (rate.get("Status") or "ACTIVE") != "ACTIVE":
			super().check_tax_type(line, tax, rate)
			return
		xero = self.ctx.xero
		account = xero.account(line.account.value) if xero is not None and line.account.value else None
		account_class = (account or {}).get("Class")
		if account_class not in PURCHASE_CLASSES or (account or {}).get("SystemAccount"):
			# an account the line may not use is its own problem; the rounding line (Xero's
			# Rounding account) carries the untaxed type: both are checked as expenses
			account_class = "EXPENSE"
		flag = tax_flag(account_class)
		if rate.get(flag) is False:
			field = tax.field if line.field == "items.item_code" else line.field
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) cannot be used on a bill line of account "
				f"'{line.account.value}' ({flag} is false).",
				f"Change {tax.source} to a Xero tax type for purchases (e.g. INPUT2).",
				value=tax.value,
				kind="tax_type_not_purchase",
			)

	# ---- the document ------------------------------------------------------------------------

	def numbers(self) -> tuple[str, dict]:
		number = document_number(self.doc)
		return number, {("CreditNoteNumber" if self.doc.get("is_return") else "InvoiceNumber"): number}


def collect_bill(
	doc: dict, ctx: MappingContext, contact: dict | None = None
) -> tuple[XeroDocument | None, list[Problem]]:
	"""Map and check a Purchase Invoice in one pass (as mapping.collect does a Sales Invoice)."""
	return BillBuilder(doc, ctx).collect(contact)


def map_purchase_invoice(doc: dict, ctx: MappingContext, contact: dict | None = None) -> XeroDocument:
	"""The Xero bill (or, for a return, supplier credit note) of an ERPNext Purchase Invoice dict.
	Raises MappingError listing every problem."""
	return BillBuilder(doc, ctx).mapped(contact)
