"""Line and document totals computed the way Xero computes them.

All money is :class:`~decimal.Decimal`, rounded half-up like Xero:

- ``LineAmount = round(Quantity × UnitAmount × (1 − DiscountRate/100), 2)``
  (or ``Quantity × UnitAmount − DiscountAmount``);
- tax is computed and rounded to 2 dp on each line: ``LineAmount × r`` when
  amounts are Exclusive, ``LineAmount × r / (1 + r)`` when Inclusive, 0 for
  NoTax; a ``TaxAmount`` sent by the client overrides the computed tax;
- ``SubTotal``, ``TotalTax`` and ``Total`` are the sums of the rounded lines.

Called by the invoice and credit-note resources.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
UNIT_2DP = Decimal("0.01")
UNIT_4DP = Decimal("0.0001")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


class BadNumber(ValueError):
	"""A number in a request that is not a number."""


def dec(value) -> Decimal | None:
	"""A JSON number or numeric string → Decimal (None stays None)."""
	if value is None or value == "":
		return None
	if isinstance(value, bool):
		raise BadNumber(f"{value!r} is not a number")
	try:
		result = Decimal(str(value))
	except (InvalidOperation, ValueError):
		raise BadNumber(f"{value!r} is not a number")
	if not result.is_finite():
		raise BadNumber(f"{value!r} is not a number")
	return result


def money(value: Decimal) -> Decimal:
	"""Round to cents, half up."""
	return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit(value: Decimal, unitdp: int) -> Decimal:
	"""Round a UnitAmount to the request's unit decimal places (2, or 4 with ``unitdp=4``)."""
	return value.quantize(UNIT_4DP if unitdp == 4 else UNIT_2DP, rounding=ROUND_HALF_UP)


@dataclass
class LineInput:
	quantity: Decimal | None
	unit_amount: Decimal | None
	line_amount: Decimal | None = None
	discount_rate: Decimal | None = None
	discount_amount: Decimal | None = None
	tax_amount: Decimal | None = None  # the client's override, if any


@dataclass
class LineResult:
	quantity: Decimal
	unit_amount: Decimal
	line_amount: Decimal
	tax_amount: Decimal
	discount: Decimal  # gross (Quantity × UnitAmount) minus LineAmount, for TotalDiscount


def compute_line(
	line: LineInput, rate_percent: Decimal, line_amount_types: str, unitdp: int = 2
) -> LineResult:
	"""One line's amounts. ``rate_percent`` is the TaxType's effective rate, e.g. ``Decimal("15")``."""
	quantity = line.quantity
	unit_amount = unit(line.unit_amount, unitdp) if line.unit_amount is not None else None
	if quantity is None or unit_amount is None:
		# Xero fills the missing one from LineAmount (a description-only line is all zeros).
		given = line.line_amount if line.line_amount is not None else ZERO
		quantity = quantity if quantity is not None else Decimal("1")
		if unit_amount is None:
			unit_amount = unit(given / quantity, unitdp) if quantity else ZERO
	gross = quantity * unit_amount
	if line.discount_rate:
		amount = money(gross * (HUNDRED - line.discount_rate) / HUNDRED)
	elif line.discount_amount:
		amount = money(gross - line.discount_amount)
	else:
		amount = money(gross)
	if line.tax_amount is not None and line_amount_types != "NoTax":
		tax = money(line.tax_amount)
	else:
		tax = line_tax(amount, rate_percent, line_amount_types)
	return LineResult(quantity, unit_amount, amount, tax, money(gross) - amount)


def line_tax(line_amount: Decimal, rate_percent: Decimal, line_amount_types: str) -> Decimal:
	if line_amount_types == "NoTax" or not rate_percent:
		return ZERO.quantize(CENT)
	rate = rate_percent / HUNDRED
	if line_amount_types == "Inclusive":
		return money(line_amount * rate / (1 + rate))
	return money(line_amount * rate)


@dataclass
class DocumentTotals:
	sub_total: Decimal
	total_tax: Decimal
	total: Decimal
	total_discount: Decimal


def document_totals(lines: list[LineResult], line_amount_types: str) -> DocumentTotals:
	"""SubTotal, TotalTax and Total from already-rounded lines."""
	amounts = sum((line.line_amount for line in lines), ZERO)
	tax = sum((line.tax_amount for line in lines), ZERO)
	discount = sum((line.discount for line in lines), ZERO)
	if line_amount_types == "Inclusive":
		sub_total = amounts - tax
	else:
		sub_total = amounts
	return DocumentTotals(money(sub_total), money(tax), money(sub_total + tax), money(discount))
