# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from xero_connector.xero_connector.sync.backfill_control import ACTIVE, PAUSED

FILTER_FIELDS = ("company", "from_date", "to_date", "include_returns")


class XeroBackfill(Document):
	"""One bulk send of past Sales Invoices to Xero (see backfill.py for the run itself)."""

	def validate(self):
		if self.from_date and self.to_date and getdate(self.from_date) > getdate(self.to_date):
			frappe.throw(_("From Date must be on or before To Date."))
		if self.is_new():
			self.status = "Draft"
			return
		if self.status in (*ACTIVE, PAUSED):
			changed = [f for f in FILTER_FIELDS if self.has_value_changed(f)]
			if changed:
				frappe.throw(
					_(
						"The filters of a {0} backfill cannot change: wait for it to complete, or create a new one."
					).format(_(self.status).lower())
				)

	def on_trash(self):
		if self.status in ACTIVE:
			frappe.throw(_("Pause the backfill before deleting it."))
