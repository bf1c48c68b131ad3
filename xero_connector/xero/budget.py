"""Xero's day budget per organisation, and who may spend it (issue 23).

Since 2 March 2026 Xero sells API access in tiers: Starter, Core, Plus, Advanced, Enterprise
(developer.xero.com/pricing, developer.xero.com/faq/pricing-and-policy-updates: connections
5 / 50 / 1,000 / 10,000 / no limit). Xero publishes the tiers' connections and fees, not their
call limits; what is reported:

- Starter: 1,000 calls a day per organisation (support.databuzz.com.au/article/742);
- Core: about five times Starter's limits (docs.hirepos.com/en/articles/12836033), i.e. the
  5,000 a day every app had before the tiers (developer.xero.com/faq/limits);
- Plus, Advanced, Enterprise: unknown; 5,000 (the pre-tier limit) is assumed.

So the limiter starts from the configured tier (default: Starter, the strictest) and then
believes Xero: every answer's ``X-DayLimit-Remaining`` tells it what is left, and a remaining
count above what the tier allows shows the app is on a larger tier (limiter.py).

:func:`decide` is the policy: pushes, voids and allocations of submitted documents and the
payment pull (HIGH) may spend the whole budget; backfill, readiness checks, reconciliation and
the Customer panel (LOW) stop when only the reserve is left, and are told when to resume.
Pure: no clock, no I/O; the caller passes the :class:`DayBudget` the limiter reports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

STARTER = "starter"
DEFAULT_TIER = STARTER  # the strict one until Xero's headers say otherwise

# calls per day per organisation, by tier (sources in the module docstring)
TIER_DAY_LIMITS: dict[str, int] = {
	"starter": 1_000,
	"core": 5_000,
	"plus": 5_000,  # not published: the pre-tier limit is assumed
	"advanced": 5_000,  # not published
	"enterprise": 5_000,  # not published
}


def tier_day_limit(tier: str | None) -> int:
	"""The day limit assumed for ``tier`` (None: the default tier). ValueError if unknown."""
	name = (tier or DEFAULT_TIER).strip().lower()
	if name not in TIER_DAY_LIMITS:
		raise ValueError(f"unknown Xero tier {tier!r}: one of {', '.join(TIER_DAY_LIMITS)}")
	return TIER_DAY_LIMITS[name]


class Priority(enum.Enum):
	HIGH = "high"
	LOW = "low"


# activity → priority. HIGH: the work a user already committed to (submitted documents, and
# the payments that settle them); LOW: work that can wait for tomorrow's budget.
ACTIVITIES: dict[str, Priority] = {
	"push": Priority.HIGH,
	"void": Priority.HIGH,
	"allocate": Priority.HIGH,
	"payment_pull": Priority.HIGH,
	"reference": Priority.HIGH,  # accounts, tax rates, currencies: a push cannot be mapped without them
	"quotation": Priority.HIGH,  # a submitted Quotation, like an invoice
	"attachment": Priority.LOW,  # the invoice's PDF, after the invoice itself is in Xero
	"online_invoice": Priority.LOW,  # the Sales Invoice form's link to Xero's online invoice
	"preview": Priority.LOW,  # the payload preview of a Sales Invoice
	"backfill": Priority.LOW,
	"readiness": Priority.LOW,
	"reconciliation": Priority.LOW,
	"customer_panel": Priority.LOW,
}


def priority_of(activity: str) -> Priority:
	try:
		return ACTIVITIES[activity]
	except KeyError:
		raise ValueError(f"unknown activity {activity!r}: one of {', '.join(ACTIVITIES)}") from None


def default_reserve(day_limit: int) -> int:
	"""Calls kept for HIGH work: a fifth of the day (200 on Starter, 1,000 on 5,000/day).
	Starter's 200 is about 8,000 invoices pushed at 40 a call, or a day's pushes and pulls
	several times over (benchmarks/bench_day.py)."""
	return max(1, day_limit // 5)


@dataclass(frozen=True)
class DayBudget:
	"""An organisation's day budget as the limiter knows it (RateLimiter.budget).

	``limit``: calls a day (the tier's, or larger when Xero's headers showed more);
	``remaining``: calls left now (the smaller of the limiter's own count and Xero's last
	``X-DayLimit-Remaining`` less the calls since); ``resets_at``: epoch seconds when calls
	start coming back (the day is rolling: the oldest call counted leaves it), None while
	nothing is spent; ``learned``: Xero's headers have been seen (else it is the tier's
	assumption); ``tier``: the configured tier."""

	limit: int
	remaining: int
	resets_at: float | None = None
	learned: bool = False
	tier: str = DEFAULT_TIER

	@property
	def used(self) -> int:
		return self.limit - self.remaining


@dataclass(frozen=True)
class Decision:
	"""``go``: spend the calls now. Otherwise pause until ``resume_at`` (epoch seconds, or
	None when unknown: try again later), for ``reason`` (a sentence for the Sync Log)."""

	go: bool
	priority: Priority
	resume_at: float | None = None
	reason: str = ""


def decide(
	activity: str,
	budget: DayBudget,
	*,
	calls: int = 1,
	reserve: int | None = None,
	resume_at: float | None = None,
) -> Decision:
	"""May ``activity`` spend ``calls`` more calls of ``budget`` now?

	HIGH activities go while the budget has the calls; LOW ones only while ``reserve`` calls
	(default :func:`default_reserve`) would still be left after them. A refusal carries
	``resume_at`` (default ``budget.resets_at``; the limiter's ``resume_for`` gives the exact
	time the needed calls are back)."""
	priority = priority_of(activity)
	keep = 0 if priority is Priority.HIGH else (default_reserve(budget.limit) if reserve is None else reserve)
	if budget.remaining - calls >= keep:
		return Decision(True, priority)
	when = resume_at if resume_at is not None else budget.resets_at
	if priority is Priority.HIGH:
		reason = (
			f"Xero's day limit is spent ({budget.remaining} of {budget.limit} calls left, {calls} needed)"
		)
	else:
		reason = (
			f"paused to keep Xero's last {keep} calls of the day for invoices and payments "
			f"({budget.remaining} of {budget.limit} left, {calls} needed)"
		)
	return Decision(False, priority, when, reason)
