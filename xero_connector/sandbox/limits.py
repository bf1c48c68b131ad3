"""Xero's API rate limits, per connected organisation and per app.

Per tenant: 60 calls in any rolling minute, 5 in progress at once, 5,000 a day
(1,000 on Xero's Starter tier); per app: 10,000 calls a minute across all
tenants. Over a limit the call is answered 429 with ``X-Rate-Limit-Problem``
(``day``, ``minute``, ``appminute`` or ``concurrent``), and ``Retry-After``
(seconds) only for the minute and day limits; every response, the 429 included,
carries ``X-MinLimit-Remaining``, ``X-DayLimit-Remaining`` and
``X-AppMinLimit-Remaining`` (developer.xero.com/documentation/guides/oauth2/limits:
"If you exceed the minute or daily limit you will also receive a Retry-After
header"; the values of X-Rate-Limit-Problem: XeroAPI/xero-node#634).

Since 2 March 2026 Xero sells API access in tiers (Starter, Core, Plus, Advanced,
Enterprise; developer.xero.com/pricing and developer.xero.com/faq/pricing-and-policy-updates,
which give each tier's connections — 5, 50, 1,000, 10,000, no limit — and fees, not its call
limits). What is known of the call limits per tier (:data:`TIERS`):

- Starter: 1,000 calls a day per organisation (support.databuzz.com.au/article/742: "the free
  Starter plan [...] limits of 5 connections and 1,000 API calls per day");
- Core: "approximately 5 times the rate limits of the Free plan" (docs.hirepos.com/en/articles/
  12836033), i.e. 5,000 a day, the limit every app had before the tiers (developer.xero.com/faq/limits);
- Plus, Advanced, Enterprise: no published figure found; the sandbox serves 5,000 a day, the
  pre-tier limit, until Xero says otherwise;
- the minute (60), concurrent (5) and app-minute (10,000) limits: no source says they differ by
  tier, so every tier keeps them.

``time_scale`` makes the "minute" and the "day" shorter for benchmarks while
keeping every ratio: with ``time_scale=60`` a minute lasts one real second and
``Retry-After`` is given in real seconds.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

from xero_connector.sandbox.clock import Clock

MINUTE = 60.0
DAY = 86_400.0
# developer.xero.com/documentation/guides/oauth2/limits: Retry-After on the minute and daily limits
RETRY_AFTER_PROBLEMS = ("minute", "day")


@dataclass(frozen=True)
class Tier:
	"""One of Xero's app tiers as the sandbox serves it. ``day_known``: the day limit is
	reported by a source (module docstring); otherwise it is the pre-tier 5,000."""

	name: str
	per_day: int
	connections: int | None  # most connected organisations (None: no limit)
	day_known: bool


TIERS: dict[str, Tier] = {
	"starter": Tier("starter", 1_000, 5, True),
	"core": Tier("core", 5_000, 50, True),
	"plus": Tier("plus", 5_000, 1_000, False),
	"advanced": Tier("advanced", 5_000, 10_000, False),
	"enterprise": Tier("enterprise", 5_000, None, False),
}


def tier_named(name: str) -> Tier:
	"""The tier called ``name`` (any case); ValueError naming the known ones otherwise."""
	tier = TIERS.get(str(name).strip().lower())
	if tier is None:
		raise ValueError(f"unknown Xero tier {name!r}: one of {', '.join(TIERS)}")
	return tier


@dataclass
class LimitConfig:
	"""Limits the sandbox enforces. ``enabled=False`` turns all of them off
	(the headers are still sent). ``tier`` (``starter``, ``core``, ``plus``, ``advanced``,
	``enterprise``) sets ``per_day`` to that tier's day limit (:data:`TIERS`); without a tier
	the limits are the pre-tier ones, each configurable."""

	per_minute: int = 60
	per_day: int = 5_000
	concurrent: int = 5
	app_per_minute: int = 10_000
	time_scale: float = 1.0
	enabled: bool = True
	tier: str | None = None

	def __post_init__(self):
		if self.time_scale <= 0:
			raise ValueError("time_scale must be positive")
		if self.tier is not None:
			tier = tier_named(self.tier)
			self.tier = tier.name
			self.per_day = tier.per_day


class RateLimited(Exception):
	"""A call refused with 429. ``problem`` is the ``X-Rate-Limit-Problem`` value."""

	def __init__(self, problem: str, retry_after: int, headers: dict[str, str]):
		super().__init__(f"rate limit exceeded: {problem}, retry after {retry_after}s")
		self.problem = problem
		self.retry_after = retry_after
		self.headers = headers


@dataclass
class _Window:
	"""Timestamps of admitted calls inside one rolling window."""

	length: float
	calls: deque = field(default_factory=deque)

	def trim(self, now: float) -> None:
		while self.calls and self.calls[0] <= now - self.length:
			self.calls.popleft()

	def wait(self, now: float) -> float:
		"""Seconds until the oldest call leaves the window."""
		return max(0.0, self.calls[0] + self.length - now) if self.calls else 0.0


@dataclass
class _TenantState:
	minute: _Window
	day: _Window
	in_flight: int = 0


@dataclass
class Admission:
	"""A call admitted by :meth:`RateLimiter.admit`; pass it back to :meth:`RateLimiter.release`."""

	tenant_id: str
	released: bool = False


class RateLimiter:
	"""Counts calls per tenant and per app. The API pipeline calls :meth:`admit`
	before handling a call and :meth:`release` when the response is sent."""

	def __init__(self, config: LimitConfig | None = None, clock: Clock | None = None):
		self.config = config or LimitConfig()
		self.clock = clock or Clock()
		self._lock = threading.Lock()
		self._tenants: dict[str, _TenantState] = {}
		self._app = _Window(MINUTE / self.config.time_scale)

	def _tenant(self, tenant_id: str) -> _TenantState:
		state = self._tenants.get(tenant_id)
		if state is None:
			scale = self.config.time_scale
			state = _TenantState(_Window(MINUTE / scale), _Window(DAY / scale))
			self._tenants[tenant_id] = state
		return state

	def _retry_after(self, seconds: float) -> int:
		return max(1, math.ceil(seconds))

	def admit(self, tenant_id: str) -> Admission:
		"""Count one call for ``tenant_id`` or raise :class:`RateLimited`."""
		with self._lock:
			now = self.clock.monotonic()
			state = self._tenant(tenant_id)
			for window in (state.minute, state.day, self._app):
				window.trim(now)
			cfg = self.config
			if cfg.enabled:
				problem, wait = None, 0.0
				if len(state.day.calls) >= cfg.per_day:
					problem, wait = "day", state.day.wait(now)
				elif len(state.minute.calls) >= cfg.per_minute:
					problem, wait = "minute", state.minute.wait(now)
				elif len(self._app.calls) >= cfg.app_per_minute:
					problem, wait = "appminute", self._app.wait(now)
				elif state.in_flight >= cfg.concurrent:
					problem, wait = "concurrent", 1.0
				if problem:
					headers = self._headers(state)
					retry_after = self._retry_after(wait)
					if problem in RETRY_AFTER_PROBLEMS:  # Xero sends Retry-After for these only
						headers["Retry-After"] = str(retry_after)
					headers["X-Rate-Limit-Problem"] = problem
					raise RateLimited(problem, retry_after, headers)
			state.minute.calls.append(now)
			state.day.calls.append(now)
			self._app.calls.append(now)
			state.in_flight += 1
			return Admission(tenant_id)

	def release(self, admission: Admission) -> None:
		with self._lock:
			if admission.released:
				return
			admission.released = True
			self._tenants[admission.tenant_id].in_flight -= 1

	def in_flight(self, tenant_id: str) -> int:
		"""Calls of this tenant being handled right now."""
		with self._lock:
			return self._tenant(tenant_id).in_flight

	def headers(self, tenant_id: str | None = None) -> dict[str, str]:
		"""The remaining-calls headers for a response (app only when no tenant is known)."""
		with self._lock:
			now = self.clock.monotonic()
			self._app.trim(now)
			if tenant_id is None:
				return {
					"X-AppMinLimit-Remaining": str(max(0, self.config.app_per_minute - len(self._app.calls)))
				}
			state = self._tenant(tenant_id)
			state.minute.trim(now)
			state.day.trim(now)
			return self._headers(state)

	def _headers(self, state: _TenantState) -> dict[str, str]:
		cfg = self.config
		if not cfg.enabled:  # nothing counts against the budgets: report them whole
			return {
				"X-DayLimit-Remaining": str(cfg.per_day),
				"X-MinLimit-Remaining": str(cfg.per_minute),
				"X-AppMinLimit-Remaining": str(cfg.app_per_minute),
			}
		return {
			"X-DayLimit-Remaining": str(max(0, cfg.per_day - len(state.day.calls))),
			"X-MinLimit-Remaining": str(max(0, cfg.per_minute - len(state.minute.calls))),
			"X-AppMinLimit-Remaining": str(max(0, cfg.app_per_minute - len(self._app.calls))),
		}

	def exhaust(self, tenant_id: str, problem: str = "minute") -> None:
		"""Fault injection: use up the tenant's minute or day allowance now, so the
		next calls get 429 until the window rolls on."""
		with self._lock:
			now = self.clock.monotonic()
			state = self._tenant(tenant_id)
			window = state.day if problem == "day" else state.minute
			limit = self.config.per_day if problem == "day" else self.config.per_minute
			window.trim(now)
			while len(window.calls) < limit:
				window.calls.append(now)
