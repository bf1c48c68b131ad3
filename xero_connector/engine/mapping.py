"""ERPNext Sales Invoice (a plain dict, as ``doc.as_dict()`` or the REST API gives it)
→ the Xero Invoice or CreditNote payload, to the cent.

The rule this module keeps: Xero's own computed ``Total`` equals what the
customer owes in ERPNext (``rounded_total`` where ERPNext rounds, else
``grand_total``), in the document currency. How:

- Lines mirror ERPNext's ledger: each item line carries its ``net_amount`` (after
  the line discount *and* its share of any invoice-level discount, which is how
  ERPNext books income), so ``rate`` is never discounted twice and no
  ``DiscountRate`` is sent. ``Quantity`` and ``UnitAmount`` (≤4 dp, sent with
  ``unitdp=4``) are chosen so that Xero's ``round(Quantity × UnitAmount, 2)`` is
  exactly the wanted line amount — the ERPNext ``rate`` when it fits, else the
  amount divided by the quantity; never a value whose rounding is a tie (…5),
  where rounding conventions differ. If no 4-dp unit price fits (e.g. a quantity
  with more than 4 decimals) the line is sent as 1 × amount with the original
  quantity and rate in its description.
- Tax: ERPNext rounds each tax row's total; Xero rounds each line. taxes.py
  splits every tax row over the lines (compound rows included), and the cents are
  spread (largest remainder) so that the lines' taxes add up exactly to ERPNext's
  tax rows. A line gets an explicit ``TaxAmount`` only where that differs from
  what Xero would compute itself at the tax type's EffectiveRate (or where Xero's
  result would hinge on a tie); without Xero's reference data (``ctx.xero`` None)
  the rate Xero will apply is unknown, so every taxed line states its TaxAmount.
  Xero accepts an overridden TaxAmount on invoice and credit-note lines.
- "Inclusive" when a tax row is ``included_in_print_rate`` (line amount = net +
  tax, so an undiscounted line keeps its ERPNext rate), else "Exclusive"; no tax
  rows at all → "NoTax" (or Exclusive with Settings.zero_tax_type).
- Charge rows that are not taxes ("Actual" freight on an income account) become
  their own line on the account mapped for that account head, taxed when a later
  "On Previous Row Total" row taxes them.
- A non-trade (cash) discount becomes a negative line; ERPNext's rounding
  adjustment becomes a line on Settings.rounding_account_code with no tax
  (Settings.zero_tax_type, else Xero's "NONE"). Sales lines must use revenue
  accounts: Xero's system accounts (e.g. 860 Rounding) are refused on them.
- The lines and taxes must add up to ERPNext's total within 0.10 (the rounding
  line takes the cents); otherwise the document is refused as inconsistent.
- Returns become ACCRECCREDIT credit notes with every sign flipped (positive).
- Foreign currency: ``CurrencyRate`` = 1 / ``conversion_rate`` (Xero's rate is
  base → foreign), 6 decimal places as Xero stores it.

Called by the engine (push) and by preflight.py, which shares the checks.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine import taxes as tax_model
from xero_connector.engine.context import MappingContext
from xero_connector.engine.money import (
	CENT,
	HALF_CENT,
	HUNDRED,
	ONE,
	RATE_6DP,
	UNIT_4DP,
	ZERO,
	dec,
	distribute,
	dumps,
	fits_4dp,
	money,
	plain,
	q4,
	rounds_to,
)
from xero_connector.engine.problems import MappingError, Problem
from xero_connector.engine.resolve import (
	Resolved,
	income_account_of,
	item_group_of,
	resolve_account,
	resolve_charge_account,
	resolve_tax,
	zero_tax_type,
)

REVENUE_TYPES = frozenset({"REVENUE", "SALES", "OTHERINCOME"})
MAX_DESCRIPTION = 4000
TEN_CENTS = Decimal("0.10")
_NO_OVERRIDES: dict = {}  # shared, read-only: an item row without item tax rates
# (field, label) of the numbers the mapping reads, checked before anything is computed
_DOCUMENT_NUMBERS = (
	("conversion_rate", "Exchange Rate"),
	("grand_total", "Grand Total"),
	("rounded_total", "Rounded Total"),
	("rounding_adjustment", "Rounding Adjustment"),
	("discount_amount", "Additional Discount Amount"),
)
_ITEM_NUMBERS = (
	("qty", "Quantity"),
	("rate", "Rate"),
	("amount", "Amount"),
	("net_amount", "Net Amount"),
	("net_rate", "Net Rate"),
)
_TAX_NUMBERS = (
	("rate", "Tax Rate"),
	("tax_amount", "Tax Amount"),
	("tax_amount_after_discount_amount", "Tax Amount After Discount Amount"),
)
MAX_ITEM_CODE = 30
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.IGNORECASE)


@dataclass
class XeroDocument:
	kind: str  # "invoice" or "credit_note"
	number: str  # InvoiceNumber / CreditNoteNumber (= ERPNext name)
	payload: dict  # Xero JSON (PascalCase) for PUT/POST /Invoices or /CreditNotes; numbers are Decimal
	expected_total: Decimal  # what the customer owes in ERPNext, document currency, positive
	currency: str
	return_against: str | None = None

	def payload_hash(self) -> str:
		"""Stable sha256 of the canonical JSON payload (idempotency keys, change detection)."""
		return hashlib.sha256(dumps(self.payload).encode()).hexdigest()

	def to_json(self) -> str:
		"""The payload as JSON text with exact Decimal numbers (``requests``' ``json=`` cannot encode Decimal)."""
		return dumps(self.payload)


# -- small readers -----------------------------------------------------------------------------


def expected_total(doc: dict) -> Decimal:
	"""What the customer owes in ERPNext, in the document currency, positive for returns."""
	rounded = money(doc.get("rounded_total"))
	owed = rounded if not doc.get("disable_rounded_total") and rounded else money(doc.get("grand_total"))
	return -owed if doc.get("is_return") else owed


def iso_date(value) -> str | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value.date().isoformat()
	if isinstance(value, date):
		return value.isoformat()
	return str(value)[:10]


_PLAIN_CACHE: dict[str, str] = {}


def plain_text(value: str | None) -> str:
	"""ERPNext's HTML description as plain text (tags dropped, entities decoded, blank lines squeezed)."""
	if not value:
		return ""
	cached = _PLAIN_CACHE.get(value)
	if cached is None:
		cached = _plain_text(value)
		if len(_PLAIN_CACHE) < 8192:
			_PLAIN_CACHE[value] = cached
	return cached


def _plain_text(value: str) -> str:
	text = value
	if "<" in text:
		text = _TAG.sub("", _BREAK.sub("\n", text))
	if "&" in text:
		text = html.unescape(text)
	text = _SPACE.sub(" ", text).replace("\xa0", " ")
	text = _BLANK_LINES.sub("\n", text)
	return "\n".join(part.strip() for part in text.split("\n")).strip()


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


def _number(value: Decimal) -> str:
	"""A Decimal for people: no exponent, no trailing zeros."""
	return format(value.normalize(), "f")


# -- the builder -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
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


class _Builder:
	def __init__(self, doc: dict, ctx: MappingContext):
		self.doc = doc
		self.ctx = ctx
		self.name = doc.get("name") or ""
		self.problems: list[Problem] = []
		self.sign = -1 if doc.get("is_return") else 1
		self._tax_rates: dict[str, tuple[dict | None, Decimal | None]] = {}
		# resolutions shared by all documents mapped with this context: accounts by (item code,
		# item group, income account), the zero tax type, rounding accounts
		self._resolved: dict[tuple, Resolved] = ctx.memo("mapping")

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

	def account_for(self, item: dict) -> Resolved:
		"""Rate-to-Account for an item row, resolved once per context and key."""
		get = item.get
		key = (get("item_code"), get("item_group"), get("income_account"))
		found = self._resolved.get(key)
		if found is None:
			found = self._resolved[key] = resolve_account(item, self.ctx)
		return found

	def zero_tax_type(self) -> Resolved:
		"""resolve.zero_tax_type, once per context."""
		memo = self._resolved
		found = memo.get("zero tax type")
		if found is None:
			found = memo["zero tax type"] = zero_tax_type(self.ctx)
		return found

	def rounding_account(self, code: str | None) -> Resolved:
		"""Where the rounding line goes, once per context and code."""
		key = ("rounding account", code)
		found = self._resolved.get(key)
		if found is None:
			found = self._resolved[key] = Resolved(
				code, "the rounding account code in Xero Settings", "rounding_adjustment"
			)
		return found

	def problem(self, row, field, message, fix, value=None, kind=""):
		self.problems.append(Problem(self.name, row, field, message, fix, value, kind))

	# document-level checks, shared with preflight ------------------------------------------

	def check_numbers(self) -> bool:
		"""Every number the mapping reads must be a number: a problem naming the field for each one
		that is not (e.g. a quantity sent as text). Returns False when there were such problems.
		Called by collect() only when reading the document failed, so valid documents pay nothing."""
		doc = self.doc
		clean = True
		for field, label in _DOCUMENT_NUMBERS:
			value = doc.get(field)
			if type(value) is not float and type(value) is not int and value is not None:
				clean = self.check_number(value, None, field, label) and clean
		for rows, table, fields in (
			(doc.get("items") or [], "items", _ITEM_NUMBERS),
			(doc.get("taxes") or [], "taxes", _TAX_NUMBERS),
		):
			for position, row in enumerate(rows):
				get = row.get
				for field, label in fields:
					value = get(field)
					if type(value) is not float and type(value) is not int and value is not None:
						row_idx = get("idx") or position + 1
						clean = self.check_number(value, row_idx, f"{table}.{field}", label) and clean
		return clean

	def check_number(self, value, row, field: str, label: str) -> bool:
		if type(value) is not bool:
			try:
				dec(value)
				return True
			except (ValueError, TypeError, ArithmeticError):
				pass
		where = f" on row {row}" if row is not None else ""
		self.problem(
			row,
			field,
			f"{label} ({field}) {value!r}{where} is not a number.",
			f"Correct {label} in ERPNext (a number, e.g. 2 or 19.99), then resend.",
			value=str(value)[:140],
			kind="not_a_number",
		)
		return False

	def check_document(self) -> None:
		"""Document-level problems (shared with preflight)."""
		doc, ctx = self.doc, self.ctx
		items = doc.get("items") or []
		if not items:
			self.problem(
				None,
				"items",
				"The invoice has no items; Xero needs at least one line.",
				"Add the items to the Sales Invoice in ERPNext (or cancel it).",
				kind="empty_invoice",
			)
		is_return = bool(doc.get("is_return"))
		if is_return and not doc.get("return_against"):
			self.problem(
				None,
				"return_against",
				"This return (credit note) does not say which invoice it returns against.",
				"Set 'Return Against' on the Sales Invoice return to the original invoice.",
				kind="return_without_original",
			)
		if not is_return:
			for position, line in enumerate(items):
				qty = line.get("qty")
				if (qty if type(qty) is float or type(qty) is int else dec(qty)) < 0:
					self.problem(
						line.get("idx") or position + 1,
						"items.qty",
						f"Quantity {_number(dec(line.get('qty')))} is negative on an invoice that is not a return; "
						"Xero invoices cannot carry negative quantities that way.",
						"Make the quantity positive, or raise a Sales Invoice return (credit note) for what "
						"is being credited.",
						value=_number(dec(line.get("qty"))),
						kind="negative_quantity",
					)
		self.check_customer()
		currency = doc.get("currency") or ctx.settings.company_currency
		if currency != ctx.settings.company_currency and dec(doc.get("conversion_rate")) <= 0:
			self.problem(
				None,
				"conversion_rate",
				f"The exchange rate for {currency} is missing or zero.",
				f"Set the Exchange Rate (1 {currency} = ? {ctx.settings.company_currency}) on the Sales Invoice.",
				value=str(doc.get("conversion_rate")),
				kind="missing_exchange_rate",
			)
		xero = ctx.xero
		if xero is not None:
			if xero.base_currency and xero.base_currency != ctx.settings.company_currency:
				self.problem(
					None,
					"currency",
					f"The Xero organisation's base currency is {xero.base_currency} but the ERPNext company's is "
					f"{ctx.settings.company_currency}.",
					"Connect the Xero organisation that belongs to this company, or correct the company "
					"currency in Xero Settings.",
					value=ctx.settings.company_currency,
					kind="base_currency_mismatch",
				)
			if not xero.currency_enabled(currency):
				self.problem(
					None,
					"currency",
					f"Currency {currency} is not enabled in the Xero organisation.",
					f"In Xero, add {currency} under Settings → Currencies (needs a plan with multi-currency), "
					"then Fetch from Xero again in Xero Settings.",
					value=currency,
					kind="currency_not_enabled",
				)

	def check_customer(self) -> None:
		doc, ctx = self.doc, self.ctx
		customer = doc.get("customer")
		if not customer:
			self.problem(
				None,
				"customer",
				"The invoice has no customer.",
				"Set the Customer on the Sales Invoice.",
				kind="missing_customer",
			)
			return
		master = ctx.masters.customers.get(customer)
		if master is None:
			self.problem(
				None,
				"customer",
				f"Customer '{customer}' is not among the customers the connector was given.",
				f"Make sure Customer '{customer}' exists in ERPNext (and in the masters file when using the CLI).",
				value=customer,
				kind="customer_not_found",
			)
			return
		code = master.get(ctx.settings.billing_code_field)
		name = master.get("customer_name") or doc.get("customer_name")
		if not (code and str(code).strip()) and not (name and str(name).strip()):
			self.problem(
				None,
				"customer",
				f"Customer '{customer}' has neither a billing account code nor a name to match a Xero contact.",
				f"Fill in the Customer's '{ctx.settings.billing_code_field}' (Xero AccountNumber) or Customer Name.",
				value=customer,
				kind="customer_without_match_key",
			)

	# lines ------------------------------------------------------------------------------------

	def build(self, contact: dict | None) -> XeroDocument | None:
		"""The XeroDocument, or None when problems were found (they are in self.problems)."""
		doc, ctx = self.doc, self.ctx
		if not doc.get("items"):
			return None  # reported by check_document; nothing to map
		rows = tax_model.read_tax_rows(doc, ctx.masters.accounts)
		tax_rows = [row for row in rows if not row.is_charge]
		if not tax_rows:
			amount_types = "Exclusive" if ctx.settings.zero_tax_type else "NoTax"
		else:
			amount_types = "Inclusive" if any(row.inclusive for row in tax_rows) else "Exclusive"
		lines, nets, quantities, overrides = self.item_lines()
		line_taxes, charge_positions = tax_model.line_taxes(nets, quantities, overrides, rows)
		lines.extend(self.charge_line(rows[position]) for position in charge_positions)
		self.assign_tax_types(lines, line_taxes, rows, tax_rows, overrides)
		if tax_rows:
			self.spread_tax(lines, line_taxes, tax_rows, amount_types)
		for line in lines:
			if line.account.value is None:
				self.unmapped_account(line)
		owed = expected_total(doc)
		lines.extend(self.adjustment_lines(lines, owed, amount_types))
		if ctx.xero is not None:
			self.check_xero_codes(lines)
		if self.problems:
			return None
		payload_lines = [self.line_payload(line, amount_types) for line in lines]
		currency = doc.get("currency") or ctx.settings.company_currency
		return self.document(payload_lines, amount_types, currency, owed, contact)

	def item_lines(self) -> tuple[list[_Line], list[Decimal], list[Decimal], list[dict]]:
		"""One line per item row, plus the nets, quantities and item tax rates taxes.py needs.
		(The hottest loop of the mapping: kept flat, with local names.)"""
		negate = self.sign < 0
		xero = self.ctx.xero
		xero_items = xero.item_index() if xero is not None else {}
		accounts, account_for, item_tax_rates = self._resolved, self.account_for, tax_model.item_tax_rates
		nets, quantities, overrides, lines = [], [], [], []
		add_line = lines.append
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
			add_line(
				_Line(
					description or "Item",
					-qty if negate else qty,
					preferred,
					-net if negate else net,
					account or account_for(item),
					None,
					get("idx") or position + 1,
					"items.item_code",
					code if code in xero_items and len(code) <= MAX_ITEM_CODE else None,
					-amount if negate else amount,
				)
			)
		return lines, nets, quantities, overrides

	def charge_line(self, row: tax_model.TaxRow) -> _Line:
		"""A charge row that is not a tax (e.g. "Actual" freight on an income account)."""
		return _Line(
			description=row.description or row.account_head or "Charge",
			quantity=ONE,
			unit_preferred=[],
			net=self.sign * row.amount,
			account=resolve_charge_account(row.account_head, self.ctx),
			tax_type=None,
			row=row.idx,
			field="taxes.account_head",
		)

	def assign_tax_types(self, lines, line_taxes, rows, tax_rows, overrides) -> None:
		"""Tax mapping for every line; problems for lines that cannot be mapped."""
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
			template = (items[i].get("item_tax_template") or None) if i < n_items else None
			if (
				template
				and template not in ctx.mappings.tax_by_item_tax_template
				and lt.zero_rate
				and has_rate
			):
				# an exempt / zero-rated item must not fall through to the standard-rated mapping
				line.tax_type = Resolved(
					ctx.settings.zero_tax_type,
					"the zero tax type in Xero Settings",
					"items.item_tax_template",
				)
				if not ctx.settings.zero_tax_type:
					self.problem(
						line.row,
						"items.item_tax_template",
						f"Item Tax Template '{template}' makes this line 0% tax but has no Xero Tax Mapping, "
						"so it would be taxed like the rest of the invoice.",
						f"Add a Xero Tax Mapping for Item Tax Template '{template}' to an exempt or zero-rated "
						"Xero tax type (e.g. EXEMPTOUTPUT or ZERORATEDOUTPUT).",
						value=template,
						kind="unmapped_tax",
					)
				continue
			key = (template, *lt.rows)
			resolved = memo.get(key)
			if resolved is None:
				heads = [rows[p].account_head for p in lt.rows]
				resolved = memo[key] = resolve_tax(template, sales_template, heads, ctx)
			line.tax_type = resolved
			if resolved.value is None:
				heads = [rows[p].account_head for p in lt.rows]
				unmapped.setdefault(tuple(sorted(set(heads))), rows[lt.rows[0]])
		for first_row in unmapped.values():
			head = first_row.account_head
			where = f"Sales Taxes and Charges Template '{sales_template}' or " if sales_template else ""
			self.problem(
				first_row.idx,
				"taxes.account_head",
				f"No Xero tax type for tax account '{head}'"
				+ (f" (template '{sales_template}')" if sales_template else "")
				+ ": there is no Xero Tax Mapping for it and no default tax type.",
				f"Add a Xero Tax Mapping for {where}tax account '{head}', or set Default Tax Type in Xero Settings.",
				value=head,
				kind="unmapped_tax",
			)

	def spread_tax(self, lines, line_taxes, tax_rows, amount_types) -> None:
		"""Each line's tax in cents, adding up exactly to ERPNext's tax rows."""
		sign = self.sign
		target = sum([row.amount for row in tax_rows], ZERO)
		if sign < 0:
			target = sign * target
			raw = [sign * lt.raw for lt in line_taxes]
		else:
			raw = [lt.raw for lt in line_taxes]
		total_raw = sum(raw, ZERO)
		if total_raw and target != total_raw.quantize(CENT, ROUND_HALF_UP):
			# tax rows edited by hand in ERPNext: keep ERPNext's totals, spread in proportion
			raw = [r * target / total_raw for r in raw]
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

	def adjustment_lines(self, lines: list[_Line], owed: Decimal, amount_types: str) -> list[_Line]:
		"""A non-trade discount line and the rounding line, so that the total is what the customer owes."""
		doc, ctx, sign = self.doc, self.ctx, self.sign
		tax_type = None if amount_types == "NoTax" else self.zero_tax_type()
		extra: list[_Line] = []
		if doc.get("is_cash_or_non_trade_discount") and dec(doc.get("discount_amount")):
			discount = _Line(
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
		erp_rounding = (
			sign * money(doc.get("rounding_adjustment")) if not doc.get("disable_rounded_total") else ZERO
		)
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
				_Line(
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
					"Set Rounding Account Code (a revenue account such as 260 Other Revenue; Xero's system account "
					"860 Rounding cannot be used on invoice lines) or Default Sales Account in Xero Settings.",
					value=str(erp_rounding),
					kind="unmapped_rounding_account",
				)
		return extra

	def unmapped_account(self, line: _Line) -> None:
		if line.field == "items.item_code":
			item = self.item_for_row(line.row)
			code = (item or {}).get("item_code") or ""
			group = item_group_of(item or {}, self.ctx) or "?"
			income = income_account_of(item or {}, self.ctx) or "?"
			self.problem(
				line.row,
				"items.item_code",
				f"No Xero account for item '{code}': no Rate-to-Account mapping for the item, its item group "
				f"'{group}' or its income account '{income}', and no default account code.",
				f"Add a Xero Account Mapping for Item '{code}', Item Group '{group}' or Income Account "
				f"'{income}', or set Default Account Code in Xero Settings.",
				value=code,
				kind="unmapped_account",
			)
		else:
			if line.field == "taxes.account_head":
				head = (self.tax_row(line.row) or {}).get("account_head") or ""
			else:
				head = self.doc.get("additional_discount_account") or ""
			self.problem(
				line.row,
				line.field,
				f"No Xero account for the charge on account '{head}': no Rate-to-Account mapping for that "
				"account and no default account code.",
				f"Add a Xero Account Mapping for Income Account '{head}', or set Default Account Code in "
				"Xero Settings.",
				value=head,
				kind="unmapped_account",
			)

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

	def check_xero_codes(self, lines: list[_Line]) -> None:
		"""Accounts and tax types must exist in Xero, be ACTIVE and fit a sales line."""
		xero = self.ctx.xero
		tax_rates = self._tax_rates
		seen_accounts: set[str] = set()
		# tax type → the coefficients already compared (a list: fresh Decimals are slow to hash)
		seen_rates: dict[str, list[Decimal]] = {}
		for line in lines:
			code = line.account.value
			if code and code not in seen_accounts:
				seen_accounts.add(code)
				self.check_account(line, xero.account(code))
			tax = line.tax_type
			if tax is None:
				continue
			value = tax.value
			if not value:
				continue
			found, xero_rate, _ = tax_rates.get(value) or self.xero_tax_rate(value)
			compared = seen_rates.get(value)
			if compared is None:
				compared = seen_rates[value] = []
				self.check_tax_type(line, tax, found)
			coefficient = line.coefficient
			if coefficient is not None and xero_rate is not None and coefficient not in compared:
				compared.append(coefficient)
				erp_rate = coefficient * HUNDRED
				if abs(xero_rate - erp_rate) > Decimal("0.0001"):
					self.problem(
						line.row,
						tax.field if line.field == "items.item_code" else line.field,
						f"Xero tax type '{tax.value}' (from {tax.source}) is {_number(xero_rate)}% in Xero but "
						f"ERPNext taxes this line at {_number(erp_rate.quantize(RATE_6DP))}%.",
						f"Map {tax.source} to a Xero tax type with a {_number(erp_rate.quantize(RATE_6DP))}% rate.",
						value=tax.value,
						kind="tax_rate_mismatch",
					)

	def check_account(self, line: _Line, account: dict | None) -> None:
		code = line.account.value
		source = line.account.source
		is_rounding = line.field == "rounding_adjustment"
		field = line.field
		if account is None:
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) does not exist in the Xero organisation.",
				f"Change {source} to an account code that exists in Xero (or create account {code} in Xero), "
				"then Fetch from Xero again.",
				value=code,
				kind="unknown_account",
			)
			return
		status = account.get("Status") or "ACTIVE"
		if status != "ACTIVE":
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) is {status} in Xero.",
				f"Restore account {code} in Xero, or change {source} to an active revenue account.",
				value=code,
				kind="archived_account",
			)
			return
		if account.get("SystemAccount"):
			what = "rounding" if is_rounding else "this line"
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) is Xero's {account['SystemAccount']} system account, which "
				"cannot be used on invoice lines.",
				f"Change {source} to a revenue account for {what} (e.g. 260 Other Revenue).",
				value=code,
				kind="system_account",
			)
			return
		account_class = account.get("Class")
		account_type = account.get("Type")
		revenue = (account_type in REVENUE_TYPES if account_type else account_class == "REVENUE") and (
			account_class in (None, "", "REVENUE")
		)
		if not revenue:
			self.problem(
				line.row,
				field,
				f"Xero account '{code}' (from {source}) is a {account_type or account_class} account, not a "
				"revenue account (REVENUE, SALES or OTHERINCOME).",
				f"Change {source} to a revenue account in Xero (e.g. 200 Sales).",
				value=code,
				kind="account_not_revenue",
			)

	def check_tax_type(self, line: _Line, tax: Resolved, rate: dict | None) -> None:
		field = tax.field if line.field == "items.item_code" else line.field
		if rate is None:
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) does not exist in the Xero organisation.",
				f"Change {tax.source} to a tax type that exists in Xero, then Fetch from Xero again.",
				value=tax.value,
				kind="unknown_tax_type",
			)
			return
		status = rate.get("Status") or "ACTIVE"
		if status != "ACTIVE":
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) is {status} in Xero.",
				f"Change {tax.source} to an active Xero tax type.",
				value=tax.value,
				kind="archived_tax_type",
			)
			return
		if rate.get("CanApplyToRevenue") is False:
			self.problem(
				line.row,
				field,
				f"Xero tax type '{tax.value}' (from {tax.source}) cannot be used on sales (CanApplyToRevenue is "
				"false).",
				f"Change {tax.source} to a Xero tax type for income (e.g. OUTPUT2).",
				value=tax.value,
				kind="tax_type_not_revenue",
			)

	def line_payload(self, line: _Line, amount_types: str) -> dict:
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
			description = f"{description} ({_number(line.quantity)} × {_number(q4(shown))})"
		if len(description) > MAX_DESCRIPTION:
			description = description[:MAX_DESCRIPTION]
		payload = {
			"Description": description,
			"Quantity": plain(quantity),
			"UnitAmount": plain(unit),
			"AccountCode": line.account.value,
		}
		if line.item_code:
			payload["ItemCode"] = line.item_code
		tax_type = line.tax_type
		if tax_type is not None:
			value = tax_type.value
			if value:
				payload["TaxType"] = value
				if amount_types != "NoTax" and self.needs_tax_amount(line, target, inclusive):
					payload["TaxAmount"] = line.tax
		return payload

	def needs_tax_amount(self, line: _Line, amount: Decimal, inclusive: bool) -> bool:
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

	def document(
		self, lines: list[dict], amount_types: str, currency: str, owed: Decimal, contact
	) -> XeroDocument:
		doc, ctx = self.doc, self.ctx
		is_return = bool(doc.get("is_return"))
		posting = iso_date(doc.get("posting_date"))
		payload = {
			"Type": "ACCRECCREDIT" if is_return else "ACCREC",
			"Contact": dict(contact) if contact else {"Name": self.contact_name()},
			"Date": posting,
			"DueDate": iso_date(doc.get("due_date")) or posting,
			"CurrencyCode": currency,
			"LineAmountTypes": amount_types,
			"LineItems": lines,
			"Status": ctx.settings.invoice_status,
		}
		if is_return:
			payload["CreditNoteNumber"] = self.name
			payload["Reference"] = doc.get("return_against") or doc.get("po_no") or self.name
		else:
			payload["InvoiceNumber"] = self.name
			payload["Reference"] = (doc.get("po_no") or "").strip() or self.name
		if currency != ctx.settings.company_currency:
			payload["CurrencyRate"] = (ONE / dec(doc.get("conversion_rate"))).quantize(
				RATE_6DP, rounding=ROUND_HALF_UP
			)
		return XeroDocument(
			kind="credit_note" if is_return else "invoice",
			number=self.name,
			payload=payload,
			expected_total=owed,
			currency=currency,
			return_against=doc.get("return_against") or None if is_return else None,
		)

	def contact_name(self) -> str:
		master = self.ctx.masters.customers.get(self.doc.get("customer") or "") or {}
		return self.doc.get("customer_name") or master.get("customer_name") or self.doc.get("customer") or ""


