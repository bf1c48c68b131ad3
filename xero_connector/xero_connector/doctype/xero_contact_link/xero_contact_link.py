# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class XeroContactLink(Document):
	"""A party's ContactID in one company's Xero organisation, written only by
	sync/contact_links.py (no one creates or edits a row in the desk; a Xero Manager may
	delete one, and the next push matches the contact again)."""


def on_doctype_update():
	"""One link per party and company (Frappe calls this after the table is synced)."""
	frappe.db.add_unique("Xero Contact Link", ["party_type", "party", "company"])
