"""Submitting, amending, cancelling and returning real Sales Invoices against the
in-process Xero sandbox; the payment pull; resend from the log; Xero down and a
revoked connection."""

from decimal import Decimal

import frappe
from frappe.utils import flt

from xero_connector.constants import SYNC_LOG
from xero_connector.exceptions import XeroHasPayments
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	CUSTOMER,
	ITEM,
	XeroTestCase,
	captured_jobs,
	connect,
	inject,
	make_invoice,
	owed,
	sync_logs,
	xero_client,
)


class TestSubmitPushesToXero(XeroTestCase):
	def test_submit_queues_after_commit_and_the_job_creates_the_xero_invoice(self):
		with captured_jobs() as jobs:
			si = make_invoice(items=[(ITEM, 3, 120.5)])
			self.assertEqual(jobs.job_ids(), [f"xero-push::{si.name}"])
			self.assertTrue(jobs.calls[0]["after_commit"], "the push must wait for the submit to commit")
			queued = sync_logs(si.name)
			self.assertEqual([(r.operation, r.status) for r in queued], [("push", "Queued")])
			self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"), "Queued")
			jobs.run()

		si.reload()
		self.assertTrue(si.xero_invoice_id)
		self.assertEqual(si.xero_status, "AUTHORISED")
		self.assertEqual(si.xero_document_type, "Invoice")
		self.assertEqual(si.xero_sync_status, "Synced")
		self.assertEqual(flt(si.xero_amount_due), owed(si))
		self.assertIn(si.xero_invoice_id, si.xero_link)
		self.assertTrue(si.xero_last_synced)

		xero = xero_client().get_invoice(si.xero_invoice_id)
		self.assertEqual(xero["InvoiceNumber"], si.name)
		self.assertEqual(Decimal(str(xero["Total"])), Decimal(str(owed(si))).quantize(Decimal("0.01")))
		self.assertEqual(xero["Contact"]["ContactID"], fixtures.contact_id(CUSTOMER))

		rows = sync_logs(si.name, operation=("in", ["push", "update"]))
		self.assertEqual([r.status for r in rows], ["Success"], "the Queued row is completed, not duplicated")
		self.assertEqual(rows[0].xero_id, si.xero_invoice_id)
		self.assertTrue(rows[0].idempotency_key)
		self.assertTrue(rows[0].request)

	def test_second_submit_of_the_same_name_is_deduplicated(self):
		with captured_jobs() as jobs:
			si = make_invoice()
			from xero_connector.xero_connector.jobs import enqueue_sync

			enqueue_sync(si.name)  # a resend while the first job still waits
			self.assertEqual(jobs.job_ids(), [f"xero-push::{si.name}"])
			self.assertEqual(len(sync_logs(si.name, status="Queued")), 1)
			jobs.run()

	def test_manual_trigger_does_not_send_on_submit(self):
		fixtures.set_values("sync_trigger", "Manual")
		try:
			with captured_jobs() as jobs:
				si = make_invoice()
			self.assertEqual(jobs.calls, [])
			self.assertEqual(sync_logs(si.name), [])
		finally:
			fixtures.set_values("sync_trigger", "On Submit")

	def test_send_to_xero_button_pushes_a_manual_invoice(self):
		from xero_connector.xero_connector.api import send_to_xero

		fixtures.set_values("sync_trigger", "Manual")
		try:
			with captured_jobs() as jobs:
				si = make_invoice()
				send_to_xero(si.name)
				jobs.run()
		finally:
			fixtures.set_values("sync_trigger", "On Submit")
		si.reload()
		self.assertEqual(si.xero_status, "AUTHORISED")


