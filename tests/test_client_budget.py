"""The day budget is learned, not assumed (issue 23): the limiter starts from the configured
tier (Starter, 1,000 a day, by default), believes Xero's X-DayLimit-Remaining, shares what it
learned with every worker of the organisation, and the priority policy (xero/budget.py)
keeps a reserve for pushes and payment pulls, pausing the rest until the calls come back."""

import pytest

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import Limits, MemoryLimiterBackend, RateLimiter
from xero_connector.xero.budget import (
	DayBudget,
	Priority,
	decide,
	default_reserve,
	priority_of,
	tier_day_limit,
)
from xero_connector.xero.testing import sandbox_client


def tier_sandbox(tier: str, **limits) -> Sandbox:
	return Sandbox(SandboxConfig(limits=LimitConfig(tier=tier, **limits)))


class Clock:
	def __init__(self, now: float = 1_000_000.0):
		self.now = now

	def __call__(self) -> float:
		return self.now


def test_the_default_tier_is_starter_and_each_tier_has_a_day_limit():
	assert Limits().tier == "starter" and Limits().day_limit == 1000
	assert Limits(tier="Core").day_limit == 5000 and Limits(tier="core").tier == "core"
	assert Limits(tier="plus", day_limit=7).day_limit == 7
	assert [tier_day_limit(t) for t in ("starter", "core", "plus", "advanced", "enterprise")] == [
		1000,
		5000,
		5000,
		5000,
		5000,
	]
	with pytest.raises(ValueError, match="unknown Xero tier"):
		Limits(tier="premium")


def test_before_any_answer_the_budget_is_the_tiers_assumption():
	budget = RateLimiter().budget("t1")
	assert budget == DayBudget(limit=1000, remaining=1000, resets_at=None, learned=False, tier="starter")


def test_a_starter_client_on_a_core_app_learns_the_larger_limit_from_xero():
	with tier_sandbox("core") as sb:
		client = sandbox_client(sb, limiter=RateLimiter(Limits()))  # configured: Starter
		client.organisation()
		budget = client.limiter.budget(sb.tenant_id)
		assert budget.learned and budget.limit == 5000 and budget.remaining == 4999
		assert client.limiter.day_limit(sb.tenant_id) == 5000


def test_the_budget_follows_xero_on_starter_and_is_shared_by_every_worker():
	with tier_sandbox("starter") as sb:
		backend = MemoryLimiterBackend()
		first = sandbox_client(sb, limiter=RateLimiter(Limits(), backend))
		second = sandbox_client(sb, limiter=RateLimiter(Limits(), backend))
		for _ in range(3):
			first.organisation()
		second.organisation()
		for worker in (first, second):
			budget = worker.limiter.budget(sb.tenant_id)
			assert (budget.limit, budget.remaining, budget.learned) == (1000, 996, True)
		assert second.limiter.remaining[sb.tenant_id]["day"] == 996  # what Xero said
		assert budget.resets_at is not None and budget.resets_at > first.limiter.clock()


def test_calls_spent_by_someone_else_show_in_xeros_figure():
	with tier_sandbox("starter") as sb:
		client = sandbox_client(sb, limiter=RateLimiter(Limits()))
		other = sandbox_client(sb, limiter=RateLimiter(Limits()))  # another app or site, not shared
		for _ in range(10):
			other.organisation()
		client.organisation()
		assert client.limiter.budget(sb.tenant_id).remaining == 989  # not 999: Xero counted 11
		client.limiter.acquire(sb.tenant_id)  # a call Xero has not answered yet counts too
		assert client.limiter.budget(sb.tenant_id).remaining == 988


def test_the_day_resets_as_the_rolling_day_moves_on():
	clock = Clock()
	limiter = RateLimiter(Limits(day_limit=3), clock=clock, sleep=lambda s: None)
	for _ in range(3):
		limiter.release(limiter.acquire("t1"))
		clock.now += 100
	budget = limiter.budget("t1")
	assert budget.remaining == 0
	day = limiter.limits.day
	assert budget.resets_at == pytest.approx(1_000_000.0 + day)  # the first call leaves the day
	assert limiter.resume_for("t1", calls=2) == pytest.approx(1_000_100.0 + day)
	clock.now = 1_000_000.0 + day + 1
	assert limiter.budget("t1").remaining == 1


def test_priorities():
	assert priority_of("push") is Priority.HIGH and priority_of("payment_pull") is Priority.HIGH
	assert priority_of("void") is Priority.HIGH
	for low in ("backfill", "readiness", "reconciliation", "customer_panel"):
		assert priority_of(low) is Priority.LOW
	with pytest.raises(ValueError):
		priority_of("anything")
	assert default_reserve(1000) == 200 and default_reserve(5000) == 1000


def test_low_work_pauses_at_the_reserve_and_high_work_spends_it():
	budget = DayBudget(limit=1000, remaining=201, resets_at=5.0)
	assert decide("customer_panel", budget).go
	assert decide("backfill", budget, calls=2).go is False
	paused = decide("backfill", budget, calls=2)
	assert paused.resume_at == 5.0 and "keep Xero's last 200 calls" in paused.reason
	low = DayBudget(limit=1000, remaining=3, resets_at=5.0)
	assert decide("push", low, calls=3).go and decide("payment_pull", low).go
	spent = decide("push", low, calls=4)
	assert not spent.go and spent.resume_at == 5.0 and "spent" in spent.reason
	assert decide("reconciliation", low, reserve=0).go
	assert decide("readiness", low, resume_at=9.0).resume_at == 9.0


def test_priorities_hold_against_the_sandbox_and_low_work_resumes_at_the_reset():
	# Starter with a day of 1,440 real seconds (time scale 60), the client's clock moved by hand.
	clock = Clock()
	with tier_sandbox("starter", time_scale=60, per_minute=100_000) as sb:
		limiter = RateLimiter(Limits(time_scale=60, minute_limit=100_000), clock=clock, sleep=lambda s: None)
		client = sandbox_client(sb, limiter=limiter)
		for _ in range(799):  # the day so far: 799 calls
			client.organisation()
		budget = limiter.budget(sb.tenant_id)
		assert budget.remaining == 201 and budget.learned
		assert decide("customer_panel", budget).go  # 200 left after it: the reserve is whole
		client.organisation()
		budget = limiter.budget(sb.tenant_id)
		paused = decide("customer_panel", budget, resume_at=limiter.resume_for(sb.tenant_id, 1, 200))
		assert not paused.go and paused.resume_at > clock.now
		assert decide("push", budget, calls=200).go
		clock.now = paused.resume_at  # the first call of the day has left the rolling day
		assert decide("customer_panel", limiter.budget(sb.tenant_id)).go


def test_xeros_figure_recovers_as_old_calls_leave_the_rolling_day():
	clock = Clock()
	limiter = RateLimiter(Limits(), clock=clock, sleep=lambda s: None)
	for _ in range(5):
		limiter.release(limiter.acquire("t1"))
	clock.now += 1800
	limiter.observe("t1", {"X-DayLimit-Remaining": "990"})  # 5 more spent elsewhere
	assert limiter.budget("t1").remaining == 990
	clock.now += 1800
	limiter.release(limiter.acquire("t1"))
	assert limiter.budget("t1").remaining == 989
	clock.now = 1_000_000.0 + limiter.limits.day + 1  # our first five calls left the day
	assert limiter.budget("t1").remaining == 994
