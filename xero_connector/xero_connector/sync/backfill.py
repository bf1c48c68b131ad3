"""Bulk backfill: send every submitted Sales Invoice (and return) of a company in a
date range that is not in Xero yet, 50 to a request, exactly once.

A run is a "Xero Backfill" document. Start / Pause / Resume (backfill_control.py: form buttons, Xero
Manager only) change its status and queue :func:`run` on the long queue. The job
walks the invoices in name order, one batch of ≤50 at a time, through the
engine's ``SyncEngine.push`` (which batches the Xero writes, sends idempotency
keys, marks each document before the write and looks an unknown outcome up by
number before creating it again). After each batch the run's counts and position
are committed and a ``xero_backfill_progress`` realtime event is published (the
form's progress bar listens to it).

Surviving a dead worker: the batch being sent is stored ("in flight") before it is
sent, and the position only moves once the batch is done. The scheduler sweep
:func:`resume_stalled` re-queues a run whose heartbeat has gone stale; the new
job (new run token: the old one, if it is somehow still alive, stops at its next
batch) sends the in-flight batch again, where the engine skips or links whatever
already reached Xero.

Xero's daily call limit: when the organisation's day budget runs out (the engine
returns the documents Queued with the time the limit lifts in ``Outcome.resume_at``, or the
client raises DayLimitReached)
the run pauses itself with the time Xero accepts calls again (``resume_at``); the
batch stays in flight, nothing is counted as failed or skipped, and the sweep
queues the run again once that time has passed.
"""

from __future__ import annotations

import json
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import (
	add_to_date,
	cint,
	format_datetime,
	get_datetime,
	now_datetime,
)

from xero_connector.exceptions import describe, is_expected, log_exception
from xero_connector.xero.errors import DayLimitReached
from xero_connector.xero_connector.connection.day_budget import system_datetime
from xero_connector.xero_connector.sync.backfill_control import (
	ACTIVE,
	BACKFILL,
	COMPLETED,
	FAILED,
	PAUSED,
	RUNNING,
	SALES_INVOICE,
	next_batch,
	publish,
	queue_run,
)

STALE_MINUTES = 10  # a Running backfill without a batch for this long has lost its worker

DAY_LIMIT_MESSAGE = (
	"Xero's daily API limit for this organisation is used up; the backfill resumes automatically at {0}"
)

# -- the job ------------------------------------------------------------------------------------------


def run(name: str, token: str) -> str | None:
	"""RQ job (long queue): send the backfill's invoices batch by batch until none are
	left, the run is paused, or another run token took over. Returns the final status."""
	if not _claim(name, token):
		return None
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.sync.host import FrappeHost

	try:
		company, job_id = frappe.db.get_value(BACKFILL, name, ["company", "job_id"])
		host = FrappeHost.for_company(company, commit=True, job_id=job_id)
		# the same door as every other job: the organisation guard first, so that a run
		# resumed after reconnecting to another organisation sends nothing there
		with open_engine(host, "backfill") as (engine, client):
			while True:
				status = _step(engine, name, token, client)
				if status != RUNNING:
					return status
	except DayLimitReached as exc:
		frappe.db.rollback()
		return _pause_for_day_limit(name, token, system_datetime(exc.resume_at))
	except Exception as exc:
		frappe.db.rollback()
		return _fail(name, token, exc)
	finally:
		frappe.db.commit()


def _claim(name: str, token: str) -> bool:
	row = _locked(name)
	if not row or row.run_token != token or row.status not in ACTIVE:
		frappe.db.rollback()
		return False
	frappe.db.set_value(BACKFILL, name, {"status": RUNNING, "heartbeat": now_datetime()})
	frappe.db.commit()
	publish(name)
	return True


def _step(engine, name: str, token: str, client=None) -> str:
	"""One batch: choose it, mark it in flight, push it, record the counts. Returns the
	status to go on with (RUNNING to continue)."""
	from xero_connector.xero_connector.connection.sync_session import locked_documents

	row = _locked(name)
	if row.run_token != token:
		frappe.db.rollback()
		return row.status
	if row.status != RUNNING:
		frappe.db.commit()
		return row.status
	doc = frappe.get_doc(BACKFILL, name)
	resumed = json.loads(row.in_flight) if row.in_flight else None
	batch = resumed or next_batch(doc, row.last_position)
	if not batch:
		frappe.db.set_value(
			BACKFILL,
			name,
			{"status": COMPLETED, "completed_on": now_datetime(), "heartbeat": now_datetime()},
		)
		frappe.db.commit()
		publish(name)
		return COMPLETED
	if not resumed:
		frappe.db.set_value(BACKFILL, name, {"in_flight": json.dumps(batch), "heartbeat": now_datetime()})
	frappe.db.commit()

	# a resumed batch: what the dead worker already got into Xero counts as synced, the rest is
	# sent again (the engine links documents whose earlier write's outcome is unknown)
	already = set(_synced(batch)) if resumed else set()
	to_send = [n for n in batch if n not in already]
	outcomes = []
	if to_send:
		# a document another worker is sending right now (its submit's job, another run) is
		# left to it: two workers never write the same invoice at once
		with locked_documents(to_send) as held:
			outcomes = engine.push(held) if held else []
	synced = set(_synced(batch))
	deferred = [o for o in outcomes if _is_deferred(o) and o.name in batch and o.name not in synced]
	if deferred:  # the batch stays in flight: the resumed run sends what is not in Xero yet
		return _pause_for_day_limit(name, token, _resume_time(client, deferred))
	failed = {o.name for o in outcomes if o.status == "Failed" and o.name in batch and o.name not in synced}
	return _record(name, token, batch, len(synced), len(failed))


