"""A Xero Sync Log row about a Sales Invoice (its request and Xero's answer included) is for
the users who may read that invoice's company (issue 14): User Permissions on Company apply
to the list, the REST API, the form and the payload preview."""

import frappe

from xero_connector.constants import SYNC_LOG
from xero_connector.tests.fixtures import COMPANY, ITEM, XeroTestCase, ensure, limit_to, make_user, sync_logs
from xero_connector.xero_connector.features.preview import sync_log_payload

OTHER_COMPANY = "Xero Other Ltd"


class TestSyncLogPermissions(XeroTestCase):
	def setUp(self):
		super().setUp()
		ensure(
			"Company",
			OTHER_COMPANY,
			{
				"company_name": OTHER_COMPANY,
				"abbr": "XOL",
				"default_currency": "NZD",
				"country": "New Zealand",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			},
		)
		si = self.submit_and_sync(items=[(ITEM, 1, 10)])
		(self.row,) = [r["name"] for r in sync_logs(si.name, status="Success")]
		self.outsider = make_user("xero-log-other@example.com", ["Accounts User"])
		self.insider = make_user("xero-log-same@example.com", ["Accounts User"])
		limit_to(self.outsider, OTHER_COMPANY)
		limit_to(self.insider, COMPANY)
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.delete("User Permission", {"user": ("in", [self.outsider, self.insider])})
		frappe.db.commit()

	def visible(self) -> list[str]:
		return frappe.get_list(SYNC_LOG, filters={"name": self.row}, pluck="name")

	def test_a_user_of_another_company_sees_neither_the_row_nor_its_payload(self):
		frappe.set_user(self.outsider)
		self.assertEqual(self.visible(), [], "listed for a user of another company")
		self.assertFalse(frappe.has_permission(SYNC_LOG, "read", self.row))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(SYNC_LOG, self.row).check_permission("read")
		with self.assertRaises(frappe.PermissionError):
			sync_log_payload(self.row)

	def test_a_user_of_the_invoices_company_sees_it(self):
		frappe.set_user(self.insider)
		self.assertEqual(self.visible(), [self.row])
		self.assertTrue(frappe.has_permission(SYNC_LOG, "read", self.row))
		self.assertIn("payload", sync_log_payload(self.row))
