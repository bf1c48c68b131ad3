"""Issue 17: Send to Xero from the Sales Invoice list. The chosen invoices are checked
(drafts, pre-flight problems and companies without a connection are refused, each with its
reason), the rest go in one job per company, 50 to a call, with a progress bar and a
summary for the user who chose them."""

import json
from unittest.mock import patch

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import ITEM, XeroTestCase, captured_jobs, make_invoice, sync_logs
from xero_connector.xero_connector.features.bulk_send import send_selected


class TestBulkSend(XeroTestCase):
	def setUp(self):
		super().setUp()
		# submitted invoices wait (Manual); the item has its account, and there is no default
		fixtures.map_account("Item", ITEM, "260")
		fixtures.set_defaults(sync_trigger="Manual", default_account_code=None)
		frappe.db.commit()

	def tearDown(self):
		fixtures.unmap("Xero Account Mapping", reference_name=ITEM)
		fixtures.set_defaults(sync_trigger="On Submit", default_account_code="200")
		frappe.db.commit()

	def test_the_chosen_invoices_go_in_one_job_with_progress_and_a_summary(self):
		ready = [make_invoice(items=[(ITEM, 1, 100 * (i + 1))]).name for i in range(3)]  # no rounding
		draft = make_invoice(submit=False).name
		# 11.50 rounds to 12: a rounding line with neither a rounding nor a default account
		unsendable = make_invoice(items=[(ITEM, 1, 10)]).name
		frappe.db.commit()
		progress, shown = [], []
		with captured_jobs() as jobs:
			answer = send_selected(json.dumps([*ready, draft, unsendable]))
			self.assertEqual(answer["queued"], 3)
			reasons = {row["name"]: row["reason"] for row in answer["not_sent"]}
			self.assertEqual(reasons[draft], "not submitted")
			self.assertIn("Xero would reject it", reasons[unsendable])
			self.assertEqual(len(jobs.calls), 1, "one job for the company")
			self.sandbox.reset_stats()
			with (
				patch.object(frappe, "publish_progress", lambda percent, **kw: progress.append(percent)),
				patch.object(
					frappe,
					"publish_realtime",
					lambda event, message=None, **kw: shown.append((event, message)),
				),
			):
				jobs.run()
		for name in ready:
			self.assertEqual(frappe.db.get_value("Sales Invoice", name, "xero_sync_status"), "Synced", name)
			self.assertEqual([r.status for r in sync_logs(name)], ["Success"], name)
		self.assertEqual([r.error_kind for r in sync_logs(unsendable)], ["preflight"])
		self.assertEqual(sync_logs(draft), [])
		self.assertEqual(progress[-1], 100)
		summaries = [message["message"] for event, message in shown if event == "msgprint"]
		self.assertEqual(len(summaries), 1)
		self.assertIn("3 sent to Xero, 0 failed", summaries[0])
		# the three went in one PUT /Invoices (batches of 50), not three; at most one more write
		# made the customer's contact
		self.assertLessEqual(self.sandbox.stats["totals"]["writes"], 2, self.sandbox.stats)

	def test_a_user_who_is_not_a_manager_cannot_send(self):
		user = fixtures.make_user("xero-bulk-accounts@example.com", ["Accounts User"])
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				send_selected(json.dumps([]))
		finally:
			frappe.set_user("Administrator")
