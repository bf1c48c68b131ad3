"""Checks: every number is a number, the document is one Xero can take, and every
account and tax type exists in Xero, is active and fits a sales line. Shared with
pre-flight (the same problems, before anything is sent)."""

from __future__ import annotations

from decimal import Decimal

from xero_connector.engine.mapping.lines import Line
from xero_connector.engine.mapping.text import as_text
from xero_connector.engine.money import HUNDRED, RATE_6DP, dec
from xero_connector.engine.resolve import Resolved, income_account_of, item_group_of
from xero_connector.engine.rules import (
	ROUNDING_SYSTEM_ACCOUNT,
	customer_owes,
	line_account_refusal,
	owed_sign_fits,
)
from xero_connector.engine.tax_mapping import row_to_add

_DOCUMENT_NUMBERS = (
	("conversion_rate", "Exchange Rate"),
	("grand_total", "Grand Total"),
	("rounded_total", "Rounded Total"),
	("rounding_adjustment", "Rounding Adjustment"),
	("discount_amount", "Additional Discount Amount"),
)
_ITEM_NUMBERS = (
	("qty", "Quantity"),
	("rate", "Rate"),
	("amount", "Amount"),
	("net_amount", "Net Amount"),
	("net_rate", "Net Rate"),
)
_TAX_NUMBERS = (
	("rate", "Tax Rate"),
	("tax_amount", "Tax Amount"),
	("tax_amount_after_discount_amount", "Tax Amount After Discount Amount"),
)


