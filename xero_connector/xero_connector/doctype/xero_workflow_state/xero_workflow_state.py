# Copyright (c) 2026, xero_connector developers
# For license information, please see license.txt

from frappe.model.document import Document


class XeroWorkflowState(Document):
	"""A row of Xero Connection's Send on Workflow States (a Table MultiSelect)."""
