"""ERPNext's Sales Taxes and Charges, re-computed per Xero line.

ERPNext keeps one total per tax row; Xero keeps one tax amount per line. ERPNext
works every row out item by item (erpnext/controllers/taxes_and_totals.py,
``calculate_taxes``), and so does this module, following its charge types:

- "On Net Total": rate × the item's net amount;
- "On Previous Row Amount" / "On Previous Row Total": rate × that row's amount /
  running total on this item (compound taxes);
- "On Item Quantity": rate × quantity;
- "Actual": the fixed amount spread over the items by net amount, the last item
  taking what is left.

A line's rate may be overridden by its Item Tax Template (``item_tax_rate``), as in
ERPNext. Rows whose account head is not a tax account (income such as "Freight
Income": freight, a fixed fee, a charge on the previous row's total) are *charges*:
ERPNext spreads them over the items too, and taxes each item's share at that item's
rate. Each charge becomes its own Xero line, or one line per group of items taxed
alike when the items are not (freight on an invoice with standard-rated and exempt
items: one freight line carrying the standard-rated items' share, taxed at 15 %,
and one carrying the exempt items' share, exempt). Every line then has one rate
that Xero's own computation applies, and no tax is stretched to fit.

Called by mapping/document.py; pure, no rounding of taxes here (mapping/taxes.py
spreads the cents).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine.money import CENT, HUNDRED, ONE, ZERO, dec, distribute, money

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


ITEM = -1  # the source of an item's own net amount (charges are sourced by their row position)


@dataclass(slots=True)
class ChargePart:
	"""One Xero line for a charge row: the whole charge, or the share of one group of items."""

	position: int  # the charge row's position in the sorted rows
	amount: Decimal  # 2 dp, signed as in ERPNext
	template: str | None  # the Item Tax Template its items share, which its tax type follows


def _scaled(comps: dict, fraction: Decimal) -> dict:
	return {
		source: (fraction * amount, None if coef is None else fraction * coef)
		for source, (amount, coef) in comps.items()
	}


def _added(left: dict, right: dict) -> dict:
	total = dict(left)
	for source, (amount, coef) in right.items():
		found = total.get(source)
		if found is None:
			total[source] = (amount, coef)
		else:
			total[source] = (
				found[0] + amount,
				None if coef is None or found[1] is None else found[1] + coef,
			)
	return total


def _current(row, ref, fraction, rate, net, qty, share, current, grand) -> dict | None:
	"""What one row puts on one item, by source: {source: (amount, amount as a multiple of the
	source's base, or None when not proportional)}; None when the row does not apply."""
	kind = row.charge_type
	if kind == ACTUAL:
		return {ITEM: (share, None)}
	if kind == ITEM_QUANTITY:
		return {ITEM: (rate * qty, None)}
	if ref is None or kind == ON_NET_TOTAL:
		return {ITEM: (fraction * net, fraction)}
	if kind == PREVIOUS_ROW_AMOUNT:
		return _scaled(current[ref], fraction)
	if kind == PREVIOUS_ROW_TOTAL:
		return _scaled(grand[ref], fraction)
	return None


def _item_rows(i, rows, nets, quantities, override, actual_left, sum_nets):
	"""Every row's amounts on item ``i`` by source, in ERPNext's order."""
	net, qty, last = nets[i], quantities[i], i == len(nets) - 1
	current: list[dict] = []
	grand: list[dict] = []
	before = {ITEM: (net, ONE)}
	for row in rows:
		head = row.account_head
		rate = override[head] if override and head in override else row.rate
		ref = row.row_id - 1 if row.row_id and 0 < row.row_id <= len(current) else None
		share = ZERO
		if row.charge_type == ACTUAL:
			share = row.amount * net / sum_nets if sum_nets else ZERO
			actual_left[row.position] -= share
			if last:
				share += actual_left[row.position]
		comps = _current(row, ref, rate / HUNDRED, rate, net, qty, share, current, grand) or {}
		if row.is_charge and comps:
			# a charge is its own line: what later rows put on it is sourced to it
			comps = {row.position: (sum([amount for amount, _ in comps.values()], ZERO), ONE)}
		yield row, rate, comps
		current.append(comps)
		before = _added(before, comps)
		grand.append(before)


def line_taxes(
	nets: list[Decimal],
	quantities: list[Decimal],
	overrides: list[dict],
	rows: list[TaxRow],
	templates: list[str | None] | None = None,
) -> tuple[list[LineTax], list[ChargePart]]:
	"""Per-line taxes for the item lines (``nets``) followed by the charge lines.

	Returns (taxes for every line, the charge lines in order). ``templates``: each item's
	Item Tax Template, which a charge split over items taxed differently follows.
	"""
	n_items = len(nets)
	result = [LineTax(ZERO, ZERO, [], True) for _ in range(n_items)]
	if not rows:
		return result, []
	templates = templates or [None] * n_items
	actual_left = {row.position: row.amount for row in rows if row.charge_type == ACTUAL}
	# per charge row: item → (its share of the charge, the tax on that share)
	shares: dict[int, dict[int, tuple[Decimal, LineTax]]] = {r.position: {} for r in rows if r.is_charge}
	sum_nets = sum(nets, ZERO)
	for i in range(n_items):
		taxes = {ITEM: result[i]}
		for row, rate, comps in _item_rows(i, rows, nets, quantities, overrides[i], actual_left, sum_nets):
			if row.is_charge:
				for position, (amount, _) in comps.items():
					taxes[position] = LineTax(ZERO, ZERO, [], True)
					shares[position][i] = (amount, taxes[position])
				continue
			for source, (amount, coef) in comps.items():
				tax = taxes.get(source)
				if tax is None:
					continue
				tax.raw += amount
				tax.coefficient = None if coef is None or tax.coefficient is None else tax.coefficient + coef
				tax.rows.append(row.position)
				if rate or row.charge_type == ACTUAL:
					tax.zero_rate = False
	parts: list[ChargePart] = []
	for row in rows:
		if row.is_charge:
			parts.extend(_charge_parts(row, shares[row.position], templates, result))
	return result, parts


def _charge_parts(row: TaxRow, shares: dict, templates: list, result: list[LineTax]) -> list[ChargePart]:
	"""The lines of one charge row: one per group of items that tax their shares alike (same rate,
	same rows, same Item Tax Template), in cents adding up to the charge; the mapping joins again
	the groups that end on the same Xero tax type. Appends each part's LineTax to ``result``."""
	if not shares:
		result.append(LineTax(ZERO, ZERO, [], True))
		return [ChargePart(row.position, row.amount, None)]
	groups: dict[tuple, list[int]] = {}
	for i, (_, lt) in shares.items():
		groups.setdefault((lt.coefficient, tuple(lt.rows), lt.zero_rate, templates[i]), []).append(i)
	keys = list(groups)
	split = len(keys) > 1
	if split:
		raw = [sum([shares[i][0] for i in groups[key]], ZERO) for key in keys]
		preferred = [r.quantize(CENT, ROUND_HALF_UP) for r in raw]
		amounts = distribute(raw, preferred, row.amount, [True] * len(raw))
	else:
		amounts = [row.amount]
	parts = []
	for key, amount in zip(keys, amounts, strict=True):
		if split and not amount:
			continue
		coefficient, positions, zero_rate, template = key
		members = groups[key]
		raw = sum([shares[i][1].raw for i in members], ZERO) if coefficient is None else coefficient * amount
		result.append(LineTax(raw, coefficient, list(positions), zero_rate))
		parts.append(ChargePart(row.position, amount, template))
	return parts
