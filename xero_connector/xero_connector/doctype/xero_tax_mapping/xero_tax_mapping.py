# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

from decimal import Decimal

import frappe
from frappe import _

from xero_connector.constants import (
	BUYING_TAX_MAPPING_TYPES,
	TAX_MAPPING,
	TAX_MAPPING_DOCTYPES,
	XERO_TAX_RATE,
)
from xero_connector.engine.context import RatedTaxType
from xero_connector.engine.tax_mapping import percent, same_rate
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.connection.reference import tax_type_problem
from xero_connector.xero_connector.connection.reference_buying import purchase_tax_type_problem
from xero_connector.xero_connector.features.mapping_document import XeroMappingDocument, mapping_rows


class XeroTaxMapping(XeroMappingDocument):
	"""Which tax rate of the company's Xero organisation a sales line (or, for the buying types,
	a bill line) of that company carries.

	Resolution (engine): Item Tax Template -> Sales Taxes and Charges Template ->
	tax account head -> the connection's default, the first with a row for the line's
	rate. A record ERPNext uses at several rates (a GST account at 15 % and at 0 %)
	has one row per rate ("Only for Lines at One Rate"); a row without a rate fits
	the lines at its Xero tax type's rate (engine/tax_mapping.py).
	"""

	reference_doctypes = TAX_MAPPING_DOCTYPES
	doctype_name = TAX_MAPPING
	cache_key = "xero_connector:xero_tax_mapping"
	code_field = "xero_tax_type"
	xero_doctype = XERO_TAX_RATE
	invalid_title = "Invalid Xero tax type"

	def validate(self):
		if not self.for_one_rate:
			self.rate = 0
		super().validate()
		if self.for_one_rate and self.xero_tax_type:
			self.check_rate()

	def check_reference(self):
		if self.mapping_type not in ("Tax Account", "Tax Account (Buying)"):
			return
		account = frappe.db.get_value(
			"Account", self.reference_name, ["account_type", "root_type"], as_dict=True
		)
		if not account or account.account_type in ("Tax", "Chargeable"):
			return
		if account.account_type or account.root_type in ("Income", "Expense"):
			kind = account.account_type or _("{0} account").format(_(account.root_type))
			frappe.throw(
				_(
					"{0} is not a tax account (it is a {1}). Map tax accounts here (Account Type Tax);"
					" income accounts belong in Xero Account Mapping."
				).format(frappe.bold(self.reference_name), kind),
				MappingInvalid,
				title=_("Not a tax account"),
			)

	def check_rate(self):
		"""A row for one rate needs a Xero tax type of that rate (Xero computes the tax with it)."""
		effective = frappe.db.get_value(XERO_TAX_RATE, self.xero_tax_type, "effective_rate")
		rate = Decimal(str(self.rate or 0))
		if effective is not None and not same_rate(Decimal(str(effective)), rate):
			frappe.throw(
				_("Xero tax type {0} is {1} in Xero, so it cannot be the row for lines at {2}.").format(
					frappe.bold(self.xero_tax_type), percent(Decimal(str(effective))), percent(rate)
				),
				MappingInvalid,
				title=_(self.invalid_title),
			)

	def validate_unique(self):
		"""One mapping per (type, record, rate); a row without a rate counts as one rate."""
		filters = {
			"company": self.company,
			"mapping_type": self.mapping_type,
			"reference_name": self.reference_name,
			"for_one_rate": 1 if self.for_one_rate else 0,
			"name": ("!=", self.name),
		}
		if self.for_one_rate:
			filters["rate"] = self.rate or 0
		duplicate = frappe.db.exists(self.doctype, filters)
		if duplicate:
			rate = _(" at {0}").format(percent(Decimal(str(self.rate or 0)))) if self.for_one_rate else ""
			frappe.throw(
				_("{0} {1}{2} is already mapped in {3}.").format(
					_(self.mapping_type),
					frappe.bold(self.reference_name),
					rate,
					frappe.get_desk_link(self.doctype, duplicate),
				),
				frappe.UniqueValidationError,
			)

	def code_problem(self, code):
		if self.mapping_type in BUYING_TAX_MAPPING_TYPES:
			return purchase_tax_type_problem(self.company, code)
		return tax_type_problem(self.company, code)


def get_tax_mappings(company: str) -> dict[str, dict[str, str | list[RatedTaxType]]]:
	"""The company's Tax Mapping rows by type, as Xero tax types, cached: called by host.py
	to build the engine's Mappings.
	A record with one row and no rate gives its Xero tax type (the one-to-one mapping); a record
	with rows per rate gives them as RatedTaxType (rate None for its row without a rate)."""

	def read() -> dict:
		result = {label: {} for label in TAX_MAPPING_DOCTYPES}
		rows = mapping_rows(
			XeroTaxMapping, company, ["mapping_type", "reference_name", "for_one_rate", "rate"]
		)
		grouped: dict[tuple[str, str], list[RatedTaxType]] = {}
		for row in rows:
			rate = Decimal(str(row.rate or 0)) if row.for_one_rate else None
			grouped.setdefault((row.mapping_type, row.reference_name), []).append(
				RatedTaxType(row.code, rate)
			)
		for (mapping_type, name), found in grouped.items():
			single = len(found) == 1 and found[0].rate is None
			result.setdefault(mapping_type, {})[name] = found[0].tax_type if single else found
		return result

	return frappe.cache.get_value(f"{XeroTaxMapping.cache_key}:{company}", generator=read)
