"""Issue 16: Xero Tax Rate rows learn whether Xero lets them apply to expenses and to assets
(``CanApplyToExpenses``, ``CanApplyToAssets``), which the buying side's checks and selectors
read. Rows fetched by an earlier version have Xero's JSON (``xero_data``): the flags are read
from it, so nothing needs fetching again."""

import json

import frappe


def execute():
	rows = frappe.get_all("Xero Tax Rate", fields=["name", "xero_data"], limit=0)
	for row in rows:
		try:
			data = json.loads(row.xero_data or "{}")
		except ValueError:
			continue
		frappe.db.set_value(
			"Xero Tax Rate",
			row.name,
			{
				"can_apply_to_expenses": 1 if data.get("CanApplyToExpenses") else 0,
				"can_apply_to_assets": 1 if data.get("CanApplyToAssets") else 0,
			},
			update_modified=False,
		)
	frappe.cache.delete_keys("xero_connector:reference")
