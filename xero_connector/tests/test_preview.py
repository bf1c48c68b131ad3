"""Payload preview in the bench: the whitelisted methods return the payload a push sends
and, after the due date changes, exactly that change against the last successful sync."""

import frappe
from frappe.utils import add_days, getdate

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, make_invoice, make_user, sync_logs
from xero_connector.xero_connector.features.preview import invoice_payload, sync_log_payload


class TestPayloadPreview(XeroTestCase):
	def test_unsent_invoice_shows_the_create_payload_and_no_diff(self):
		fixtures.set_values("sync_trigger", "Manual")
		try:
			si = make_invoice()
		finally:
			fixtures.set_values("sync_trigger", "On Submit")
		answer = invoice_payload(si.name)
		self.assertEqual((answer["method"], answer["endpoint"]), ("PUT", "/Invoices"))
		self.assertEqual(answer["payload"]["InvoiceNumber"], si.name)
		self.assertEqual(answer["payload"]["DueDate"], str(si.due_date))
		self.assertIsNone(answer["changes"])
		self.assertIn(f'"InvoiceNumber": "{si.name}"', answer["payload_json"])
		self.assertIn("Never sent", answer["html"])

	def test_due_date_change_is_the_diff_against_the_last_successful_sync(self):
		si = self.submit_and_sync()
		before = invoice_payload(si.name)
		self.assertEqual(before["method"], "POST")
		self.assertEqual(before["payload"]["InvoiceID"], si.xero_invoice_id)
		self.assertTrue(before["unchanged"])
		self.assertEqual([c["path"] for c in before["changes"]], ["InvoiceID"])

		old_due = str(si.due_date)
		new_due = str(add_days(getdate(si.due_date), 14))
		# due_date is not editable after submit in the desk; change it underneath, not in Xero yet
		frappe.db.set_value("Sales Invoice", si.name, "due_date", new_due, update_modified=False)
		answer = invoice_payload(si.name)
		changes = [c for c in answer["changes"] if c["path"] != "InvoiceID"]
		self.assertEqual(changes, [{"path": "DueDate", "change": "changed", "old": old_due, "new": new_due}])
		self.assertFalse(answer["unchanged"])
		success = next(r for r in sync_logs(si.name) if r.status == "Success" and r.operation == "push")
		self.assertEqual(answer["last_sync"], success.name)
		self.assertIn("DueDate", answer["html"])

		# the same view from the Sync Log row
		from_log = sync_log_payload(success.name)
		self.assertEqual([c for c in from_log["changes"] if c["path"] != "InvoiceID"], changes)

	def test_accounts_user_may_view_and_a_user_without_invoice_access_may_not(self):
		si = self.submit_and_sync()
		frappe.set_user(make_user("preview-accounts@example.com", ["Accounts User"]))
		self.assertEqual(invoice_payload(si.name)["payload"]["InvoiceNumber"], si.name)
		frappe.set_user(make_user("preview-nobody@example.com", ["Website Manager"]))
		self.assertRaises(frappe.PermissionError, invoice_payload, si.name)
