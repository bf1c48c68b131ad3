# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

from frappe.model.document import Document


class XeroTrackingOption(Document):
	"""A row of Xero Tracking Mapping: an ERPNext value and the Xero option it goes as."""
