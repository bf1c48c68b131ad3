"""The Tax Mapping rows a period needs, proposed from what its invoices actually use.

For every tax account and effective rate the period's invoice lines use, one row: the
account at that rate, with the Xero tax type those lines take now (when a mapping already
gives them a type of their rate) or else a Xero tax type of that rate from the organisation
(tax_mapping.suggest, guided by the lines' Item Tax Templates: "Exempt" finds GST Exempt).
Where the lines at one rate come from Item Tax Templates that want different Xero tax types
(exempt and zero-rated are both 0 %), each such template gets its own row. A row says
whether it is needed (some of its lines have no Xero tax type of their rate, so pre-flight
refuses them) and which mappings give its lines their type now, so an accountant can set the
mapping up from the check.

Called by readiness.check_readiness; pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from xero_connector.engine.context import XeroReference
from xero_connector.engine.resolve import ZERO_TAX_SOURCE
from xero_connector.engine.tax_mapping import RowToAdd, TaxUse, suggest

TAX_ACCOUNT = "Tax Account"
ITEM_TAX_TEMPLATE = "Item Tax Template"


@dataclass
class ProposedTaxRow:
	"""One Tax Mapping row for what the period's invoices use."""

	row: RowToAdd  # the record (TAX_ACCOUNT or ITEM_TAX_TEMPLATE), the lines' rate, a Xero type of it
	needed: bool = False  # some of its lines have no Xero tax type of their rate
	covered_by: list[str] = field(default_factory=list)  # the mappings that give its lines their type now
	lines: int = 0
	invoices: list[str] = field(default_factory=list)

	def as_dict(self) -> dict:
		return {
			**self.row.as_dict(),
			"needed": self.needed,
			"covered_by": list(self.covered_by),
			"lines": self.lines,
			"invoices": list(self.invoices),
		}


def _wanted(use: TaxUse, xero: XeroReference | None) -> str | None:
	"""The Xero tax type a line should have: its own when a mapping gives it one of its rate, else
	one of its rate from the organisation (also for a line on Xero Settings' zero tax type, which
	is for lines outside GST: an exempt item's line wants a GST exempt type)."""
	if use.fits and use.tax_type and use.source != ZERO_TAX_SOURCE:
		return use.tax_type
	found = suggest(xero, use.rate, use.template or "")
	return found.get("TaxType") if found else None


def _name_of(xero: XeroReference | None, tax_type: str | None) -> str | None:
	found = xero.tax_rate(tax_type) if xero is not None and tax_type else None
	return (found or {}).get("Name")


def propose_tax_rows(
	uses: Iterable[tuple[str, list[TaxUse]]], xero: XeroReference | None
) -> list[ProposedTaxRow]:
	"""The rows for ``uses`` (each invoice's name and its lines' tax uses), by account and rate
	(highest first), each account row followed by the template rows it leaves to them."""
	groups: dict[tuple[str, Decimal], list[tuple[str, TaxUse]]] = {}
	for name, doc_uses in uses:
		for use in doc_uses:
			if use.rate is not None:
				groups.setdefault((use.account, use.rate), []).append((name, use))
	proposed = []
	for (account, rate), found in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
		wants = [(name, use, _wanted(use, xero)) for name, use in found]
		by_template: dict[str | None, Counter] = {}
		for _, use, want in wants:
			by_template.setdefault(use.template, Counter())[want] += 1
		overall = Counter(want for _, _, want in wants if want)
		account_type = overall.most_common(1)[0][0] if overall else None
		own = {
			template: counter.most_common(1)[0][0]
			for template, counter in by_template.items()
			if template and counter.most_common(1)[0][0] not in (None, account_type)
		}
		add = RowToAdd(TAX_ACCOUNT, account, rate, account_type, _name_of(xero, account_type))
		rows = {None: ProposedTaxRow(add)}
		for template, tax_type in own.items():
			add = RowToAdd(ITEM_TAX_TEMPLATE, template, rate, tax_type, _name_of(xero, tax_type))
			rows[template] = ProposedTaxRow(add)
		for name, use, _ in wants:
			row = rows[use.template if use.template in own else None]
			row.lines += 1
			if name not in row.invoices:
				row.invoices.append(name)
			if use.tax_type is None or use.fits is False:
				row.needed = True
			elif use.fits and use.source not in row.covered_by:
				row.covered_by.append(use.source)
		proposed.extend(rows.values())
	return proposed
