"""Organisation guard in the bench: the first connection is remembered; switching the
tenant underneath makes submit-and-push fail with the guard's message and writes
nothing to the other organisation; the health check raises the banner; a Xero
Manager (only) can confirm the switch."""

import frappe

from xero_connector.sandbox.server import SECOND_TENANT_ID, SECOND_TENANT_NAME
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, make_invoice, make_user, sync_logs
from xero_connector.xero_connector.connection import guard

GUARD_FIELDS = (*guard.SYNCED, *guard.CONNECTED, "organisation_mismatch")


def settings_value(field):
	return fixtures.stored(field)


class TestOrganisationGuard(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.demo_tenant = cls.sandbox.tenant_id
		cls.demo_org_id = cls.sandbox.organisation(cls.demo_tenant).profile["OrganisationID"]
		cls.other_org_id = cls.sandbox.organisation(SECOND_TENANT_ID).profile["OrganisationID"]
		# the same sandbox user grants the second organisation too, so one token opens both
		cls.sandbox.issue_token_set([SECOND_TENANT_ID])

	def setUp(self):
		super().setUp()
		self.reset_to_demo()

	def tearDown(self):
		self.reset_to_demo()
		frappe.db.commit()

	def reset_to_demo(self):
		from xero_connector.xero_connector.api import fetch_reference

		frappe.set_user("Administrator")
		fixtures.set_values({f: None for f in GUARD_FIELDS})
		fixtures.set_values("tenant_id", self.demo_tenant)
		fetch_reference(fixtures.COMPANY)  # what connecting does: reads /Organisation, remembers it
		frappe.db.commit()

	def switch_tenant_underneath(self):
		fixtures.set_values("tenant_id", SECOND_TENANT_ID)
		frappe.db.commit()

	def test_connection_remembers_the_organisation_id_name_and_base_currency(self):
		self.assertEqual(settings_value("synced_organisation_id"), self.demo_org_id)
		self.assertEqual(settings_value("synced_organisation_name"), "Demo Company (NZ)")
		self.assertEqual(settings_value("synced_base_currency"), "NZD")
		self.assertEqual(settings_value("connected_organisation_id"), self.demo_org_id)
		self.assertFalse(settings_value("organisation_mismatch"))

	def test_switched_tenant_makes_submit_and_push_fail_and_nothing_reaches_the_other_organisation(self):
		other = self.sandbox.organisation(SECOND_TENANT_ID)
		before = (len(other.invoices), len(other.contacts), len(other.credit_notes))
		self.switch_tenant_underneath()
		with captured_jobs() as jobs:
			si = make_invoice()
			jobs.run()
		si.reload()
		expected = (
			f"Xero connection now points at organisation {SECOND_TENANT_NAME} (ID {self.other_org_id}), "
			"not Demo Company (NZ) which this site was synced with: reconnect to Demo Company (NZ) "
			"or confirm the switch on the Xero Connection"
		)
		rows = sync_logs(si.name)
		self.assertEqual([(r.operation, r.status) for r in rows], [("push", "Failed")])
		self.assertEqual(rows[0].cause, expected)
		self.assertIn("Confirm Organisation Switch", rows[0].resolution)
		self.assertEqual(si.xero_sync_status, "Failed")
		self.assertFalse(si.xero_invoice_id)
		self.assertEqual((len(other.invoices), len(other.contacts), len(other.credit_notes)), before)
		demo = self.sandbox.organisation(self.demo_tenant)
		self.assertFalse([i for i in demo.invoices.values() if i.get("InvoiceNumber") == si.name])
		# the banner both forms show
		self.assertEqual(guard.organisation_status(fixtures.COMPANY)["mismatch"], expected)
		self.assertEqual(settings_value("synced_organisation_id"), self.demo_org_id, "never overwritten")

	def test_a_backfill_resumed_after_reconnecting_elsewhere_sends_nothing_there(self):
		from xero_connector.tests.test_backfill import BackfillTestCase
		from xero_connector.xero_connector.sync import backfill_control

		helper = BackfillTestCase("setUp")
		helper.month = 3
		names = BackfillTestCase.make_invoices(helper, 3)
		run = BackfillTestCase.new_backfill(helper)
		other = self.sandbox.organisation(SECOND_TENANT_ID)
		before = len(other.invoices)
		self.switch_tenant_underneath()  # reconnected to another organisation meanwhile
		with captured_jobs() as jobs:
			backfill_control.start(run)
			jobs.run()
		self.assertEqual(len(other.invoices), before, "the other organisation received invoices")
		state = frappe.get_doc("Xero Backfill", run)
		self.assertEqual(state.status, "Failed")
		self.assertIn(SECOND_TENANT_NAME, state.error)
		self.assertFalse(frappe.db.get_value("Sales Invoice", names[0], "xero_invoice_id"))

	def test_switching_back_lets_the_push_through(self):
		self.switch_tenant_underneath()
		with captured_jobs() as jobs:
			si = make_invoice()
			jobs.run()
		fixtures.set_values("tenant_id", self.demo_tenant)
		frappe.db.commit()
		from xero_connector.xero_connector.api import send_to_xero

		with captured_jobs() as jobs:
			send_to_xero(si.name)
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_status, "AUTHORISED")
		self.assertFalse(settings_value("organisation_mismatch"), "the banner goes once it matches again")

	def test_health_check_raises_the_banner_without_sending_anything(self):
		from xero_connector.xero_connector.tasks import check_connection

		self.switch_tenant_underneath()
		self.assertEqual(check_connection(), {fixtures.app().name: "Connected"})
		self.assertIn(SECOND_TENANT_NAME, settings_value("organisation_mismatch"))
		self.assertEqual(settings_value("connected_organisation_id"), self.other_org_id)

	def test_only_a_manager_confirms_the_switch_and_then_sending_is_allowed(self):
		from xero_connector.xero_connector.connection.client import xero_client, xero_port

		self.switch_tenant_underneath()
		port = xero_port(xero_client(fixtures.connection_doc()))
		self.assertFalse(guard.check(fixtures.connection(), port).ok)

		frappe.set_user(make_user("guard-accounts@example.com", ["Accounts User"]))
		self.assertRaises(frappe.PermissionError, guard.confirm_organisation_switch)
		frappe.set_user(make_user("guard-manager@example.com", ["Xero Manager"]))
		answer = guard.confirm_organisation_switch()
		frappe.set_user("Administrator")

		self.assertEqual(answer["organisation_id"], self.other_org_id)
		self.assertEqual(settings_value("synced_organisation_id"), self.other_org_id)
		self.assertEqual(settings_value("synced_base_currency"), "AUD")
		self.assertFalse(settings_value("organisation_mismatch"))
		calls = port.calls
		self.assertTrue(guard.check(fixtures.connection(), port).ok)
		self.assertEqual(port.calls, calls, "the cached identity makes the check free")

	def test_contact_fixes_link_and_panel_refuse_another_organisation(self):
		"""The Readiness page's contact fixes, the Reconciliation report's Link and the
		Customer panel go through the same door as the sync: after the connection moved to
		another organisation they refuse with the guard's message and touch nothing there."""
		from xero_connector.tests.fixtures import CUSTOMER
		from xero_connector.xero_connector.features import customer_panel, readiness, reconciliation

		with captured_jobs() as jobs:
			si = make_invoice()
			jobs.run()  # in Xero (the demo organisation) and linked
		frappe.db.set_value("Sales Invoice", si.name, {"xero_invoice_id": None, "xero_sync_state": None})
		fixtures.forget_contact(CUSTOMER)
		other = self.sandbox.organisation(SECOND_TENANT_ID)
		before = (len(other.invoices), len(other.contacts))
		self.switch_tenant_underneath()

		with self.assertRaises(guard.OrganisationMismatch) as refused:
			readiness.create_contact(CUSTOMER)
		self.assertIn(SECOND_TENANT_NAME, str(refused.exception))
		with self.assertRaises(guard.OrganisationMismatch):
			readiness.link_contact(CUSTOMER, "00000000-0000-0000-0000-000000000000")
		with self.assertRaises(guard.OrganisationMismatch):
			reconciliation.link(si.name)
		panel = customer_panel.customer_invoices(CUSTOMER)
		self.assertEqual((panel["linked"], panel["rows"]), (False, []))
		self.assertIn(SECOND_TENANT_NAME, panel["message"])

		self.assertEqual((len(other.invoices), len(other.contacts)), before)
		self.assertFalse(frappe.db.get_value("Sales Invoice", si.name, "xero_invoice_id"), "linked elsewhere")
		self.assertFalse(fixtures.contact_id(CUSTOMER))