def _record(name: str, token: str, batch: list[str], synced: int, failed: int) -> str:
	row = _locked(name)
	if row.run_token != token:  # another run took over while this batch was sent: it counts it
		frappe.db.rollback()
		return row.status
	processed = cint(row.processed) + len(batch)
	frappe.db.set_value(
		BACKFILL,
		name,
		{
			"processed": processed,
			"total": max(cint(row.total), processed),
			"batches": cint(row.batches) + 1,
			"synced": cint(row.synced) + synced,
			"failed": cint(row.failed) + failed,
			"skipped": cint(row.skipped) + len(batch) - synced - failed,
			"last_position": batch[-1],
			"in_flight": None,
			"heartbeat": now_datetime(),
		},
	)
	frappe.db.commit()
	publish(name)
	return row.status  # Paused when someone paused during the batch


# -- Xero's daily limit ------------------------------------------------------------------------------


def _is_deferred(outcome) -> bool:
	return outcome.status == "Queued" and outcome.resume_at is not None


def _resume_time(client, deferred: list) -> datetime:
	"""When Xero accepts calls again: the day block the client's limiter shares across
	workers, else the latest resume time the engine's deferred outcomes carry."""
	until = client.limiter.day_limit_until(client.tenant_id) if client is not None else None
	return system_datetime(until or max(outcome.resume_at for outcome in deferred))


def _pause_for_day_limit(name: str, token: str, resume_at: datetime) -> str | None:
	"""Pause the run until ``resume_at`` (the sweep resumes it then). A run a user paused
	meanwhile stays paused without a resume time; another run token's run is left alone."""
	row = _locked(name)
	if not row or row.run_token != token:
		frappe.db.rollback()
		return None
	if row.status != RUNNING:
		frappe.db.commit()
		publish(name)
		return row.status
	message = _(DAY_LIMIT_MESSAGE).format(format_datetime(resume_at))
	frappe.db.set_value(
		BACKFILL,
		name,
		{"status": PAUSED, "resume_at": resume_at, "status_message": message, "heartbeat": now_datetime()},
	)
	frappe.db.commit()
	publish(name)
	return PAUSED


def _fail(name: str, token: str, exc: Exception) -> str | None:
	row = _locked(name)
	if not row or row.run_token != token:
		frappe.db.rollback()
		return None
	described = describe(exc)
	if not is_expected(exc):
		log_exception(_("Xero backfill {0} failed").format(name), exc, reference_doctype=BACKFILL)
	message = " ".join(x for x in (described.cause, described.resolution) if x)
	frappe.db.set_value(BACKFILL, name, {"status": FAILED, "error": message[:1000]})
	frappe.db.commit()
	publish(name)
	return FAILED


LOCKED_FIELDS = (
	*("name", "status", "run_token", "in_flight", "last_position"),
	*("processed", "total", "batches", "synced", "skipped", "failed"),
)


def _locked(name: str):
	return frappe.db.get_value(
		BACKFILL,
		name,
		LOCKED_FIELDS,
		as_dict=True,
		for_update=True,
	)


def _synced(names: list[str]) -> list[str]:
	if not names:
		return []
	return frappe.get_all(
		SALES_INVOICE, filters={"name": ("in", names), "xero_invoice_id": ("is", "set")}, pluck="name"
	)


# -- scheduler sweep --------------------------------------------------------------------------------


def resume_stalled() -> list[str]:
	"""Scheduler (cron */5): queue again each backfill paused by Xero's daily limit whose
	resume time has passed, and each Queued or Running backfill whose worker has died — no
	batch for STALE_MINUTES and its job no longer waiting or running in RQ (or, a job RQ
	still calls "started", silent for three times as long). Returns the backfills queued
	again."""
	from frappe.utils.background_jobs import is_job_enqueued

	now = now_datetime()
	requeued = []
	for name in frappe.get_all(
		BACKFILL,
		# "is set" too: Frappe compares an empty date as 0001-01-01, before any resume time
		filters=[["status", "=", PAUSED], ["resume_at", "is", "set"], ["resume_at", "<=", now]],
		order_by="resume_at asc",
		pluck="name",
	):
		queue_run(name)
		requeued.append(name)
	stale = add_to_date(now, minutes=-STALE_MINUTES)
	dead = add_to_date(now, minutes=-3 * STALE_MINUTES)
	for row in frappe.get_all(
		BACKFILL,
		filters={"status": ("in", ACTIVE)},
		fields=["name", "heartbeat", "job_id"],
		order_by="modified asc",
	):
		if row.name in requeued:
			continue  # queued a moment ago by the loop above, with a new run token
		beat = get_datetime(row.heartbeat) if row.heartbeat else None
		if beat and beat > stale:
			continue
		if row.job_id and is_job_enqueued(row.job_id) and beat and beat > dead:
			continue
		queue_run(row.name)
		requeued.append(row.name)
	if requeued:
		frappe.db.commit()
	return requeued
