"""Retry policy: jittered, bounded exponential backoff for 5xx, timeouts and
dropped connections, with an injectable sleep so tests never wait.

Called by XeroClient for every API call (writes are safe to retry because each
carries the caller's Idempotency-Key). A 429's ``Retry-After`` is not slept here: XeroClient
hands it to the RateLimiter (``rate_limited`` blocks the organisation, ``acquire`` waits the
block out), so the limiter's ``max_wait`` caps it: a Retry-After longer than the cap raises
``RateLimitWait`` with the time the call can go instead of sleeping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RetryPolicy:
	"""``attempts`` tries in all; the n-th retry waits a random time in
	[d/2, d] where d = min(max_delay, base_delay * 2**n)."""

	attempts: int = 5
	base_delay: float = 0.5
	max_delay: float = 30.0
	# 429s (minute/concurrent) absorbed by waiting before giving up with XeroRateLimited (each
	# wait is the limiter's, at most its max_wait when it has one: RateLimitWait beyond).
	max_rate_limit_waits: int = 20
	sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
	random: Callable[[], float] = field(default=random.random, repr=False)

	def delay(self, retry_number: int) -> float:
		ceiling = min(self.max_delay, self.base_delay * (2**retry_number))
		return ceiling / 2 + self.random() * ceiling / 2

	def wait(self, retry_number: int) -> float:
		seconds = self.delay(retry_number)
		self.sleep(seconds)
		return seconds


def no_sleep(_seconds: float) -> None:
	"""A sleep that returns at once (tests)."""
