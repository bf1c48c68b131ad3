# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt

from frappe.model.document import Document


class XeroBankAccountMapping(Document):
	"""A row of Xero Settings' Xero Bank Accounts table: where Payment Entries created from
	Xero payments into that Xero account are received (payment_entries.py reads it)."""
