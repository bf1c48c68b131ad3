# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _

from xero_connector.constants import ACCOUNT_MAPPING, ACCOUNT_MAPPING_DOCTYPES, XERO_ACCOUNT
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.connection.reference import account_problem
from xero_connector.xero_connector.features.mapping_document import XeroMappingDocument, cached_mappings


class XeroAccountMapping(XeroMappingDocument):
	"""Rate-to-Account: which account of the company's Xero organisation a sales line of
	that company goes to.

	Resolution (engine): Item -> Item Group -> Income Account -> the connection's default.
	"""

	reference_doctypes = ACCOUNT_MAPPING_DOCTYPES
	doctype_name = ACCOUNT_MAPPING
	cache_key = "xero_connector:xero_account_mapping"
	code_field = "xero_account_code"
	xero_doctype = XERO_ACCOUNT
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
		return account_problem(self.company, code)


def get_account_mappings(company: str) -> dict[str, dict[str, str]]:
	"""The company's Rate-to-Account rows by type, as Xero account codes, cached: called by
	host.py to build the engine's Mappings."""
	return cached_mappings(XeroAccountMapping, company)
