"""Who may do what: Xero Manager / System Manager manage; Accounts Users read
statuses and logs; every whitelisted method checks."""

import frappe

from xero_connector.constants import ACCOUNT_MAPPING, SYNC_LOG, XERO_MANAGER
from xero_connector.tests.fixtures import COMPANY, XeroTestCase, captured_jobs, make_invoice, make_user

ACCOUNTS_USER = "xero-accounts-user@example.com"
XERO_MANAGER_USER = "xero-manager@example.com"
SALES_USER = "xero-sales-user@example.com"


class TestPermissions(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(ACCOUNTS_USER, ["Accounts User"])
		make_user(XERO_MANAGER_USER, [XERO_MANAGER, "Accounts User"])
		make_user(SALES_USER, ["Sales User"])
		with captured_jobs() as jobs:
			cls.invoice = make_invoice()
			jobs.run()
		cls.log = frappe.get_all(SYNC_LOG, filters={"reference_name": cls.invoice.name}, pluck="name")[0]
		frappe.db.commit()

	def test_accounts_user_reads_logs_but_cannot_resend_or_manage(self):
		from xero_connector.xero_connector import api
		from xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log import resend

		frappe.set_user(ACCOUNTS_USER)
		self.assertTrue(frappe.has_permission(SYNC_LOG, "read", self.log))
		self.assertFalse(frappe.has_permission(SYNC_LOG, "write", self.log))
		self.assertFalse(frappe.has_permission("Xero App", "read"))
		self.assertFalse(frappe.has_permission("Xero Connection", "read"))
		self.assertFalse(frappe.has_permission(ACCOUNT_MAPPING, "create"))
		for call in (
			lambda: resend(frappe.as_json([self.log])),
			lambda: frappe.get_doc(SYNC_LOG, self.log).resend(),
			lambda: api.start_connect(connection=COMPANY),
			lambda: api.disconnect(COMPANY),
			lambda: api.fetch_reference(COMPANY),
			lambda: api.pull_payments_now(COMPANY),
			lambda: api.send_to_xero(self.invoice.name),
			lambda: api.assign_organisation(COMPANY, "x"),
		):
			with self.assertRaises(frappe.PermissionError):
				call()
		status = api.invoice_status(self.invoice.name)
		self.assertEqual(status["xero_status"], "AUTHORISED")
		self.assertFalse(status["can_send"])

	def test_xero_manager_manages(self):
		from xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log import resend

		frappe.set_user(XERO_MANAGER_USER)
		self.assertTrue(frappe.has_permission("Xero Connection", "write"))
		self.assertTrue(frappe.has_permission("Xero App", "write"))
		self.assertTrue(frappe.has_permission(ACCOUNT_MAPPING, "create"))
		with captured_jobs() as jobs:
			self.assertEqual(resend(frappe.as_json([self.log])), {"queued": 1})
		self.assertEqual(len(jobs.calls), 1)

	def test_user_without_accounts_role_sees_nothing(self):
		from xero_connector.xero_connector import api

		frappe.set_user(SALES_USER)
		self.assertFalse(frappe.has_permission(SYNC_LOG, "read"))
		with self.assertRaises(frappe.PermissionError):
			api.start_connect()

	def test_webhook_is_the_only_guest_method(self):
		from xero_connector.xero_connector import api, webhook

		self.assertIn(webhook.receive, frappe.guest_methods)
		for name in (
			"start_connect",
			"oauth_callback",
			"assign_organisation",
			"disconnect",
			"fetch_reference",
			"send_to_xero",
		):
			self.assertNotIn(getattr(api, name), frappe.guest_methods)
