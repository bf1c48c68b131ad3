"""Scheduled jobs (hooks.scheduler_events).

- :func:`pull_payments_if_due` (every 5 minutes): queue a payment pull when the
  interval set in Xero Settings has passed;
- :func:`push_round_if_due` (every 5 minutes): with Send Invoices "In Rounds", queue
  the push round (jobs.push_round) when its interval has passed;
- :func:`requeue_stuck` (every 15 minutes): queue again work whose Sync Log row
  has stayed Queued (a lost job, a worker killed, the day limit reached);
- :func:`check_connection` (hourly): find out early that Xero needs the
  connection authorised again, and tell the managers once (notices.py).
"""

from __future__ import annotations

import frappe
from frappe.utils import add_to_date, cint, get_datetime, now_datetime

from xero_connector.constants import (
	CONNECTED,
	NEEDS_REAUTH,
	OP_PULL,
	OP_PUSH,
	SETTINGS,
	STATUS_QUEUED,
	SYNC_LOG,
	TRIGGER_IN_ROUNDS,
)
from xero_connector.xero_connector.connection.notices import notify_reauthorisation
from xero_connector.xero_connector.connection.settings_state import write_state


def pull_payments_if_due():
	"""Scheduler (cron */5): queue the payment pull when its interval has passed."""
	from xero_connector.xero_connector.jobs import enqueue_pull

	settings = frappe.get_single(SETTINGS)
	if not settings.enabled or settings.connection_status != CONNECTED or not settings.tenant_id:
		return False
	interval = cint(settings.payment_pull_interval)
	if interval <= 0:
		return False
	last = settings.last_payment_pull
	if last and get_datetime(last) > add_to_date(now_datetime(), minutes=-interval):
		return False
	enqueue_pull()
	return True


def push_round_if_due():
	"""Scheduler (cron */5): when Send Invoices is "In Rounds", queue the push round
	(jobs.push_round) once its interval has passed since the last one."""
	from xero_connector.xero_connector.jobs import enqueue_round

	settings = frappe.get_single(SETTINGS)
	if not settings.enabled or settings.sync_trigger != TRIGGER_IN_ROUNDS:
		return False
	if settings.connection_status != CONNECTED or not settings.tenant_id:
		return False
	if next_push_round(settings) > now_datetime():
		return False
	write_state({"last_push_round": now_datetime()})
	enqueue_round()
	return True


def next_push_round(settings):
	"""When the next push round is due: the last one plus the Push Round Interval (at least 5
	minutes), or now when none ran yet. The scheduler checks every 5 minutes, so a round
	starts up to 5 minutes after it is due."""
	interval = max(cint(settings.push_round_minutes) or 30, 5)
	last = settings.last_push_round
	return add_to_date(get_datetime(last), minutes=interval) if last else now_datetime()


def requeue_stuck():
	"""Scheduler (cron */15): queue again every Queued row older than the threshold
	whose job is no longer waiting in RQ. Returns the rows queued again."""
	from frappe.utils.background_jobs import is_job_enqueued

	from xero_connector.xero_connector.jobs import enqueue_pull, enqueue_sync, job_id
	from xero_connector.xero_connector.sync import ledger

	settings = frappe.get_single(SETTINGS)
	if not settings.enabled:
		return []
	minutes = cint(settings.requeue_after_minutes) or 30
	cutoff = add_to_date(now_datetime(), minutes=-minutes)
	stuck = frappe.get_all(
		SYNC_LOG,
		filters={"status": STATUS_QUEUED, "modified": ("<", cutoff)},
		fields=["name", "reference_doctype", "reference_name", "operation"],
		order_by="modified asc",
		limit=500,
	)
	requeued = []
	rounds = settings.sync_trigger == TRIGGER_IN_ROUNDS
	for row in stuck:
		if rounds and row.operation == OP_PUSH:
			continue  # a first push waits for its round (push_round_if_due), not a job of its own
		if row.operation == OP_PULL:
			enqueue_pull(queued=row.name)
		elif row.reference_doctype == "Sales Invoice":
			if not frappe.db.exists("Sales Invoice", row.reference_name):
				# the invoice was deleted (a draft's row): nothing left to send
				ledger.close_queued(row.name, "The Sales Invoice no longer exists: nothing to send.")
				continue
			if is_job_enqueued(job_id(row.reference_name, row.operation)):
				continue
			enqueue_sync(row.reference_name, row.operation)
		else:
			continue
		# touch the row so that it is not picked again before its new job had a chance
		ledger.touch(row.name)
		requeued.append(row.name)
	return requeued


def check_connection():
	"""Scheduler (hourly): make sure the tokens still refresh. A refused refresh
	token marks the connection (TokenManager) and sends one notice."""
	from xero_connector.xero import NeedsReauthorisation, XeroError
	from xero_connector.xero_connector.connection.client import token_manager

	settings = frappe.get_single(SETTINGS)
	if not settings.enabled:
		return None
	if settings.connection_status == NEEDS_REAUTH:
		notify_reauthorisation(settings.reauth_message or "")
		return NEEDS_REAUTH
	if settings.connection_status != CONNECTED:
		return None
	try:
		token_manager(settings).access_token()
	except NeedsReauthorisation as exc:
		notify_reauthorisation(str(exc.message))
		return NEEDS_REAUTH
	except XeroError:
		return None  # Xero unreachable: try again next hour
	from xero_connector.xero_connector.connection.guard import refresh_from_xero

	refresh_from_xero(settings)  # organisation guard: re-read GET /Organisation (issue 6)
	return CONNECTED


WAITING_KINDS = ("needs_reauthorisation", "transient", "rate_limited")


def resend_waiting_for_connection() -> list[str]:
	"""Called right after a (re)connection (api._after_connect): queue again every
	Sales Invoice whose newest attempt stopped because the connection was down or
	needed authorising, so nothing waits for the 15-minute sweep or a person.
	Returns the invoices queued."""
	from xero_connector.xero_connector.jobs import enqueue_sync

	rows = frappe.get_all(
		SYNC_LOG,
		filters={
			"reference_doctype": "Sales Invoice",
			"status": ("in", (STATUS_QUEUED, "Failed")),
			"error_kind": ("in", WAITING_KINDS),
			"operation": ("in", ("push", "update", "void", "allocate")),
		},
		fields=["name", "reference_name", "operation", "status", "creation"],
		order_by="creation desc",
		limit=1000,
	)
	queued = []
	for row in rows:
		if row.reference_name in queued:
			continue
		newest = frappe.get_all(
			SYNC_LOG,
			filters={"reference_name": row.reference_name, "operation": row.operation},
			fields=["name"],
			order_by="creation desc",
			limit=1,
			pluck="name",
		)
		if newest and newest[0] != row.name:
			continue  # a later attempt settled it
		if frappe.db.get_value("Sales Invoice", row.reference_name, "docstatus") not in (1, 2):
			continue
		enqueue_sync(row.reference_name, row.operation)
		queued.append(row.reference_name)
	return queued
