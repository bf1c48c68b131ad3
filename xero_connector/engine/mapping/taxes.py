"""Taxes: the Xero tax type of every line (Tax Mappings, item tax templates, the zero
tax type) and each line's tax in cents, adding up exactly to ERPNext's tax rows."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine.mapping.lines import Line
from xero_connector.engine.mapping.text import as_text
from xero_connector.engine.money import CENT, HUNDRED, RATE_6DP, ZERO, dec, distribute
from xero_connector.engine.resolve import ZERO_TAX_SOURCE, Resolved, resolve_tax, zero_tax_type
from xero_connector.engine.tax_mapping import percent, row_to_add


class TaxesMixin:
	"""The tax phase of :class:`xero_connector.engine.mapping.document.Builder`."""

	TEMPLATE_LABEL = "Sales Taxes and Charges Template"  # a bill's: mapping/bill.py

	def xero_tax_rate(self, tax_type: str) -> tuple[dict | None, Decimal | None, Decimal | None]:
		"""(Xero's TaxRate object, its EffectiveRate, that rate as a fraction) for a tax type, looked
		up once per document."""
		found = self._tax_rates.get(tax_type)
		if found is None:
			rate = self.ctx.xero.tax_rate(tax_type) if self.ctx.xero is not None else None
			effective = rate.get("EffectiveRate") if rate else None
			percent = dec(effective) if effective not in (None, "") else None
			found = (rate, percent, percent / HUNDRED if percent else None)
			self._tax_rates[tax_type] = found
		return found

	def zero_tax_type(self) -> Resolved:
		"""resolve.zero_tax_type, once per context."""
		memo = self._resolved
		found = memo.get("zero tax type")
		if found is None:
			found = memo["zero tax type"] = zero_tax_type(self.ctx)
		return found

	def assign_tax_types(self, lines, line_taxes, rows, tax_rows, overrides, parts) -> None:
		"""Tax mapping for every line, at its effective rate; problems for lines that cannot be
		mapped. A charge's share of some items (``parts``) follows their Item Tax Template."""
		ctx = self.ctx
		items = self.doc.get("items") or []
		sales_template = self.doc.get("taxes_and_charges") or None
		zero_type = self.zero_tax_type()
		has_rate = any(row.rate for row in tax_rows) or any(any(o.values()) for o in overrides if o)
		unmapped = {}
		memo: dict[tuple, Resolved] = {}
		n_items = len(items)
		for i, line in enumerate(lines):
			lt = line_taxes[i]
			line.coefficient = lt.coefficient
			if not tax_rows:
				line.tax_type = zero_type if ctx.settings.zero_tax_type else None
				continue
			if not lt.rows:
				line.tax_type = zero_type
				continue
			template = (
				(items[i].get("item_tax_template") or None) if i < n_items else parts[i - n_items].template
			)
			line.template = template
			line.tax_heads = heads = tuple(dict.fromkeys(rows[p].account_head for p in lt.rows))
			# an exempt / zero-rated item must not fall through to the standard-rated mapping
			unmapped_zero = bool(
				template
				and template not in ctx.mappings.tax_by_item_tax_template
				and lt.zero_rate
				and has_rate
			)
			rate = lt.coefficient * HUNDRED if lt.coefficient is not None else None
			key = (template, heads, rate, unmapped_zero)
			resolved = memo.get(key)
			if resolved is None:
				resolved = memo[key] = resolve_tax(
					template, sales_template, list(heads), ctx, rate, unmapped_zero, self.TEMPLATE_LABEL
				)
			if unmapped_zero and not resolved.fits:
				# no mapping row fits: Xero Settings' zero tax type, if there is one (a 0 % line without
				# such a template is refused instead, naming the row to add: its GST category is not
				# the zero tax type's, e.g. GST Free rather than BAS Excluded)
				if ctx.settings.zero_tax_type:
					resolved = Resolved(ctx.settings.zero_tax_type, ZERO_TAX_SOURCE, resolved.field, True)
				else:
					self.unmapped_zero(line, template, heads[0])
					resolved = Resolved(None, "", "items.item_tax_template", False)
			line.tax_type = resolved
			if resolved.value is None and not unmapped_zero:
				unmapped.setdefault(tuple(sorted(heads)), (rows[lt.rows[0]], rate))
		for first_row, rate in unmapped.values():
			head = first_row.account_head
			where = f"{self.TEMPLATE_LABEL} '{sales_template}' or " if sales_template else ""
			suggested = ""
			add = row_to_add(ctx.xero, "Tax Account", head, rate) if rate is not None else None
			if add is not None and add.xero_tax_type:
				suggested = (
					f" (this line is taxed at {percent(rate)}: {add.xero_tax_type}, {add.xero_tax_name})"
				)
			fix = (
				f"Add a Xero Tax Mapping for {where}tax account '{head}'{suggested}, or set Default Tax Type "
				"on the Xero Connection."
			)
			self.problem(
				first_row.idx,
				"taxes.account_head",
				f"No Xero tax type for tax account '{head}'"
				+ (f" (template '{sales_template}')" if sales_template else "")
				+ ": there is no Xero Tax Mapping for it and no default tax type.",
				fix,
				value=head,
				kind="unmapped_tax",
				row_to_add=add,
			)

	def unmapped_zero(self, line: Line, template: str, head: str) -> None:
		"""A line its Item Tax Template makes 0 % that no mapping row fits."""
		add = row_to_add(self.ctx.xero, "Tax Account", head, ZERO, template)
		field = "items.item_tax_template" if line.field == "items.item_code" else line.field
		self.problem(
			line.row,
			field,
			f"Item Tax Template '{template}' makes this line 0% tax but no Xero Tax Mapping has a 0% tax "
			"type for it, so it would be taxed like the rest of the invoice.",
			add.text()[:-1]
			+ f", or map Item Tax Template '{template}' to "
			+ (add.xero_tax_type or "an exempt or zero-rated Xero tax type")
			+ ".",
			value=template,
			kind="unmapped_tax",
			row_to_add=add,
		)

	def join_charge_parts(self, lines: list[Line], line_taxes: list) -> tuple[list[Line], list]:
		"""The shares of one charge that ended on the same Xero tax type at the same rate are one
		line again; a charge still on several lines says whose share each one carries."""
		kept: list[Line] = []
		kept_taxes = []
		seen: dict[tuple, int] = {}
		for line, lt in zip(lines, line_taxes, strict=True):
			part = line.part
			value = line.tax_type.value if line.tax_type is not None else None
			key = None if part is None else (part.position, value, lt.coefficient, tuple(lt.rows))
			first = seen.get(key) if key is not None else None
			if first is None:
				if key is not None:
					seen[key] = len(kept)
				kept.append(line)
				kept_taxes.append(lt)
				continue
			joined, joined_tax = kept[first], kept_taxes[first]
			joined.net += line.net
			joined_tax.raw += lt.raw
			joined_tax.zero_rate = joined_tax.zero_rate and lt.zero_rate
			if joined.part.template != part.template:
				joined.part.template = None
		count = Counter(line.part.position for line in kept if line.part is not None)
		for line, lt in zip(kept, kept_taxes, strict=True):
			if line.part is not None and count[line.part.position] > 1:
				rate = lt.coefficient * HUNDRED if lt.coefficient else None
				if rate:
					whose = f"items taxed at {as_text(rate.quantize(RATE_6DP))}%"
				else:
					whose = f"{line.part.template} items" if line.part.template else "untaxed items"
				line.description = f"{line.description} (share of {whose})"
		return kept, kept_taxes

	def spread_tax(self, lines, line_taxes, tax_rows, amount_types) -> None:
		"""Each line's tax in cents, adding up exactly to ERPNext's tax rows."""
		sign = self.sign
		target = sum([row.amount for row in tax_rows], ZERO)
		if sign < 0:
			target = sign * target
			raw = [sign * lt.raw for lt in line_taxes]
		else:
			raw = [lt.raw for lt in line_taxes]
		preferred = [r.quantize(CENT, ROUND_HALF_UP) for r in raw]
		discounted = bool(dec(self.doc.get("discount_amount"))) and not self.doc.get(
			"is_cash_or_non_trade_discount"
		)
		if amount_types == "Inclusive" and not discounted and all(row.inclusive for row in tax_rows):
			# keep each line's inclusive amount at ERPNext's qty × rate where the cents allow
			for i, line in enumerate(lines):
				if line.amount_gross is not None and line_taxes[i].rows:
					candidate = line.amount_gross - line.net
					if abs(candidate - raw[i]) <= CENT * 2:
						preferred[i] = candidate
		eligible = [bool(r) for r in raw]
		if not any(eligible):
			eligible = [bool(lt.rows) for lt in line_taxes]
		for line, tax in zip(lines, distribute(raw, preferred, target, eligible), strict=True):
			line.tax = tax
