"""Lines: one Xero line per ERPNext item row (and per charge row that is not a tax),
with Quantity and UnitAmount chosen so that Xero's own rounding gives ERPNext's amount,
and each built line written as a Xero LineItem."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine import taxes as tax_model
from xero_connector.engine.mapping.text import as_text, plain_text
from xero_connector.engine.money import (
	CENT,
	HALF_CENT,
	ONE,
	UNIT_4DP,
	ZERO,
	dec,
	fits_4dp,
	money,
	plain,
	q4,
	rounds_to,
)
from xero_connector.engine.resolve import Resolved, resolve_charge_account
from xero_connector.engine.tracking import row_tracking, tracking_problems

# a line's Description: at most 4,000 characters (developer.xero.com/documentation/api/accounting/
# invoices, LineItems; the 16.1.0 spec gives no maxLength on LineItem, 4000 on Item.Description).
# Xero refuses a longer one and does not document cutting it: the mapping refuses it too, naming
# the row, rather than send text that is not the invoice's
MAX_DESCRIPTION = 4000
MAX_ITEM_CODE = 30
_NO_OVERRIDES: dict = {}  # shared, read-only: an item row without item tax rates


def choose_quantity_and_unit(
	qty: Decimal, target: Decimal, preferred: list[Decimal]
) -> tuple[Decimal, Decimal, bool]:
	"""(Quantity, UnitAmount, kept) such that Xero's round(Quantity × UnitAmount, 2) == target
	under any rounding convention. ``kept`` is False when the quantity had to become 1."""
	if qty and fits_4dp(qty):
		for unit in preferred:
			if fits_4dp(unit) and rounds_to(qty * unit, target):
				return qty, unit, True
		guess = q4(target / qty)
		for step in (0, 1, -1, 2, -2, 3, -3):
			unit = guess + step * UNIT_4DP
			if rounds_to(qty * unit, target):
				return qty, unit, True
	elif not qty and not target:
		return qty, preferred[0] if preferred else ZERO, True
	return ONE, target, False


@dataclass(slots=True)
class Line:
	"""One Xero line while it is being built (amounts signed as in Xero, i.e. positive on credit notes)."""

	description: str
	quantity: Decimal
	unit_preferred: list[Decimal]
	net: Decimal  # exclusive line amount
	account: Resolved
	tax_type: Resolved | None
	row: int | None
	field: str
	item_code: str | None = None
	amount_gross: Decimal | None = None  # ERPNext's inclusive amount (qty × rate), for Inclusive lines
	tax: Decimal = ZERO
	coefficient: Decimal | None = ZERO
	part: tax_model.ChargePart | None = None  # a charge row's line: the share of which items
	template: str | None = None  # the Item Tax Template its tax type was looked up with
	tax_heads: tuple[str, ...] = ()  # the tax accounts of the rows that tax it
	tracking: tuple[dict, ...] = ()  # the line's Xero Tracking (engine/tracking.py)


class LinesMixin:
	"""The line phase of :class:`xero_connector.engine.mapping.document.Builder`."""

	def item_lines(self) -> tuple[list[Line], list[Decimal], list[Decimal], list[dict]]:
		"""One line per item row, plus the nets, quantities and item tax rates taxes.py needs.
		(The hottest loop of the mapping: kept flat, with local names.)"""
		negate = self.sign < 0
		xero = self.ctx.xero
		xero_items = xero.item_index() if xero is not None else {}
		accounts, account_for, item_tax_rates = self._resolved, self.account_for, tax_model.item_tax_rates
		nets, quantities, overrides, lines = [], [], [], []
		add_line = lines.append
		tracks = bool(self.ctx.mappings.tracking_by_field)
		for position, item in enumerate(self.doc.get("items") or []):
			get = item.get
			account = accounts.get((get("item_code"), get("item_group"), get("income_account")))
			qty = dec(get("qty"))
			erp_rate = get("rate")
			rate = dec(erp_rate)
			amount = get("amount")
			amount = money(amount) if amount is not None else money(qty * rate)
			net = get("net_amount")
			net = money(net) if net is not None else amount
			nets.append(net)
			quantities.append(qty)
			tax_rate_json = get("item_tax_rate")
			overrides.append(
				item_tax_rates(tax_rate_json) if tax_rate_json and tax_rate_json != "{}" else _NO_OVERRIDES
			)
			code = get("item_code") or ""
			description = plain_text(get("description")) or (get("item_name") or "").strip() or code
			preferred = [rate] if net == amount else []
			net_rate = get("net_rate")
			if net_rate is not None and net_rate != erp_rate:
				preferred.append(dec(net_rate))
			row = get("idx") or position + 1
			add_line(
				Line(
					description or "Item",
					-qty if negate else qty,
					preferred,
					-net if negate else net,
					account or account_for(item),
					None,
					row,
					"items.item_code",
					code if code in xero_items and len(code) <= MAX_ITEM_CODE else None,
					-amount if negate else amount,
					tracking=self.row_tracking(item, row) if tracks else (),
				)
			)
		return lines, nets, quantities, overrides

	def row_tracking(self, row_dict: dict, row, table: str = "items") -> tuple[dict, ...]:
		"""An item or charge row's Xero Tracking, and (once per row: a charge may be split over
		several lines) a problem for each category or option Xero lacks."""
		tracked = row_tracking(row_dict, self.ctx.mappings)
		checked = self.__dict__.setdefault("_tracking_checked", set())
		if (table, row) not in checked:
			checked.add((table, row))
			self.problems.extend(tracking_problems(self.name, row, tracked, self.ctx.xero, table))
		return tuple(t.payload() for t in tracked)

	def charge_line(self, row: tax_model.TaxRow, part: tax_model.ChargePart) -> Line:
		"""A charge row that is not a tax (e.g. "Actual" freight on an income account), or the share
		of it that one group of items carries when its items tax it differently."""
		return Line(
			description=row.description or row.account_head or "Charge",
			quantity=ONE,
			unit_preferred=[],
			net=self.sign * part.amount,
			account=resolve_charge_account(row.account_head, self.ctx),
			tax_type=None,
			row=row.idx,
			field="taxes.account_head",
			part=part,
			tracking=(
				self.row_tracking(self.tax_row(row.idx) or {}, row.idx, "taxes")
				if self.ctx.mappings.tracking_by_field
				else ()
			),
		)

	def line_payload(self, line: Line, amount_types: str) -> dict:
		"""The Xero LineItem for a built line. (Runs for every line: kept flat.)"""
		inclusive = amount_types == "Inclusive"
		target = line.net + line.tax if inclusive else line.net
		preferred = line.unit_preferred
		if inclusive:
			preferred = preferred[:1] if line.amount_gross == target else []
		quantity, unit, kept = choose_quantity_and_unit(line.quantity, target, preferred)
		description = line.description
		if not kept:
			shown = preferred[0] if preferred else (target / line.quantity if line.quantity else target)
			description = f"{description} ({as_text(line.quantity)} × {as_text(q4(shown))})"
		if len(description) > MAX_DESCRIPTION:  # the note above took it over: build() refuses
			self.description_too_long(line, description)
		payload = {
			"Description": description,
			"Quantity": plain(quantity),
			"UnitAmount": plain(unit),
			"AccountCode": line.account.value,
		}
		if line.item_code:
			payload["ItemCode"] = line.item_code
		if line.tracking:
			payload["Tracking"] = [dict(t) for t in line.tracking]
		tax_type = line.tax_type
		if tax_type is not None:
			value = tax_type.value
			if value:
				payload["TaxType"] = value
				if amount_types != "NoTax" and self.needs_tax_amount(line, target, inclusive):
					payload["TaxAmount"] = line.tax
		return payload

	def description_too_long(self, line: Line, sent: str) -> None:
		"""A problem naming the row whose description (as it would be sent) Xero would refuse."""
		table = "taxes" if line.field.startswith("taxes.") else "items"
		room = MAX_DESCRIPTION - (len(sent) - len(line.description))  # less any note the mapping adds
		note = (
			"" if room == MAX_DESCRIPTION else ", with the note of its quantity and rate this connector adds"
		)
		self.problem(
			line.row,
			f"{table}.description",
			f"The description on row {line.row} has {len(sent):,} characters{note}; Xero takes at most "
			f"{MAX_DESCRIPTION:,} in a line's Description, and nothing is cut off silently.",
			f"Shorten the description on row {line.row} of the Sales Invoice ({table}) to {room:,} characters "
			"or fewer (long terms belong in the invoice's Terms), then resend.",
			value=sent[:40] + "…",
			kind="too_long",
		)

	def needs_tax_amount(self, line: Line, amount: Decimal, inclusive: bool) -> bool:
		"""True unless Xero's own per-line tax (at the tax type's rate in Xero) is exactly ``line.tax``.
		Without Xero's reference data the rate Xero will apply is unknown, so the tax is always stated."""
		found = self._tax_rates.get(line.tax_type.value) or self.xero_tax_rate(line.tax_type.value)
		rate_percent, rate = found[1], found[2]
		if rate_percent is None:
			return True
		if not rate_percent:
			return bool(line.tax)
		exact = amount * rate / (ONE + rate) if inclusive else amount * rate
		rounded = exact.quantize(CENT, ROUND_HALF_UP)
		# Xero's result would hinge on a tie (…5 exactly in the third place): state the tax
		return rounded != line.tax or abs(exact - rounded) == HALF_CENT

	def item_for_row(self, row_idx) -> dict | None:
		for position, item in enumerate(self.doc.get("items") or []):
			if (item.get("idx") or position + 1) == row_idx:
				return item
		return None

	def tax_row(self, row_idx) -> dict | None:
		for position, row in enumerate(self.doc.get("taxes") or []):
			if (row.get("idx") or position + 1) == row_idx:
				return row
		return None
