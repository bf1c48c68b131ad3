"""Totals: a non-trade discount line and the rounding line, so that Xero's Total is
what the customer owes in ERPNext, and the check that ERPNext's own totals add up."""

from __future__ import annotations

from decimal import Decimal

from xero_connector.engine.mapping.lines import Line
from xero_connector.engine.money import ONE, ZERO, dec, money
from xero_connector.engine.resolve import Resolved, resolve_charge_account

TEN_CENTS = Decimal("0.10")


def erpnext_round_off(doc: dict) -> Decimal:
	"""ERPNext's own adjustment of a grand total it discounted, which it books to the company's
	Round Off account (erpnext/controllers/taxes_and_totals.py, ``grand_total_diff``): with a
	discount on the Grand Total and an "Actual" charge, ERPNext spreads the discount over the
	items as if the charge bore the later rows' rates (which item tax rates may not give it),
	then makes the grand total the undiscounted one less the discount; the difference from the
	last tax row's running total goes to Round Off. It goes on the rounding line, with ERPNext's
	rounding adjustment; any other difference, or one larger than the discount, is not ERPNext's."""
	taxes = doc.get("taxes") or []
	discount = money(doc.get("discount_amount"))
	if (
		doc.get("apply_discount_on") != "Grand Total"
		or not discount
		or doc.get("is_cash_or_non_trade_discount")
		or not any(t.get("charge_type") in ("Actual", "On Item Quantity") for t in taxes)
		or taxes[-1].get("total") in (None, "")
		or doc.get("grand_total") in (None, "")
	):
		return ZERO
	difference = money(doc.get("grand_total")) - money(taxes[-1].get("total"))
	return difference if abs(difference) <= abs(discount) else ZERO


class TotalsMixin:
	"""The totals phase of :class:`xero_connector.engine.mapping.document.Builder`."""

	def adjustment_lines(self, lines: list[Line], owed: Decimal, amount_types: str) -> list[Line]:
		"""A non-trade discount line and the rounding line, so that the total is what the customer owes."""
		doc, ctx, sign = self.doc, self.ctx, self.sign
		tax_type = None if amount_types == "NoTax" else self.zero_tax_type()
		extra: list[Line] = []
		if doc.get("is_cash_or_non_trade_discount") and dec(doc.get("discount_amount")):
			discount = Line(
				description="Discount",
				quantity=ONE,
				unit_preferred=[],
				net=-sign * money(doc.get("discount_amount")),
				account=resolve_charge_account(doc.get("additional_discount_account") or "", ctx),
				tax_type=tax_type,
				row=None,
				field="additional_discount_account",
			)
			extra.append(discount)
			if discount.account.value is None:
				self.unmapped_account(discount)
		subtotal = sum([line.net + line.tax for line in lines], ZERO) + sum(
			[line.net for line in extra], ZERO
		)
		rounding = owed - subtotal
		erp_rounding = sign * erpnext_round_off(doc)
		if not doc.get("disable_rounded_total"):
			erp_rounding += sign * money(doc.get("rounding_adjustment"))
		if abs(rounding - erp_rounding) > TEN_CENTS:
			self.problem(
				None,
				"grand_total",
				f"ERPNext's totals do not add up: the lines and taxes come to {subtotal} but the customer owes "
				f"{owed} (rounding adjustment {erp_rounding}).",
				"Re-save the Sales Invoice in ERPNext so that its totals are recalculated, then resend.",
				value=str(owed),
				kind="inconsistent_totals",
			)
		if rounding:
			code = ctx.settings.rounding_account_code or ctx.settings.default_account_code
			extra.append(
				Line(
					description="Rounding adjustment",
					quantity=ONE,
					unit_preferred=[],
					net=rounding,
					account=self.rounding_account(code),
					tax_type=tax_type,
					row=None,
					field="rounding_adjustment",
				)
			)
			if not code:
				self.problem(
					None,
					"rounding_adjustment",
					f"The invoice has a rounding adjustment of {erp_rounding} but neither a rounding account nor a default sales account is set.",
					"Set Rounding Account Code (Xero's Rounding account, 860 by default, or a revenue account such "
					"as 260 Other Revenue) or Default Sales Account on the Xero Connection.",
					value=str(erp_rounding),
					kind="unmapped_rounding_account",
				)
		return extra

	def rounding_account(self, code: str | None) -> Resolved:
		"""Where the rounding line goes, once per context and code."""
		key = ("rounding account", code)
		found = self._resolved.get(key)
		if found is None:
			found = self._resolved[key] = Resolved(
				code, "the rounding account code on the Xero Connection", "rounding_adjustment"
			)
		return found
