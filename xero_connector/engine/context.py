"""The plain data the engine works on: mappings, settings, master data and
what Xero knows (accounts, tax rates, currencies).

Everything here is a dataclass of plain values so that the Frappe shell, the
CLI and the tests can build it from whatever they hold (doctypes, JSON files,
fixtures). Nothing here talks to Xero or to Frappe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class RatedTaxType:
	"""One Tax Mapping row of an ERPNext record that is used at several rates: Xero's tax type
	for the lines ERPNext taxes at ``rate`` percent (their effective rate, after the line's
	Item Tax Template); ``rate`` None: for a line at any rate Xero's own rate of the type fits."""

	tax_type: str
	rate: Decimal | None = None


# A Tax Mapping value: one Xero TaxType for every rate (the one-to-one mapping), or several
# rows: a list of RatedTaxType, or {rate: TaxType} (rate None or "any": any rate).
TaxMapping = str | list[RatedTaxType] | dict


@dataclass
class Mappings:
	"""Rate-to-Account and Tax Mapping, as the administrator set them.

	Account codes are Xero ``AccountCode`` values; tax types are Xero ``TaxType`` values, or, for
	a record used at several rates (a tax account ERPNext books 15 % and 0 % GST on), several
	(see :data:`TaxMapping`): each line takes the one whose rate is the line's effective rate.
	Resolution order (first hit wins) is fixed by DESIGN.md:
	accounts: item -> item group -> income account -> Settings.default_account_code;
	tax: item tax template -> sales taxes and charges template -> tax account head -> Settings.default_tax_type,
	the first whose tax type has the line's rate (engine/tax_mapping.py).
	"""

	account_by_item: dict[str, str] = field(default_factory=dict)
	account_by_item_group: dict[str, str] = field(default_factory=dict)
	account_by_income_account: dict[str, str] = field(default_factory=dict)
	tax_by_item_tax_template: dict[str, TaxMapping] = field(default_factory=dict)
	tax_by_sales_taxes_template: dict[str, TaxMapping] = field(default_factory=dict)
	tax_by_tax_account: dict[str, TaxMapping] = field(default_factory=dict)
	# the buying side (issue 16; engine/buying.py): Item → Item Group → Expense Account → Settings.
	# default_purchase_account_code; tax: Item Tax Template → Purchase Taxes and Charges Template →
	# tax account head → Settings.default_purchase_tax_type. Tables of their own: the same Item Tax
	# Template or GST account is a sales tax type (OUTPUT2) on invoices and a purchase one (INPUT2)
	# on bills
	expense_account_by_item: dict[str, str] = field(default_factory=dict)
	expense_account_by_item_group: dict[str, str] = field(default_factory=dict)
	account_by_expense_account: dict[str, str] = field(default_factory=dict)
	purchase_tax_by_item_tax_template: dict[str, TaxMapping] = field(default_factory=dict)
	tax_by_purchase_taxes_template: dict[str, TaxMapping] = field(default_factory=dict)
	purchase_tax_by_tax_account: dict[str, TaxMapping] = field(default_factory=dict)
	# Tracking (optional; engine/tracking.py): an item row's field (cost_center, project, any
	# accounting dimension) -> Xero tracking category name; and per category, the Xero option for
	# an ERPNext value (a value not listed goes as the option of the same name)
	tracking_by_field: dict[str, str] = field(default_factory=dict)
	tracking_options: dict[str, dict[str, str]] = field(default_factory=dict)

	@classmethod
	def from_dict(cls, data: dict) -> Mappings:
		"""Build from a plain dict with these field names (e.g. a mapping file's "mappings" object);
		unknown keys are ignored."""
		return cls(**{k: dict(v or {}) for k, v in (data or {}).items() if k in cls.__dataclass_fields__})


@dataclass
class Settings:
	"""The parts of Xero Settings the engine needs."""

	default_account_code: str | None = None
	default_tax_type: str | None = None
	# Tax type for lines of an invoice with no tax at all, when no mapping applies.
	# None means: send LineAmountTypes "NoTax".
	zero_tax_type: str | None = None
	# Xero account code for the line carrying ERPNext's rounding adjustment: a revenue account or
	# Xero's Rounding system account ("860 Rounding", the one system account Xero takes on lines;
	# rules.line_account_refusal). None: use default_account_code.
	rounding_account_code: str | None = None
	# Customer field holding the billing account code matched to Xero's Contact.AccountNumber.
	billing_code_field: str = "xero_account_number"
	# Status Xero invoices are created in: "AUTHORISED" (default) or "DRAFT".
	invoice_status: str = "AUTHORISED"
	# Base currency of the ERPNext company (Xero's CurrencyRate is relative to the org's base).
	company_currency: str = "NZD"
	# the buying side (issue 16): the default Xero account and tax type of bill lines, the Supplier
	# field matched to Contact.AccountNumber, and the status bills are created in
	default_purchase_account_code: str | None = None
	default_purchase_tax_type: str | None = None
	purchase_rounding_account_code: str | None = None  # None: rounding_account_code
	supplier_code_field: str = "xero_account_number"
	bill_status: str = "AUTHORISED"

	@classmethod
	def from_dict(cls, data: dict) -> Settings:
		"""Build from a plain dict with these field names (e.g. a mapping file's "settings" object);
		unknown keys are ignored, missing ones keep their defaults."""
		return cls(**{k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__})


