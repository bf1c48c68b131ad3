"""Which Xero account and which Xero tax type a line goes to, and why.

Rate-to-Account, first hit wins: Item → Item Group (then its parent groups) →
Income Account → Settings.default_account_code. Tax, first hit wins: Item Tax
Template → Sales Taxes and Charges Template → tax account head → Settings.
default_tax_type. Each answer carries its source ("Item Group 'Products'") so
that problems can say which mapping to change.

Called by mapping.py for every line.
"""

from __future__ import annotations

from dataclasses import dataclass

from xero_connector.engine.context import MappingContext


@dataclass(frozen=True)
class Resolved:
	value: str | None
	source: str  # e.g. "Item Group 'Products'", "the default account in Xero Settings"
	field: str = "items.item_code"  # the ERPNext field a fix starts from


def item_group_of(line: dict, ctx: MappingContext) -> str | None:
	group = line.get("item_group")
	if group:
		return group
	item = ctx.masters.items.get(line.get("item_code") or "")
	return item.get("item_group") if item else None


def income_account_of(line: dict, ctx: MappingContext) -> str | None:
	"""The line's income account, else the item's default for the company, else the company's."""
	account = line.get("income_account")
	if account:
		return account
	item = ctx.masters.items.get(line.get("item_code") or "")
	company = ctx.masters.company.get("name")
	for default in (item or {}).get("item_defaults") or []:
		if default.get("income_account") and (not company or default.get("company") in (None, company)):
			return default["income_account"]
	return ctx.masters.company.get("default_income_account")


def resolve_account(line: dict, ctx: MappingContext) -> Resolved:
	"""Rate-to-Account for one item line."""
	mappings = ctx.mappings
	code = line.get("item_code") or ""
	if code and code in mappings.account_by_item:
		return Resolved(mappings.account_by_item[code], f"Item '{code}'")
	group = item_group_of(line, ctx)
	seen = set()
	while group and group not in seen:
		if group in mappings.account_by_item_group:
			return Resolved(mappings.account_by_item_group[group], f"Item Group '{group}'")
		seen.add(group)
		group = (ctx.masters.item_groups.get(group) or {}).get("parent_item_group")
	income = income_account_of(line, ctx)
	if income and income in mappings.account_by_income_account:
		return Resolved(mappings.account_by_income_account[income], f"Income Account '{income}'")
	if ctx.settings.default_account_code:
		return Resolved(ctx.settings.default_account_code, "the default account code in Xero Settings")
	return Resolved(None, "")


def resolve_charge_account(account_head: str, ctx: MappingContext) -> Resolved:
	"""Rate-to-Account for a charge row (e.g. freight): by its account head, else the default."""
	mapped = ctx.mappings.account_by_income_account.get(account_head)
	if mapped:
		return Resolved(mapped, f"Income Account '{account_head}'", "taxes.account_head")
	if ctx.settings.default_account_code:
		return Resolved(
			ctx.settings.default_account_code,
			"the default account code in Xero Settings",
			"taxes.account_head",
		)
	return Resolved(None, "", "taxes.account_head")


def resolve_tax(
	item_tax_template: str | None, sales_template: str | None, account_heads: list[str], ctx: MappingContext
) -> Resolved:
	"""Tax mapping for one line. ``account_heads`` are the heads of the tax rows that apply to it."""
	mappings = ctx.mappings
	if item_tax_template and item_tax_template in mappings.tax_by_item_tax_template:
		return Resolved(
			mappings.tax_by_item_tax_template[item_tax_template],
			f"Item Tax Template '{item_tax_template}'",
			"items.item_tax_template",
		)
	if sales_template and sales_template in mappings.tax_by_sales_taxes_template:
		return Resolved(
			mappings.tax_by_sales_taxes_template[sales_template],
			f"Sales Taxes and Charges Template '{sales_template}'",
			"taxes_and_charges",
		)
	for head in account_heads:
		if head in mappings.tax_by_tax_account:
			return Resolved(mappings.tax_by_tax_account[head], f"tax account '{head}'", "taxes.account_head")
	if ctx.settings.default_tax_type:
		return Resolved(
			ctx.settings.default_tax_type, "the default tax type in Xero Settings", "taxes_and_charges"
		)
	return Resolved(None, "", "taxes_and_charges")


def zero_tax_type(ctx: MappingContext) -> Resolved:
	"""The tax type for untaxed lines (rounding, untaxed charges): Settings.zero_tax_type, else Xero's
	built-in "NONE" (No GST / Tax Exempt), which every Xero organisation has."""
	if ctx.settings.zero_tax_type:
		return Resolved(ctx.settings.zero_tax_type, "the zero tax type in Xero Settings", "taxes_and_charges")
	return Resolved("NONE", "Xero's built-in NONE tax type", "taxes_and_charges")
