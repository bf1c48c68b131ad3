"""Per-organisation rate limiting on the client side.

Xero allows, per connected organisation, 60 calls in any rolling minute, 5 in
progress at once and a day limit set by the app's tier (1,000 on Starter, 5,000 before the
tiers and on Core: budget.py), and 10,000 calls a minute per app. The
``RateLimiter`` keeps the client under those limits *before* Xero says 429,
reads the remaining-calls headers Xero returns, absorbs 429s by waiting for
``Retry-After``, and when the day budget is gone raises ``DayLimitReached`` with
the time to resume, so the caller defers the work rather than failing it.

Its shared state sits behind ``LimiterBackend`` so that many workers on many
machines can share one budget: ``MemoryLimiterBackend`` is for one process; the
Frappe shell provides a Redis backend with the same three primitives —
sliding-window counters (a sorted set per window, trimmed and counted in one
Lua script), a concurrency semaphore with expiring leases (a sorted set of
lease ids scored by expiry), and "blocked until" marks (a key with a TTL).

The day limit is learned, not assumed (issue 23): ``Limits.tier`` (default Starter, the
strictest) gives the starting figure, and each answer's ``X-DayLimit-Remaining`` is kept in
the backend as a note every worker reads (``put_note``/``get_note``): the remaining budget is
the smaller of the limiter's own count and Xero's figure less the calls made since, and a
figure larger than the tier allows raises the limit (the app is on a larger tier).
:meth:`RateLimiter.budget` reports it (budget.DayBudget), :meth:`RateLimiter.resume_for` says
when a number of calls will be free again. Backends without ``put_note``/``get_note``/
``room_at`` still work: the note is then kept per process, the times are conservative.

Several apps and a worker's time (issue 15): the app-minute window is the app's, so a limiter
given ``app_key`` (the app's client id) counts it under ``{ns}:app:{app_key}:minute``; without
one it stays ``{ns}:app:minute``. With ``max_wait`` (seconds) a call never waits longer than that
in all, for the limiter or a 429's Retry-After: :class:`RateLimitWait` is raised instead, with
the time the call can go, so a queue worker is given back rather than held. Without it (the CLI,
benchmarks) the limiter waits as long as it must.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from xero_connector.xero.budget import DEFAULT_TIER, DayBudget, tier_day_limit
from xero_connector.xero.errors import DayLimitReached, RateLimitWait
from xero_connector.xero.limiter_backends import LimiterBackend, MemoryLimiterBackend, Window

__all__ = [
	"DAY",
	"MINUTE",
	"Lease",
	"LimiterBackend",
	"Limits",
	"MemoryLimiterBackend",
	"RateLimitWait",
	"RateLimiter",
	"Window",
]

log = logging.getLogger(__name__)

MINUTE = 60.0
DAY = 86_400.0


@dataclass(frozen=True)
class Limits:
	"""Xero's limits. ``time_scale`` > 1 shortens the minute and the day (as the sandbox's
	``time_scale`` does) so benchmarks run fast with every ratio kept. ``day_limit`` defaults
	to the ``tier``'s (budget.TIER_DAY_LIMITS; default tier Starter: 1,000)."""

	minute_limit: int = 60
	concurrent_limit: int = 5
	day_limit: int | None = None
	app_minute_limit: int = 10_000
	time_scale: float = 1.0
	lease_ttl: float = 120.0  # a crashed worker's concurrency slot frees itself after this
	window_padding: float = 0.05  # seconds added to windows: Xero counts on arrival, we on departure
	tier: str = DEFAULT_TIER

	def __post_init__(self):
		tier = (self.tier or DEFAULT_TIER).strip().lower()
		limit = tier_day_limit(tier)
		object.__setattr__(self, "tier", tier)
		if self.day_limit is None:
			object.__setattr__(self, "day_limit", limit)

	@property
	def minute(self) -> float:
		return MINUTE / self.time_scale + self.window_padding

	@property
	def day(self) -> float:
		return DAY / self.time_scale + self.window_padding


@dataclass
class Lease:
	"""One admitted call; give it back with ``RateLimiter.release``."""

	tenant_id: str
	lease_id: str | None
	released: bool = False


