"""Xero's ``Idempotency-Key`` header for POST, PUT and PATCH.

A key (at most 128 characters, scoped to the app and organisation) remembers
the response of the first request for 6 minutes: a replay of the same request
returns that stored response without writing again; the same key with a
different request (method, path, query or body) is refused with 400. Replays
still count against the rate limits (the pipeline admits them first). A second
request arriving while the first is still being handled waits for its result.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from xero_connector.sandbox.clock import Clock

WINDOW_SECONDS = 360.0
MAX_KEY_LENGTH = 128
IDEMPOTENT_METHODS = frozenset({"POST", "PUT", "PATCH"})


class IdempotencyKeyInvalid(Exception):
	"""The key is longer than 128 characters (400)."""

	detail = f"Idempotency-Key must not be longer than {MAX_KEY_LENGTH} characters."


class IdempotencyConflict(Exception):
	"""The key was used with a different request within the window (400)."""

	def __init__(self, key: str):
		super().__init__(f"Idempotency Key {key} is used with a different request.")
		self.detail = str(self)


@dataclass
class StoredResponse:
	"""What is replayed: status, headers and the exact body bytes."""

	status: int
	headers: dict[str, str]
	body: bytes


@dataclass
class _Entry:
	fingerprint: str
	created: float
	done: threading.Event = field(default_factory=threading.Event)
	response: StoredResponse | None = None


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
	"""Identity of a request for key reuse checks."""
	h = hashlib.sha256()
	for part in (method.upper().encode(), path.encode(), query.encode(), body):
		h.update(len(part).to_bytes(8, "big"))
		h.update(part)
	return h.hexdigest()


@dataclass
class Reservation:
	"""Returned by :meth:`IdempotencyStore.begin` for a first request: the caller
	handles it and then calls :meth:`IdempotencyStore.complete` (or ``abandon``)."""

	scope_key: tuple
	entry: _Entry


class IdempotencyStore:
	"""Called by the API pipeline around the accounting handler."""

	def __init__(self, clock: Clock | None = None, window: float = WINDOW_SECONDS):
		self.clock = clock or Clock()
		self.window = window
		self._lock = threading.Lock()
		self._entries: dict[tuple, _Entry] = {}

	def begin(self, scope: tuple, key: str, request_fingerprint: str, wait_timeout: float = 60.0):
		"""Return a :class:`StoredResponse` to replay, or a :class:`Reservation` when
		this is the first request with ``key``. Raises :class:`IdempotencyKeyInvalid`
		or :class:`IdempotencyConflict`."""
		if len(key) > MAX_KEY_LENGTH:
			raise IdempotencyKeyInvalid(IdempotencyKeyInvalid.detail)
		scope_key = (*scope, key)
		with self._lock:
			now = self.clock.now()
			self._expire(now)
			entry = self._entries.get(scope_key)
			if entry is None:
				entry = _Entry(request_fingerprint, now)
				self._entries[scope_key] = entry
				return Reservation(scope_key, entry)
			if entry.fingerprint != request_fingerprint:
				raise IdempotencyConflict(key)
		entry.done.wait(wait_timeout)
		if entry.response is None:
			# The first request was abandoned (e.g. failed before committing): handle this one afresh.
			with self._lock:
				if self._entries.get(scope_key) is entry:
					del self._entries[scope_key]
			return self.begin(scope, key, request_fingerprint, wait_timeout)
		return entry.response

	def complete(self, reservation: Reservation, response: StoredResponse) -> None:
		reservation.entry.response = response
		reservation.entry.done.set()

	def abandon(self, reservation: Reservation) -> None:
		"""Forget a reservation whose request never reached the handler."""
		with self._lock:
			if self._entries.get(reservation.scope_key) is reservation.entry:
				del self._entries[reservation.scope_key]
		reservation.entry.done.set()

	def _expire(self, now: float) -> None:
		stale = [k for k, e in self._entries.items() if e.done.is_set() and now - e.created >= self.window]
		for key in stale:
			del self._entries[key]

	def __len__(self) -> int:
		with self._lock:
			return len(self._entries)
