"""Send Invoices "In Rounds" (issue 23): submitted invoices wait, Queued, and the scheduler's
push round sends them together, up to 50 to a call, so a Starter app's 1,000 calls a day
carry hundreds of invoices; each waiting row is completed by its own invoice's outcome."""

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	ITEM,
	XeroTestCase,
	captured_jobs,
	make_customer,
	make_invoice,
	sync_logs,
)
from xero_connector.xero_connector import tasks
from xero_connector.xero_connector.sync import ledger

CUSTOMER = "Xero Rounds Customer"


class TestPushRounds(XeroTestCase):
	def setUp(self):
		super().setUp()
		# Queued pushes other tests left behind are not this round's to send
		for row in frappe.get_all(
			"Xero Sync Log", filters={"status": "Queued", "operation": "push"}, pluck="name"
		):
			ledger.close_queued(row, "Closed by the push-round test: not part of its round.")
		make_customer(CUSTOMER, "XROUNDS01")
		self.submit_and_sync(customer=CUSTOMER, items=[(ITEM, 1, 1)])  # the contact exists in Xero
		fixtures.set_values({"sync_trigger": "In Rounds", "push_round_minutes": 30, "last_push_round": None})

	def tearDown(self):
		fixtures.set_values({"sync_trigger": "On Submit", "last_push_round": None})

	def writes(self) -> int:
		return self.sandbox.stats["totals"]["writes"]

	def test_a_round_sends_what_waits_in_one_call(self):
		with captured_jobs() as jobs:
			invoices = [make_invoice(customer=CUSTOMER, items=[(ITEM, 1, 10 + n)]) for n in range(3)]
			self.assertEqual(jobs.calls, [], "a submit in rounds queues no job of its own")
		waiting = {}
		for si in invoices:
			self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"), "Queued")
			(row,) = sync_logs(si.name, operation="push", status="Queued")
			waiting[si.name] = row["name"]
		self.assertEqual(tasks.requeue_stuck(), [], "the sweep leaves first pushes to their round")
		from xero_connector.xero_connector.api import invoice_status

		self.assertTrue(invoice_status(invoices[0].name)["next_round"], "the form says when it goes")

		before = self.writes()
		with captured_jobs() as jobs:
			self.assertTrue(tasks.push_round_if_due())
			self.assertFalse(tasks.push_round_if_due(), "the next round waits for its interval")
			self.assertEqual(jobs.run(), 1)
		self.assertEqual(self.writes() - before, 1, "three invoices, one call to Xero")
		for si in invoices:
			si.reload()
			self.assertEqual(si.xero_sync_status, "Synced")
			self.assertTrue(si.xero_invoice_id)
			row = frappe.db.get_value(
				"Xero Sync Log", waiting[si.name], ["status", "reference_name"], as_dict=True
			)
			self.assertEqual((row.status, row.reference_name), ("Success", si.name), "its own row completed")

	def test_a_round_that_cannot_reach_xero_leaves_each_invoice_queued_with_the_reason(self):
		from xero_connector.tests.fixtures import inject

		with captured_jobs():
			si = make_invoice(customer=CUSTOMER, items=[(ITEM, 1, 20)])
		inject(self.sandbox, 503, count=10)
		try:
			with captured_jobs() as jobs:
				self.assertTrue(tasks.push_round_if_due())
				jobs.run()
		finally:
			self.sandbox.faults.clear()
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"), "Queued")
		(row,) = sync_logs(si.name, operation="push")  # the waiting row itself, with the reason
		self.assertEqual((row["status"], row["error_kind"]), ("Queued", "transient"))
		self.assertIn("503", (row["xero_messages"] or "") + (row["cause"] or "") + str(row["http_status"]))
