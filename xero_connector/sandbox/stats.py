"""What the sandbox has served, counted as it happens: Accounting API calls per
organisation, writes, 429 answers, idempotent replays and token requests.

Benchmarks read it (``Sandbox.stats``) to report API calls per invoice; tests
read it to assert that a replay did not write again. Counted by
:mod:`.pipeline` (Accounting API) and :mod:`.routes` (``/connect/token``);
thread-safe, since the HTTP server answers on many threads.
"""

from __future__ import annotations

import threading
from collections import Counter

TENANT_COUNTERS = ("calls", "writes", "rate_limited", "idempotent_replays")
GRANT_TYPES = frozenset({"authorization_code", "refresh_token", "client_credentials"})


class SandboxStats:
	"""Counters since the sandbox started (or since :meth:`reset`)."""

	def __init__(self):
		self._lock = threading.Lock()
		self._tenants: dict[str, Counter] = {name: Counter() for name in TENANT_COUNTERS}
		self._tokens: Counter = Counter()

	def count(self, counter: str, tenant_id: str) -> None:
		"""One more ``counter`` ("calls", "writes", "rate_limited", "idempotent_replays") for a tenant."""
		with self._lock:
			self._tenants[counter][tenant_id] += 1

	def token_request(self, grant_type: str | None) -> None:
		"""One more ``POST /connect/token``, answered or refused."""
		known = grant_type if grant_type in GRANT_TYPES else ("none" if not grant_type else "other")
		with self._lock:
			self._tokens[known] += 1

	def reset(self) -> None:
		with self._lock:
			for counter in self._tenants.values():
				counter.clear()
			self._tokens.clear()

	def snapshot(self) -> dict:
		"""Plain dicts, safe to keep: ``{"calls": {tenant_id: n}, "writes": {...}, "rate_limited":
		{...}, "idempotent_replays": {...}, "token_requests": n, "token_requests_by_grant":
		{grant_type: n}, "totals": {"calls": n, "writes": n, "rate_limited": n,
		"idempotent_replays": n}}``."""
		with self._lock:
			result: dict = {name: dict(counter) for name, counter in self._tenants.items()}
			result["token_requests"] = sum(self._tokens.values())
			result["token_requests_by_grant"] = dict(self._tokens)
			result["totals"] = {name: sum(counter.values()) for name, counter in self._tenants.items()}
		return result
