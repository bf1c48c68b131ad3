# Copyright (c) 2025, xero_connector developers
# For license information, please see license.txt
"""Xero Reconciliation: ERPNext against Xero per invoice (see reconciliation.py)."""

import frappe
from frappe import _
from frappe.utils import add_months, getdate, today

from xero_connector.exceptions import shows_xero_errors
from xero_connector.xero_connector.features.reconciliation import reconcile_period
from xero_connector.xero_connector.permissions import require_company, require_manager


@shows_xero_errors
def execute(filters=None):
	require_manager()
	filters = frappe._dict(filters or {})
	if not filters.company:
		frappe.throw(_("Choose a Company."))
	require_company(filters.company)
	from_date = str(getdate(filters.from_date or add_months(today(), -1)))
	to_date = str(getdate(filters.to_date or today()))
	rows = reconcile_period(filters.company, from_date, to_date)
	if filters.only_mismatches:
		rows = [row for row in rows if row["mismatch"]]
	data = [{**row, "actions": ""} for row in rows]
	return columns(), data, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "number", "label": _("Number"), "fieldtype": "Data", "width": 170},
		{
			"fieldname": "erpnext_name",
			"label": _("Sales Invoice"),
			"fieldtype": "Link",
			"options": "Sales Invoice",
			"width": 170,
		},
		{"fieldname": "kind", "label": _("Kind"), "fieldtype": "Data", "width": 90},
		{"fieldname": "presence", "label": _("Present In"), "fieldtype": "Data", "width": 130},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Data", "width": 150},
		{"fieldname": "posting_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "width": 70},
		{"fieldname": "erpnext_status", "label": _("ERPNext Status"), "fieldtype": "Data", "width": 110},
		{"fieldname": "xero_status", "label": _("Xero Status"), "fieldtype": "Data", "width": 110},
		{
			"fieldname": "erpnext_total",
			"label": _("ERPNext Total"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{
			"fieldname": "xero_total",
			"label": _("Xero Total"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{
			"fieldname": "erpnext_outstanding",
			"label": _("ERPNext Outstanding"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 130,
		},
		{
			"fieldname": "xero_amount_due",
			"label": _("Xero Amount Due"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 130,
		},
		{"fieldname": "xero_id", "label": _("Xero ID"), "fieldtype": "Data", "width": 120},
		{"fieldname": "actions", "label": _("Actions"), "fieldtype": "Data", "width": 150},
	]


def summary(rows: list[dict]) -> list[dict]:
	def count(test):
		return sum(1 for row in rows if test(row))

	return [
		{"label": _("In Both"), "value": count(lambda r: r["presence"] == "Both"), "indicator": "Green"},
		{
			"label": _("Only in ERPNext"),
			"value": count(lambda r: r["presence"] == "Only in ERPNext"),
			"indicator": "Red",
		},
		{
			"label": _("Only in Xero"),
			"value": count(lambda r: r["presence"] == "Only in Xero"),
			"indicator": "Red",
		},
		{
			"label": _("Not Linked"),
			"value": count(lambda r: r["presence"] == "Not Linked"),
			"indicator": "Orange",
		},
		{"label": _("Mismatches"), "value": count(lambda r: r["mismatch"]), "indicator": "Red"},
	]
