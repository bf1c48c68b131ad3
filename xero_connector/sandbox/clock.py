"""Time for the sandbox: a real clock, and a manual one tests move forward.

Every rule that depends on time (token lifetimes, the refresh grace period,
idempotency windows, rate-limit windows) asks a clock instead of ``time``, so
tests can jump 30 minutes ahead without sleeping.
"""

from __future__ import annotations

import threading
import time


class Clock:
	"""Wall-clock time in epoch seconds. Used by the server unless a test passes its own."""

	def now(self) -> float:
		return time.time()

	def monotonic(self) -> float:
		"""Seconds for measuring durations (rate-limit windows); unaffected by wall-clock changes."""
		return time.monotonic()


class ManualClock(Clock):
	"""A clock that only moves when :meth:`advance` is called (tests and demos)."""

	def __init__(self, start: float = 1_767_225_600.0):  # 2026-01-01T00:00:00Z
		self._now = float(start)
		self._lock = threading.Lock()

	def now(self) -> float:
		with self._lock:
			return self._now

	def monotonic(self) -> float:
		return self.now()

	def advance(self, seconds: float) -> None:
		with self._lock:
			self._now += seconds
