# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _

from xero_connector.constants import (
	ACCOUNT_MAPPING,
	ACCOUNT_MAPPING_DOCTYPES,
	BUYING_ACCOUNT_MAPPING_TYPES,
	XERO_ACCOUNT,
)
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.connection.reference import account_problem
from xero_connector.xero_connector.connection.reference_buying import purchase_account_problem
from xero_connector.xero_connector.features.mapping_document import XeroMappingDocument, cached_mappings


class XeroAccountMapping(XeroMappingDocument):
	"""Rate-to-Account: which account of the company's Xero organisation a sales line (or, for
	the buying types, a bill line) of that company goes to.

	Resolution (engine): Item -> Item Group -> Income Account -> the connection's default; on
	bills Item (Buying) -> Item Group (Buying) -> Expense Account -> the buying default.
	"""

	reference_doctypes = ACCOUNT_MAPPING_DOCTYPES
	doctype_name = ACCOUNT_MAPPING
	cache_key = "xero_connector:xero_account_mapping"
	code_field = "xero_account_code"
	xero_doctype = XERO_ACCOUNT
	invalid_title = "Invalid Xero account"

	def check_reference(self):
		allowed = {"Income Account": ("Income",), "Expense Account": ("Expense", "Asset")}.get(
			self.mapping_type
		)
		if not allowed:
			return
		root_type = frappe.db.get_value("Account", self.reference_name, "root_type")
		if root_type and root_type not in allowed:
			frappe.throw(
				_("{0} is not an {1} (its root type is {2}).").format(
					frappe.bold(self.reference_name),
					_("income account")
					if self.mapping_type == "Income Account"
					else _("expense or asset account"),
					root_type,
				),
				MappingInvalid,
			)

	def code_problem(self, code):
		if self.mapping_type in BUYING_ACCOUNT_MAPPING_TYPES:
			return purchase_account_problem(self.company, code)
		return account_problem(self.company, code)


def get_account_mappings(company: str) -> dict[str, dict[str, str]]:
	"""The company's Rate-to-Account rows by type, as Xero account codes, cached: called by
	host.py to build the engine's Mappings."""
	return cached_mappings(XeroAccountMapping, company)
