# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import json

import frappe
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now

from xero_connector.constants import STATUS_SUCCESS, SYNC_LOG
from xero_connector.xero.redact import redact_text, redacted_json
from xero_connector.xero_connector.permissions import require_manager


class XeroSyncLog(Document):
	"""One attempt to make Xero match an ERPNext document (or one payment pull).

	Rows are written only by ``xero_connector.xero_connector.sync.ledger``; users read
	them and resend from them.
	"""

	def validate(self):
		"""Whatever a row stores (new or completed) is redacted: no token or secret
		in a request, response or message."""
		self.request = redacted_json(self.request)
		self.response = redacted_json(self.response)
		for field in ("cause", "resolution", "xero_messages"):
			if self.get(field):
				self.set(field, redact_text(self.get(field)))

	def onload(self):
		"""The form's Use Merged Contact button: for Xero's refusal of an archived contact."""
		from xero_connector.xero_connector.features.merged_contact import offers_merged_contact

		if offers_merged_contact(self):
			self.set_onload("contact_archived", 1)

	@frappe.whitelist()
	def resend(self):
		"""The form's Resend button."""
		from xero_connector.xero_connector.jobs import resend_logs

		return resend_logs([self.name])

	@staticmethod
	def clear_old_logs(days=30):
		"""Called by Log Settings (registered through ``default_log_clearing_doctypes``):
		deletes successful rows older than ``days``; failures stay until resolved."""
		table = frappe.qb.DocType(SYNC_LOG)
		frappe.db.delete(
			table,
			filters=(table.modified < (Now() - Interval(days=days))) & (table.status == STATUS_SUCCESS),
		)


@frappe.whitelist()
def resend(names):
	"""The list view's bulk Resend action (Xero Manager / System Manager only)."""
	from xero_connector.xero_connector.jobs import resend_logs

	require_manager()
	if isinstance(names, str):
		names = json.loads(names)
	return resend_logs(list(names))
