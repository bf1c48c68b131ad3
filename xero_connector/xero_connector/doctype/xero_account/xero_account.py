# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

from frappe.model.document import Document


class XeroAccount(Document):
	"""A copy of what one company's Xero organisation returned, written only by
	reference.store (Fetch from Xero). Named "{code} - {company abbreviation}", as ERPNext
	names its accounts, so that two organisations may both have account 200.

	Mappings and the connection's defaults link to it so that their selectors offer only
	what that organisation has.
	"""

	def autoname(self):
		from xero_connector.xero_connector.connection.reference import row_name

		self.name = row_name(self.code, self.company)

	def on_update(self):
		from xero_connector.xero_connector.connection.reference import clear_cache

		clear_cache(self.company)

	def on_trash(self):
		self.on_update()