class TestCancelAmendReturn(XeroTestCase):
	def test_cancel_voids_and_the_amendment_is_a_new_xero_invoice(self):
		si = self.submit_and_sync()
		original_id = si.xero_invoice_id
		with captured_jobs() as jobs:
			si.cancel()
			self.assertEqual(jobs.job_ids(), [f"xero-void::{si.name}"])
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_status, "VOIDED")
		self.assertEqual(xero_client().get_invoice(original_id)["Status"], "VOIDED")

		amended = frappe.copy_doc(si)  # like the desk's Amend, this copies no_copy fields too
		amended.amended_from = si.name
		amended.docstatus = 0
		with captured_jobs() as jobs:
			amended.insert()
			self.assertFalse(amended.xero_invoice_id or amended.xero_sync_state or amended.xero_status)
			amended.submit()
			jobs.run()
		amended.reload()
		self.assertEqual(amended.name, f"{si.name}-1")
		self.assertTrue(amended.xero_invoice_id)
		self.assertNotEqual(amended.xero_invoice_id, original_id)
		xero = xero_client().get_invoice(amended.xero_invoice_id)
		self.assertEqual((xero["InvoiceNumber"], xero["Status"]), (amended.name, "AUTHORISED"))

	def test_return_becomes_a_credit_note_allocated_to_the_original(self):

		si = self.submit_and_sync(items=[(ITEM, 4, 50)])
		with captured_jobs() as jobs:
			ret = fixtures.make_return(si.name)
			jobs.run()
		ret.reload()
		self.assertEqual(ret.xero_document_type, "Credit Note")
		self.assertTrue(ret.xero_invoice_id)
		self.assertTrue(ret.xero_link.endswith("/#" + ret.xero_invoice_id), ret.xero_link)
		note = xero_client().get_credit_note(ret.xero_invoice_id)
		self.assertEqual(Decimal(str(note["Total"])), Decimal(str(owed(ret))).quantize(Decimal("0.01")))
		allocations = sync_logs(ret.name, operation="allocate")
		self.assertEqual([a.status for a in allocations], ["Success"])
		invoice = xero_client().get_invoice(si.xero_invoice_id)
		self.assertEqual(
			Decimal(str(invoice["AmountDue"])),
			(Decimal(str(owed(si))) - Decimal(str(owed(ret)))).quantize(Decimal("0.01")),
		)

	def test_update_after_submit_sends_the_new_reference(self):
		si = self.submit_and_sync()
		with captured_jobs() as jobs:
			si.po_no = "PO-4471"
			si.save()
			self.assertEqual(jobs.job_ids(), [f"xero-update::{si.name}"])
			jobs.run()
		self.assertEqual(xero_client().get_invoice(si.xero_invoice_id)["Reference"], "PO-4471")
		self.assertEqual(sync_logs(si.name, operation="update")[-1].status, "Success")


class TestPaymentPull(XeroTestCase):
	def pay(self, si, amount):
		client = xero_client()
		bank = next(a for a in client.accounts() if a.get("Type") == "BANK")
		results = client.create_payments(
			[
				{
					"Invoice": {"InvoiceID": si.xero_invoice_id},
					"Account": {"Code": bank["Code"]},
					"Amount": Decimal(str(amount)),
					"Date": frappe.utils.today(),
				}
			],
			idempotency_key=f"test-pay-{si.name}-{amount}",
		)
		self.assertTrue(results[0].ok, results[0].messages)

	def run_scheduled_pull(self):
		from xero_connector.xero_connector.tasks import pull_payments_if_due

		fixtures.set_values("last_payment_pull", None)
		with captured_jobs() as jobs:
			self.assertTrue(pull_payments_if_due())
			self.assertEqual(len(jobs.calls), 1)
			jobs.run()

	def test_scheduler_pull_brings_part_and_full_payment_back(self):
		si = self.submit_and_sync(items=[(ITEM, 1, 200)])
		self.pay(si, 50)
		self.run_scheduled_pull()
		si.reload()
		self.assertEqual(flt(si.xero_amount_paid), 50)
		self.assertEqual(flt(si.xero_amount_due), owed(si) - 50)
		self.assertEqual(si.xero_status, "AUTHORISED")

		self.pay(si, owed(si) - 50)
		self.run_scheduled_pull()
		si.reload()
		self.assertEqual(si.xero_status, "PAID")
		self.assertEqual(flt(si.xero_amount_due), 0)
		self.assertTrue(si.xero_fully_paid_on)

	def test_pull_is_not_due_before_the_interval(self):
		from xero_connector.xero_connector.tasks import pull_payments_if_due

		fixtures.set_values("last_payment_pull", frappe.utils.now_datetime())
		with captured_jobs() as jobs:
			self.assertFalse(pull_payments_if_due())
		self.assertEqual(jobs.calls, [])

	def test_cancel_is_refused_when_xero_shows_a_payment(self):
		si = self.submit_and_sync(items=[(ITEM, 1, 80)])
		self.pay(si, 10)
		self.run_scheduled_pull()
		si.reload()
		with captured_jobs() as jobs:
			with self.assertRaises(XeroHasPayments) as caught:
				si.cancel()
		self.assertIn("remove them in Xero first", str(caught.exception))
		self.assertEqual(jobs.calls, [])
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "docstatus"), 1)


