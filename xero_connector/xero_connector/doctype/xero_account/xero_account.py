# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

from frappe.model.document import Document


class XeroAccount(Document):
	"""A copy of what Xero returned, written only by reference.store (Fetch from Xero).

	Mappings link to it so that their selectors offer only what Xero has.
	"""

	def on_update(self):
		from xero_connector.xero_connector.connection.reference import clear_cache

		clear_cache()

	def on_trash(self):
		self.on_update()
