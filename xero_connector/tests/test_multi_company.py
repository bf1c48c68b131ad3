"""Issue 15: two companies of one site, each connected to its own Xero organisation
through one Xero App's consent. Each company's invoices, credit notes, contacts and
payment pulls reach only its own organisation; an organisation belongs to one company;
disconnecting one company leaves the other working; a webhook's events go to the
connection of the organisation they name."""

import json
from decimal import Decimal

import frappe
from frappe.utils import flt

from xero_connector.constants import CONNECTED, CONNECTION
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	COMPANY,
	COMPANY_B,
	CUSTOMER,
	CUSTOMER_B,
	XeroTestCase,
	captured_jobs,
	make_invoice_b,
)
from xero_connector.xero_connector.connection import connect_flow, registry

ORG_B = "Xero Test B (AU)"


class TestMultiCompany(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		fixtures.make_masters_b()
		cls.tenant_a = cls.sandbox.tenant_id
		cls.tenant_b = cls.sandbox.add_organisation(name=ORG_B, base_currency="AUD")
		# the consent grants both organisations (Xero's organisation picker, ticked twice)
		cls.sandbox.identity.register_tenant(cls.tenant_b, ORG_B, default=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		if frappe.db.exists(CONNECTION, COMPANY_B):
			frappe.delete_doc(CONNECTION, COMPANY_B, ignore_permissions=True, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		self.connect_b()

	def connect_b(self):
		"""The second company's connection through the test app, assigned the second
		organisation (connecting again first when a test disconnected it)."""
		if not self.sandbox.identity.has_connection(self.sandbox.client_id, self.tenant_b):
			fixtures.connect(self.sandbox)
		if not frappe.db.exists(CONNECTION, COMPANY_B):
			frappe.get_doc(
				{"doctype": CONNECTION, "company": COMPANY_B, "xero_app": fixtures.APP_NAME, "enabled": 1}
			).insert(ignore_permissions=True)
		connection = registry.require(COMPANY_B)
		if connection.tenant_id != self.tenant_b or connection.connection_status != CONNECTED:
			connect_flow.assign(connection, self.tenant_b)  # fetches B's accounts and tax rates
		doc = frappe.get_doc(CONNECTION, COMPANY_B)
		doc.update({"enabled": 1, "sync_trigger": "On Submit", "default_account_code": "200 - XTB"})
		doc.save(ignore_permissions=True)
		frappe.db.commit()

	def organisation(self, tenant_id):
		return self.sandbox.organisation(tenant_id)

	def numbers_in(self, tenant_id) -> set[str]:
		org = self.organisation(tenant_id)
		with self.sandbox.organisation_lock(tenant_id):
			return {i.get("InvoiceNumber") for i in org.invoices.values()} | {
				c.get("CreditNoteNumber") for c in org.credit_notes.values()
			}

	def test_each_company_sends_and_pulls_only_in_its_organisation(self):

		si_a = self.submit_and_sync()
		with captured_jobs() as jobs:
			si_b = make_invoice_b(rate=120, qty=2)
			jobs.run()
		si_b.reload()
		self.assertEqual(
			(si_b.xero_sync_status, si_b.xero_status),
			("Synced", "AUTHORISED"),
			[(r.status, r.cause, r.xero_messages) for r in fixtures.sync_logs(si_b.name)],
		)
		self.assertIn(si_a.name, self.numbers_in(self.tenant_a))
		self.assertNotIn(si_b.name, self.numbers_in(self.tenant_a))
		self.assertIn(si_b.name, self.numbers_in(self.tenant_b))
		self.assertNotIn(si_a.name, self.numbers_in(self.tenant_b))
		# in B's organisation, on B's account and with B's contact, in AUD
		invoice_b = fixtures.xero_client_of(COMPANY_B).get_invoice(si_b.xero_invoice_id)
		self.assertEqual(invoice_b["CurrencyCode"], "AUD")
		self.assertEqual(Decimal(str(invoice_b["Total"])), Decimal("240.00"))
		self.assertEqual([line["AccountCode"] for line in invoice_b["LineItems"]], ["200"])
		self.assertEqual(
			invoice_b["Contact"]["ContactID"], fixtures.contact_id(CUSTOMER_B, company=COMPANY_B)
		)
		self.assertIsNone(fixtures.contact_id(CUSTOMER_B), "no link in the first company's organisation")
		self.assertIsNone(fixtures.contact_id(CUSTOMER, company=COMPANY_B))
		# the Sync Log rows of each invoice name its own organisation
		self.assertEqual({r.tenant_id for r in fixtures.sync_logs(si_b.name)}, {self.tenant_b}, "B's rows")

		# a return of B's invoice becomes a credit note in B's organisation only
		with captured_jobs() as jobs:
			ret = fixtures.make_return(si_b.name)
			jobs.run()
		ret.reload()
		self.assertEqual((ret.xero_document_type, ret.xero_sync_status), ("Credit Note", "Synced"))
		self.assertIn(ret.name, self.numbers_in(self.tenant_b))
		self.assertNotIn(ret.name, self.numbers_in(self.tenant_a))

		# a payment in B's organisation comes back to B's invoice through B's pull only
		client_b = fixtures.xero_client_of(COMPANY_B)
		bank = next(a for a in client_b.accounts() if a.get("Type") == "BANK")
		paid = client_b.create_payments(
			[
				{
					"Invoice": {"InvoiceID": si_b.xero_invoice_id},
					"Account": {"Code": bank["Code"]},
					"Amount": Decimal("50.00"),
					"Date": frappe.utils.today(),
				}
			],
			idempotency_key=f"multi-pay-{si_b.name}",
		)
		self.assertTrue(paid[0].ok, paid[0].messages)
		from xero_connector.xero_connector import tasks

		fixtures.set_defaults(last_payment_pull=None)
		frappe.db.set_value(CONNECTION, COMPANY_B, "last_payment_pull", None)
		with captured_jobs() as jobs:
			tasks.pull_payments_if_due()
			pulled = sorted(call["kwargs"].get("connection") for call in jobs.calls)
			self.assertEqual(pulled, [COMPANY_B, COMPANY], "one pull per connection")
			jobs.run()
		si_b.reload()
		self.assertEqual(flt(si_b.xero_amount_paid), 50)
		si_a.reload()
		self.assertEqual(flt(si_a.xero_amount_paid), 0)

	def test_an_organisation_belongs_to_one_company(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			connect_flow.assign(registry.require(COMPANY_B), self.tenant_a)
		self.assertIn(COMPANY, str(refused.exception))
		self.assertEqual(registry.require(COMPANY_B).tenant_id, self.tenant_b, "B keeps its own")
		doc = frappe.get_doc(CONNECTION, COMPANY_B)
		doc.tenant_id = self.tenant_a  # nor through the form or the REST API: the app's own field
		doc.save(ignore_permissions=True)
		self.assertEqual(registry.require(COMPANY_B).tenant_id, self.tenant_b)

	def test_disconnect_one_company_keeps_the_other(self):
		connect_flow.disconnect(registry.require(COMPANY_B))
		frappe.db.commit()
		self.assertNotEqual(registry.require(COMPANY_B).connection_status, CONNECTED)
		self.assertFalse(self.sandbox.identity.has_connection(self.sandbox.client_id, self.tenant_b))
		granted = [t["tenantId"] for t in json.loads(fixtures.app_doc().granted_tenants or "[]")]
		self.assertEqual(granted, [self.tenant_a], "the app's consent keeps the first organisation only")
		self.assertEqual(registry.require(COMPANY).connection_status, CONNECTED)
		si = self.submit_and_sync()
		self.assertEqual(si.xero_sync_status, "Synced", "the first company still sends")
		with captured_jobs() as jobs:
			si_b = make_invoice_b()
			jobs.run()
		si_b.reload()
		self.assertNotEqual(si_b.xero_sync_status, "Synced")
		self.assertNotIn(si_b.name, self.numbers_in(self.tenant_b))

	def test_a_webhook_event_goes_to_the_connection_of_its_organisation(self):
		from xero_connector.tests.test_webhook import deliver, signature_for

		key = "multi-company-webhook-key"
		app = fixtures.app_doc()
		app.webhook_key = key
		app.save(ignore_permissions=True)
		frappe.db.commit()
		event = {
			"resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/0b0b",
			"resourceId": "0b0b0b0b-0000-0000-0000-000000000002",
			"eventDateUtc": "2026-01-01T00:00:00.000",
			"eventType": "UPDATE",
			"eventCategory": "INVOICE",
			"tenantId": self.tenant_b,
			"tenantType": "ORGANISATION",
		}
		body = json.dumps(
			{"events": [event], "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "MULTI"}
		).encode()
		with captured_jobs() as jobs:
			answer = deliver(body, signature_for(body, key))
		self.assertEqual(answer.status_code, 200)
		self.assertEqual(
			[(c["kwargs"].get("connection"), c["kwargs"].get("ids")) for c in jobs.calls],
			[(COMPANY_B, [event["resourceId"]])],
		)

	def test_every_row_written_has_its_company(self):
		from xero_connector.xero_connector import api

		si_a = self.submit_and_sync()
		with captured_jobs() as jobs:
			si_b = make_invoice_b()
			jobs.run()
		api.pull_payments_now(COMPANY_B)
		frappe.db.commit()
		for name, company in ((si_a.name, COMPANY), (si_b.name, COMPANY_B), (COMPANY_B, COMPANY_B)):
			rows = fixtures.sync_logs(name)
			self.assertTrue(rows, name)
			self.assertEqual({r.company for r in rows}, {company}, name)

	def test_a_user_limited_to_one_company_sees_and_does_nothing_of_the_other(self):
		from xero_connector.tests.fixtures import limit_to
		from xero_connector.xero_connector.features import customer_panel, readiness
		from xero_connector.xero_connector.jobs import resend_logs
		from xero_connector.xero_connector.report.xero_reconciliation import xero_reconciliation

		si_a = self.submit_and_sync()
		with captured_jobs() as jobs:
			si_b = make_invoice_b()
			jobs.run()
		row_a = fixtures.sync_logs(si_a.name)[-1].name
		row_b = fixtures.sync_logs(si_b.name)[-1].name
		manager = fixtures.make_user("xero-company-a@example.com", ["Xero Manager", "Accounts User"])
		limit_to(manager, COMPANY)
		frappe.db.commit()
		frappe.set_user(manager)
		try:
			listed = frappe.get_list("Xero Sync Log", filters={"name": ("in", [row_a, row_b])}, pluck="name")
			self.assertEqual(listed, [row_a])
			self.assertFalse(frappe.has_permission("Xero Sync Log", "read", row_b))
			with captured_jobs() as jobs:
				with self.assertRaises(frappe.PermissionError):
					resend_logs([row_a, row_b])
				self.assertEqual(jobs.calls, [], "nothing resent, not even the permitted row")
			with self.assertRaises(frappe.PermissionError):
				readiness.check(COMPANY_B, frappe.utils.today(), frappe.utils.today())
			with self.assertRaises(frappe.PermissionError):
				xero_reconciliation.execute({"company": COMPANY_B})
			panel = customer_panel.customer_invoices(CUSTOMER_B, company=COMPANY_B)
			self.assertEqual(panel["rows"], [])
			self.assertIn(COMPANY_B, panel["message"])
			self.assertEqual(
				frappe.get_list("Xero Contact Link", filters={"party": CUSTOMER_B}, pluck="company"), []
			)
			# their own company's work goes on
			with captured_jobs() as jobs:
				self.assertEqual(resend_logs([row_a]), {"queued": 1})
		finally:
			frappe.set_user("Administrator")
			frappe.db.delete("User Permission", {"user": manager})
			frappe.db.commit()

	def test_both_companies_at_once_through_real_workers(self):
		"""Twelve invoices of each company submitted together and worked by two real `bench
		worker` processes: each reaches its own organisation once, and neither organisation
		was answered 429 (each organisation's limits held by its own Redis counters)."""
		from xero_connector.tests.test_real_worker import run_workers

		names_a = [fixtures.make_invoice(items=[("XERO-WIDGET", 1, 10 + i)]).name for i in range(12)]
		names_b = [make_invoice_b(rate=20 + i).name for i in range(12)]
		self.sandbox.reset_stats()
		run_workers(count=2)
		for names, tenant, other in (
			(names_a, self.tenant_a, self.tenant_b),
			(names_b, self.tenant_b, self.tenant_a),
		):
			synced = frappe.get_all(
				"Sales Invoice", filters={"name": ("in", names)}, fields=["name", "xero_sync_status"]
			)
			self.assertEqual({r.xero_sync_status for r in synced}, {"Synced"}, synced)
			numbers = self.numbers_in(tenant)
			self.assertEqual(set(names) - numbers, set(), "each in its own organisation")
			self.assertEqual(set(names) & self.numbers_in(other), set(), "none in the other")
		stats = self.sandbox.stats
		self.assertGreaterEqual(stats["calls"].get(self.tenant_a, 0), 1)
		self.assertGreaterEqual(stats["calls"].get(self.tenant_b, 0), 1)
		self.assertEqual(stats["totals"]["rate_limited"], 0, stats["rate_limited"])

	def test_a_company_held_by_xeros_limit_gives_the_workers_to_the_other(self):
		"""Xero told the first organisation to wait ten minutes (a 429's Retry-After): its
		invoice's job puts the invoice back (Queued, rate limited) instead of holding the
		worker, the second company's invoice goes at once, and once the wait has passed the
		minute's retry sends the first."""
		from xero_connector.xero_connector import tasks
		from xero_connector.xero_connector.connection.client import rate_limiter

		limiter = rate_limiter(fixtures.app_doc())
		block = limiter._keys(self.tenant_a)["block"]
		limiter.backend.block(block, limiter.clock() + 600)
		try:
			with captured_jobs() as jobs:
				si_a = fixtures.make_invoice()
				si_b = make_invoice_b()
				jobs.run()
		finally:
			frappe.cache.delete(limiter.backend._key(block))  # Xero's wait is over
		si_a.reload()
		si_b.reload()
		self.assertEqual(si_b.xero_sync_status, "Synced", "the other company was not held up")
		self.assertEqual(si_a.xero_sync_status, "Queued")
		(row,) = fixtures.sync_logs(si_a.name)
		self.assertEqual((row.status, row.error_kind), ("Queued", "rate_limited"))
		self.assertNotIn(si_a.name, self.numbers_in(self.tenant_a))

		# only this test's row may come due (rows earlier tests put back wait a minute more)
		frappe.db.sql(
			"""update `tabXero Sync Log` set modified = %s where status = 'Queued'
			and error_kind = 'rate_limited' and name != %s""",
			(frappe.utils.now_datetime(), row.name),  # the site's time zone, not the database's
		)
		self.assertEqual(tasks.retry_rate_limited(), [], "not before the minute has passed")
		frappe.db.set_value(
			"Xero Sync Log",
			row.name,
			"modified",
			frappe.utils.add_to_date(None, minutes=-2),
			update_modified=False,
		)
		with captured_jobs() as jobs:
			self.assertEqual(tasks.retry_rate_limited(), [si_a.name])
			jobs.run()
		si_a.reload()
		self.assertEqual(si_a.xero_sync_status, "Synced")
		self.assertEqual(
			[r.status for r in fixtures.sync_logs(si_a.name)], ["Success"], "the same row completed"
		)

	def test_a_push_round_sends_only_its_own_companys_invoices(self):
		from xero_connector.xero_connector.jobs import push_round

		for company in (COMPANY, COMPANY_B):
			frappe.db.set_value(CONNECTION, company, "sync_trigger", "In Rounds")
		registry.clear()
		frappe.db.commit()
		try:
			with captured_jobs() as jobs:
				si_a = fixtures.make_invoice()
				si_b = make_invoice_b()
				self.assertEqual(jobs.calls, [], "both wait for their rounds")
			frappe.db.commit()
			push_round(COMPANY_B)
			self.assertEqual(frappe.db.get_value("Sales Invoice", si_b.name, "xero_sync_status"), "Synced")
			self.assertEqual(
				frappe.db.get_value("Sales Invoice", si_a.name, "xero_sync_status"),
				"Queued",
				"A's waits for A's round",
			)
			push_round(COMPANY)
			self.assertEqual(frappe.db.get_value("Sales Invoice", si_a.name, "xero_sync_status"), "Synced")
			self.assertIn(si_a.name, self.numbers_in(self.tenant_a))
			self.assertIn(si_b.name, self.numbers_in(self.tenant_b))
		finally:
			for company in (COMPANY, COMPANY_B):
				frappe.db.set_value(CONNECTION, company, "sync_trigger", "On Submit")
			registry.clear()
			frappe.db.commit()