class RateLimiter:
	"""Client-side limiter shared by every XeroClient of the process (or, with a
	shared backend, of the site). Called by XeroClient around every API call."""

	def __init__(
		self,
		limits: Limits | None = None,
		backend: LimiterBackend | None = None,
		*,
		clock: Callable[[], float] = time.time,
		sleep: Callable[[float], None] = time.sleep,
		poll: float = 0.02,
		namespace: str = "xero",
		app_key: str | None = None,
		max_wait: float | None = None,
	):
		self.limits = limits or Limits()
		self.backend = backend or MemoryLimiterBackend()
		self.clock = clock
		self.sleep = sleep
		self.poll = poll
		self.ns = namespace
		self.app_key = app_key  # the app (client id) whose app-minute window this is; None: shared
		self.max_wait = max_wait  # longest a call waits in all before RateLimitWait; None: no cap
		self.remaining: dict[str, dict[str, int]] = {}  # last X-*-Remaining seen per tenant
		self.waited = 0.0  # seconds spent waiting (stats)
		self._local_notes: dict[str, tuple[dict, float]] = {}  # for backends without notes

	def _keys(self, tenant_id: str) -> dict[str, str]:
		base = f"{self.ns}:{tenant_id}"
		return {
			"minute": f"{base}:minute",
			"day": f"{base}:day",
			"concurrent": f"{base}:concurrent",
			"appminute": f"{self.ns}:app:{self.app_key}:minute" if self.app_key else f"{self.ns}:app:minute",
			"block": f"{base}:blocked",
			"day_block": f"{base}:day_blocked",
			"day_note": f"{base}:day_seen",
		}

	# ----- the day budget, learned from Xero's answers --------------------------------------

	def _get_note(self, key: str, now: float) -> dict | None:
		getter = getattr(self.backend, "get_note", None)
		if getter is not None:
			return getter(key, now)
		entry = self._local_notes.get(key)
		return dict(entry[0]) if entry and entry[1] > now else None

	def _put_note(self, key: str, note: dict, until: float) -> None:
		putter = getattr(self.backend, "put_note", None)
		if putter is not None:
			putter(key, note, until)
		else:
			self._local_notes[key] = (dict(note), until)

	def _hits(self, key: str, length: float, now: float) -> int | None:
		counter = getattr(self.backend, "hits", None)
		return counter(key, length, now) if counter is not None else None

	def day_limit(self, tenant_id: str) -> int:
		"""Calls a day for this organisation: the tier's, or more once Xero's headers showed more."""
		return self._limit(self._get_note(self._keys(tenant_id)["day_note"], self.clock()))

	def _limit(self, note: dict | None) -> int:
		"""The configured limit, or the larger one Xero's figures prove (``note["limit"]``: the
		most remaining + counted calls seen; calls in flight, counted here but not yet by
		Xero, can inflate it by up to the concurrency limit)."""
		configured = self.limits.day_limit
		seen = int(note.get("limit") or 0) if note else 0
		return seen if seen > configured + self.limits.concurrent_limit else configured

	def budget(self, tenant_id: str) -> DayBudget:
		"""The organisation's day budget now (shared by every worker of the backend)."""
		now = self.clock()
		keys = self._keys(tenant_id)
		note = self._get_note(keys["day_note"], now)
		limit = self._limit(note)
		used = self._hits(keys["day"], self.limits.day, now)
		remaining = limit - (used or 0)
		if note is not None:
			since = self._hits(keys["day"], max(now - float(note["at"]), 0.0), now) or 0
			# calls counted then that have left the rolling day since came back to Xero's figure too
			left = max(0, int(note["used"]) - ((used or 0) - since)) if note.get("used") is not None else 0
			remaining = min(remaining, int(note["remaining"]) - since + left)
		blocked = self.backend.blocked_until(keys["day_block"], now)
		if blocked:
			remaining = 0
		resets_at = blocked
		if resets_at is None and used:
			resets_at = now + self._room_in(Window(keys["day"], self.limits.day, used), now)
		return DayBudget(
			limit=limit,
			remaining=max(0, remaining),
			resets_at=resets_at,
			learned=note is not None,
			tier=self.limits.tier,
		)

	def resume_for(self, tenant_id: str, calls: int = 1, reserve: int = 0) -> float:
		"""When (epoch seconds) ``calls`` calls can be made with ``reserve`` still left after
		them, as far as the limiter's own count of the rolling day tells; now if already."""
		now = self.clock()
		keys = self._keys(tenant_id)
		limit = self.day_limit(tenant_id)
		window = Window(keys["day"], self.limits.day, limit - reserve - calls + 1)
		at = now + self._room_in(window, now)
		blocked = self.backend.blocked_until(keys["day_block"], now)
		return max(at, blocked or 0.0)

	def _room_in(self, window: Window, now: float) -> float:
		room_at = getattr(self.backend, "room_at", None)
		if room_at is not None:
			return room_at(window, now)
		return self.limits.day  # unknown: a whole day, the latest it can be

	def day_limit_until(self, tenant_id: str) -> float | None:
		"""When the organisation's spent day limit lets calls through again (epoch
		seconds), or None while it is not spent. Shared by every worker of the backend."""
		return self.backend.blocked_until(self._keys(tenant_id)["day_block"], self.clock())

	@contextlib.contextmanager
	def slot(self, tenant_id: str) -> Iterator[Lease]:
		lease = self.acquire(tenant_id)
		try:
			yield lease
		finally:
			self.release(lease)

	def acquire(self, tenant_id: str) -> Lease:
		"""Wait until a call to ``tenant_id`` is allowed and admit it. Raises
		DayLimitReached (without waiting) when the day budget is used up, and RateLimitWait
		(without waiting) when the waits would add up to more than ``max_wait``."""
		keys = self._keys(tenant_id)
		problems = {keys["minute"]: "minute", keys["appminute"]: "appminute"}
		lim = self.limits
		windows = [
			Window(keys["day"], lim.day, self.day_limit(tenant_id)),
			Window(keys["minute"], lim.minute, lim.minute_limit),
			Window(keys["appminute"], lim.minute, lim.app_minute_limit),
		]
		waited = 0.0  # by this call, against max_wait
		while True:
			now = self.clock()
			day_block = self.backend.blocked_until(keys["day_block"], now)
			if day_block:
				raise DayLimitReached(day_block)
			block = self.backend.blocked_until(keys["block"], now)
			if block:
				waited = self._wait(block - now, waited, now, None)
				continue
			lease_id = self.backend.try_lease(keys["concurrent"], lim.concurrent_limit, lim.lease_ttl, now)
			if lease_id is None:
				waited = self._wait(self.poll, waited, now, "concurrent")
				continue
			wait, full = self.backend.try_hit(windows, now)
			if full is None:
				return Lease(tenant_id, lease_id)
			self.backend.release_lease(keys["concurrent"], lease_id)
			if full == keys["day"]:
				resume = now + wait
				self.backend.block(keys["day_block"], resume)
				raise DayLimitReached(resume)
			waited = self._wait(wait, waited, now, problems.get(full))

	def release(self, lease: Lease) -> None:
		if lease.released:
			return
		lease.released = True
		if lease.lease_id:
			self.backend.release_lease(self._keys(lease.tenant_id)["concurrent"], lease.lease_id)

	def observe(self, tenant_id: str, headers: Mapping[str, str] | None) -> None:
		"""Read Xero's X-MinLimit-Remaining / X-DayLimit-Remaining / X-AppMinLimit-Remaining."""
		if not headers:
			return
		lower = {k.lower(): v for k, v in headers.items()}
		seen = {}
		for name, key in (
			("x-minlimit-remaining", "minute"),
			("x-daylimit-remaining", "day"),
			("x-appminlimit-remaining", "appminute"),
		):
			try:
				seen[key] = int(lower[name])
			except (KeyError, TypeError, ValueError):
				continue
		if not seen:
			return
		self.remaining[tenant_id] = seen
		now = self.clock()
		keys = self._keys(tenant_id)
		if "day" in seen:
			self._learn_day(keys, seen["day"], now)
		if seen.get("day") == 0:
			# No reset time is given here; the next call's 429 "day" carries the exact
			# Retry-After and turns into DayLimitReached(resume_at).
			log.warning("Xero day limit for tenant %s is used up (X-DayLimit-Remaining: 0)", tenant_id)
		elif seen.get("minute") == 0 or seen.get("appminute") == 0:
			# Someone else shares this budget: pause briefly rather than collect a 429.
			self.backend.block(keys["block"], now + self.limits.minute / 12)

	def _learn_day(self, keys: dict[str, str], remaining: int, now: float) -> None:
		"""Keep Xero's X-DayLimit-Remaining for every worker; a figure above what the configured
		tier leaves shows a larger limit (this call's hit is already counted)."""
		previous = self._get_note(keys["day_note"], now)
		limit = int(previous.get("limit") or 0) if previous else 0  # evidence only, not the configured
		used = self._hits(keys["day"], self.limits.day, now)
		if used is not None and remaining + used > limit:
			limit = remaining + used
		self._put_note(
			keys["day_note"],
			{"remaining": remaining, "at": now, "limit": limit, "used": used},
			now + self.limits.day,
		)

	def rate_limited(self, tenant_id: str, problem: str | None, retry_after: float | None) -> float:
		"""Record a 429. For ``day`` raise DayLimitReached(resume_at); otherwise block the
		tenant for Retry-After (or a short default) and return the wait in seconds, or raise
		RateLimitWait(resume_at) when that is longer than ``max_wait`` (the block stays, so
		every worker of the backend waits for it too)."""
		now = self.clock()
		keys = self._keys(tenant_id)
		problem = (problem or "minute").lower()
		if problem == "day":
			resume = now + (retry_after if retry_after is not None else self.limits.day / 24)
			self.backend.block(keys["day_block"], resume)
			raise DayLimitReached(resume)
		if retry_after is None:
			retry_after = {"concurrent": 1.0}.get(problem, self.limits.minute / 6)
		self.backend.block(keys["block"], now + retry_after)
		if self.max_wait is not None and retry_after > self.max_wait:
			log.info(
				"Xero rate limit (%s) for tenant %s: put back for %.2f s", problem, tenant_id, retry_after
			)
			raise RateLimitWait(now + retry_after, problem=problem, retry_after=retry_after)
		log.info("Xero rate limit (%s) for tenant %s: waiting %.2f s", problem, tenant_id, retry_after)
		return retry_after

	def _wait(self, seconds: float, waited: float, now: float, problem: str | None) -> float:
		"""Sleep ``seconds`` (a call has ``waited`` so far) and return the call's new total; raise
		RateLimitWait(now + seconds) instead when the total would pass ``max_wait``."""
		seconds = max(seconds, 0.001)
		if self.max_wait is not None and waited + seconds > self.max_wait:
			raise RateLimitWait(now + seconds, problem=problem, retry_after=seconds)
		self.waited += seconds
		self.sleep(seconds)
		return waited + seconds
