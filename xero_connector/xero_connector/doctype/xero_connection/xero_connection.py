# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.constants import CONNECTION, TRIGGER_MANUAL
from xero_connector.exceptions import MappingInvalid, XeroNotConfigured
from xero_connector.xero_connector.connection.reference import (
	account_problem,
	rounding_account_problem,
	tax_type_problem,
)
from xero_connector.xero_connector.doctype.xero_app.xero_app import keep_app_values


class XeroConnection(Document):
	"""One company's link to one Xero organisation (through a Xero App's consent) and the
	defaults its documents are sent with. Named after the company; routing by company is
	connection/registry.py's."""

	def validate(self):
		keep_app_values(self)
		self.validate_one_connection()
		self.validate_billing_code_field()
		self.validate_defaults()
		if self.enabled and not self.xero_app:
			frappe.throw(_("Choose the Xero App before enabling the connection."), XeroNotConfigured)

	def validate_one_connection(self):
		"""Until Xero's accounts, tax rates, mappings and contacts are kept per organisation
		(issue 15, increments 4 and 5), the site has one connection: a second would send
		its company's invoices with the first organisation's codes and contacts."""
		other = frappe.db.get_value(CONNECTION, {"name": ("!=", self.name or "")}, "company")
		if other:
			frappe.throw(
				_(
					"Company {0} already has the site's Xero connection. This version connects one company to Xero; connections for several companies come in the next."
				).format(frappe.bold(other)),
				XeroNotConfigured,
				title=_("One Xero connection"),
			)

	def validate_billing_code_field(self):
		fieldname = self.billing_code_field or "xero_account_number"
		if not frappe.get_meta("Customer").has_field(fieldname) and fieldname != "name":
			frappe.throw(
				_(
					"Customer has no field {0}: pick the Customer field that holds the billing account code."
				).format(frappe.bold(fieldname)),
				MappingInvalid,
			)
		self.billing_code_field = fieldname

	def validate_defaults(self):
		problems = [
			(_("Default Sales Account"), account_problem(self.company, self.default_account_code)),
			(_("Default Tax Type"), tax_type_problem(self.company, self.default_tax_type)),
			(_("Tax Type for Untaxed Invoices"), tax_type_problem(self.company, self.zero_tax_type)),
			(_("Rounding Account"), rounding_account_problem(self.company, self.rounding_account_code)),
		]
		for label, problem in problems:
			if problem:
				frappe.throw(f"{label}: {problem}", MappingInvalid, title=_("Invalid Xero default"))

	@property
	def sends_on_submit(self) -> bool:
		return bool(self.enabled) and self.sync_trigger != TRIGGER_MANUAL

	def on_update(self):
		from xero_connector.xero_connector.connection import registry

		registry.clear()

	def on_trash(self):
		from xero_connector.xero_connector.connection import registry

		registry.clear()
