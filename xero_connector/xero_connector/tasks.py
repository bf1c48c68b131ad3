"""Scheduled jobs (hooks.scheduler_events).

- :func:`pull_payments_if_due` (every 5 minutes): queue a payment pull when the
  interval set in Xero Settings has passed;
- :func:`push_round_if_due` (every 5 minutes): with Send Invoices "In Rounds", queue
  the push round (jobs.push_round) when its interval has passed;
- :func:`requeue_stuck` (every 15 minutes): queue again work whose Sync Log row
  has stayed Queued (a lost job, a worker killed, the day limit reached);
- :func:`retry_rate_limited` (every minute): queue again a document whose job gave its
  worker back rather than wait for Xero's minute limit;
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
	STATUS_QUEUED,
	SYNC_LOG,
	TRIGGER_IN_ROUNDS,
)
from xero_connector.exceptions import XeroNotConnected
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.notices import notify_reauthorisation
from xero_connector.xero_connector.connection.settings_state import write_state


def pull_payments_if_due():
	"""Scheduler (cron */5): queue each connection's payment pull when its interval has
	passed. True when any was queued."""
	from xero_connector.xero_connector.jobs import enqueue_pull

	queued = False
	for connection in registry.enabled():
		interval = cint(connection.payment_pull_interval)
		if interval <= 0:
			continue
		last = connection.last_payment_pull
		if last and get_datetime(last) > add_to_date(now_datetime(), minutes=-interval):
			continue
		enqueue_pull(connection)
		queued = True
	return queued


def push_round_if_due():
	"""Scheduler (cron */5): for each connection whose Send Invoices is "In Rounds", queue
	its push round (jobs.push_round) once its interval has passed since the last one."""
	from xero_connector.xero_connector.jobs import enqueue_round

	queued = False
	for connection in registry.enabled():
		if connection.sync_trigger != TRIGGER_IN_ROUNDS or next_push_round(connection) > now_datetime():
			continue
		write_state(connection, {"last_push_round": now_datetime()})
		enqueue_round(connection)
		queued = True
	return queued


def next_push_round(connection):
	"""When the next push round is due: the last one plus the Push Round Interval (at least 5
	minutes), or now when none ran yet. The scheduler checks every 5 minutes, so a round
	starts up to 5 minutes after it is due."""
	interval = max(cint(connection.push_round_minutes) or 30, 5)
	last = connection.last_push_round
	return add_to_date(get_datetime(last), minutes=interval) if last else now_datetime()


def requeue_stuck():
	"""Scheduler (cron */15): queue again every Queued row older than the threshold
	whose job is no longer waiting in RQ. Returns the rows queued again."""
	from frappe.utils.background_jobs import is_job_enqueued

	from xero_connector.xero_connector.jobs import enqueue_pull, enqueue_sync, job_id
	from xero_connector.xero_connector.sync import ledger

	settings = registry.site_settings()
	if not any(c.enabled for c in registry.connections()):
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
	for row in stuck:
		if row.operation == OP_PUSH and _in_rounds(row):
			continue  # a first push waits for its round (push_round_if_due), not a job of its own
		if row.operation == OP_PULL:
			try:
				connection = registry.named(row.reference_name)
			except XeroNotConnected:
				# the company's connection was deleted: nothing is left to pull for it
				ledger.close_queued(row.name, f"The Xero Connection {row.reference_name} no longer exists.")
				continue
			enqueue_pull(connection, queued=row.name)
		elif row.reference_doctype in ledger.INVOICE_DOCTYPES:
			if not frappe.db.exists(row.reference_doctype, row.reference_name):
				# the invoice was deleted (a draft's row): nothing left to send
				ledger.close_queued(
					row.name, f"The {row.reference_doctype} no longer exists: nothing to send."
				)
				continue
			if is_job_enqueued(job_id(row.reference_name, row.operation)):
				continue
			enqueue_sync(row.reference_name, row.operation, doctype=row.reference_doctype)
		else:
			continue
		# touch the row so that it is not picked again before its new job had a chance
		ledger.touch(row.name)
		requeued.append(row.name)
	return requeued


def _in_rounds(row) -> bool:
	"""The Sales Invoice's connection sends first pushes in rounds."""
	if row.reference_doctype != "Sales Invoice":
		return False
	connection = registry.for_document("Sales Invoice", row.reference_name)
	return bool(connection and connection.sync_trigger == TRIGGER_IN_ROUNDS)


def check_connection():
	"""Scheduler (hourly): make sure each app's tokens still refresh, then re-read each
	connected organisation. A refused refresh token marks the app's connections
	(TokenManager) and sends one notice. Returns the status seen per app."""
	from xero_connector.xero_connector.connection.guard import refresh_from_xero

	seen = {}
	for connection in registry.connections():
		if not connection.enabled:
			continue
		app = registry.app_of(connection)
		if app.name not in seen:
			seen[app.name] = _check_app(app)
		if seen[app.name] == CONNECTED and connection.connection_status == CONNECTED:
			refresh_from_xero(connection)  # organisation guard: re-read GET /Organisation (issue 6)
			warn_when_the_day_runs_low(connection)
	for app in registry.apps():
		if app.name not in seen:
			warn_before_the_consent_lapses(app)  # no enabled connection keeps its tokens in use
	return seen


