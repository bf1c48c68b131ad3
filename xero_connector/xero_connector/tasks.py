"""Scheduled jobs (hooks.scheduler_events).

- :func:`pull_payments_if_due` (every 5 minutes): queue a payment pull when the
  interval set in Xero Settings has passed;
- :func:`requeue_stuck` (every 15 minutes): queue again work whose Sync Log row
  has stayed Queued (a lost job, a worker killed, the day limit reached);
- :func:`check_connection` (hourly): find out early that Xero needs the
  connection authorised again, and tell the managers once.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, get_url, now_datetime

from xero_connector.constants import (
	CONNECTED,
	MANAGER_ROLES,
	NEEDS_REAUTH,
	OP_PULL,
	SETTINGS,
	STATUS_QUEUED,
	SYNC_LOG,
)
from xero_connector.xero_connector.settings_state import write_state


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


def requeue_stuck():
	"""Scheduler (cron */15): queue again every Queued row older than the threshold
	whose job is no longer waiting in RQ. Returns the rows queued again."""
	from frappe.utils.background_jobs import is_job_enqueued

	from xero_connector.xero_connector.jobs import enqueue_pull, enqueue_sync, job_id

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
	for row in stuck:
		if row.operation == OP_PULL:
			enqueue_pull(queued=row.name)
		elif row.reference_doctype == "Sales Invoice":
			if not frappe.db.exists("Sales Invoice", row.reference_name):
				# the invoice was deleted (a draft's row): nothing left to send
				frappe.db.set_value(
					SYNC_LOG,
					row.name,
					{"status": "Skipped", "cause": "The Sales Invoice no longer exists: nothing to send."},
				)
				continue
			if is_job_enqueued(job_id(row.reference_name, row.operation)):
				continue
			enqueue_sync(row.reference_name, row.operation)
		else:
			continue
		# touch the row so that it is not picked again before its new job had a chance
		frappe.db.set_value(SYNC_LOG, row.name, "modified", now_datetime(), update_modified=False)
		requeued.append(row.name)
	return requeued


def check_connection():
	"""Scheduler (hourly): make sure the tokens still refresh. A refused refresh
	token marks the connection (TokenManager) and sends one notice."""
	from xero_connector.xero import NeedsReauthorisation, XeroError
	from xero_connector.xero_connector.client import token_manager

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
	from xero_connector.xero_connector.guard import refresh_from_xero

	refresh_from_xero(settings)  # organisation guard: re-read GET /Organisation (issue 6)
	return CONNECTED


def notify_reauthorisation(reason: str) -> bool:
	"""Email System Managers and Xero Managers that Xero must be connected again —
	once per loss of connection (the flag is reset by a successful connect).

	Called by check_connection and by client.needs_reauthorisation. The flag is
	claimed with one UPDATE so that two workers cannot both send."""
	frappe.db.sql(
		"""update `tabSingles` set value = 1
		where doctype = %s and field = 'reauth_notified' and coalesce(value, '0') in ('0', '')""",
		SETTINGS,
	)
	claimed = frappe.db._cursor.rowcount
	frappe.db.value_cache.pop(SETTINGS, None)
	frappe.clear_document_cache(SETTINGS, SETTINGS)
	if not claimed:
		if frappe.db.get_single_value(SETTINGS, "reauth_notified", cache=False):
			return False
		write_state({"reauth_notified": 1})
	frappe.db.commit()
	subject = _("Xero needs to be connected again")
	message = _(
		"<p>Xero no longer accepts this site's connection, so Sales Invoices are not being sent to Xero and payments are not coming back.</p><p>{0}</p><p>Open <a href='{1}'>Xero Settings</a> and click <b>Connect to Xero</b>. Invoices submitted meanwhile are queued and sent once you reconnect.</p>"
	).format(frappe.utils.escape_html(reason or ""), get_url("/app/xero-settings"))
	for user in manager_users():
		# a desk notification for each manager (Frappe also emails it when their settings say so)
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": SETTINGS,
				"document_name": SETTINGS,
				"subject": subject,
				"email_content": message,
			}
		).insert(ignore_permissions=True)
	recipients = manager_emails()
	if recipients:
		try:
			frappe.sendmail(recipients=recipients, subject=subject, message=message, now=False)
		except frappe.OutgoingEmailError:
			pass  # no outgoing email account: the desk notifications above still reach them
	frappe.db.commit()
	return True


def manager_users() -> list[str]:
	"""Enabled desk users with the System Manager or Xero Manager role."""
	users = frappe.get_all(
		"Has Role",
		filters={"role": ("in", MANAGER_ROLES), "parenttype": "User"},
		pluck="parent",
		distinct=True,
	)
	return frappe.get_all(
		"User",
		filters={"name": ("in", users or [""]), "enabled": 1, "user_type": "System User"},
		pluck="name",
		order_by="name asc",
	)


def manager_emails() -> list[str]:
	emails = frappe.get_all("User", filters={"name": ("in", manager_users() or [""])}, pluck="email")
	return sorted({e for e in emails if e})


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
