"""Tax Mapping rows by rate: which of the Xero tax types mapped to an ERPNext record a line
takes, and which row to add when none fits.

ERPNext books every GST row on one tax account, but the rate differs by line: 15 % from the
company's template, 0 % where an item's Item Tax Template says exempt or zero-rated. So a
record (tax account, Sales Taxes and Charges Template, Item Tax Template) may map to several
Xero tax types (:class:`~.context.RatedTaxType`): a line takes the row for its effective
rate, else a row for any rate whose tax type has that rate in Xero (the one-to-one mapping
everyone writes first). Resolution (resolve.resolve_tax) walks the records in DESIGN.md's
order and takes the first that fits; when none does, pre-flight names the row to add, with
a Xero tax type of that rate from the organisation's tax rates.

Called by resolve.py, mapping/checks.py, mapping_file.py and readiness.py; pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from xero_connector.engine.context import RatedTaxType, XeroReference

TOLERANCE = Decimal("0.0001")  # Xero keeps rates to 4 decimal places
ANY_RATE = "any"  # a mapping file's key for the row that fits any rate


def as_rate(value) -> Decimal | None:
	"""A rate key as Decimal percent; None for "any" (or None). ValueError for anything else."""
	if value is None or (isinstance(value, str) and value.strip().lower() in (ANY_RATE, "")):
		return None
	if isinstance(value, bool):
		raise ValueError(f"{value!r} is not a rate")
	try:
		rate = Decimal(str(value).strip().rstrip("%"))
	except InvalidOperation:
		raise ValueError(f"{value!r} is not a rate (a percent such as 15 or 0, or {ANY_RATE!r})") from None
	if not rate.is_finite() or rate < 0 or rate > 1000:
		raise ValueError(f"{value!r} is not a rate (a percent such as 15 or 0)")
	return rate


def rows_of(value) -> tuple[RatedTaxType, ...]:
	"""A Tax Mapping value as its rows: a TaxType (one row for any rate), a RatedTaxType, a list
	of them, or {rate: TaxType}."""
	if isinstance(value, str):
		return (RatedTaxType(value),)
	if isinstance(value, RatedTaxType):
		return (value,)
	if isinstance(value, dict):
		return tuple(RatedTaxType(str(code), as_rate(rate)) for rate, code in value.items())
	return tuple(row if isinstance(row, RatedTaxType) else RatedTaxType(*row) for row in value or ())


def same_rate(left: Decimal, right: Decimal) -> bool:
	return abs(left - right) <= TOLERANCE


def xero_rate(xero: XeroReference | None, tax_type: str) -> Decimal | None:
	"""Xero's EffectiveRate (percent) of a tax type; None when it is not known."""
	found = xero.tax_rate(tax_type) if xero is not None else None
	effective = (found or {}).get("EffectiveRate")
	return Decimal(str(effective)) if effective not in (None, "") else None


def pick(
	rows: tuple[RatedTaxType, ...], rate: Decimal | None, xero: XeroReference | None
) -> tuple[RatedTaxType | None, bool | None]:
	"""The row a line at ``rate`` percent takes, and whether it fits: True when its rate is
	known to be the line's; None when that cannot be told (the line's tax is not a rate, or
	Xero's rates are unknown); False for a row for any rate whose Xero rate is another, kept
	as the fallback that pre-flight reports."""
	if not rows:
		return None, None
	if rate is None:  # e.g. an "Actual" tax amount: the row for any rate, else the highest rate
		for row in rows:
			if row.rate is None:
				return row, None
		return max(rows, key=lambda row: row.rate), None
	for row in rows:
		if row.rate is not None and same_rate(row.rate, rate):
			return row, True
	fallback = None
	for row in rows:
		if row.rate is None:
			known = xero_rate(xero, row.tax_type)
			if known is None:
				return row, None
			if same_rate(known, rate):
				return row, True
			fallback = fallback or row
	return fallback, False


def _words(text: str) -> set[str]:
	return {word for word in re.split(r"[^a-z0-9]+", (text or "").lower()) if len(word) > 2}


def suggest(xero: XeroReference | None, rate: Decimal, hint: str = "") -> dict | None:
	"""A Xero tax rate for a row at ``rate``: ACTIVE, for revenue, with that EffectiveRate; among
	several (Zero Rated, GST Exempt, No GST at 0 %) the one whose name shares most words with
	``hint`` (e.g. an Item Tax Template called "Exempt"), else the first in Xero's order."""
	if xero is None:
		return None
	fitting = [
		found
		for found in xero.tax_rates
		if (found.get("Status") or "ACTIVE") == "ACTIVE"
		and found.get("CanApplyToRevenue") is not False
		and found.get("EffectiveRate") not in (None, "")
		and same_rate(Decimal(str(found["EffectiveRate"])), rate)
	]
	if not fitting:
		return None
	wanted = _words(hint)
	return max(fitting, key=lambda found: len(wanted & _words(found.get("Name") or "")))


def percent(rate: Decimal) -> str:
	"""15 → "15%", 12.5000 → "12.5%"."""
	return f"{format(rate.normalize(), 'f')}%"


@dataclass(frozen=True)
class RowToAdd:
	"""A Tax Mapping row that would make a line fit: the record, the rate, and a Xero tax type of
	that rate (None when the organisation has none)."""

	mapping_type: str  # "Tax Account", "Item Tax Template" or "Sales Taxes and Charges Template"
	reference_name: str
	rate: Decimal
	xero_tax_type: str | None
	xero_tax_name: str | None = None

	def as_dict(self) -> dict:
		return {
			"mapping_type": self.mapping_type,
			"reference_name": self.reference_name,
			"rate": format(self.rate.normalize(), "f"),
			"xero_tax_type": self.xero_tax_type,
			"xero_tax_name": self.xero_tax_name,
		}

	def text(self) -> str:
		what = f"Add a Xero Tax Mapping row for {self.mapping_type} '{self.reference_name}' at {percent(self.rate)}"
		if self.xero_tax_type:
			name = f" ({self.xero_tax_name})" if self.xero_tax_name else ""
			return f"{what} with Xero tax type {self.xero_tax_type}{name}."
		return (
			f"{what} with a Xero tax type of {percent(self.rate)}; the Xero organisation has none, so create one "
			"in Xero (Settings → Tax rates), then Fetch from Xero again."
		)


def row_to_add(
	xero: XeroReference | None, mapping_type: str, reference_name: str, rate: Decimal, hint: str = ""
) -> RowToAdd:
	found = suggest(xero, rate, hint)
	return RowToAdd(
		mapping_type,
		reference_name,
		rate,
		found.get("TaxType") if found else None,
		found.get("Name") if found else None,
	)


@dataclass(frozen=True)
class TaxUse:
	"""How one line of an invoice uses a tax account: at which rate, from which Item Tax Template,
	and the Xero tax type the mapping gives it (``fits``: as in resolve.Resolved). Read by the
	readiness check to propose the Tax Mapping rows a period needs."""

	account: str
	rate: Decimal | None
	template: str | None
	tax_type: str | None
	source: str
	fits: bool | None