class TestResend(XeroTestCase):
	def test_resend_from_the_form_and_in_bulk_after_fixing_the_cause(self):
		from xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log import resend

		fixtures.set_values("default_account_code", None)
		try:
			with captured_jobs() as jobs:
				first = make_invoice(items=[("XERO-UNMAPPED", 1, 10)])
				second = make_invoice(items=[("XERO-UNMAPPED", 1, 20)])
			self.assertEqual(jobs.calls, [], "pre-flight problems: nothing queued")
		finally:
			fixtures.set_values("default_account_code", "200")
		failed = sync_logs(first.name, status="Failed")
		self.assertEqual(len(failed), 1)

		with captured_jobs() as jobs:
			log = frappe.get_doc(SYNC_LOG, failed[0].name)
			self.assertEqual(log.resend(), {"queued": 1})
			jobs.run()
		first.reload()
		self.assertEqual(first.xero_status, "AUTHORISED")
		attempts = sync_logs(first.name, operation="push")
		self.assertEqual([r.status for r in attempts], ["Failed", "Success"])
		self.assertEqual(attempts[-1].attempt, 2)

		with captured_jobs() as jobs:
			names = [r.name for r in sync_logs(second.name, status="Failed")]
			self.assertEqual(resend(frappe.as_json(names)), {"queued": 1})
			jobs.run()
		second.reload()
		self.assertEqual(second.xero_status, "AUTHORISED")


class TestXeroDown(XeroTestCase):
	def test_submit_succeeds_while_xero_is_down_and_the_sweep_sends_later(self):
		from xero_connector.xero_connector.tasks import requeue_stuck

		inject(self.sandbox, 503, count=50)
		try:
			with captured_jobs() as jobs:
				si = make_invoice()
				self.assertEqual(si.docstatus, 1, "submitting never waits for Xero")
				jobs.run()
		finally:
			self.sandbox.faults.clear()
		si.reload()
		self.assertFalse(si.xero_invoice_id)
		row = sync_logs(si.name, operation="push")[-1]
		self.assertEqual(row.status, "Queued")
		self.assertEqual(row.error_kind, "transient")
		self.assertTrue(row.cause)

		frappe.db.set_value(
			SYNC_LOG, row.name, "modified", frappe.utils.add_to_date(None, hours=-2), update_modified=False
		)
		with captured_jobs() as jobs:
			self.assertIn(row.name, requeue_stuck())
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_status, "AUTHORISED")
		self.assertEqual(frappe.db.get_value(SYNC_LOG, row.name, "status"), "Success")


class TestTokenRevoked(XeroTestCase):
	def test_revoked_connection_fails_clearly_and_emails_managers_once(self):
		from xero_connector.xero_connector.connection.client import oauth_client
		from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore
		from xero_connector.xero_connector.tasks import check_connection

		tokens = FrappeTokenStore(fixtures.app()).load()
		oauth_client(fixtures.app()).revoke(tokens.refresh_token)
		self.sandbox.expire_tokens()
		notices = {"for_user": "Administrator", "subject": "Xero needs to be connected again"}
		before = frappe.db.count("Notification Log", notices)

		with captured_jobs() as jobs:
			si = make_invoice()
			jobs.run()
		si.reload()
		self.assertFalse(si.xero_invoice_id)
		settings = fixtures.connection_doc()
		self.assertEqual(settings.connection_status, "Needs Reauthorisation")
		self.assertEqual(fixtures.app_doc().connection_status, "Needs Reauthorisation")
		self.assertIn("re-authorised", fixtures.app_doc().reauth_message)
		row = sync_logs(si.name, operation="push")[-1]
		# it waits for the connection (not a permanent failure, not an "unexpected error")
		self.assertEqual((row.status, row.error_kind), ("Queued", "needs_reauthorisation"))
		self.assertNotIn("Unexpected error", row.cause)
		self.assertIn("connect", (row.cause + row.resolution).lower())

		expected = {fixtures.app().name: "Needs Reauthorisation"}
		self.assertEqual(check_connection(), expected)
		self.assertEqual(check_connection(), expected)
		self.assertEqual(
			frappe.db.count("Notification Log", notices) - before, 1, "one notice, not one per check"
		)

		# the administrator connects again: what waited is sent at once
		with captured_jobs() as jobs:
			connect(self.sandbox)
			self.assertIn(si.name, [c["kwargs"].get("name") for c in jobs.calls])
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_status, "AUTHORISED")


