# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_url

from xero_connector.constants import OAUTH_CALLBACK_METHOD, WEBHOOK_METHOD
from xero_connector.exceptions import XeroNotConfigured


class XeroApp(Document):
	"""A Xero app of the site: its credentials, its tier, the sandbox switch, the webhook
	key, and the tokens of one consent, which may grant several organisations (each
	assigned to a company by a Xero Connection).

	Tokens live in hidden Password fields (encrypted in __Auth; the document itself only
	holds a mask), written by redis_backends.FrappeTokenStore, never by the form."""

	def onload(self):
		from xero_connector.xero_connector.connection.client import budget_figures

		self.set_urls()
		self.update(budget_figures(self))  # the app's minute, as Xero last said

	def validate(self):
		keep_app_values(self)
		self.set_urls()
		if self.sandbox_url:
			self.sandbox_url = self.sandbox_url.strip().rstrip("/")
		if not self.use_sandbox and not (self.client_id or "").strip():
			frappe.throw(
				_("Enter the Client ID of your Xero app (developer.xero.com → My Apps)."), XeroNotConfigured
			)
		if self.use_sandbox and not self.sandbox_url:
			frappe.throw(_("Enter the Sandbox URL, or untick Use Xero Sandbox."), XeroNotConfigured)

	def set_urls(self):
		self.redirect_uri = get_redirect_uri()
		self.webhook_url = get_url(f"/api/method/{WEBHOOK_METHOD}")

	def on_update(self):
		from xero_connector.xero_connector.connection import registry

		registry.clear()

	def after_insert(self):
		forget_cached_tokens(self.name)  # a name used before must not find that app's tokens

	def on_trash(self):
		from xero_connector.xero_connector.connection import registry

		registry.clear()
		forget_cached_tokens(self.name)


def forget_cached_tokens(app_name: str) -> None:
	"""The workers' encrypted copy of an app's tokens (redis_backends.FrappeTokenStore)."""
	from xero_connector.xero_connector.connection.redis_backends import site_key

	frappe.cache.delete(site_key("tokens", app_name))


def keep_app_values(doc):
	"""What jobs and the connect flow keep on a Xero App or Xero Connection (tokens'
	metadata, budget, watermarks, organisation) is the database's, never the form's: a
	form opened before a job wrote them must not put the old values back
	(settings_state.write_state)."""
	from xero_connector.xero_connector.connection.settings_state import app_owned_fields

	if doc.is_new():
		return
	fields = app_owned_fields(doc.meta)
	stored = frappe.db.get_value(doc.doctype, doc.name, fields, as_dict=True) or {}
	for fieldname in fields:
		doc.set(fieldname, stored.get(fieldname))


def get_redirect_uri() -> str:
	"""The OAuth redirect URI to register in the Xero app (shown on the Xero App form)."""
	return get_url(f"/api/method/{OAUTH_CALLBACK_METHOD}")