def collect(
	doc: dict, ctx: MappingContext, contact: dict | None = None
) -> tuple[XeroDocument | None, list[Problem]]:
	"""Map and check in one pass: (the document, or None when there are problems; every problem).
	Called by map_sales_invoice and preflight."""
	builder = _Builder(doc, ctx)
	try:
		builder.check_document()
		result = builder.build(contact)
	except (ValueError, TypeError, ArithmeticError):
		# a field that should be a number is not: name it (and the customer's problems) instead
		builder.problems = []
		if builder.check_numbers():
			raise
		builder.check_customer()
		return None, builder.problems
	return (None if builder.problems else result), builder.problems


def map_sales_invoice(doc: dict, ctx: MappingContext, contact: dict | None = None) -> XeroDocument:
	"""The Xero Invoice (or, for a return, CreditNote) for an ERPNext Sales Invoice dict.

	``contact`` is the Xero contact reference for payload["Contact"] (e.g. {"ContactID": …}); when
	None the payload carries {"Name": customer_name} for the engine to replace after contact
	resolution. The document's docstatus is not checked here (the engine decides what to push).
	Raises MappingError listing every problem. Called by the engine's push and by the CLI.
	"""
	result, problems = collect(doc, ctx, contact)
	if problems:
		raise MappingError(problems)
	return result
