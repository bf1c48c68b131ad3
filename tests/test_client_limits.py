"""Rate limits against the sandbox: the client stays under the minute and
concurrency limits, waits for Retry-After on 429 (with and without the header),
and defers work with DayLimitReached when the day budget is gone."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import DayLimitReached, Limits, RateLimiter, RetryPolicy, XeroRateLimited
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
