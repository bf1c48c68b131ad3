# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _

from xero_connector.constants import TAX_MAPPING, TAX_MAPPING_DOCTYPES
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.connection.reference import tax_type_problem
from xero_connector.xero_connector.features.mapping_document import XeroMappingDocument, cached_mappings


class XeroTaxMapping(XeroMappingDocument):
	"""Which Xero TaxType a sales line carries.

	Resolution (engine): Item Tax Template -> Sales Taxes and Charges Template ->
	tax account head -> Xero Settings default.
	"""

	reference_doctypes = TAX_MAPPING_DOCTYPES
	cache_key = "xero_connector:xero_tax_mapping"
	code_field = "xero_tax_type"
	invalid_title = "Invalid Xero tax type"

	def check_reference(self):
		if self.mapping_type != "Tax Account":
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

	def code_problem(self, code):
		return tax_type_problem(code)


def get_tax_mappings() -> dict[str, dict[str, str]]:
	"""All Tax Mapping rows by type, cached: called by host.py to build the engine's Mappings."""
	return cached_mappings(XeroTaxMapping, TAX_MAPPING)
