"""ERPNext's Sales Taxes and Charges, re-computed per Xero line.

ERPNext keeps one total per tax row; Xero keeps one tax amount per line. This
module works out, for every Xero line, how much of each ERPNext tax row falls
on it (unrounded), following ERPNext's charge types:

- "On Net Total": rate × the line's net amount (items only);
- "On Previous Row Amount" / "On Previous Row Total": rate × that row's amount /
  running total on this line (compound taxes);
- "On Item Quantity": rate × quantity;
- "Actual" on a tax account: the fixed amount spread over items by net amount.

Rows whose account head is not a tax account (income such as "Freight Income",
typically "Actual") are *charges*: each becomes its own Xero line, which later
"On Previous Row …" rows tax like any other line. A line's rate may be
overridden by its Item Tax Template (``item_tax_rate``), as in ERPNext.

Called by mapping.py; pure, no rounding here (mapping.py spreads the cents).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from xero_connector.engine.money import HUNDRED, ONE, ZERO, dec, money

ON_NET_TOTAL = "On Net Total"
PREVIOUS_ROW_AMOUNT = "On Previous Row Amount"
PREVIOUS_ROW_TOTAL = "On Previous Row Total"
ITEM_QUANTITY = "On Item Quantity"
ACTUAL = "Actual"


@dataclass
class TaxRow:
	"""One row of the invoice's ``taxes`` table, numbers as Decimal (signed as in ERPNext)."""

	idx: int
	position: int  # 0-based index in the sorted rows
	charge_type: str
	account_head: str
	rate: Decimal  # percent
	row_id: int | None  # 1-based idx of the row it refers to
	inclusive: bool
	amount: Decimal  # tax_amount_after_discount_amount, in the document currency, 2 dp
	is_charge: bool
	description: str


@dataclass(slots=True)
class LineTax:
	"""What ERPNext's tax rows put on one Xero line."""

	raw: Decimal = ZERO  # unrounded tax on this line (all tax rows together)
	coefficient: Decimal | None = ZERO  # raw = coefficient × base, or None when not proportional
	rows: list[int] = field(default_factory=list)  # positions of tax rows that apply to the line
	zero_rate: bool = True  # every applicable row has a 0% rate for this line


_ITEM_TAX_CACHE: dict[str, dict] = {}


def item_tax_rates(value) -> dict:
	"""The ``item_tax_rate`` JSON of an item row ({account head: rate}) as a dict of Decimals."""
	if not value:
		return {}
	if isinstance(value, dict):
		return {k: dec(v) for k, v in value.items()}
	cached = _ITEM_TAX_CACHE.get(value)
	if cached is None:
		try:
			parsed = json.loads(value)
		except (TypeError, ValueError):
			parsed = {}
		cached = {k: dec(v) for k, v in (parsed or {}).items()} if isinstance(parsed, dict) else {}
		if len(_ITEM_TAX_CACHE) < 4096:
			_ITEM_TAX_CACHE[value] = cached
	return cached


def is_tax_account(account_head: str, charge_type: str, accounts: dict[str, dict]) -> bool:
	"""A row on a tax (liability) account is a tax; anything else (income, expense) is a charge.
	Without the account in the masters, "Actual" rows are charges and the rest are taxes."""
	account = accounts.get(account_head)
	if account:
		if account.get("account_type") == "Tax":
			return True
		root = account.get("root_type")
		if root:
			return root in ("Liability", "Asset")
	return charge_type != ACTUAL


def read_tax_rows(doc: dict, accounts: dict[str, dict]) -> list[TaxRow]:
	"""The invoice's taxes table as TaxRows, in idx order."""
	rows = sorted(doc.get("taxes") or [], key=lambda r: r.get("idx") or 0)
	result = []
	for position, row in enumerate(rows):
		charge_type = row.get("charge_type") or ON_NET_TOTAL
		head = row.get("account_head") or ""
		amount = row.get("tax_amount_after_discount_amount")
		if amount is None:
			amount = row.get("tax_amount")
		row_id = row.get("row_id")
		try:
			row_id = int(row_id) if row_id not in (None, "") else None
		except (TypeError, ValueError):
			row_id = None
		result.append(
			TaxRow(
				idx=row.get("idx") or position + 1,
				position=position,
				charge_type=charge_type,
				account_head=head,
				rate=dec(row.get("rate")),
				row_id=row_id,
				inclusive=bool(row.get("included_in_print_rate")),
				amount=money(amount),
				is_charge=not is_tax_account(head, charge_type, accounts),
				description=(row.get("description") or "").strip(),
			)
		)
	return result