LOW_DAY_SHARE = 0.2  # the managers hear of it when a fifth of the day's calls is left


def warn_when_the_day_runs_low(connection) -> bool:
	"""Tell the managers, once a day, when the organisation's day of Xero calls (as every
	worker shares it) is down to a fifth: called by :func:`check_connection` each hour.
	True when a notice went out."""
	from xero_connector.xero_connector.connection.client import rate_limiter
	from xero_connector.xero_connector.connection.day_budget import system_time
	from xero_connector.xero_connector.connection.notices import notify_day_budget_low

	if not connection.tenant_id:
		return False
	budget = rate_limiter(registry.app_of(connection)).budget(connection.tenant_id)
	if budget.remaining > budget.limit * LOW_DAY_SHARE:
		return False
	resets = system_time(budget.resets_at) if budget.resets_at else None
	return notify_day_budget_low(connection, budget.remaining, budget.limit, resets)


def warn_before_the_consent_lapses(app) -> bool:
	"""Xero lets a refresh token lapse 60 days after it was last used (xero/health.py). An
	app none of whose connections is enabled is never refreshed by the hourly check, so
	its managers are told, at most once a day, in the last week: enable a connection (the
	check then keeps it alive) or Reconnect. True when a notice went out."""
	import time

	from xero_connector.xero.health import health_of
	from xero_connector.xero_connector.connection.notices import notify_consent_lapsing
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

	if app.connection_status != CONNECTED:
		return False
	health = health_of(FrappeTokenStore(app).load(), time.time())
	if not health.warn or health.needs_reauthorisation:
		return False
	return notify_consent_lapsing(app, health.message)


def _check_app(app) -> str | None:
	"""One token refresh check per app (its connections share the consent)."""
	from xero_connector.xero import NeedsReauthorisation, XeroError
	from xero_connector.xero_connector.connection.client import token_manager

	if app.connection_status == NEEDS_REAUTH:
		notify_reauthorisation(app, app.reauth_message or "")
		return NEEDS_REAUTH
	if app.connection_status != CONNECTED:
		return None
	try:
		token_manager(app).access_token()
	except NeedsReauthorisation as exc:
		notify_reauthorisation(app, str(exc.message))
		return NEEDS_REAUTH
	except XeroError:
		return None  # Xero unreachable: try again next hour
	return CONNECTED


WAITING_KINDS = ("needs_reauthorisation", "transient", "rate_limited")


def resend_waiting_for_connection(company: str | None = None) -> list[str]:
	"""Called right after a (re)connection (connect_flow.after_connect): queue again every
	Sales Invoice of ``company`` (None: of every company) whose newest attempt stopped
	because the connection was down or needed authorising, so nothing waits for the
	15-minute sweep or a person. Returns the invoices queued."""
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
		invoice = frappe.db.get_value(
			"Sales Invoice", row.reference_name, ["docstatus", "company"], as_dict=True
		)
		if not invoice or invoice.docstatus not in (1, 2) or (company and invoice.company != company):
			continue
		enqueue_sync(row.reference_name, row.operation)
		queued.append(row.reference_name)
	return queued


RATE_LIMITED_RETRY_SECONDS = 60  # Xero's minute: the wait a put-back document was spared


def retry_rate_limited() -> list[str]:
	"""Scheduler (cron every minute): queue again each Sales Invoice whose job gave its
	worker back rather than wait for Xero's minute limit (its row Queued with error kind
	rate_limited, sync_session.PUT_BACK_WHEN_LIMITED) once a minute has passed. So one
	company's flood never holds every worker while another company's invoices wait.
	Returns the invoices queued."""
	from frappe.utils.background_jobs import is_job_enqueued

	from xero_connector.xero_connector.jobs import enqueue_sync, job_id
	from xero_connector.xero_connector.sync import ledger

	cutoff = add_to_date(now_datetime(), seconds=-RATE_LIMITED_RETRY_SECONDS)
	rows = frappe.get_all(
		SYNC_LOG,
		filters={
			"reference_doctype": ("in", ledger.INVOICE_DOCTYPES),
			"status": STATUS_QUEUED,
			"error_kind": "rate_limited",
			"modified": ("<", cutoff),
		},
		fields=["name", "reference_doctype", "reference_name", "operation", "tenant_id"],
		order_by="modified asc",
		limit=500,
	)
	queued, used_up = [], {}
	for row in rows:
		if row.tenant_id not in used_up:  # one look at each organisation's day
			used_up[row.tenant_id] = _day_used_up(row.tenant_id)
		if used_up[row.tenant_id]:
			continue  # the organisation's day is over: requeue_stuck and the backfill resume it
		if is_job_enqueued(job_id(row.reference_name, row.operation)):
			continue
		enqueue_sync(row.reference_name, row.operation, doctype=row.reference_doctype)
		ledger.touch(row.name)
		queued.append(row.reference_name)
	return queued


def _day_used_up(tenant_id: str | None) -> bool:
	"""Whether Xero's day limit of the organisation still holds (as every worker shares it)."""
	from xero_connector.xero_connector.connection.client import rate_limiter

	connection = registry.for_tenant(tenant_id)
	if connection is None:
		return False
	return bool(rate_limiter(registry.app_of(connection)).day_limit_until(tenant_id))