class ChecksMixin:
	"""The checks of :class:`xero_connector.engine.mapping.document.Builder`."""

	def check_numbers(self) -> bool:
		"""Every number the mapping reads must be a number: a problem naming the field for each one
		that is not (e.g. a quantity sent as text). Returns False when there were such problems.
		Called by collect() only when reading the document failed, so valid documents pay nothing."""
		doc = self.doc
		clean = True
		for field, label in _DOCUMENT_NUMBERS:
			value = doc.get(field)
			if type(value) is not float and type(value) is not int and value is not None:
				clean = self.check_number(value, None, field, label) and clean
		for rows, table, fields in (
			(doc.get("items") or [], "items", _ITEM_NUMBERS),
			(doc.get("taxes") or [], "taxes", _TAX_NUMBERS),
		):
			for position, row in enumerate(rows):
				get = row.get
				for field, label in fields:
					value = get(field)
					if type(value) is not float and type(value) is not int and value is not None:
						row_idx = get("idx") or position + 1
						clean = self.check_number(value, row_idx, f"{table}.{field}", label) and clean
		return clean

	def check_number(self, value, row, field: str, label: str) -> bool:
		if type(value) is not bool:
			try:
				dec(value)
				return True
			except (ValueError, TypeError, ArithmeticError):
				pass
		where = f" on row {row}" if row is not None else ""
		self.problem(
			row,
			field,
			f"{label} ({field}) {value!r}{where} is not a number.",
			f"Correct {label} in ERPNext (a number, e.g. 2 or 19.99), then resend.",
			value=str(value)[:140],
			kind="not_a_number",
		)
		return False

	def check_document(self) -> None:
		"""Document-level problems (shared with preflight)."""
		doc, ctx = self.doc, self.ctx
		items = doc.get("items") or []
		if not items:
			self.problem(
				None,
				"items",
				"The invoice has no items; Xero needs at least one line.",
				"Add the items to the Sales Invoice in ERPNext (or cancel it).",
				kind="empty_invoice",
			)
		is_return = bool(doc.get("is_return"))
		if is_return and not doc.get("return_against"):
			self.problem(
				None,
				"return_against",
				"This return (credit note) does not say which invoice it returns against.",
				"Set 'Return Against' on the Sales Invoice return to the original invoice.",
				kind="return_without_original",
			)
		negative_quantity = False
		if not is_return:
			for position, line in enumerate(items):
				qty = line.get("qty")
				if (qty if type(qty) is float or type(qty) is int else dec(qty)) < 0:
					negative_quantity = True
					self.problem(
						line.get("idx") or position + 1,
						"items.qty",
						f"Quantity {as_text(dec(line.get('qty')))} is negative on an invoice that is not a return; "
						"Xero invoices cannot carry negative quantities that way.",
						"Make the quantity positive, or raise a Sales Invoice return (credit note) for what "
						"is being credited.",
						value=as_text(dec(line.get("qty"))),
						kind="negative_quantity",
					)
		if not negative_quantity:  # that problem's fix (a return) is this one's too
			self.check_owed_sign(items)
		self.check_customer()
		currency = doc.get("currency") or ctx.settings.company_currency
		if currency != ctx.settings.company_currency and dec(doc.get("conversion_rate")) <= 0:
			self.problem(
				None,
				"conversion_rate",
				f"The exchange rate for {currency} is missing or zero.",
				f"Set the Exchange Rate (1 {currency} = ? {ctx.settings.company_currency}) on the Sales Invoice.",
				value=str(doc.get("conversion_rate")),
				kind="missing_exchange_rate",
			)
		xero = ctx.xero
		if xero is not None:
			if xero.base_currency and xero.base_currency != ctx.settings.company_currency:
				self.problem(
					None,
					"currency",
					f"The Xero organisation's base currency is {xero.base_currency} but the ERPNext company's is "
					f"{ctx.settings.company_currency}.",
					"Connect the Xero organisation that belongs to this company, or correct the company "
					"currency on the Xero Connection.",
					value=ctx.settings.company_currency,
					kind="base_currency_mismatch",
				)
			if not xero.currency_enabled(currency):
				self.problem(
					None,
					"currency",
					f"Currency {currency} is not enabled in the Xero organisation.",
					f"In Xero, add {currency} under Settings → Currencies (needs a plan with multi-currency), "
					"then Fetch from Xero again on the Xero Connection.",
					value=currency,
					kind="currency_not_enabled",
				)

	def check_owed_sign(self, items: list) -> None:
		"""A negative total on an ordinary invoice (a positive one on a return): Xero refuses it."""
		doc = self.doc
		if not items or owed_sign_fits(doc):
			return
		owed = customer_owes(doc)
		currency = doc.get("currency") or self.ctx.settings.company_currency
		if doc.get("is_return"):
			message = (
				f"The return's total is {owed} {currency}, above zero: a return becomes a Xero credit note, "
				"which must credit the customer (ERPNext keeps a return's amounts negative)."
			)
			fix = (
				"Correct the return so that its quantities are negative (what comes back), or raise an "
				"ordinary Sales Invoice for what the customer owes."
			)
		else:
			message = (
				f"The invoice's total is {owed} {currency}, below zero, and it is not a return: Xero refuses "
				"an invoice whose total is negative."
			)
			fix = (
				"Make it a return: raise a Sales Invoice return (credit note) against the original invoice "
				"for what is credited, or correct the lines so that the total is zero or more, then resend."
			)
		self.problem(None, "grand_total", message, fix, value=str(owed), kind="negative_total")

	def unmapped_account(self, line: Line) -> None:
		if line.field == "items.item_code":
			item = self.item_for_row(line.row)
			code = (item or {}).get("item_code") or ""
			group = item_group_of(item or {}, self.ctx) or "?"
			income = income_account_of(item or {}, self.ctx) or "?"
			self.problem(
				line.row,
				"items.item_code",
				f"No Xero account for item '{code}': no Rate-to-Account mapping for the item, its item group "
				f"'{group}' or its income account '{income}', and no default account code.",
				f"Add a Xero Account Mapping for Item '{code}', Item Group '{group}' or Income Account "
				f"'{income}', or set Default Account Code on the Xero Connection.",
				value=code,
				kind="unmapped_account",
			)
		else:
			if line.field == "taxes.account_head":
				head = (self.tax_row(line.row) or {}).get("account_head") or ""
			else:
				head = self.doc.get("additional_discount_account") or ""
			self.problem(
				line.row,
				line.field,
				f"No Xero account for the charge on account '{head}': no Rate-to-Account mapping for that "
				"account and no default account code.",
				f"Add a Xero Account Mapping for Income Account '{head}', or set Default Account Code on "
				"the Xero Connection.",
				value=head,
				kind="unmapped_account",
			)

	def check_xero_codes(self, lines: list[Line]) -> None:
		"""Accounts and tax types must exist in Xero, be ACTIVE and fit a sales line."""
		xero = self.ctx.xero
		tax_rates = self._tax_rates
		seen_accounts: set[str] = set()
		# tax type → the coefficients already compared (a list: fresh Decimals are slow to hash)
		seen_rates: dict[str, list[Decimal]] = {}
		for line in lines:
			code = line.account.value
			if code and code not in seen_accounts:
				seen_accounts.add(code)
				self.check_account(line, xero.account(code))
			tax = line.tax_type
			if tax is None:
				continue
			value = tax.value
			if not value:
				continue
			found, xero_rate, _ = tax_rates.get(value) or self.xero_tax_rate(value)
			compared = seen_rates.get(value)
			if compared is None:
				compared = seen_rates[value] = []
				self.check_tax_type(line, tax, found)
			coefficient = line.coefficient
			if coefficient is not None and xero_rate is not None and coefficient not in compared:
				compared.append(coefficient)
				erp_rate = coefficient * HUNDRED
				if abs(xero_rate - erp_rate) > Decimal("0.0001"):
					erp_rate = erp_rate.quantize(RATE_6DP)
					fix = f"Map {tax.source} to a Xero tax type with a {as_text(erp_rate)}% rate."
					add = None
					if line.tax_heads:
						add = row_to_add(
							self.ctx.xero, "Tax Account", line.tax_heads[0], erp_rate, line.template or ""
						)
						fix = add.text()
					self.problem(
						line.row,
						tax.field if line.field == "items.item_code" else line.field,
						f"Xero tax type '{tax.value}' (from {tax.source}) is {as_text(xero_rate)}% in Xero but "
						f"ERPNext taxes this line at {as_text(erp_rate)}%.",
						fix,
						value=tax.value,
						kind="tax_rate_mismatch",
						row_to_add=add,
					)

	def check_account(self, line: Line, account: dict | None) -> None:
		code = line.account.value
		source = line.account.source
		is_rounding = line.field == "rounding_adjustment"
		field = line.field
		if account is None:
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) does not exist in the Xero organisation.",
				f"Change {source} to an account code that exists in Xero (or create account {code} in Xero), "
				"then Fetch from Xero again.",
				value=code,
				kind="unknown_account",
			)
			return
		status = account.get("Status") or "ACTIVE"
		if status != "ACTIVE":
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) is {status} in Xero.",
				f"Restore account {code} in Xero, or change {source} to an active revenue account.",
				value=code,
				kind="archived_account",
			)
			return
		system_account = account.get("SystemAccount")
		account_class = account.get("Class")
		account_type = account.get("Type")
		refusal = line_account_refusal(account_class, account_type, system_account, rounding_line=is_rounding)
		if refusal == "system_account":
			if system_account == ROUNDING_SYSTEM_ACCOUNT:  # on an item line: the connector's rule
				why = "which takes only the line carrying ERPNext's rounding adjustment, not sales."
				fix = f"Change {source} to a revenue account in Xero (e.g. 200 Sales)."
			else:
				why = "which Xero keeps for its own entries and refuses on invoice lines."
				example = (
					"Xero's Rounding account or 260 Other Revenue" if is_rounding else "260 Other Revenue"
				)
				fix = f"Change {source} to a revenue account (e.g. {example})."
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) is Xero's {system_account} system account, {why}",
				fix,
				value=code,
				kind="system_account",
			)
		elif refusal == "account_not_revenue":
			also = " or Xero's Rounding account" if is_rounding else ""
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) is a {account_type or account_class} account, not a "
				f"revenue account (REVENUE, SALES or OTHERINCOME){also}.",
				f"Change {source} to a revenue account in Xero (e.g. 200 Sales){also}.",
				value=code,
				kind="account_not_revenue",
			)

	def check_tax_type(self, line: Line, tax: Resolved, rate: dict | None) -> None:
		field = tax.field if line.field == "items.item_code" else line.field
		if rate is None:
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) does not exist in the Xero organisation.",
				f"Change {tax.source} to a tax type that exists in Xero, then Fetch from Xero again.",
				value=tax.value,
				kind="unknown_tax_type",
			)
			return
		status = rate.get("Status") or "ACTIVE"
		if status != "ACTIVE":
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) is {status} in Xero.",
				f"Change {tax.source} to an active Xero tax type.",
				value=tax.value,
				kind="archived_tax_type",
			)
			return
		if rate.get("CanApplyToRevenue") is False:
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) cannot be used on sales (CanApplyToRevenue is "
				"false).",
				f"Change {tax.source} to a Xero tax type for income (e.g. OUTPUT2).",
				value=tax.value,
				kind="tax_type_not_revenue",
			)
