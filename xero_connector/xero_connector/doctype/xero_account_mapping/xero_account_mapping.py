# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.constants import ACCOUNT_MAPPING, ACCOUNT_MAPPING_DOCTYPES
from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.reference import account_problem


class XeroAccountMapping(Document):
	"""Rate-to-Account: which Xero account code a sales line goes to.

	Resolution (engine): Item -> Item Group -> Income Account -> Xero Settings default.
	"""

	def _validate_links(self):
		# The Dynamic Link needs its doctype before Frappe checks links, which on
		# insert happens before validate().
		self.reference_doctype = ACCOUNT_MAPPING_DOCTYPES.get(self.mapping_type)
		super()._validate_links()

	def on_update(self):
		forget_mappings(CACHE_KEY)

	def on_trash(self):
		forget_mappings(CACHE_KEY)

	def validate(self):
		self.reference_doctype = ACCOUNT_MAPPING_DOCTYPES.get(self.mapping_type)
		if self.mapping_type == "Income Account" and self.reference_name:
			root_type = frappe.db.get_value("Account", self.reference_name, "root_type")
			if root_type and root_type != "Income":
				frappe.throw(
					_("{0} is not an income account (its root type is {1}).").format(
						frappe.bold(self.reference_name), root_type
					),
					MappingInvalid,
				)
		validate_unique(self)
		problem = account_problem(self.xero_account_code)
		if problem:
			frappe.throw(problem, MappingInvalid, title=_("Invalid Xero account"))


def forget_mappings(key: str) -> None:
	"""Drop the cached mappings now and again after commit (another worker may have
	re-read the old rows in between). Called by both mapping controllers."""
	frappe.cache.delete_value(key)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))


def validate_unique(doc):
	"""One mapping per (type, record): called by both mapping controllers."""
	duplicate = frappe.db.exists(
		doc.doctype,
		{"mapping_type": doc.mapping_type, "reference_name": doc.reference_name, "name": ("!=", doc.name)},
	)
	if duplicate:
		frappe.throw(
			_("{0} {1} is already mapped in {2}.").format(
				_(doc.mapping_type),
				frappe.bold(doc.reference_name),
				frappe.get_desk_link(doc.doctype, duplicate),
			),
			frappe.UniqueValidationError,
		)


CACHE_KEY = "xero_connector:xero_account_mapping"


def get_account_mappings() -> dict[str, dict[str, str]]:
	"""Cached in Redis; cleared when a mapping is saved or deleted."""
	return frappe.cache.get_value(CACHE_KEY, generator=_get_account_mappings)


def _get_account_mappings() -> dict[str, dict[str, str]]:
	"""All Rate-to-Account rows by type: called by host.py to build the engine's Mappings."""
	result = {label: {} for label in ACCOUNT_MAPPING_DOCTYPES}
	for row in frappe.get_all(
		ACCOUNT_MAPPING, fields=["mapping_type", "reference_name", "xero_account_code"]
	):
		result.setdefault(row.mapping_type, {})[row.reference_name] = row.xero_account_code
	return result
