# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _

from xero_connector.constants import ACCOUNT_MAPPING, ACCOUNT_MAPPING_DOCTYPES
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.connection.reference import account_problem
from xero_connector.xero_connector.features.mapping_document import XeroMappingDocument, cached_mappings


class XeroAccountMapping(XeroMappingDocument):
	"""Rate-to-Account: which Xero account code a sales line goes to.

	Resolution (engine): Item -> Item Group -> Income Account -> Xero Settings default.
	"""

	reference_doctypes = ACCOUNT_MAPPING_DOCTYPES
	cache_key = "xero_connector:xero_account_mapping"
	code_field = "xero_account_code"
	invalid_title = "Invalid Xero account"

	def check_reference(self):
		if self.mapping_type != "Income Account":
			return
		root_type = frappe.db.get_value("Account", self.reference_name, "root_type")
		if root_type and root_type != "Income":
			frappe.throw(
				_("{0} is not an income account (its root type is {1}).").format(
					frappe.bold(self.reference_name), root_type
				),
				MappingInvalid,
			)

	def code_problem(self, code):
		return account_problem(code)


def get_account_mappings() -> dict[str, dict[str, str]]:
	"""All Rate-to-Account rows by type, cached: called by host.py to build the engine's Mappings."""
	return cached_mappings(XeroAccountMapping, ACCOUNT_MAPPING)