def line_taxes(
	nets: list[Decimal], quantities: list[Decimal], overrides: list[dict], rows: list[TaxRow]
) -> tuple[list[LineTax], list[int]]:
	"""Per-line taxes for the item lines (``nets``) followed by one line per charge row.

	Returns (taxes for every line, positions of the charge rows in line order). The
	charge line of row k starts carrying the charge's own amount from row k onwards,
	so a later "On Previous Row Total" taxes it.
	"""
	n_items = len(nets)
	charge_positions = [row.position for row in rows if row.is_charge]
	charge_line = {pos: n_items + n for n, pos in enumerate(charge_positions)}
	n_lines = n_items + len(charge_positions)
	result = [LineTax(ZERO, ZERO, [], True) for _ in range(n_lines)]
	if not rows:
		return result, charge_positions

	sum_nets = sum(nets, ZERO)
	# per row: amount on each line, and each line's running total after the row,
	# both also as coefficients of the line's base (None = not proportional)
	row_amounts: list[list[Decimal]] = []
	row_coefs: list[list[Decimal | None]] = []
	totals: list[list[Decimal]] = []
	total_coefs: list[list[Decimal | None]] = []
	running = [*nets, *([ZERO] * len(charge_positions))]
	running_coef: list[Decimal | None] = [ONE] * n_items + [ZERO] * len(charge_positions)
	# the running totals only matter to "On Previous Row Total" rows
	uses_totals = any(row.charge_type == PREVIOUS_ROW_TOTAL for row in rows)

	for row in rows:
		amounts = [ZERO] * n_lines
		coefs: list[Decimal | None] = [ZERO] * n_lines
		if row.is_charge:
			line = charge_line[row.position]
			amounts[line] = row.amount
			coefs[line] = ONE  # the charge line's base is the charge itself
		else:
			ref = row.row_id - 1 if row.row_id else None
			if ref is not None and not 0 <= ref < len(row_amounts):
				ref = None
			head, row_rate = row.account_head, row.rate
			row_fraction = row_rate / HUNDRED
			on_net = row.charge_type == ON_NET_TOTAL or (
				ref is None and row.charge_type != ACTUAL and row.charge_type != ITEM_QUANTITY
			)
			if on_net:  # the common case, on the item lines only
				position = row.position
				for i in range(n_items):
					override = overrides[i]
					if override and head in override:
						rate = override[head]
						fraction = rate / HUNDRED
					else:
						rate, fraction = row_rate, row_fraction
					amounts[i] = fraction * nets[i]
					coefs[i] = fraction
					tax = result[i]
					tax.rows.append(position)
					if rate:
						tax.zero_rate = False
			else:
				for i in range(n_lines):
					is_item = i < n_items
					override = overrides[i] if is_item else None
					if override and head in override:
						rate = override[head]
						fraction = rate / HUNDRED
					else:
						rate, fraction = row_rate, row_fraction
					if row.charge_type in (PREVIOUS_ROW_AMOUNT, PREVIOUS_ROW_TOTAL):
						if row.charge_type == PREVIOUS_ROW_AMOUNT:
							base, base_coef = row_amounts[ref][i], row_coefs[ref][i]
						else:
							base, base_coef = totals[ref][i], total_coefs[ref][i]
						if not base and not base_coef:
							continue
						amounts[i] = fraction * base
						coefs[i] = None if base_coef is None else fraction * base_coef
					elif row.charge_type == ITEM_QUANTITY:
						if not is_item:
							continue
						amounts[i] = rate * quantities[i]
						coefs[i] = None
					elif row.charge_type == ACTUAL:
						if not is_item:
							continue
						amounts[i] = row.amount * nets[i] / sum_nets if sum_nets else row.amount / n_items
						coefs[i] = None
					else:
						continue
					tax = result[i]
					tax.rows.append(row.position)
					if rate or row.charge_type == ACTUAL:
						tax.zero_rate = False
		if uses_totals:
			for i in range(n_lines):
				running[i] += amounts[i]
				if running_coef[i] is not None:
					running_coef[i] = None if coefs[i] is None else running_coef[i] + coefs[i]
			totals.append(list(running))
			total_coefs.append(list(running_coef))
		row_amounts.append(amounts)
		row_coefs.append(coefs)
		if not row.is_charge:
			for tax, amount, coef in zip(result, amounts, coefs, strict=True):
				if amount:
					tax.raw += amount
				if tax.coefficient is not None:
					tax.coefficient = None if coef is None else tax.coefficient + coef
	return result, charge_positions
