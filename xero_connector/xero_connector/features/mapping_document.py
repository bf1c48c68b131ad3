"""What Xero Account Mapping (Rate-to-Account) and Xero Tax Mapping have in common:
a company, a mapping type naming the ERPNext doctype, one row per (company, type,
record), a Xero row of that company's organisation checked against the fetched
reference data, and a Redis cache of each company's rows, as Xero codes, that the Host
reads on every submit."""

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.exceptions import MappingInvalid
from xero_connector.xero_connector.connection.reference import CODE_FIELD


class XeroMappingDocument(Document):
	"""Base controller; subclasses set the class attributes and ``check_reference``/``code_problem``."""

	reference_doctypes: dict[str, str] = {}  # mapping type -> ERPNext doctype of reference_name
	cache_key = ""
	code_field = ""  # the field linking the Xero row (Xero Account / Xero Tax Rate) of the company
	xero_doctype = ""
	invalid_title = ""

	def _validate_links(self):
		# The Dynamic Link needs its doctype before Frappe checks links, which on
		# insert happens before validate().
		self.reference_doctype = self.reference_doctypes.get(self.mapping_type)
		super()._validate_links()

	def validate(self):
		self.reference_doctype = self.reference_doctypes.get(self.mapping_type)
		if self.reference_name:
			self.check_company_of_reference()
			self.check_reference()
		self.validate_unique()
		problem = self.code_problem(self.get(self.code_field))
		if problem:
			frappe.throw(problem, MappingInvalid, title=_(self.invalid_title))

	def on_update(self):
		forget_mappings(self.cache_key, self.company)
		before = self.get_doc_before_save()
		if before and before.company != self.company:  # moved to another company: forget both
			forget_mappings(self.cache_key, before.company)

	def on_trash(self):
		forget_mappings(self.cache_key, self.company)

	def check_company_of_reference(self) -> None:
		"""An ERPNext record that belongs to a company (an Account, a tax template) must be
		of the mapping's: another company's invoices never use it."""
		meta = frappe.get_meta(self.reference_doctype)
		if not meta.has_field("company"):
			return
		owner = frappe.db.get_value(self.reference_doctype, self.reference_name, "company")
		if owner and owner != self.company:
			frappe.throw(
				_(
					"{0} {1} belongs to {2}, not to {3}: map it in a row for {2}, or pick one of {3}'s."
				).format(
					_(self.reference_doctype),
					frappe.bold(self.reference_name),
					frappe.bold(owner),
					frappe.bold(self.company),
				),
				MappingInvalid,
				title=_("Another company's record"),
			)

	def check_reference(self) -> None:
		"""Refuse an ERPNext record of the wrong kind (e.g. a non-income account)."""

	def code_problem(self, code: str | None) -> str | None:
		raise NotImplementedError

	def validate_unique(self) -> None:
		"""One mapping per (company, type, record)."""
		duplicate = frappe.db.exists(
			self.doctype,
			{
				"company": self.company,
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


def forget_mappings(key: str, company: str | None) -> None:
	"""Drop the company's cached mappings now and again after commit (another worker may
	have re-read the old rows in between)."""
	key = f"{key}:{company}"
	frappe.cache.delete_value(key)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))


def mapping_rows(controller: type[XeroMappingDocument], company: str, fields: list[str]) -> list[dict]:
	"""The company's rows of a mapping doctype with ``code`` (Xero's own code of the linked
	Xero row, as the engine and Xero know it), oldest first, in one query."""
	mapping = frappe.qb.DocType(controller.doctype_name)
	xero = frappe.qb.DocType(controller.xero_doctype)
	code = xero[CODE_FIELD[controller.xero_doctype]]
	query = (
		frappe.qb.from_(mapping)
		.left_join(xero)
		.on(xero.name == mapping[controller.code_field])
		.select(*(mapping[f] for f in fields), code.as_("code"))
		.where(mapping.company == company)
		.orderby(mapping.creation)
	)
	return query.run(as_dict=True)


def cached_mappings(controller: type[XeroMappingDocument], company: str) -> dict[str, dict[str, str]]:
	"""The company's rows of a mapping doctype by type ({mapping type: {reference name: Xero
	code}}), cached in Redis and cleared when a row is saved or deleted. Called by host.py."""

	def read() -> dict[str, dict[str, str]]:
		result = {label: {} for label in controller.reference_doctypes}
		for row in mapping_rows(controller, company, ["mapping_type", "reference_name"]):
			result.setdefault(row.mapping_type, {})[row.reference_name] = row.code
		return result

	return frappe.cache.get_value(f"{controller.cache_key}:{company}", generator=read)
