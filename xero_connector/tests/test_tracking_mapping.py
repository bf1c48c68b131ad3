"""Issue 17: tracking categories. A company's Xero Tracking Mapping sends each Sales Invoice
line's Cost Center as the option of a Xero tracking category; an option the organisation does
not have stops the invoice before Xero, naming it and the fix."""

import frappe
import requests

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import ABBR, COMPANY, XeroTestCase, sync_logs

COST_CENTER = f"Main - {ABBR}"


class TestTrackingMapping(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# the organisation's owner sets them up in Xero (the connector's consent only reads
		# settings, so the sandbox's scope rule is loosened for this set-up alone)
		strict = cls.sandbox.config.loosen
		cls.sandbox.config.loosen = strict | {"scopes"}
		try:
			cls.category = cls.xero_put("/TrackingCategories", {"Name": "Region"})["TrackingCategories"][0]
			for option in ("North", "South"):
				cls.xero_put(
					f"/TrackingCategories/{cls.category['TrackingCategoryID']}/Options", {"Name": option}
				)
		finally:
			cls.sandbox.config.loosen = strict

	@classmethod
	def xero_put(cls, path: str, body: dict) -> dict:
		"""Set the organisation up as its owner would in Xero (Tracking categories)."""
		from xero_connector.xero_connector.connection.client import token_manager

		answer = requests.put(
			f"{cls.sandbox.url}/api.xro/2.0{path}",
			json=body,
			headers={
				"Authorization": f"Bearer {token_manager(fixtures.app()).access_token()}",
				"xero-tenant-id": cls.sandbox.tenant_id,
				"Accept": "application/json",
			},
			timeout=10,
		)
		assert answer.status_code == 200, answer.text[:500]
		return answer.json()

	def tearDown(self):
		frappe.db.delete("Xero Tracking Mapping")
		frappe.db.delete("Xero Tracking Option")
		frappe.cache.delete_value(f"xero_connector:xero_tracking_mapping:{COMPANY}")
		frappe.db.commit()

	def map_cost_center(self, options: dict | None = None):
		return frappe.get_doc(
			{
				"doctype": "Xero Tracking Mapping",
				"company": COMPANY,
				"erpnext_field": "cost_center",
				"tracking_category": "Region",
				"options": [{"erpnext_value": v, "xero_option": o} for v, o in (options or {}).items()],
			}
		).insert(ignore_permissions=True)

	def test_a_lines_cost_center_arrives_as_its_tracking_option(self):
		self.map_cost_center({COST_CENTER: "North"})
		si = self.submit_and_sync(items=[(fixtures.ITEM, 1, 100)])
		self.assertEqual(si.xero_sync_status, "Synced")
		lines = fixtures.xero_client().get_invoice(si.xero_invoice_id)["LineItems"]
		self.assertEqual(
			[(t["Name"], t["Option"]) for t in lines[0]["Tracking"]], [("Region", "North")], lines[0]
		)

	def test_an_option_xero_does_not_have_stops_the_invoice_with_the_fix(self):
		self.map_cost_center({COST_CENTER: "Atlantis"})
		si = self.submit_and_sync(items=[(fixtures.ITEM, 1, 100)])
		self.assertFalse(si.xero_invoice_id)
		(row,) = sync_logs(si.name)
		self.assertEqual(row.status, "Failed")
		self.assertIn("Atlantis", row.cause)
		self.assertIn("Region", row.cause)
		self.assertTrue(row.resolution)

	def test_the_mapping_names_a_line_field_and_at_most_two_categories(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": "Xero Tracking Mapping",
					"company": COMPANY,
					"erpnext_field": "no_such_field",
					"tracking_category": "Region",
				}
			).insert(ignore_permissions=True)
		self.map_cost_center()
		with self.assertRaises(frappe.UniqueValidationError):
			self.map_cost_center()  # the same field again
		frappe.get_doc(
			{
				"doctype": "Xero Tracking Mapping",
				"company": COMPANY,
				"erpnext_field": "project",
				"tracking_category": "Job",
			}
		).insert(ignore_permissions=True)
		with self.assertRaises(frappe.ValidationError) as refused:
			frappe.get_doc(
				{
					"doctype": "Xero Tracking Mapping",
					"company": COMPANY,
					"erpnext_field": "warehouse",
					"tracking_category": "Store",
				}
			).insert(ignore_permissions=True)
		self.assertIn("at most 2", str(refused.exception))
