"""The one way the shell opens the sync engine on the connection, and the lock that
keeps two workers off one document.

Called by jobs.run_engine (submit, cancel, update, resend, pulls) and backfill.run, so
that every path gets the same organisation guard, the Redis rate limiter and token
lock (through ``xero_client``) and the per-document lock. Built so that a connection
per company can follow: everything the engine needs comes from ``host.settings``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from xero_connector.constants import JOB_TIMEOUT


@contextlib.contextmanager
def open_engine(host) -> Iterator[tuple[object, object]]:
	"""``(engine, client)`` for the connection in ``host.settings``, after checking that it
	still points at the organisation this site syncs with (raises OrganisationMismatch).
	The client's remaining budget is recorded on the way out, whatever happened."""
	from xero_connector.engine.sync import SyncEngine
	from xero_connector.xero_connector.client import record_budget, xero_client, xero_port
	from xero_connector.xero_connector.guard import ensure_same_organisation

	client = xero_client(host.settings)
	try:
		port = xero_port(client)
		ensure_same_organisation(port)  # never send one organisation's invoices to another
		yield SyncEngine(host, port), client
	finally:
		record_budget(client)


@contextlib.contextmanager
def locked_documents(names: list[str], wait: float = 0.5) -> Iterator[list[str]]:
	"""Hold the per-document lock of each of ``names`` that no other worker holds, for the
	``with`` block; yields the names held (the others are another worker's right now and
	are left to it)."""
	from xero_connector.xero.locks import LockTimeout
	from xero_connector.xero_connector.redis_backends import RedisLock

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
