"""The one way the shell reaches Xero, and the lock that keeps two workers off one
document.

:func:`open_client` is the door: the connection's client (the Redis rate limiter and
token lock, through ``client.xero_client``) after the organisation guard, with the
remaining budget recorded on the way out. :func:`open_engine` opens the sync engine
through it. Called by jobs.run_engine (submit, cancel, update, resend, pulls),
backfill.run, quotations, the Readiness page's contact fixes, the Reconciliation
report, the payload preview and the Customer panel, so every path gets the same
guard. Only the connect flow (api.fetch_reference, which is where the guard learns the
organisation) and the guard's own health check open a client directly. Built so that a
connection per company can follow: everything comes from the connection passed in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from xero_connector.constants import JOB_TIMEOUT, LIMITER_MAX_WAIT

# activities whose calls give the worker back rather than wait long for Xero's minute: a
# job of one document, queued again by tasks.retry_rate_limited (the desk's own calls, pulls
# and backfills wait as before)
PUT_BACK_WHEN_LIMITED = {"push", "void", "allocate"}


@contextlib.contextmanager
def open_client(connection, activity: str = "push") -> Iterator[object]:
	"""The XeroClient for ``connection`` (registry.py), after
	checking that ``activity`` (xero/budget.ACTIVITIES) may spend the organisation's day of
	calls now (day_budget.check: DayLimitReached with the time it may) and that the
	connection still points at the organisation this site syncs with (OrganisationMismatch).
	On the way out, whatever happened, the remaining budget is recorded and the calls are
	counted to ``activity``."""
	from xero_connector.xero_connector.connection import day_budget
	from xero_connector.xero_connector.connection.client import record_budget, xero_client, xero_port
	from xero_connector.xero_connector.connection.guard import ensure_same_organisation

	client = xero_client(connection, LIMITER_MAX_WAIT if activity in PUT_BACK_WHEN_LIMITED else None)
	try:
		day_budget.check(client, activity)
		ensure_same_organisation(connection, xero_port(client))  # never one organisation's data in another
		yield client
	finally:
		record_budget(connection, client)
		day_budget.count(client, activity)


@contextlib.contextmanager
def open_engine(host, activity: str = "push") -> Iterator[tuple[object, object]]:
	"""``(engine, client)`` for the host's connection, through :func:`open_client`."""
	from xero_connector.engine.sync import SyncEngine
	from xero_connector.xero_connector.connection.client import xero_port

	with open_client(host.connection, activity) as client:
		host.client = client  # the Sync Log rows say how many calls each took
		yield SyncEngine(host, xero_port(client)), client


@contextlib.contextmanager
def locked_documents(names: list[str], wait: float = 0.5) -> Iterator[list[str]]:
	"""Hold the per-document lock of each of ``names`` that no other worker holds, for the
	``with`` block; yields the names held (the others are another worker's right now and
	are left to it)."""
	from xero_connector.xero.locks import LockTimeout
	from xero_connector.xero_connector.connection.redis_backends import RedisLock

	lock = RedisLock(lease_seconds=JOB_TIMEOUT)
	held: list[str] = []
	with contextlib.ExitStack() as stack:
		for name in names:
			try:
				stack.enter_context(lock.hold(document_lock(name), timeout=wait))
			except LockTimeout:
				continue
			held.append(name)
		yield held


def document_lock(name: str) -> str:
	return f"document:{name}"


CUSTOMER_LOCK_SECONDS = 300  # a create-contact call and the write of its ContactID
CUSTOMER_WAIT_SECONDS = 60


@contextlib.contextmanager
def holding_customers(customers: list[str]) -> Iterator[list[str]]:
	"""Hold each customer's lock, in name order, so that two workers (or a push and the
	Readiness page's Create Contact) never both create the customer's Xero contact. Raises
	LockTimeout (a TimeoutError, which the engine turns into Queued) after
	CUSTOMER_WAIT_SECONDS."""
	from xero_connector.xero_connector.connection.redis_backends import RedisLock

	lock = RedisLock(lease_seconds=CUSTOMER_LOCK_SECONDS)
	with contextlib.ExitStack() as stack:
		for customer in sorted(set(customers)):
			stack.enter_context(lock.hold(customer_lock(customer), timeout=CUSTOMER_WAIT_SECONDS))
		yield list(customers)


def customer_lock(name: str) -> str:
	return f"customer:{name}"
