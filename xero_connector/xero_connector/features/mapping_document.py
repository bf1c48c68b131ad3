"""What Xero Account Mapping (Rate-to-Account) and Xero Tax Mapping have in common:
a mapping type naming the ERPNext doctype, one row per (type, record), a Xero code
checked against the fetched reference data, and a Redis cache of all rows that the
Host reads on every submit."""

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.exceptions import MappingInvalid


class XeroMappingDocument(Document):
	"""Base controller; subclasses set the class attributes and ``check_reference``/``code_problem``."""

	reference_doctypes: dict[str, str] = {}  # mapping type -> ERPNext doctype of reference_name
	cache_key = ""
	code_field = ""  # the Xero code field of the doctype
	invalid_title = ""

	def _validate_links(self):
		# The Dynamic Link needs its doctype before Frappe checks links, which on
		# insert happens before validate().
		self.reference_doctype = self.reference_doctypes.get(self.mapping_type)
		super()._validate_links()

	def validate(self):
		self.reference_doctype = self.reference_doctypes.get(self.mapping_type)
		if self.reference_name:
			self.check_reference()
		self.validate_unique()
		problem = self.code_problem(self.get(self.code_field))
		if problem:
			frappe.throw(problem, MappingInvalid, title=_(self.invalid_title))

	def on_update(self):
		forget_mappings(self.cache_key)

	def on_trash(self):
		forget_mappings(self.cache_key)

	def check_reference(self) -> None:
		"""Refuse an ERPNext record of the wrong kind (e.g. a non-income account)."""

	def code_problem(self, code: str | None) -> str | None:
		raise NotImplementedError

	def validate_unique(self) -> None:
		"""One mapping per (type, record)."""
		duplicate = frappe.db.exists(
			self.doctype,
			{
				"mapping_type": self.mapping_type,
				"reference_name": self.reference_name,
				"name": ("!=", self.name),
			},
		)
		if duplicate:
			frappe.throw(
				_("{0} {1} is already mapped in {2}.").format(
					_(self.mapping_type),
					frappe.bold(self.reference_name),
					frappe.get_desk_link(self.doctype, duplicate),
				),
				frappe.UniqueValidationError,
			)


def forget_mappings(key: str) -> None:
	"""Drop the cached mappings now and again after commit (another worker may have
	re-read the old rows in between)."""
	frappe.cache.delete_value(key)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))


def cached_mappings(controller: type[XeroMappingDocument], doctype: str) -> dict[str, dict[str, str]]:
	"""All rows of a mapping doctype by type ({mapping type: {reference name: Xero code}}),
	cached in Redis and cleared when a row is saved or deleted. Called by host.py."""

	def read() -> dict[str, dict[str, str]]:
		result = {label: {} for label in controller.reference_doctypes}
		for row in frappe.get_all(doctype, fields=["mapping_type", "reference_name", controller.code_field]):
			result.setdefault(row.mapping_type, {})[row.reference_name] = row[controller.code_field]
		return result

	return frappe.cache.get_value(controller.cache_key, generator=read)
