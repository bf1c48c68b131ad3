"""Conformance of the sandbox's server side with Xero (issue 12): rate-limit answers, webhook
Intent to Receive and OAuth scopes per endpoint. One test per rule; each docstring names the
rule and its source. The accounting rules are in tests/test_sandbox_conformance.py."""

from __future__ import annotations

import pytest
from sandbox_platform_support import LimitConfig, WebhookReceiver, running_sandbox

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.identity import OAuthError
from xero_connector.sandbox.limits import RateLimited, RateLimiter
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.sandbox.testing import SandboxHttp

KEY = "webhook-signing-key-for-tests"
FAST = {"webhook_timeout": 0.5, "webhook_retry_delays": (0.05, 0.05, 0.05)}


# ---- 8. rate-limit answers ---------------------------------------------------------------


def limiter(**config):
	return RateLimiter(LimitConfig(**config), ManualClock())


def test_concurrent_limit_answer_has_no_retry_after():
	"""Xero sends Retry-After only when the minute or the daily limit is hit
	(developer.xero.com/documentation/guides/oauth2/limits); a concurrent 429 carries
	X-Rate-Limit-Problem: concurrent and the remaining-calls headers."""
	rl = limiter(concurrent=1)
	rl.admit("t")
	with pytest.raises(RateLimited) as refused:
		rl.admit("t")
	headers = refused.value.headers
	assert "Retry-After" not in headers and headers["X-Rate-Limit-Problem"] == "concurrent"
	assert {"X-DayLimit-Remaining", "X-MinLimit-Remaining", "X-AppMinLimit-Remaining"} <= set(headers)


def test_app_minute_limit_answer_has_no_retry_after():
	"""The app-wide minute limit: X-Rate-Limit-Problem: appminute, X-AppMinLimit-Remaining: 0, no
	Retry-After (same page; the problem values in XeroAPI/xero-node#634)."""
	rl = limiter(app_per_minute=1)
	rl.admit("a")
	with pytest.raises(RateLimited) as refused:
		rl.admit("b")
	headers = refused.value.headers
	assert "Retry-After" not in headers and headers["X-Rate-Limit-Problem"] == "appminute"
	assert headers["X-AppMinLimit-Remaining"] == "0"


def test_minute_limit_answer_has_retry_after():
	"""The minute limit: Retry-After in seconds, X-Rate-Limit-Problem: minute, X-MinLimit-Remaining: 0."""
	rl = limiter(per_minute=1)
	rl.release(rl.admit("t"))
	with pytest.raises(RateLimited) as refused:
		rl.admit("t")
	headers = refused.value.headers
	assert int(headers["Retry-After"]) >= 1 and headers["X-Rate-Limit-Problem"] == "minute"
	assert headers["X-MinLimit-Remaining"] == "0"


def test_day_limit_answer_headers():
	"""The daily limit: Retry-After (seconds until a call leaves the rolling day),
	X-Rate-Limit-Problem: day, X-DayLimit-Remaining: 0, and the minute and app-minute remainders
	as on every answer (developer.xero.com/faq/limits)."""
	rl = limiter(per_day=1)
	rl.release(rl.admit("t"))
	with pytest.raises(RateLimited) as refused:
		rl.admit("t")
	headers = refused.value.headers
	assert headers["X-Rate-Limit-Problem"] == "day" and headers["X-DayLimit-Remaining"] == "0"
	assert int(headers["Retry-After"]) > 60
	assert headers["X-MinLimit-Remaining"] == "59" and headers["X-AppMinLimit-Remaining"] == "9999"


def test_injected_concurrent_429_has_no_retry_after(api, sandbox):
	"""Injected 429s follow the same rule as the limiter's (pipeline.py)."""
	sandbox.faults.add("rate_limit", count=1, retry_after=3, problem="concurrent", path="/Organisation")
	response = api.call("GET", "/Organisation")
	assert response.status_code == 429 and "Retry-After" not in response.headers
	assert response.headers["X-Rate-Limit-Problem"] == "concurrent"


# ---- 9. webhook Intent to Receive --------------------------------------------------------


def _intent(setup) -> dict:
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		setup(receiver)
		subscription, _ = sandbox.webhooks.subscribe(receiver.url, KEY)
		return {
			"status": subscription.status,
			"reasons": [c["reason"] for c in subscription.intent["checks"]],
		}


def test_intent_to_receive_fails_when_the_receiver_answers_with_a_body():
	"""developer.xero.com/documentation/guides/webhooks/configuring-your-server: the response to
	Intent to Receive must have no body."""
	result = _intent(lambda r: setattr(r, "reply_body", b"ok"))
	assert result["status"] == "FAILED" and "the response must have no body" in result["reasons"]