@dataclass
class Masters:
	"""ERPNext master data, keyed by document name; each value is the doc's dict
	(as in ../shared/erpnext-invoices/masters.json)."""

	items: dict[str, dict] = field(default_factory=dict)
	item_groups: dict[str, dict] = field(default_factory=dict)
	customers: dict[str, dict] = field(default_factory=dict)
	accounts: dict[str, dict] = field(default_factory=dict)
	item_tax_templates: dict[str, dict] = field(default_factory=dict)
	sales_taxes_templates: dict[str, dict] = field(default_factory=dict)
	company: dict = field(default_factory=dict)
	suppliers: dict[str, dict] = field(default_factory=dict)
	purchase_taxes_templates: dict[str, dict] = field(default_factory=dict)

	@classmethod
	def from_export(cls, data: dict) -> Masters:
		"""Build from a masters file shaped like ../shared/erpnext-invoices/masters.json."""

		def by_name(rows):
			return {row["name"]: row for row in rows or []}

		return cls(
			items=by_name(data.get("items")),
			item_groups=by_name(data.get("item_groups")),
			customers=by_name(data.get("customers")),
			accounts=by_name(data.get("accounts")),
			item_tax_templates=by_name(data.get("item_tax_templates")),
			sales_taxes_templates=by_name(data.get("sales_taxes_and_charges_templates")),
			company=data.get("company") or {},
			suppliers=by_name(data.get("suppliers")),
			purchase_taxes_templates=by_name(data.get("purchase_taxes_and_charges_templates")),
		)


@dataclass
class XeroReference:
	"""What the connected Xero organisation offers, as read from its API
	(``GET /Accounts``, ``/TaxRates``, ``/Currencies``, ``/Items``, ``/Organisation``).
	Each list holds Xero's JSON objects (PascalCase keys) unchanged."""

	accounts: list[dict] = field(default_factory=list)
	tax_rates: list[dict] = field(default_factory=list)
	currencies: list[dict] = field(default_factory=list)
	items: list[dict] = field(default_factory=list)
	base_currency: str | None = None
	# ``GET /TrackingCategories?includeArchived=true`` (options inside); None: not read (read only
	# when a tracking mapping is set, engine/tracking.py), so nothing about tracking is checked
	tracking_categories: list[dict] | None = None
	# Look-up indexes built on first use (the mapping calls these per line). They are
	# rebuilt when a list is replaced or changes length; call refresh() after editing
	# an element in place.
	_index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

	def refresh(self) -> None:
		"""Forget the look-up indexes (after changing accounts/tax_rates/currencies/items in place)."""
		self._index.clear()

	def _indexed(self, name: str, rows: list[dict], key: str):
		stamp = (id(rows), len(rows))
		cached = self._index.get(name)
		if cached is None or cached[0] != stamp:
			table: dict = {}
			for row in rows:
				value = row.get(key)
				if value is not None and value not in table:
					table[value] = row
			cached = (stamp, table)
			self._index[name] = cached
		return cached[1]

	def account(self, code: str) -> dict | None:
		return self._indexed("accounts", self.accounts, "Code").get(code)

	def tax_rate(self, tax_type: str) -> dict | None:
		return self._indexed("tax_rates", self.tax_rates, "TaxType").get(tax_type)

	def currency_enabled(self, code: str) -> bool:
		return code == self.base_currency or code in self._indexed("currencies", self.currencies, "Code")

	def item_codes(self) -> set[str]:
		return set(self._indexed("items", self.items, "Code"))

	def item_index(self) -> dict[str, dict]:
		"""Xero's Items by Code (read-only; the mapping tests membership once per line)."""
		return self._indexed("items", self.items, "Code")

	def has_item(self, code: str) -> bool:
		"""True if Xero has an Item with this Code (so a line may carry ItemCode)."""
		return code in self._indexed("items", self.items, "Code")


@dataclass
class MappingContext:
	"""Everything needed to turn one Sales Invoice dict into a Xero payload."""

	mappings: Mappings
	settings: Settings
	masters: Masters
	xero: XeroReference | None = None
	# Resolutions shared by every document mapped with this context (mapping.py's caches). They
	# are dropped whenever a mapping table, the settings or the master tables the resolutions
	# read are replaced or change size; call refresh() after changing a value in place.
	_memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
	_memo_stamp: tuple | None = field(default=None, init=False, repr=False, compare=False)

	def refresh(self) -> None:
		"""Forget the cached resolutions (and Xero's look-up indexes) after editing mappings,
		settings, masters or Xero's reference data in place."""
		self._memo.clear()
		self._memo_stamp = None
		if self.xero is not None:
			self.xero.refresh()

	def memo(self, name: str) -> dict:
		"""A cache named ``name`` that lives as long as the mappings, settings and masters it was
		computed from. Called by mapping.py once per document."""
		m, s, masters = self.mappings, self.settings, self.masters
		tables = (
			m.account_by_item,
			m.account_by_item_group,
			m.account_by_income_account,
			m.tax_by_item_tax_template,
			m.tax_by_sales_taxes_template,
			m.tax_by_tax_account,
			m.expense_account_by_item,
			m.expense_account_by_item_group,
			m.account_by_expense_account,
			m.tax_by_purchase_taxes_template,
			m.purchase_tax_by_item_tax_template,
			m.purchase_tax_by_tax_account,
			masters.items,
			masters.item_groups,
			masters.company,
		)
		# the objects themselves (not their ids, which a replacement may reuse) and their sizes
		stamp = (
			*tables,
			*map(len, tables),
			s.default_account_code,
			s.default_tax_type,
			s.zero_tax_type,
			s.default_purchase_account_code,
			s.default_purchase_tax_type,
			s.purchase_rounding_account_code,
		)
		if stamp != self._memo_stamp:
			self._memo.clear()
			self._memo_stamp = stamp
		found = self._memo.get(name)
		if found is None:
			found = self._memo[name] = {}
		return found
