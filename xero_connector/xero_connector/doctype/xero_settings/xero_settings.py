# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

from frappe.model.document import Document


class XeroSettings(Document):
	"""What is set once for the site, whatever the company: how long work may stay Queued
	before the sweep sends it again, and how many Xero invoices the Customer panel shows.
	Each company's connection is a Xero Connection; credentials and tokens a Xero App."""
