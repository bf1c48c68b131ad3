"""The sync path as production runs it: real ``bench worker`` processes (burst mode)
pick up what ``on_submit``, Xero's webhook and the scheduler queued in Redis after
the commit; a job queued twice for one invoice runs once; two workers at once
share Xero's per-minute limit through Redis."""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal

import frappe

from xero_connector.constants import SYNC_LOG
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, make_invoice, sync_logs
from xero_connector.tests.test_payment_entries import BANK, PaymentEntrySetup, entries_for
from xero_connector.tests.test_webhook import deliver
from xero_connector.xero.webhooks import signature_for

KEY = "real-worker-webhook-key-0123456789abcdef"


def start_worker() -> subprocess.Popen:
	"""``bench worker --burst``: a separate process that works the queues until they are
	empty, exactly as Frappe's workers do (the bench CLI runs the same module)."""
	return subprocess.Popen(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--burst"],
		cwd=frappe.utils.get_bench_path() + "/sites",
		stdout=subprocess.PIPE,
		stderr=subprocess.STDOUT,
		text=True,
	)


def run_workers(count: int = 1, timeout: float = 240) -> list[str]:
	"""Run ``count`` burst workers side by side until the queues are empty; their output."""
	frappe.db.commit()
	workers = [start_worker() for _ in range(count)]
	outputs = []
	for worker in workers:
		out, _ = worker.communicate(timeout=timeout)
		outputs.append(out)
		assert worker.returncode == 0, out[-3000:]
	frappe.db.rollback()  # a new transaction: see what the workers committed
	return outputs


class TestRealWorker(PaymentEntrySetup, XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		settings = fixtures.app_doc()
		settings.webhook_key = KEY
		settings.flags.ignore_permissions = True
		settings.save()
		frappe.db.commit()

	def test_submit_is_pushed_by_a_real_worker_after_the_commit(self):
		si = make_invoice()
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"), "Queued")
		run_workers()
		si.reload()
		self.assertEqual(si.xero_status, "AUTHORISED")
		self.assertEqual([r.status for r in sync_logs(si.name, operation="push")], ["Success"])

	def test_a_job_queued_twice_for_one_invoice_runs_once(self):
		from xero_connector.xero_connector.jobs import enqueue_sync

		si = make_invoice()
		enqueue_sync(si.name)  # Resend clicked while the submit's job still waits
		frappe.db.commit()
		run_workers()
		rows = sync_logs(si.name, operation="push")
		self.assertEqual([r.status for r in rows], ["Success"], rows)
		self.assertEqual(len(self.sandbox_invoices(si.name)), 1)

	def test_two_workers_at_once_send_each_invoice_once(self):
		names = [make_invoice().name for _ in range(12)]
		run_workers(count=2)
		for name in names:
			self.assertEqual(len(self.sandbox_invoices(name)), 1, name)
			self.assertEqual(frappe.db.get_value("Sales Invoice", name, "xero_status"), "AUTHORISED")

	def test_webhook_payment_becomes_a_payment_entry_within_seconds(self):
		si = make_invoice()
		run_workers()
		si.reload()
		payment_id = self.pay(si, si.grand_total)
		event = {
			"resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{si.xero_invoice_id}",
			"resourceId": si.xero_invoice_id,
			"eventDateUtc": "2026-01-01T00:00:00.000",
			"eventType": "UPDATE",
			"eventCategory": "INVOICE",
			"tenantId": self.sandbox.tenant_id,
			"tenantType": "ORGANISATION",
		}
		body = frappe.as_json(
			{"events": [event], "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "QWERTY"}
		).encode()
		frappe.set_user("Guest")  # Xero's delivery is a guest request; its job runs as Guest
		try:
			answer = deliver(body, signature_for(body, KEY))
			self.assertEqual(answer.status_code, 200)
			frappe.db.commit()
		finally:
			frappe.set_user("Administrator")
		started = time.monotonic()
		run_workers()
		self.assertLess(time.monotonic() - started, 60)
		self.assertEqual(len(entries_for(payment_id)), 1, "no Payment Entry from the webhook's pull")
		failed = frappe.get_all(
			SYNC_LOG,
			filters={"operation": "pull", "status": "Failed", "creation": (">", si.creation)},
			pluck="cause",
		)
		self.assertEqual(failed, [])

	def test_the_scheduler_runs_the_payment_pull_as_a_scheduled_job(self):
		si = make_invoice()
		run_workers()
		si.reload()
		self.pay(si, Decimal("50"))
		fixtures.set_values("last_payment_pull", None)
		job_type = frappe.get_doc(
			"Scheduled Job Type", {"method": "xero_connector.xero_connector.tasks.pull_payments_if_due"}
		)
		job_type.enqueue(force=True)  # what the scheduler does when the cron is due
		run_workers()  # runs the scheduled job, which queues the pull, which it runs too
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_amount_paid"), 50)

	def sandbox_invoices(self, number: str) -> list[dict]:
		org = self.sandbox.organisation(self.sandbox.tenant_id)
		return [i for i in org.invoices.values() if i.get("InvoiceNumber") == number]


__all__ = ["BANK"]


def _number_without_the_unique_rule(ctx, kind, doc, element, errors):
	"""The sandbox's document number check with Xero's "must be unique" rule left out: only
	the connector's own per-document lock then stands between two workers and a duplicate."""
	number = element.get(kind.number_key)
	if number not in (None, ""):
		doc[kind.number_key] = str(number).strip()


class TestFourWorkers(XeroTestCase):
	def test_four_workers_on_the_same_invoices_send_each_once_within_the_minute_limit(self):
		"""Two backfill runs over the same month and a Resend of each invoice, worked by four
		workers at once, with Xero's unique-number rule off: each invoice reaches Xero once,
		and the four workers together stay within Xero's per-minute limit (Redis limiter)."""
		from unittest.mock import patch

		from xero_connector.sandbox import documents
		from xero_connector.tests.test_backfill import BackfillTestCase
		from xero_connector.xero_connector.jobs import enqueue_sync
		from xero_connector.xero_connector.sync import backfill_control

		class Month(BackfillTestCase):
			prefix = "XB4W-"
			month = 5

		month = Month()
		names = month.make_invoices(40)
		runs = [month.new_backfill(), month.new_backfill()]
		for run in runs:
			backfill_control.start(run)
		for name in names:
			enqueue_sync(name)  # bulk Resend from the list while the runs wait
		self.sandbox.reset_stats()
		# each write takes a moment in Xero, so the workers' attempts on one invoice overlap
		self.sandbox.faults.add("slow", delay=0.2, count=None, method="PUT", path="/Invoices")
		try:
			with patch.object(documents, "_number", _number_without_the_unique_rule):
				run_workers(count=4)
		finally:
			self.sandbox.faults.clear()

		copies = month.xero_numbers(names)
		self.assertEqual(
			{name: n for name, n in copies.items() if n != 1}, {}, "an invoice reached Xero twice"
		)
		self.assertEqual(set(copies), set(names), "every invoice reached Xero")
		stats = self.sandbox.stats
		self.assertGreater(stats["totals"]["calls"], 40)
		self.assertEqual(stats["totals"]["rate_limited"], 0, "the workers went over Xero's minute limit")
		for run in runs:
			self.assertEqual(frappe.db.get_value(backfill_control.BACKFILL, run, "status"), "Completed", run)
