"""Xero's rate limits in the sandbox: 60/minute, 5 concurrent, 5,000/day per
organisation (configurable, e.g. 1,000 for the Starter tier), 10,000/minute
per app; 429 with Retry-After and X-Rate-Limit-Problem; the remaining-calls
headers on every response; a time scale that shortens minute and day."""

from __future__ import annotations

import threading
import time

import pytest
from sandbox_platform_support import Api, RecordingBackend, running_sandbox

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.contract import ApiResponse
from xero_connector.sandbox.limits import LimitConfig, RateLimited, RateLimiter


def limiter(clock=None, **config) -> RateLimiter:
	return RateLimiter(LimitConfig(**config), clock or ManualClock())


def admit_many(rl: RateLimiter, tenant: str, count: int) -> None:
	for _ in range(count):
		rl.release(rl.admit(tenant))


def test_the_61st_call_in_a_minute_is_refused_until_the_oldest_leaves_the_window():
	clock = ManualClock()
	rl = limiter(clock)
	admit_many(rl, "t1", 30)
	clock.advance(20)
	admit_many(rl, "t1", 30)
	with pytest.raises(RateLimited) as refused:
		rl.admit("t1")
	assert refused.value.problem == "minute"
	assert refused.value.headers["X-Rate-Limit-Problem"] == "minute"
	assert refused.value.headers["Retry-After"] == "40"
	assert refused.value.headers["X-MinLimit-Remaining"] == "0"
	clock.advance(40)
	rl.release(rl.admit("t1"))


def test_limits_are_per_organisation():
	rl = limiter()
	admit_many(rl, "t1", 60)
	with pytest.raises(RateLimited):
		rl.admit("t1")
	rl.release(rl.admit("t2"))


def test_day_limit_is_configurable_for_the_starter_tier_and_reported_first():
	clock = ManualClock()
	rl = limiter(clock, per_day=1000)
	for _ in range(16):
		admit_many(rl, "t1", 60)
		clock.advance(60)
	admit_many(rl, "t1", 40)
	clock.advance(60)
	with pytest.raises(RateLimited) as refused:
		rl.admit("t1")
	assert refused.value.problem == "day"
	assert refused.value.headers["X-DayLimit-Remaining"] == "0"
	assert 86_400 - 17 * 60 <= int(refused.value.headers["Retry-After"]) <= 86_400


def test_five_calls_may_be_in_progress_at_once():
	rl = limiter()
	held = [rl.admit("t1") for _ in range(5)]
	with pytest.raises(RateLimited) as refused:
		rl.admit("t1")
	assert refused.value.problem == "concurrent"
	assert "Retry-After" not in refused.value.headers  # Xero: minute and day limits only
	rl.release(held[0])
	rl.release(rl.admit("t1"))


def test_app_minute_limit_counts_every_organisation():
	rl = limiter(app_per_minute=100)
	for tenant in range(2):
		admit_many(rl, f"t{tenant}", 50)
	with pytest.raises(RateLimited) as refused:
		rl.admit("t9")
	assert refused.value.problem == "appminute"
	assert refused.value.headers["X-AppMinLimit-Remaining"] == "0"


def test_time_scale_shortens_the_minute_and_keeps_the_ratios():
	rl = RateLimiter(LimitConfig(time_scale=120))
	admit_many(rl, "t1", 60)
	with pytest.raises(RateLimited) as refused:
		rl.admit("t1")
	assert refused.value.retry_after == 1, "half a real second rounds up to one"
	time.sleep(0.55)
	rl.release(rl.admit("t1"))


def test_disabled_limits_report_the_whole_budget_so_clients_never_slow_down():
	rl = limiter(enabled=False)
	admit_many(rl, "t1", 100)  # no 429 past 60
	assert rl.headers("t1") == {
		"X-DayLimit-Remaining": "5000",
		"X-MinLimit-Remaining": "60",
		"X-AppMinLimit-Remaining": "10000",
	}


