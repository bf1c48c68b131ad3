"""Rate limits against the sandbox: the client stays under the minute and
concurrency limits, waits for Retry-After on 429 (with and without the header),
and defers work with DayLimitReached when the day budget is gone. Each app has its own
app-minute window, each organisation its own minute and concurrency, and a limiter with
``max_wait`` raises RateLimitWait rather than hold a worker longer."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import (
	DayLimitReached,
	Limits,
	MemoryLimiterBackend,
	RateLimiter,
	RateLimitWait,
	RetryPolicy,
	XeroError,
	XeroRateLimited,
)
from xero_connector.xero.testing import sandbox_client, sandbox_limits


class FakeTime:
	"""Client-side time that only moves when the client sleeps (no real waiting)."""

	def __init__(self):
		self.now = time.time()
		self.sleeps = []
		self.lock = threading.Lock()

	def clock(self):
		with self.lock:
			return self.now

	def sleep(self, seconds):
		with self.lock:
			self.sleeps.append(seconds)
			self.now += seconds


def sandbox_with(**limits):
	return Sandbox(SandboxConfig(limits=LimitConfig(**limits)))


def test_client_stays_under_the_minute_limit():
	# A "minute" of one real second (time_scale 60) and 10 calls a minute.
	with sandbox_with(per_minute=10, time_scale=60) as sb:
		client = sandbox_client(sb)
		for _ in range(25):
			assert client.organisation()["Name"]
		assert client.outcomes == {200: 25}, "the client never drew a 429"
		assert client.limiter.waited > 0


def test_client_stays_under_the_concurrency_limit():
	with sandbox_with(concurrent=5, time_scale=60) as sb:
		sb.faults.add("slow", delay=0.15, count=None, path="/Organisation")
		client = sandbox_client(sb)
		barrier = threading.Barrier(12)

		def work(_):
			barrier.wait()
			return [client.organisation()["Name"] for _ in range(2)]

		with ThreadPoolExecutor(12) as pool:
			results = list(pool.map(work, range(12)))
		sb.faults.clear()
		assert len(results) == 12 and all(len(r) == 2 for r in results)
		assert client.outcomes == {200: 24}, "no 429 concurrent"


@pytest.fixture
def sb():
	with sandbox_with(time_scale=600) as sandbox:
		yield sandbox


def client_on_fake_time(sb, fake, **retry):
	limiter = RateLimiter(sandbox_limits(sb), clock=fake.clock, sleep=fake.sleep)
	return sandbox_client(sb, limiter=limiter, retry=RetryPolicy(sleep=fake.sleep, **retry))


@pytest.mark.parametrize("problem", ["minute"])
def test_429_with_retry_after_waits_that_long_then_succeeds(sb, problem):
	fake = FakeTime()
	client = client_on_fake_time(sb, fake)
	sb.faults.add("rate_limit", count=2, retry_after=7, problem=problem, path="/Organisation")
	assert client.organisation()["Name"] == "Demo Company (NZ)"
	assert client.outcomes == {429: 2, 200: 1}
	assert sum(s for s in fake.sleeps if s >= 1) >= 14  # two waits of Retry-After: 7


@pytest.mark.parametrize("problem", ["concurrent", "appminute"])
def test_429_concurrent_or_app_minute_has_no_retry_after_and_waits_a_default(sb, problem):
	"""Xero sends Retry-After only for the minute and day limits (sandbox/limits.py)."""
	fake = FakeTime()
	client = client_on_fake_time(sb, fake)
	sb.faults.add("rate_limit", count=2, retry_after=7, problem=problem, path="/Organisation")
	assert client.organisation()["Name"] == "Demo Company (NZ)"
	assert client.outcomes == {429: 2, 200: 1}
	assert sum(fake.sleeps) > 0


def test_429_without_retry_after_waits_a_default_and_succeeds(sb):
	fake = FakeTime()
	client = client_on_fake_time(sb, fake)
	sb.faults.add("error", status=429, count=1, path="/Organisation")  # no Retry-After, no problem header
	assert client.organisation()["Name"] == "Demo Company (NZ)"
	assert client.outcomes == {429: 1, 200: 1}
	assert sum(fake.sleeps) > 0


def test_persisting_429_gives_up_with_a_typed_error(sb):
	fake = FakeTime()
	client = client_on_fake_time(sb, fake, max_rate_limit_waits=3)
	sb.faults.add("rate_limit", count=None, retry_after=2, problem="minute", path="/Organisation")
	with pytest.raises(XeroRateLimited) as limited:
		client.organisation()
	sb.faults.clear()
	assert limited.value.kind == "rate_limited" and limited.value.problem == "minute"
	assert client.outcomes[429] == 4


def test_day_limit_raises_day_limit_reached_and_defers_without_calling():
	with sandbox_with(per_day=5) as sb:
		client = sandbox_client(sb)  # its limiter knows the day budget is 5
		for _ in range(5):
			client.organisation()
		before = time.time()
		with pytest.raises(DayLimitReached) as reached:
			client.organisation()
		assert client.outcomes == {200: 5}, "deferred locally, no call wasted"
		assert before < reached.value.resume_at <= before + 86_400 + 1
		assert reached.value.kind == "rate_limited" and reached.value.entry.key == "rate_limit_day"
		assert "resume after" in str(reached.value)
		# every worker sharing the limiter's backend reads when calls go through again
		assert client.limiter.day_limit_until(sb.tenant_id) == reached.value.resume_at
		assert RateLimiter(backend=client.limiter.backend).day_limit_until("another-tenant") is None


def test_day_limit_signalled_by_xero_defers_until_retry_after():
	with sandbox_with(per_day=5) as sb:
		# This client does not know the organisation's real budget (other apps use it too).
		client = sandbox_client(sb, limiter=RateLimiter(Limits(day_limit=5000)))
		sb.limiter.exhaust(sb.tenant_id, "day")
		before = time.time()
		with pytest.raises(DayLimitReached) as reached:
			client.organisation()
		assert client.outcomes == {429: 1}
		assert reached.value.resume_at > before + 60  # Xero's Retry-After, not a short pause
		with pytest.raises(DayLimitReached) as again:
			client.create_invoices([{"Type": "ACCREC"}], idempotency_key="deferred-1")
		assert client.outcomes == {429: 1}, "later work is deferred without calling Xero"
		assert again.value.resume_at == reached.value.resume_at


def test_remaining_limit_headers_are_read(sb):
	client = sandbox_client(sb)
	client.organisation()
	first = dict(client.limiter.remaining[sb.tenant_id])
	client.organisation()
	second = client.limiter.remaining[sb.tenant_id]
	assert set(first) == {"minute", "day", "appminute"}
	assert second["day"] == first["day"] - 1 and second["minute"] == first["minute"] - 1
	assert second["appminute"] == first["appminute"] - 1


def test_memory_backend_sliding_window_leases_and_blocks():
	from xero_connector.xero.limiter import MemoryLimiterBackend, Window

	backend = MemoryLimiterBackend()
	windows = [Window("t:minute", 60.0, 2), Window("t:day", 86_400.0, 3)]
	assert backend.try_hit(windows, 0.0) == (0.0, None)
	assert backend.try_hit(windows, 10.0) == (0.0, None)
	wait, full = backend.try_hit(windows, 20.0)
	assert full == "t:minute" and wait == pytest.approx(40.0)
	assert backend.try_hit(windows, 61.0) == (0.0, None)  # the first hit left the minute
	wait, full = backend.try_hit(windows, 200.0)
	assert full == "t:day" and wait == pytest.approx(86_400.0 - 200.0)

	leases = [backend.try_lease("t:c", 2, ttl=30.0, now=0.0) for _ in range(3)]
	assert leases[0] and leases[1] and leases[2] is None
	backend.release_lease("t:c", leases[0])
	assert backend.try_lease("t:c", 2, ttl=30.0, now=1.0)
	assert backend.try_lease("t:c", 2, ttl=30.0, now=31.0), "a crashed worker's lease expires"

	backend.block("t:b", 50.0)
	backend.block("t:b", 40.0)  # never shortened
	assert backend.blocked_until("t:b", 45.0) == 50.0 and backend.blocked_until("t:b", 50.0) is None


def test_time_scale_shortens_windows_and_keeps_ratios():
	limits = Limits(time_scale=60, window_padding=0)
	assert limits.minute == 1.0 and limits.day == 1440.0


# ----- several apps and organisations, and a worker's time (issue 15) ----------------------

START = 1_767_312_000.0  # 2026-01-02 00:00:00 UTC: fake time starts on a round figure


def fake_limiter(fake, backend=None, limits=None, **options):
	limits = limits or Limits(minute_limit=100, app_minute_limit=3, window_padding=0)
	return RateLimiter(limits, backend, clock=fake.clock, sleep=fake.sleep, **options)


def call(limiter, tenant_id):
	"""One call admitted and finished."""
	limiter.release(limiter.acquire(tenant_id))


def test_app_minute_window_is_per_app():
	"""Xero's 10,000 calls a minute are per app: one app's burst over its organisations
	leaves another app's minute whole; a second consent of the same app shares it."""
	fake, backend = FakeTime(), MemoryLimiterBackend()
	fake.now = START
	app_1 = fake_limiter(fake, backend, app_key="client-id-1", max_wait=0)
	app_1_other_consent = fake_limiter(fake, backend, app_key="client-id-1", max_wait=0)
	app_2 = fake_limiter(fake, backend, app_key="client-id-2", max_wait=0)
	for tenant in ("org-a", "org-b", "org-c"):
		call(app_1, tenant)  # app 1's three calls of the minute, over three organisations
	with pytest.raises(RateLimitWait) as full:
		call(app_1_other_consent, "org-d")
	assert full.value.problem == "appminute" and "this app" in str(full.value)
	assert full.value.resume_at == START + 60
	for tenant in ("org-e", "org-f", "org-g"):
		call(app_2, tenant)  # app 2 has its own three
	assert fake.sleeps == [], "no app waited for the other"