def test_intent_to_receive_fails_when_the_receiver_sets_a_cookie():
	"""Same page: no cookie headers in the response."""
	result = _intent(lambda r: setattr(r, "set_cookie", True))
	assert result["status"] == "FAILED" and "the response must set no cookie" in result["reasons"]


def test_intent_to_receive_fails_on_a_status_other_than_200():
	"""Same page: 200 for a correctly signed payload (401 otherwise), nothing else."""
	result = _intent(lambda r: setattr(r, "always", 202))
	assert result["status"] == "FAILED"
	assert any("expected 200" in (reason or "") for reason in result["reasons"])


def test_intent_to_receive_fails_after_the_time_limit():
	"""Same page: the answer must come within 5 seconds (0.5 s in this fast sandbox)."""
	result = _intent(lambda r: setattr(r, "intent_sleep", 0.7))
	assert result["status"] == "FAILED" and all(reason for reason in result["reasons"])


def test_intent_to_receive_passes_for_a_correct_receiver():
	"""The correct receiver (200/401, no body, no cookie, fast) passes."""
	assert _intent(lambda r: None) == {
		"status": "OK",
		"reasons": [None] * len(_intent(lambda r: None)["reasons"]),
	}


# ---- 10. OAuth scopes per endpoint -------------------------------------------------------


@pytest.fixture
def shipped():
	with Sandbox(SandboxConfig(port=0)) as started:
		yield started


def _client(sandbox, scope):
	return SandboxHttp(sandbox, tokens=sandbox.issue_token_set(scope=f"openid offline_access {scope}"))


def test_a_token_without_the_endpoints_scope_is_refused(shipped):
	"""Each endpoint needs its scope (xero_accounting.yaml paths./Invoices.get.security:
	accounting.transactions or accounting.transactions.read); Xero answers 403
	AuthorizationUnsuccessful."""
	xero = _client(shipped, "accounting.contacts")
	refused = xero.get("/Invoices")
	assert refused.status_code == 403 and refused.json()["Detail"] == "AuthorizationUnsuccessful"
	assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
	assert xero.get("/Contacts").status_code == 200


def test_a_read_scope_does_not_write(shipped):
	"""``.read`` scopes serve GET only (paths./Contacts.put.security: accounting.contacts)."""
	xero = _client(shipped, "accounting.contacts.read")
	assert xero.get("/Contacts").status_code == 200
	assert xero.put("/Contacts", json={"Contacts": [{"Name": "Nope"}]}).status_code == 403


@pytest.mark.parametrize(
	("path", "scope"),
	[
		("/Invoices", "accounting.invoices.read"),
		("/CreditNotes", "accounting.invoices.read"),
		("/Payments", "accounting.payments.read"),
		("/Accounts", "accounting.settings.read"),
	],
)
def test_granular_scopes_serve_their_endpoints(shipped, path, scope):
	"""Granular scopes (developer.xero.com/documentation/guides/oauth2/scopes): accounting.invoices
	for Invoices and CreditNotes, accounting.payments for Payments; settings keep their name."""
	assert _client(shipped, scope).get(path).status_code == 200


def test_payments_need_the_payments_scope_not_the_invoices_one(shipped):
	"""accounting.invoices does not cover Payments (they moved to accounting.payments)."""
	assert _client(shipped, "accounting.invoices").get("/Payments").status_code == 403


def test_an_app_created_from_march_2026_cannot_get_broad_scopes():
	"""Apps created from 2 March 2026 may not request accounting.transactions (nor
	accounting.reports.read): invalid_scope (help.apideck.com/en/articles/8647746;
	dcblogdev/laravel-xero#108)."""
	with Sandbox(SandboxConfig(port=0, granular_only_app=True)) as sandbox:
		with pytest.raises(OAuthError):
			sandbox.issue_token_set(scope="openid accounting.transactions")
		granted = sandbox.issue_token_set()
		assert "accounting.invoices" in granted["scope"] and "accounting.transactions" not in granted["scope"]
		assert SandboxHttp(sandbox, tokens=granted).get("/Invoices").status_code == 200


def test_loosened_scopes_serve_any_token():
	"""The named flag ``scopes`` serves any token (for a test that needs it)."""
	with Sandbox(SandboxConfig(port=0, loosen=frozenset({"scopes"}))) as sandbox:
		assert _client(sandbox, "accounting.contacts").get("/Invoices").status_code == 200


def test_api_fixture_of_the_platform_tests_still_works(api):
	"""The default token (broad scopes) reaches every shipped endpoint."""
	assert api.call("GET", "/Organisation").status_code in (200, 404)
