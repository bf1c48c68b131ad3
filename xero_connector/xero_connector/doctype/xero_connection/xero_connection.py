# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xero_connector.constants import CONNECTION, TRIGGER_ON_WORKFLOW_STATE
from xero_connector.exceptions import MappingInvalid, XeroNotConfigured
from xero_connector.xero_connector.connection.reference import (
	account_problem,
	rounding_account_problem,
	tax_type_problem,
)
from xero_connector.xero_connector.connection.reference_buying import (
	purchase_account_problem,
	purchase_tax_type_problem,
)
from xero_connector.xero_connector.doctype.xero_app.xero_app import keep_app_values


class XeroConnection(Document):
	"""One company's link to one Xero organisation (through a Xero App's consent) and the
	defaults its documents are sent with. Named after the company; routing by company is
	connection/registry.py's."""

	def onload(self):
		from xero_connector.xero_connector.connection.client import budget_figures

		self.update(budget_figures(self))  # the organisation's calls left, as Xero last said

	def validate(self):
		keep_app_values(self)
		self.validate_tenant()
		self.validate_billing_code_field()
		self.validate_defaults()
		self.validate_workflow_trigger()
		if self.enabled and not self.xero_app:
			frappe.throw(_("Choose the Xero App before enabling the connection."), XeroNotConfigured)

	def validate_tenant(self):
		"""An organisation belongs to at most one company (its codes, mappings and contacts
		are that company's)."""
		self.tenant_id = self.tenant_id or None  # an empty unique value must be NULL, never ""
		if self.tenant_id:
			refuse_held_organisation(self.name, self.tenant_id, self.organisation_name)

	def validate_billing_code_field(self):
		for party, field in (("Customer", "billing_code_field"), ("Supplier", "supplier_code_field")):
			fieldname = self.get(field) or "xero_account_number"
			if not frappe.get_meta(party).has_field(fieldname) and fieldname != "name":
				frappe.throw(
					_(
						"{0} has no field {1}: pick the {0} field that holds the account code of its Xero contact."
					).format(_(party), frappe.bold(fieldname)),
					MappingInvalid,
				)
			self.set(field, fieldname)

	def validate_defaults(self):
		problems = [
			(_("Default Sales Account"), account_problem(self.company, self.default_account_code)),
			(_("Default Tax Type"), tax_type_problem(self.company, self.default_tax_type)),
			(_("Tax Type for Untaxed Invoices"), tax_type_problem(self.company, self.zero_tax_type)),
			(_("Rounding Account"), rounding_account_problem(self.company, self.rounding_account_code)),
			(
				_("Default Purchase Account"),
				purchase_account_problem(self.company, self.default_purchase_account_code),
			),
			(
				_("Default Purchase Tax Type"),
				purchase_tax_type_problem(self.company, self.default_purchase_tax_type),
			),
		]
		for label, problem in problems:
			if problem:
				frappe.throw(f"{label}: {problem}", MappingInvalid, title=_("Invalid Xero default"))

	def validate_workflow_trigger(self):
		"""Send Invoices "On Workflow State" needs the states, and a workflow that has them."""
		if self.sync_trigger != TRIGGER_ON_WORKFLOW_STATE:
			return
		states = [row.workflow_state for row in self.send_on_workflow_states]
		if not states:
			frappe.throw(
				_("Choose the workflow states that send an invoice to Xero (Send on Workflow States)."),
				XeroNotConfigured,
			)
		workflow = frappe.db.get_value("Workflow", {"document_type": "Sales Invoice", "is_active": 1}, "name")
		known = set(
			frappe.get_all("Workflow Document State", filters={"parent": workflow}, pluck="state")
			if workflow
			else []
		)
		unknown = [state for state in states if state not in known]
		if unknown:
			frappe.msgprint(
				_(
					"Sales Invoice has no active workflow with the state(s) {0}: no invoice of {1} goes to Xero until one reaches them."
				).format(", ".join(frappe.bold(s) for s in unknown), frappe.bold(self.company)),
				title=_("Workflow states"),
				indicator="orange",
			)

	def on_update(self):
		from xero_connector.xero_connector.connection import registry

		registry.clear()

	def on_trash(self):
		from xero_connector.xero_connector.connection import registry

		registry.clear()


def refuse_held_organisation(connection: str | None, tenant_id: str, organisation_name: str | None) -> None:
	"""Refuse to give Xero organisation ``tenant_id`` to ``connection`` when another company
	holds it, naming that company (the form's save, and connect_flow.assign)."""
	holder = frappe.db.get_value(
		CONNECTION, {"tenant_id": tenant_id, "name": ("!=", connection or "")}, "company"
	)
	if holder:
		frappe.throw(
			_("Xero organisation {0} is already connected to company {1}: disconnect it there first.").format(
				frappe.bold(organisation_name or tenant_id), frappe.bold(holder)
			),
			XeroNotConfigured,
			title=_("Organisation already connected"),
		)
