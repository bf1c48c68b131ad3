# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_url

from xero_connector.constants import (
	OAUTH_CALLBACK_METHOD,
	TRIGGER_MANUAL,
	WEBHOOK_METHOD,
)
from xero_connector.exceptions import MappingInvalid, XeroNotConfigured
from xero_connector.xero_connector.connection.reference import (
	account_problem,
	rounding_account_problem,
	tax_type_problem,
)


class XeroSettings(Document):
	"""The connection to one Xero organisation and the defaults the sync uses.

	Tokens live in hidden Password fields (encrypted in __Auth; the document
	itself only holds a mask), written by host.FrappeTokenStore, never by the form.
	"""

	def onload(self):
		self.set_urls()

	def validate(self):
		self.keep_app_values()
		self.set_urls()
		if self.sandbox_url:
			self.sandbox_url = self.sandbox_url.strip().rstrip("/")
		self.validate_billing_code_field()
		self.validate_defaults()
		if self.enabled and not self.use_sandbox and not self.client_id:
			frappe.throw(
				_("Enter the Client ID of your Xero app before enabling the connector."), XeroNotConfigured
			)

	def keep_app_values(self):
		"""What jobs and the connect flow keep here (tokens' metadata, budget, watermarks,
		organisation) is the database's, never the form's: a form opened before a job
		wrote them must not put the old values back (settings_state.write_state)."""
		from xero_connector.xero_connector.connection.settings_state import app_owned_fields

		fields = app_owned_fields(self.meta)
		# the stored values as the document itself loads them (uncast): Frappe 16's cast
		# turns an empty Datetime into 0001-01-01, which the form then shows and saves
		stored = frappe.db.get_singles_dict(self.doctype)
		for fieldname in fields:
			if fieldname in stored or self.get(fieldname) is not None:
				self.set(fieldname, stored.get(fieldname))

	def set_urls(self):
		self.redirect_uri = get_redirect_uri()
		self.webhook_url = get_url(f"/api/method/{WEBHOOK_METHOD}")

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
			(_("Default Sales Account"), account_problem(self.default_account_code)),
			(_("Default Tax Type"), tax_type_problem(self.default_tax_type)),
			(_("Tax Type for Untaxed Invoices"), tax_type_problem(self.zero_tax_type)),
			(_("Rounding Account"), rounding_account_problem(self.rounding_account_code)),
		]
		for label, problem in problems:
			if problem:
				frappe.throw(f"{label}: {problem}", MappingInvalid, title=_("Invalid Xero default"))

	@property
	def sends_on_submit(self) -> bool:
		return bool(self.enabled) and self.sync_trigger != TRIGGER_MANUAL


def get_redirect_uri() -> str:
	"""The OAuth redirect URI to register in the Xero app (shown on the settings form)."""
	return get_url(f"/api/method/{OAUTH_CALLBACK_METHOD}")
