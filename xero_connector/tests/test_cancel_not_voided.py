"""A Sales Invoice in Xero cancelled while its company's connection is disabled: Xero's
copy cannot be voided then, and that is never silent (a Failed void row with the cause and
the way to void it, and a message); once the connection is enabled again, Resend of the row
voids it."""

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, sync_logs, xero_client
from xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log import resend


class TestCancelNotVoided(XeroTestCase):
	def test_cancel_while_disabled_says_so_and_resend_voids_later(self):
		si = self.submit_and_sync()
		fixtures.set_values("enabled", 0)
		try:
			with captured_jobs() as jobs:
				si.cancel()
				jobs.run()
			self.assertEqual(jobs.calls, [], "nothing is sent while the connection is disabled")
		finally:
			fixtures.set_values("enabled", 1)
		row = sync_logs(si.name, operation="void")[-1]
		self.assertEqual(row.status, "Failed")
		self.assertIn("was not voided", row.cause)
		self.assertIn("disabled", row.cause)
		self.assertIn("Resend", row.resolution)
		self.assertEqual(xero_client().get_invoice(si.xero_invoice_id)["Status"], "AUTHORISED")

		with captured_jobs() as jobs:
			resend(frappe.as_json([row.name]))
			jobs.run()
		self.assertEqual(xero_client().get_invoice(si.xero_invoice_id)["Status"], "VOIDED")
