"""Which Xero account and which Xero tax type a line goes to, and why.

Rate-to-Account, first hit wins: Item → Item Group (then its parent groups) →
Income Account → Settings.default_account_code. Tax: Item Tax Template → Sales
Taxes and Charges Template → tax account head → Settings.default_tax_type, the
first whose mapping has a row for the line's effective rate (tax_mapping.py); when
none has, the first mapped, which pre-flight reports with the row to add. Each
answer carries its source ("Item Group 'Products'") so that problems can say which
mapping to change.

Called by mapping.py for every line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xero_connector.engine.context import MappingContext
from xero_connector.engine.tax_mapping import percent, pick, rows_of

ZERO_TAX_SOURCE = "the zero tax type on the Xero Connection"


@dataclass(frozen=True)
class Resolved:
	value: str | None
	source: str  # e.g. "Item Group 'Products'", "the default account on the Xero Connection"
	field: str = "items.item_code"  # the ERPNext field a fix starts from
	# a tax type: True when its rate is known to be the line's, False when known not to be,
	# None when that cannot be told (no rate, or Xero's rates not known)
	fits: bool | None = None


def item_group_of(line: dict, ctx: MappingContext) -> str | None:
	group = line.get("item_group")
	if group:
		return group
	item = ctx.masters.items.get(line.get("item_code") or "")
	return item.get("item_group") if item else None


@dataclass(frozen=True)
class AccountSide:
	"""Where a side (selling, buying) reads a line's own account, and how its sources are named."""

	account_field: str  # the line's field, and the company's default_<field>
	account_label: str  # e.g. "Income Account"
	item_note: str  # after "Item 'X'" and "Item Group 'Y'", e.g. " (buying)"
	default_source: str


SALES = AccountSide("income_account", "Income Account", "", "the default account code on the Xero Connection")


def line_account_of(line: dict, ctx: MappingContext, field: str) -> str | None:
	"""The line's ``field`` (income_account, expense_account), else the item's default for the
	company, else the company's default_<field>."""
	account = line.get(field)
	if account:
		return account
	item = ctx.masters.items.get(line.get("item_code") or "")
	company = ctx.masters.company.get("name")
	for default in (item or {}).get("item_defaults") or []:
		if default.get(field) and (not company or default.get("company") in (None, company)):
			return default[field]
	return ctx.masters.company.get(f"default_{field}")


def income_account_of(line: dict, ctx: MappingContext) -> str | None:
	"""The line's income account, else the item's default for the company, else the company's."""
	return line_account_of(line, ctx, "income_account")


def resolve_account(line: dict, ctx: MappingContext, side: AccountSide = SALES) -> Resolved:
	"""Rate-to-Account for one item line. ``ctx`` holds the side's tables under the selling names
	(for buying: :func:`.buying.buying_view`)."""
	mappings = ctx.mappings
	code = line.get("item_code") or ""
	if code and code in mappings.account_by_item:
		return Resolved(mappings.account_by_item[code], f"Item '{code}'{side.item_note}")
	group = item_group_of(line, ctx)
	seen = set()
	while group and group not in seen:
		if group in mappings.account_by_item_group:
			return Resolved(mappings.account_by_item_group[group], f"Item Group '{group}'{side.item_note}")
		seen.add(group)
		group = (ctx.masters.item_groups.get(group) or {}).get("parent_item_group")
	own = line_account_of(line, ctx, side.account_field)
	if own and own in mappings.account_by_income_account:
		return Resolved(mappings.account_by_income_account[own], f"{side.account_label} '{own}'")
	if ctx.settings.default_account_code:
		return Resolved(ctx.settings.default_account_code, side.default_source)
	return Resolved(None, "")


def resolve_charge_account(
	account_head: str, ctx: MappingContext, field: str = "taxes.account_head", side: AccountSide = SALES
) -> Resolved:
	"""Rate-to-Account for a charge row (e.g. freight) or a discount line: by its account head,
	else the default (``ctx`` as for :func:`resolve_account`)."""
	mapped = ctx.mappings.account_by_income_account.get(account_head)
	if mapped:
		return Resolved(mapped, f"{side.account_label} '{account_head}'", field)
	if ctx.settings.default_account_code:
		return Resolved(ctx.settings.default_account_code, side.default_source, field)
	return Resolved(None, "", field)


def resolve_tax(
	item_tax_template: str | None,
	sales_template: str | None,
	account_heads: list[str],
	ctx: MappingContext,
	rate: Decimal | None = None,
	known_only: bool = False,
	template_label: str = "Sales Taxes and Charges Template",
) -> Resolved:
	"""Tax mapping for one line. ``account_heads`` are the heads of the tax rows that apply to it;
	``rate`` its effective rate in percent (None when its tax is not a rate of its amount).
	The first mapped record with a row that fits the rate wins (``known_only``: only a row known
	to fit); else the first mapped record's row, whose ``fits`` says it does not (or may not)."""
	mappings = ctx.mappings
	levels = [
		(
			mappings.tax_by_item_tax_template,
			item_tax_template,
			"Item Tax Template",
			"items.item_tax_template",
		),
		(
			mappings.tax_by_sales_taxes_template,
			sales_template,
			template_label,
			"taxes_and_charges",
		),
	]
	levels.extend(
		(mappings.tax_by_tax_account, head, "tax account", "taxes.account_head") for head in account_heads
	)
	if ctx.settings.default_tax_type:
		default = {"": ctx.settings.default_tax_type}
		levels.append((default, "", "the default tax type on the Xero Connection", "taxes_and_charges"))
	fallback = None
	for table, key, label, field in levels:
		if key is None or key not in table:
			continue
		row, fits = pick(rows_of(table[key]), rate, ctx.xero)
		if row is None:
			continue
		source = f"{label} '{key}'" if key else label
		if row.rate is not None:
			source += f" at {percent(row.rate)}"
		found = Resolved(row.tax_type, source, field, fits)
		if fits or (fits is None and not known_only):
			return found
		fallback = fallback or found
	return fallback or Resolved(None, "", "taxes_and_charges")


def zero_tax_type(ctx: MappingContext) -> Resolved:
	"""The tax type for untaxed lines (rounding, untaxed charges): Settings.zero_tax_type, else Xero's
	built-in "NONE" (No GST / Tax Exempt), which every Xero organisation has."""
	if ctx.settings.zero_tax_type:
		return Resolved(ctx.settings.zero_tax_type, ZERO_TAX_SOURCE, "taxes_and_charges")
	return Resolved("NONE", "Xero's built-in NONE tax type", "taxes_and_charges")
