"""Bulk backfill (Xero Backfill + backfill.py) against the in-process Xero sandbox:
2,000 invoices sent exactly once with the progress advancing and a worker killed
half-way, pause and resume, what is skipped or fails, and who may start a run."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import add_days, add_to_date, getdate, today

from xero_connector.engine.xero_adapter import ClientPort
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	COMPANY,
	ITEM,
	XeroTestCase,
	captured_jobs,
	make_invoice,
	make_user,
	map_account,
	xero_client,
)
from xero_connector.xero_connector.sync import backfill, backfill_control
from xero_connector.xero_connector.sync.backfill_control import BACKFILL, BackfillStateError


def past_date(month: int, day: int = 15) -> str:
	"""A day of last year: no other test posts invoices there."""
	return f"{getdate(today()).year - 1}-{month:02d}-{day:02d}"


def clear_month(month: int) -> None:
	"""Forget the invoices earlier runs of a test left on its month of last year (the sandbox,
	and so Xero's copy, is new for every test class)."""
	names = frappe.get_all(
		"Sales Invoice",
		filters={
			"company": COMPANY,
			"posting_date": ("between", [past_date(month, 1), past_date(month, 28)]),
		},
		pluck="name",
	)
	for start in range(0, len(names), 500):
		part = names[start : start + 500]
		# every child table of the version running (v16 added Item Wise Tax Detail)
		for df in frappe.get_meta("Sales Invoice").get_table_fields():
			frappe.db.delete(df.options, {"parent": ("in", part), "parenttype": "Sales Invoice"})
		frappe.db.delete("Sales Invoice", {"name": ("in", part)})


def clone_invoice(template: str, count: int, prefix: str) -> list[str]:
	"""``count`` copies of a submitted Sales Invoice made in SQL (a real submit costs about
	half a second; 2,000 would take too long): same lines, taxes and totals, new names
	``{prefix}00001``…, never synced."""
	names = [f"{prefix}{i:05d}" for i in range(1, count + 1)]
	meta = frappe.get_meta("Sales Invoice")
	tables = [("Sales Invoice", None)] + [(df.options, df.fieldname) for df in meta.get_table_fields()]
	for doctype, parentfield in tables:
		columns = frappe.db.get_table_columns(doctype)
		if parentfield is None:
			source = frappe.db.sql("select * from `tabSales Invoice` where name=%s", template, as_dict=True)
		else:
			source = frappe.db.sql(
				f"select * from `tab{doctype}` where parent=%s and parenttype='Sales Invoice'",
				template,
				as_dict=True,
			)
		if not source:
			continue
		rows = []
		for new in names:
			for position, row in enumerate(source):
				values = dict(row)
				if parentfield is None:
					values["name"] = new
				else:
					values["name"] = f"{new}-{parentfield}-{position}"
					values["parent"] = new
				rows.append(tuple(values[c] for c in columns))
		placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
		column_list = ", ".join(f"`{c}`" for c in columns)
		for start in range(0, len(rows), 500):
			part = rows[start : start + 500]
			frappe.db.sql(
				f"insert into `tab{doctype}` ({column_list}) values " + ", ".join([placeholders] * len(part)),
				[v for row in part for v in row],
			)
	return names


class Realtime:
	"""Stands in for frappe.publish_realtime: keeps the backfill progress events."""

	def __init__(self):
		self.events: list[dict] = []

	def __call__(self, event=None, message=None, *args, **kwargs):
		if event == backfill_control.PROGRESS_EVENT:
			self.events.append(dict(message))

	def percents(self, name: str) -> list[float]:
		return [e["percent"] for e in self.events if e["name"] == name]


@contextmanager
def captured_progress():
	realtime = Realtime()
	with patch.object(frappe, "publish_realtime", realtime):
		yield realtime


class BackfillTestCase(XeroTestCase):
	prefix = "XBT-"
	month = 1

	def make_invoices(self, count: int) -> list[str]:
		"""``count`` unsynced submitted invoices of the test company on one day of last year."""
		clear_month(self.month)
		with captured_jobs():  # On Submit would queue a push: left unrun, the invoice stays unsynced
			template = make_invoice(
				items=[(ITEM, 1, 40)],
				posting_date=past_date(self.month),
				due_date=add_days(past_date(self.month), 30),
			)
		names = [template.name]
		if count > 1:
			names += clone_invoice(template.name, count - 1, self.prefix)
		frappe.db.commit()
		return names

	def new_backfill(self, **values) -> str:
		doc = frappe.get_doc(
			{
				"doctype": BACKFILL,
				"company": COMPANY,
				"from_date": past_date(self.month, 1),
				"to_date": past_date(self.month, 28),
				**values,
			}
		).insert()
		frappe.db.commit()
		return doc.name

	def xero_numbers(self, names: list[str]) -> Counter:
		"""How many times each of ``names`` is an InvoiceNumber in Xero (read back 1,000 a page)."""
		wanted = set(names)
		return Counter(
			inv["InvoiceNumber"]
			for inv in xero_client().list_invoices(page_size=1000)
			if inv.get("InvoiceNumber") in wanted and inv.get("Status") != "DELETED"
		)

	def state(self, name: str):
		return frappe.get_doc(BACKFILL, name)


class TestBackfillTwoThousand(BackfillTestCase):
	prefix = "XBT2K-"
	month = 3

	def test_2000_invoices_exactly_once_with_progress_and_a_worker_killed_half_way(self):
		names = self.make_invoices(2000)
		run = self.new_backfill()

		real_create = ClientPort.create_invoices
		writes = []

		def dies_on_the_20th_write(port, invoices, idempotency_key):
			elements = real_create(port, invoices, idempotency_key)
			writes.append(len(invoices))
			if len(writes) == 20:
				raise SystemExit("worker killed after Xero stored the batch")
			return elements

		with captured_progress() as realtime, captured_jobs() as jobs:
			self.assertEqual(backfill_control.start(run)["status"], "Queued")
			self.assertEqual(len(jobs.calls), 1)
			call = jobs.calls[0]
			self.assertTrue(call["job_id"].startswith(f"xero-backfill::{frappe.local.site}::{run}::"))
			self.assertTrue(call["after_commit"])
			self.assertEqual(self.state(run).total, 2000)
			with patch.object(ClientPort, "create_invoices", dies_on_the_20th_write):
				with self.assertRaises(SystemExit):
					jobs.run()
			frappe.db.rollback()  # the dead worker's open transaction is gone with it

			half = self.state(run)
			self.assertEqual(half.status, "Running")
			self.assertEqual(half.processed, 19 * 50)
			self.assertEqual(half.batches, 19)
			self.assertEqual(half.last_position, sorted(names)[19 * 50 - 1])
			in_flight = frappe.parse_json(half.in_flight)
			self.assertEqual(in_flight, sorted(names)[950:1000])
			self.assertEqual(writes, [50] * 20, "batches of 50, one write request each")
			self.assertEqual(
				frappe.db.count(
					"Sales Invoice", {"name": ("in", in_flight), "xero_invoice_id": ("is", "set")}
				),
				0,
				"the worker died before recording the 20th batch",
			)
			self.assertEqual(sum(self.xero_numbers(in_flight).values()), 50, "but Xero has it")

			running = realtime.percents(run)
			self.assertEqual(running[-1], 47.5)
			self.assertEqual(running, sorted(running), "the progress only moves forward")

			# a fresh heartbeat: the sweep leaves the run alone
			self.assertEqual(backfill.resume_stalled(), [])
			frappe.db.set_value(BACKFILL, run, "heartbeat", add_to_date(None, minutes=-20))
			frappe.db.commit()
			self.assertEqual(backfill.resume_stalled(), [run])
			self.assertEqual(len(jobs.calls), 1)
			self.assertNotEqual(jobs.calls[0]["job_id"], call["job_id"], "a new run token")
			jobs.run()

		done = self.state(run)
		self.assertEqual(done.status, "Completed")
		self.assertEqual((done.processed, done.synced, done.failed, done.skipped), (2000, 2000, 0, 0))
		self.assertEqual(done.batches, 40)
		self.assertFalse(done.in_flight)
		self.assertEqual(realtime.percents(run)[-1], 100.0)
		self.assertEqual(realtime.events[-1]["status"], "Completed")
		self.assertEqual(realtime.percents(run), sorted(realtime.percents(run)))
		self.assertGreaterEqual(len(set(realtime.percents(run))), 40)

		in_xero = self.xero_numbers(names)
		self.assertEqual(len(in_xero), 2000, "every invoice is in Xero")
		self.assertEqual(max(in_xero.values()), 1, "and none twice")
		ids = frappe.get_all(
			"Sales Invoice", filters={"name": ("in", names)}, pluck="xero_invoice_id", limit=0
		)
		self.assertEqual(len(set(ids)), 2000)
		self.assertNotIn(None, ids)


class TestBackfillPauseResume(BackfillTestCase):
	prefix = "XBTPR-"
	month = 5

	def test_pause_stops_after_the_batch_and_resume_continues_from_the_position(self):
		names = self.make_invoices(120)
		run = self.new_backfill()
		from xero_connector.engine.sync import SyncEngine

		real_push = SyncEngine.push
		calls = []

		def pause_during_the_first_batch(engine, names):
			if not calls:
				backfill_control.pause(run)  # the user clicks Pause while the batch is being sent
			calls.append(len(names))
			return real_push(engine, names)

		with captured_jobs() as jobs:
			backfill_control.start(run)
			with patch.object(SyncEngine, "push", pause_during_the_first_batch):
				jobs.run()
		self.assertEqual(calls, [50])
		paused = self.state(run)
		self.assertEqual(paused.status, "Paused")
		self.assertEqual((paused.processed, paused.synced), (50, 50), "the batch under way is finished")
		self.assertEqual(len(self.xero_numbers(names)), 50)
		with self.assertRaises(BackfillStateError):
			backfill_control.start(run)

		with captured_jobs() as jobs:
			backfill_control.resume(run)
			jobs.run()
		done = self.state(run)
		self.assertEqual(done.status, "Completed")
		self.assertEqual((done.processed, done.synced, done.failed), (120, 120, 0))
		in_xero = self.xero_numbers(names)
		self.assertEqual((len(in_xero), max(in_xero.values())), (120, 1))
		with self.assertRaises(BackfillStateError):
			backfill_control.resume(run)

	def test_a_paused_queued_run_does_nothing_when_its_job_starts(self):
		self.make_invoices(3)
		run = self.new_backfill()
		with captured_jobs() as jobs:
			backfill_control.start(run)
			backfill_control.pause(run)
			jobs.run()
		self.assertEqual(self.state(run).status, "Paused")
		self.assertEqual(self.state(run).processed, 0)


class TestBackfillSelection(BackfillTestCase):
	prefix = "XBTSEL-"
	month = 7

	def test_already_synced_invoices_are_left_out_and_failures_are_counted(self):
		names = self.make_invoices(3)
		synced = self.submit_and_sync(
			posting_date=past_date(self.month, 3), due_date=past_date(self.month, 30)
		)
		self.assertTrue(synced.xero_invoice_id)
		self.assertEqual(self.xero_numbers([synced.name])[synced.name], 1)
		# only XERO-WIDGET is mapped: an invoice of XERO-UNMAPPED fails pre-flight in the run
		mapping = map_account("Item", ITEM, "200")
		fixtures.set_values("default_account_code", None)
		try:
			with captured_jobs():
				bad = make_invoice(
					items=[("XERO-UNMAPPED", 1, 10)],
					posting_date=past_date(self.month, 20),
					due_date=past_date(self.month, 30),
				)
			run = self.new_backfill(include_returns=1)
			with captured_jobs() as jobs:
				backfill_control.start(run)
				self.assertEqual(self.state(run).total, 4, "the synced invoice is not counted")
				jobs.run()
		finally:
			fixtures.set_values("default_account_code", "200")
			frappe.delete_doc("Xero Account Mapping", mapping.name, force=True)
			frappe.db.commit()
		done = self.state(run)
		self.assertEqual(done.status, "Completed")
		self.assertEqual((done.processed, done.synced, done.failed, done.skipped), (4, 3, 1, 0))
		self.assertFalse(frappe.db.get_value("Sales Invoice", bad.name, "xero_invoice_id"))
		self.assertEqual(self.xero_numbers([synced.name])[synced.name], 1, "not sent a second time")
		self.assertEqual(sorted(self.xero_numbers(names)), sorted(names))

	def test_only_managers_start_pause_or_resume(self):
		run = self.new_backfill()
		user = make_user("backfill-clerk@example.com", ["Accounts User"])
		frappe.set_user(user)
		try:
			for action in (backfill_control.start, backfill_control.pause, backfill_control.resume):
				with self.assertRaises(frappe.PermissionError):
					action(run)
		finally:
			frappe.set_user("Administrator")
		manager = make_user("backfill-manager@example.com", ["Xero Manager"])
		frappe.set_user(manager)
		try:
			with captured_jobs() as jobs:
				self.assertEqual(backfill_control.start(run)["status"], "Queued")
				backfill_control.pause(run)
			self.assertEqual(len(jobs.calls), 1)
		finally:
			frappe.set_user("Administrator")

	def test_filters_cannot_change_while_a_run_is_under_way(self):
		run = self.new_backfill()
		with captured_jobs():
			backfill_control.start(run)
			doc = self.state(run)
			doc.to_date = past_date(self.month, 20)
			with self.assertRaises(frappe.ValidationError):
				doc.save()
			backfill_control.pause(run)


def clear_day_limit(sandbox, tenant_id: str) -> None:
	"""Xero's day rolls over: the sandbox forgets the day's calls and the site's limiter
	(in Redis) its day block."""
	from xero_connector.xero_connector.connection.client import rate_limiter

	state = sandbox.limiter._tenant(tenant_id)
	state.day.calls.clear()
	limiter = rate_limiter(fixtures.app())
	frappe.cache.delete(limiter.backend._key(limiter._keys(tenant_id)["day_block"]))


class TestBackfillDayLimit(BackfillTestCase):
	prefix = "XBTDAY-"
	month = 9

	def test_the_day_limit_pauses_the_run_and_the_sweep_resumes_it_after_the_reset(self):
		names = self.make_invoices(120)
		run = self.new_backfill()
		tenant_id = fixtures.stored("tenant_id")
		real_create = ClientPort.create_invoices
		writes = []

		def day_used_up_before_the_2nd_write(port, invoices, idempotency_key):
			writes.append(len(invoices))
			if len(writes) == 2:
				self.sandbox.limiter.exhaust(tenant_id, "day")
			return real_create(port, invoices, idempotency_key)

		try:
			with captured_progress() as realtime, captured_jobs() as jobs:
				backfill_control.start(run)
				with patch.object(ClientPort, "create_invoices", day_used_up_before_the_2nd_write):
					jobs.run()

				paused = self.state(run)
				self.assertEqual(paused.status, "Paused")
				self.assertTrue(paused.resume_at)
				resume_at = frappe.utils.get_datetime(paused.resume_at)
				self.assertGreater(resume_at, frappe.utils.now_datetime(), "Xero's day has not rolled over")
				self.assertEqual(
					paused.status_message,
					"Xero's daily API limit for this organisation is used up; the backfill resumes "
					f"automatically at {frappe.utils.format_datetime(resume_at)}",
				)
				self.assertEqual(realtime.events[-1]["status"], "Paused")
				self.assertEqual(realtime.events[-1]["status_message"], paused.status_message)
				# the deferred batch is neither failed nor skipped: it waits, in flight
				self.assertEqual(
					(paused.processed, paused.synced, paused.failed, paused.skipped), (50, 50, 0, 0)
				)
				self.assertEqual(frappe.parse_json(paused.in_flight), sorted(names)[50:100])

				# before the resume time the sweep leaves it paused
				self.assertNotIn(run, backfill.resume_stalled())
				self.assertEqual(self.state(run).status, "Paused")

				clear_day_limit(self.sandbox, tenant_id)
				self.assertEqual(len(self.xero_numbers(names)), 50, "the second batch waits")
				later = resume_at + timedelta(minutes=1)
				with patch.object(backfill, "now_datetime", return_value=later):
					self.assertIn(run, backfill.resume_stalled())
				# (leftover runs of earlier test sessions the sweep may also queue are not run here)
				jobs.calls[:] = [c for c in jobs.calls if c["kwargs"]["name"] == run]
				self.assertEqual(len(jobs.calls), 1)
				self.assertEqual(self.state(run).status, "Queued")
				self.assertFalse(self.state(run).resume_at)
				self.assertFalse(self.state(run).status_message)
				jobs.run()
		finally:
			clear_day_limit(self.sandbox, tenant_id)
			frappe.db.commit()

		done = self.state(run)
		self.assertEqual(done.status, "Completed")
		self.assertEqual((done.processed, done.synced, done.failed, done.skipped), (120, 120, 0, 0))
		self.assertEqual(done.batches, 3)
		in_xero = self.xero_numbers(names)
		self.assertEqual(len(in_xero), 120, "every invoice is in Xero")
		self.assertEqual(max(in_xero.values()), 1, "and none twice")

	def test_a_run_paused_by_a_user_is_not_resumed_by_the_sweep(self):
		self.make_invoices(2)
		run = self.new_backfill()
		with captured_jobs() as jobs:
			backfill_control.start(run)
			backfill_control.pause(run)
			self.assertNotIn(run, backfill.resume_stalled())
			self.assertEqual([c["kwargs"]["name"] for c in jobs.calls].count(run), 1, "only the start's job")
		self.assertEqual(self.state(run).status, "Paused")
		self.assertFalse(self.state(run).resume_at)