class TestItemCode(XeroTestCase):
	def test_a_line_carries_itemcode_only_when_the_item_is_in_xero(self):
		from xero_connector.xero_connector import api
		from xero_connector.xero_connector.connection.reference import stored_items, xero_reference

		organisation = self.sandbox.organisation()
		item_id = "7c6a5c9d-0000-4000-8000-00000000b1d9"
		with self.sandbox.organisation_lock(self.sandbox.tenant_id):
			seeded = next(iter(organisation.items.values()))  # one of the demo company's items
			organisation.items[item_id] = {**seeded, "ItemID": item_id, "Code": ITEM, "Name": "Xero Widget"}
		try:
			counts = api.fetch_reference(fixtures.COMPANY)  # the Fetch from Xero button
			frappe.db.commit()
			self.assertEqual(counts["items"], len(organisation.items))
			self.assertIn(
				{"Code": ITEM, "Name": "Xero Widget", "ItemID": item_id},
				stored_items(fixtures.COMPANY),
				"kept in the site",
			)
			self.assertIn(
				ITEM, xero_reference(fixtures.connection_doc()).item_codes(), "handed to the engine"
			)

			known = self.submit_and_sync(items=[(ITEM, 2, 40)])
			unknown = self.submit_and_sync(items=[("XERO-UNMAPPED", 1, 10)])
			self.assertEqual(known.xero_sync_status, "Synced")
			self.assertEqual(unknown.xero_sync_status, "Synced")
			lines = xero_client().get_invoice(known.xero_invoice_id)["LineItems"]
			self.assertEqual([line.get("ItemCode") for line in lines], [ITEM])
			lines = xero_client().get_invoice(unknown.xero_invoice_id)["LineItems"]
			self.assertTrue(lines)
			self.assertEqual(
				[line.get("ItemCode") for line in lines if line.get("ItemCode")], [], "not in Xero"
			)
		finally:
			with self.sandbox.organisation_lock(self.sandbox.tenant_id):
				organisation.items.pop(item_id, None)
			api.fetch_reference(fixtures.COMPANY)
			frappe.db.commit()
		self.assertNotIn(
			ITEM, xero_reference(fixtures.connection_doc()).item_codes(), "a new fetch forgets it"
		)


class TestQueueDown(XeroTestCase):
	def test_submit_succeeds_while_redis_is_down_and_the_sweep_sends_it_later(self):
		from unittest.mock import patch

		from redis.exceptions import ConnectionError as RedisDown

		from xero_connector.xero_connector.tasks import requeue_stuck

		def redis_down(*args, **kwargs):
			raise RedisDown("Error 111 connecting to 127.0.0.1:11000. Connection refused.")

		frappe.clear_messages()
		with patch.object(frappe, "enqueue", redis_down):
			si = make_invoice()
		frappe.db.commit()
		self.assertEqual(si.docstatus, 1, "the submit succeeded")
		self.assertIn("sent to Xero automatically", frappe.as_json(frappe.message_log))
		row = sync_logs(si.name, operation="push")[-1]
		self.assertEqual(row.status, "Queued")
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"), "Queued")

		frappe.db.set_value(
			SYNC_LOG, row.name, "modified", frappe.utils.add_to_date(None, hours=-2), update_modified=False
		)
		with captured_jobs() as jobs:  # the queue is back: the sweep finds it
			self.assertIn(row.name, requeue_stuck())
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_status, "AUTHORISED")

	def test_the_sweep_closes_a_pull_whose_connection_was_deleted_and_goes_on(self):
		"""A payment pull queued for a company whose Xero Connection was deleted since: the sweep
		closes its row (there is nothing to pull) instead of failing on it, and the rows after
		it are still sent."""
		from xero_connector.xero_connector.sync import ledger
		from xero_connector.xero_connector.tasks import requeue_stuck

		orphan = ledger.queue("Xero Gone Ltd", "pull", "Xero Connection", company=fixtures.COMPANY)
		with captured_jobs():
			si = make_invoice()
		row = sync_logs(si.name, operation="push")[-1]
		old = frappe.utils.add_to_date(None, hours=-2)
		for name in (orphan, row.name):
			frappe.db.set_value(SYNC_LOG, name, "modified", old, update_modified=False)
		frappe.db.commit()
		with captured_jobs() as jobs:
			requeued = requeue_stuck()
			jobs.run()
		self.assertNotIn(orphan, requeued)
		self.assertIn(row.name, requeued)
		closed = frappe.db.get_value(SYNC_LOG, orphan, ["status", "cause"], as_dict=True)
		self.assertEqual(closed.status, "Skipped")
		self.assertIn("no longer exists", closed.cause)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_status"), "AUTHORISED")
