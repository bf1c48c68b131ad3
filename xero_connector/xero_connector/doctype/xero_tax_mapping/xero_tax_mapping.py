# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.constants import TAX_MAPPING, TAX_MAPPING_DOCTYPES
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.doctype.xero_account_mapping.xero_account_mapping import (
	forget_mappings,
	validate_unique,
)
from xero_connector.xero_connector.reference import tax_type_problem


class XeroTaxMapping(Document):
	"""Which Xero TaxType a sales line carries.

	Resolution (engine): Item Tax Template -> Sales Taxes and Charges Template ->
	tax account head -> Xero Settings default.
	"""

	def _validate_links(self):
		# The Dynamic Link needs its doctype before Frappe checks links, which on
		# insert happens before validate().
		self.reference_doctype = TAX_MAPPING_DOCTYPES.get(self.mapping_type)
		super()._validate_links()

	def on_update(self):
		forget_mappings(CACHE_KEY)

	def on_trash(self):
		forget_mappings(CACHE_KEY)

	def validate(self):
		self.reference_doctype = TAX_MAPPING_DOCTYPES.get(self.mapping_type)
		if self.mapping_type == "Tax Account" and self.reference_name:
			account_type = frappe.db.get_value("Account", self.reference_name, "account_type")
			if account_type and account_type not in ("Tax", "Chargeable"):
				frappe.throw(
					_("{0} is not a tax account (its account type is {1}).").format(
						frappe.bold(self.reference_name), account_type
					),
					MappingInvalid,
				)
		validate_unique(self)
		problem = tax_type_problem(self.xero_tax_type)
		if problem:
			frappe.throw(problem, MappingInvalid, title=_("Invalid Xero tax type"))


CACHE_KEY = "xero_connector:xero_tax_mapping"


def get_tax_mappings() -> dict[str, dict[str, str]]:
	"""Cached in Redis; cleared when a mapping is saved or deleted."""
	return frappe.cache.get_value(CACHE_KEY, generator=_get_tax_mappings)


def _get_tax_mappings() -> dict[str, dict[str, str]]:
	"""All Tax Mapping rows by type: called by host.py to build the engine's Mappings."""
	result = {label: {} for label in TAX_MAPPING_DOCTYPES}
	for row in frappe.get_all(TAX_MAPPING, fields=["mapping_type", "reference_name", "xero_tax_type"]):
		result.setdefault(row.mapping_type, {})[row.reference_name] = row.xero_tax_type
	return result
