"""The organisation's day of Xero calls in the shell (issue 23): who may spend it now, how
many calls each activity spent today, and what the Xero Settings form shows of it.

Called by sync_session.open_client for every client it opens (``check`` before the first
call, ``count`` after the last), and by api.day_budget (the form's Calls Today panel). The
policy is pure (xero/budget.decide: pushes and the payment pull may spend the whole day;
backfill, readiness, reconciliation, previews and the Customer panel keep the last fifth for
them). The counts live in Redis, shared by every worker: one hash per organisation and day
(the system time zone's), kept two days.
"""

from __future__ import annotations

from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import convert_utc_to_system_timezone, format_datetime, nowdate

from xero_connector.xero.budget import Priority, decide, default_reserve
from xero_connector.xero.errors import DayLimitReached
from xero_connector.xero_connector.connection.redis_backends import site_key

KEEP_SECONDS = 2 * 86_400

# what the desk calls each activity (xero/budget.ACTIVITIES)
LABELS = {
	"push": "Invoices and credit notes sent",
	"void": "Cancellations",
	"allocate": "Credit note allocations",
	"payment_pull": "Payment pulls",
	"reference": "Reference data",
	"quotation": "Quotations",
	"backfill": "Backfill",
	"readiness": "Readiness checks",
	"reconciliation": "Reconciliation",
	"preview": "Payload previews",
	"customer_panel": "Customer panel",
}


def check(client, activity: str) -> None:
	"""Raise DayLimitReached, carrying the time Xero's rolling day has room again and a
	sentence for the user, when ``activity`` may not spend calls now."""
	limiter, tenant = client.limiter, client.tenant_id
	budget = limiter.budget(tenant)
	decision = decide(activity, budget)
	if decision.go:
		return
	keep = 0 if decision.priority is Priority.HIGH else default_reserve(budget.limit)
	resume_at = limiter.resume_for(tenant, calls=1, reserve=keep)
	raise DayLimitReached(
		resume_at,
		message=_("{0}: {1}. It can run again after {2}.").format(
			_(LABELS.get(activity, activity)), decision.reason, system_time(resume_at)
		),
	)


def count(client, activity: str) -> None:
	"""Add the calls ``client`` made to ``activity``'s count for today."""
	if not client.calls or not client.tenant_id:
		return
	key = _key(client.tenant_id)
	frappe.cache.execute_command("HINCRBY", key, activity, int(client.calls))
	frappe.cache.execute_command("EXPIRE", key, KEEP_SECONDS)


def calls_today(tenant_id: str) -> dict[str, int]:
	"""Calls each activity spent today for the organisation, largest first."""
	raw = frappe.cache.execute_command("HGETALL", _key(tenant_id)) or {}
	if isinstance(raw, list):  # a connection without redis-py's reply parsing
		raw = dict(zip(raw[::2], raw[1::2], strict=False))
	counts = {_text(k): int(v) for k, v in raw.items()}
	return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summary(limiter, tenant_id: str) -> dict:
	"""What the Calls Today panel shows: the day's budget as ``limiter`` knows it (shared by
	every worker) and the calls of each activity."""
	budget = limiter.budget(tenant_id)
	counts = calls_today(tenant_id)
	return {
		"tier": budget.tier.title(),
		"limit": budget.limit,
		"remaining": budget.remaining,
		"learned": budget.learned,
		"reserve": default_reserve(budget.limit),
		"resets_at": system_time(budget.resets_at) if budget.resets_at else None,
		"activities": [{"activity": a, "label": _(LABELS.get(a, a)), "calls": n} for a, n in counts.items()],
		"total": sum(counts.values()),
	}


def system_time(epoch: float) -> str:
	"""Epoch seconds as the desk shows a time."""
	return format_datetime(system_datetime(epoch))


def system_datetime(epoch: float) -> datetime:
	"""Epoch seconds (the limiter's times) as the naive system-time-zone datetime Frappe stores."""
	utc = datetime.fromtimestamp(float(epoch), tz=timezone.utc).replace(tzinfo=None)
	return convert_utc_to_system_timezone(utc).replace(tzinfo=None, microsecond=0)


def _key(tenant_id: str) -> str:
	return site_key("calls", tenant_id, nowdate())


def _text(value) -> str:
	return value.decode() if isinstance(value, bytes) else str(value)