def test_without_app_key_the_app_minute_window_stays_the_sites():
	"""Limiters built as before (the CLI, benchmarks, a site not yet upgraded) keep sharing the
	one app-minute window under its old key, so an upgrade loses no count."""
	fake, backend = FakeTime(), MemoryLimiterBackend()
	first, second = fake_limiter(fake, backend, max_wait=0), fake_limiter(fake, backend, max_wait=0)
	for tenant in ("org-a", "org-b", "org-c"):
		call(first, tenant)
	with pytest.raises(RateLimitWait):
		call(second, "org-d")
	assert backend.hits("xero:app:minute", 60, fake.now) == 3


def test_tenants_do_not_share_minute_or_concurrency():
	"""One organisation's full minute or full set of calls in progress never holds another's."""
	fake = FakeTime()
	limiter = fake_limiter(
		fake, limits=Limits(minute_limit=2, concurrent_limit=1, window_padding=0), max_wait=0
	)
	in_progress = limiter.acquire("org-a")
	with pytest.raises(RateLimitWait) as busy:
		limiter.acquire("org-a")
	assert busy.value.problem == "concurrent"
	call(limiter, "org-b")  # while org-a's call is still in progress
	limiter.release(in_progress)
	call(limiter, "org-a")  # org-a's second call: its minute is full
	with pytest.raises(RateLimitWait) as minute:
		limiter.acquire("org-a")
	assert minute.value.problem == "minute"
	call(limiter, "org-b")  # org-b's second call of the minute
	assert fake.sleeps == []


