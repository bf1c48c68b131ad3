"""The rate limiter's shared state (:mod:`.limiter`): ``Window`` (one sliding-window counter),
the ``LimiterBackend`` protocol every backend keeps (atomic across the workers sharing it) and
``MemoryLimiterBackend`` for one process. The Frappe shell's Redis backend implements the same
protocol. Import these names from :mod:`xero_connector.xero.limiter`."""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Window:
	"""One sliding-window counter: at most ``limit`` hits in ``length`` seconds under ``key``."""

	key: str
	length: float
	limit: int


class LimiterBackend(Protocol):
	"""Shared limiter state. Every method must be atomic across all workers using it."""

	def try_hit(self, windows: list[Window], now: float) -> tuple[float, str | None]:
		"""Record one hit in every window if all have room and return (0.0, None);
		otherwise record nothing and return (seconds until room, key of the full window)."""
		...

	def try_lease(self, key: str, limit: int, ttl: float, now: float) -> str | None:
		"""Take one of ``limit`` concurrency slots for ``ttl`` seconds; None if all are taken."""
		...

	def release_lease(self, key: str, lease_id: str) -> None: ...

	def block(self, key: str, until: float) -> None:
		"""Refuse calls under ``key`` until ``until`` (epoch seconds); never shortens a block."""
		...

	def blocked_until(self, key: str, now: float) -> float | None: ...

	# Optional (RateLimiter falls back when a backend lacks them):
	#   put_note(key, note: dict, until: float) -> None   keep a small dict until ``until``
	#   get_note(key, now: float) -> dict | None
	#   room_at(window: Window, now: float) -> float      seconds until one more hit fits, 0 if now
	#   hits(key, length, now) -> int                      hits in the last ``length`` seconds


class MemoryLimiterBackend:
	"""LimiterBackend for one process (threads share it)."""

	def __init__(self):
		self._lock = threading.Lock()
		self._hits: dict[str, deque] = {}
		self._leases: dict[str, dict[str, float]] = {}
		self._blocks: dict[str, float] = {}
		self._notes: dict[str, tuple[dict, float]] = {}

	def try_hit(self, windows: list[Window], now: float) -> tuple[float, str | None]:
		with self._lock:
			worst, worst_key = 0.0, None
			for window in windows:
				hits = self._hits.setdefault(window.key, deque())
				while hits and hits[0] <= now - window.length:
					hits.popleft()
				if len(hits) >= window.limit:
					wait = hits[len(hits) - window.limit] + window.length - now
					if wait >= worst:
						worst, worst_key = max(wait, 0.001), window.key
			if worst_key is not None:
				return worst, worst_key
			for window in windows:
				self._hits[window.key].append(now)
			return 0.0, None

	def try_lease(self, key: str, limit: int, ttl: float, now: float) -> str | None:
		with self._lock:
			leases = self._leases.setdefault(key, {})
			for lease_id in [k for k, expiry in leases.items() if expiry <= now]:
				del leases[lease_id]
			if len(leases) >= limit:
				return None
			lease_id = uuid.uuid4().hex
			leases[lease_id] = now + ttl
			return lease_id

	def release_lease(self, key: str, lease_id: str) -> None:
		with self._lock:
			self._leases.get(key, {}).pop(lease_id, None)

	def block(self, key: str, until: float) -> None:
		with self._lock:
			self._blocks[key] = max(until, self._blocks.get(key, 0.0))

	def blocked_until(self, key: str, now: float) -> float | None:
		with self._lock:
			until = self._blocks.get(key)
			if until is not None and until <= now:
				del self._blocks[key]
				return None
			return until

	def hits(self, key: str, length: float, now: float) -> int:
		"""Hits recorded in the last ``length`` seconds (for tests and stats)."""
		with self._lock:
			return sum(1 for t in self._hits.get(key, ()) if t > now - length)

	def room_at(self, window: Window, now: float) -> float:
		"""Seconds until one more hit fits in ``window`` (0.0 if it fits now); records nothing."""
		with self._lock:
			hits = [t for t in self._hits.get(window.key, ()) if t > now - window.length]
			if len(hits) < window.limit:
				return 0.0
			if window.limit <= 0:
				return (hits[-1] + window.length - now) if hits else 0.0
			return max(hits[len(hits) - window.limit] + window.length - now, 0.0)

	def put_note(self, key: str, note: dict, until: float) -> None:
		with self._lock:
			self._notes[key] = (dict(note), until)

	def get_note(self, key: str, now: float) -> dict | None:
		with self._lock:
			entry = self._notes.get(key)
			if entry is None or entry[1] <= now:
				self._notes.pop(key, None)
				return None
			return dict(entry[0])