def test_remaining_headers_on_every_response_and_429_over_http():
	with running_sandbox() as sandbox:
		client = Api(sandbox, sandbox.issue_token_set())
		first = client.call("GET", "/Organisation")
		assert first.headers["X-MinLimit-Remaining"] == "59"
		assert first.headers["X-DayLimit-Remaining"] == "4999"
		assert first.headers["X-AppMinLimit-Remaining"] == "9999"
		for _ in range(58):
			client.call("GET", "/Organisation")
		last = client.call("GET", "/Organisation")
		assert (last.status_code, last.headers["X-MinLimit-Remaining"]) == (200, "0")
		refused = client.create_contact("Over the limit")
		assert refused.status_code == 429
		assert refused.headers["X-Rate-Limit-Problem"] == "minute"
		assert refused.headers["Retry-After"] == "60"
		assert refused.headers["X-MinLimit-Remaining"] == "0"
		assert refused.json()["Status"] == 429
		assert sandbox.backend.writes == 0, "a refused call is not handled"
		sandbox.clock.advance(60)
		assert client.call("GET", "/Organisation").status_code == 200


def test_starter_tier_day_limit_over_http():
	with running_sandbox(limits=LimitConfig(per_day=3)) as sandbox:
		client = Api(sandbox, sandbox.issue_token_set())
		assert [client.call("GET", "/Organisation").status_code for _ in range(3)] == [200] * 3
		refused = client.call("GET", "/Organisation")
		assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "day"


class SlowBackend(RecordingBackend):
	def __init__(self):
		super().__init__()
		self.release = threading.Event()

	def handle(self, org, request):
		if request.path == "/Slow":
			self.release.wait(10)
			return ApiResponse(200, {"ok": True})
		return super().handle(org, request)


def test_a_sixth_concurrent_call_gets_429_over_http():
	backend = SlowBackend()
	with running_sandbox(backend=backend) as sandbox:
		tokens = sandbox.issue_token_set()
		results = []

		def slow_call():
			results.append(Api(sandbox, tokens).call("GET", "/Slow").status_code)

		threads = [threading.Thread(target=slow_call) for _ in range(5)]
		for thread in threads:
			thread.start()
		deadline = time.monotonic() + 5
		try:
			while sandbox.limiter.in_flight(sandbox.tenant_id) < 5 and time.monotonic() < deadline:
				time.sleep(0.01)
			sixth = Api(sandbox, tokens).call("GET", "/Organisation")
			assert sixth.status_code == 429
			assert sixth.headers["X-Rate-Limit-Problem"] == "concurrent"
		finally:
			backend.release.set()
			for thread in threads:
				thread.join()
		assert results == [200] * 5


# ----- Xero's app tiers (issue 23) ------------------------------------------------------------


@pytest.mark.parametrize(
	"tier, per_day",
	[("starter", 1000), ("core", 5000), ("plus", 5000), ("advanced", 5000), ("enterprise", 5000)],
)
def test_each_tier_serves_its_day_limit_in_xero_headers(tier, per_day):
	with running_sandbox(limits=LimitConfig(tier=tier)) as sandbox:
		client = Api(sandbox, sandbox.issue_token_set())
		first = client.call("GET", "/Organisation")
		assert first.status_code == 200
		assert first.headers["X-DayLimit-Remaining"] == str(per_day - 1)
		assert first.headers["X-MinLimit-Remaining"] == "59"
		assert first.headers["X-AppMinLimit-Remaining"] == "9999"


def test_the_starter_tier_refuses_the_1001st_call_of_the_day_with_retry_after():
	clock = ManualClock()
	rl = limiter(clock, tier="Starter")
	assert rl.config.tier == "starter" and rl.config.per_day == 1000
	for _ in range(17):  # 1,000 calls spread over 17 minutes: never the minute limit
		admit_many(rl, "t1", min(60, 1000 - len(rl._tenant("t1").day.calls)))
		clock.advance(60)
	with pytest.raises(RateLimited) as refused:
		rl.admit("t1")
	assert refused.value.problem == "day"
	assert refused.value.headers["X-DayLimit-Remaining"] == "0"
	assert int(refused.value.headers["Retry-After"]) == 86400 - 17 * 60
	clock.advance(86400 - 17 * 60)
	rl.release(rl.admit("t1"))  # the first minute's calls left the rolling day


def test_an_unknown_tier_is_refused_with_the_known_ones():
	with pytest.raises(ValueError, match="starter, core, plus, advanced, enterprise"):
		LimitConfig(tier="premium")


def test_the_tier_keyword_and_a_day_limit_by_number():
	from xero_connector.sandbox.server import config_with

	assert config_with(None, tier="core").limits.per_day == 5000
	starter = config_with(None, tier="starter")
	assert starter.limits.per_day == 1000
	custom = config_with(starter, day_limit=3)
	assert custom.limits.per_day == 3 and custom.limits.tier is None
