"""The day of Xero calls in the shell (issue 23): a Starter app's 1,000 calls a day are
assumed until Xero's headers say more; the last fifth is kept for invoices and payments, so
backfill, readiness, reconciliation, previews and the Customer panel pause (and say until
when) while pushes go on; the calls each activity spent today are counted for the desk."""

import frappe

from xero_connector.exceptions import XeroConnectorError
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import COMPANY, ITEM, XeroTestCase, make_customer
from xero_connector.xero_connector import api
from xero_connector.xero_connector.connection import day_budget
from xero_connector.xero_connector.connection.client import rate_limiter
from xero_connector.xero_connector.features import readiness
from xero_connector.xero_connector.features.customer_panel import customer_invoices

CUSTOMER = "Xero Budget Customer"


class TestDayBudget(XeroTestCase):
	def setUp(self):
		super().setUp()
		make_customer(CUSTOMER, "XBUDGET01")
		frappe.cache.delete_keys("xero_customer_invoices:")

	def tearDown(self):
		self.xero_reports(remaining=1000)  # the rest of the suite has the whole day again
		fixtures.set_values("xero_app_tier", "Starter")

	def xero_reports(self, remaining: int):
		"""As if Xero's last answer said X-DayLimit-Remaining: ``remaining`` (every worker sees it)."""
		settings = fixtures.connection()
		rate_limiter(fixtures.app()).observe(settings.tenant_id, {"X-DayLimit-Remaining": str(remaining)})

	def calls(self) -> int:
		return self.sandbox.stats["totals"]["calls"]

	def test_the_last_calls_of_the_day_are_kept_for_invoices(self):
		# a fifth of the day is kept for invoices and payments (200 of Starter's 1,000; the
		# sandbox's headers may show a larger day, which the limiter then believes)
		self.xero_reports(remaining=150)
		before = self.calls()

		panel = customer_invoices(CUSTOMER)
		self.assertEqual((panel["linked"], panel["rows"]), (False, []))
		self.assertIn("for invoices and payments (150 of", panel["message"])
		self.assertIn("run again after", panel["message"])

		with self.assertRaises(XeroConnectorError) as refused:  # a message, never a traceback
			readiness.check(COMPANY, frappe.utils.add_days(frappe.utils.today(), -1), frappe.utils.today())
		self.assertIn("Readiness checks", str(refused.exception))
		self.assertIn("(150 of", str(refused.exception))
		self.assertEqual(self.calls(), before, "a paused activity called Xero")

		si = self.submit_and_sync(customer=CUSTOMER, items=[(ITEM, 1, 10)])
		self.assertEqual(si.xero_sync_status, "Synced", "a submitted invoice still goes")
		self.assertGreater(self.calls(), before)

	def test_each_activity_counts_its_calls_for_the_desk(self):
		tenant = fixtures.stored("tenant_id")
		before = day_budget.calls_today(tenant)
		si = self.submit_and_sync(customer=CUSTOMER, items=[(ITEM, 1, 12)])
		customer_invoices(CUSTOMER)
		(row,) = frappe.get_all(
			"Xero Sync Log", filters={"reference_name": si.name, "status": "Success"}, fields=["api_calls"]
		)
		self.assertGreaterEqual(row.api_calls, 1, "the Sync Log row says what it cost")
		after = day_budget.calls_today(tenant)
		self.assertGreater(after.get("push", 0), before.get("push", 0))
		self.assertEqual(after.get("customer_panel", 0), before.get("customer_panel", 0) + 1)

		panel = api.day_budget(fixtures.COMPANY)
		self.assertEqual((panel["tier"], panel["reserve"]), ("Starter", panel["limit"] // 5))
		self.assertGreaterEqual(panel["limit"], 1000)
		self.assertLessEqual(panel["remaining"], panel["limit"])
		labels = {row["label"]: row["calls"] for row in panel["activities"]}
		self.assertEqual(labels["Customer panel"], after["customer_panel"])
		self.assertEqual(panel["total"], sum(after.values()))

	def test_the_apps_tier_sets_the_day_assumed(self):
		settings = fixtures.app_doc()
		self.assertEqual(settings.xero_app_tier, "Starter")
		self.assertEqual(rate_limiter(settings).limits.day_limit, 1000)
		settings.xero_app_tier = "Core"
		self.assertEqual(rate_limiter(settings).limits.day_limit, 5000)