def test_wait_longer_than_max_wait_raises_rate_limit_wait():
	fake = FakeTime()
	fake.now = START
	limiter = fake_limiter(fake, limits=Limits(minute_limit=2, window_padding=0), max_wait=5)
	call(limiter, "org-a")
	call(limiter, "org-a")
	with pytest.raises(RateLimitWait) as wait:
		limiter.acquire("org-a")
	assert fake.sleeps == [], "the worker is given back, not held for the minute"
	error = wait.value
	assert isinstance(error, XeroError) and error.kind == "rate_limited" and error.retryable
	assert error.resume_at == START + 60
	assert "Xero's limit for this organisation is reached; the call can go at 00:01:00 UTC" in str(error)
	fake.now = error.resume_at
	call(limiter, "org-a")  # at the time it names, the call goes without waiting
	assert fake.sleeps == []


@pytest.mark.parametrize("max_wait", [None, 61])
def test_a_wait_within_max_wait_or_without_a_cap_is_slept(max_wait):
	fake = FakeTime()
	limiter = fake_limiter(fake, limits=Limits(minute_limit=1, window_padding=0), max_wait=max_wait)
	call(limiter, "org-a")
	call(limiter, "org-a")
	assert sum(fake.sleeps) == pytest.approx(60)


def test_retry_after_longer_than_max_wait_raises_rate_limit_wait(sb):
	fake = FakeTime()
	limiter = RateLimiter(sandbox_limits(sb), clock=fake.clock, sleep=fake.sleep, max_wait=5)
	client = sandbox_client(sb, limiter=limiter, retry=RetryPolicy(sleep=fake.sleep))
	sb.faults.add("rate_limit", count=1, retry_after=30, problem="minute", path="/Organisation")
	with pytest.raises(RateLimitWait) as wait:
		client.organisation()
	assert client.outcomes == {429: 1}
	assert sum(fake.sleeps) < 1, "Retry-After was not slept"
	assert wait.value.problem == "minute" and wait.value.resume_at == pytest.approx(fake.now + 30)
	# another worker of the site does not call Xero before that time either
	other_limiter = RateLimiter(
		sandbox_limits(sb), limiter.backend, clock=fake.clock, sleep=fake.sleep, max_wait=5
	)
	other = sandbox_client(sb, limiter=other_limiter, retry=RetryPolicy(sleep=fake.sleep))
	with pytest.raises(RateLimitWait):
		other.organisation()
	assert sum(other.outcomes.values()) == 0
	fake.now = wait.value.resume_at
	assert client.organisation()["Name"] == "Demo Company (NZ)"


def test_retry_after_within_max_wait_is_slept(sb):
	fake = FakeTime()
	limiter = RateLimiter(sandbox_limits(sb), clock=fake.clock, sleep=fake.sleep, max_wait=5)
	client = sandbox_client(sb, limiter=limiter, retry=RetryPolicy(sleep=fake.sleep))
	sb.faults.add("rate_limit", count=1, retry_after=3, problem="minute", path="/Organisation")
	assert client.organisation()["Name"] == "Demo Company (NZ)"
	assert client.outcomes == {429: 1, 200: 1}
	assert sum(fake.sleeps) >= 3
