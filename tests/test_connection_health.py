"""Connection health (issue 17): days left before Xero's 60-day expiry of an unused refresh token,
worked out from the token store, and the warning raised within the last 7 days and not before.
A fake clock drives both the connector and the sandbox, whose refresh tokens lapse after 60 days
as Xero's do."""

from __future__ import annotations

import pytest

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import Endpoints, MemoryTokenStore, NeedsReauthorisation, OAuthClient, TokenManager
from xero_connector.xero.health import (
	DAY,
	connection_health,
	days_left,
	health_of,
	should_warn,
)
from xero_connector.xero.tokens import TokenSet

T0 = 1_767_225_600.0  # 2026-01-01


def tokens_issued_at(moment: float) -> TokenSet:
	return TokenSet.from_response({"access_token": "a", "refresh_token": "r", "expires_in": 1800}, now=moment)


@pytest.mark.parametrize(
	("after_days", "left", "warn"),
	[(0, 60, False), (52, 8, False), (52.99, 7, False), (53, 7, True), (59.5, 0, True), (61, 0, True)],
)
def test_days_left_and_the_warning_window(after_days, left, warn):
	store = MemoryTokenStore(tokens_issued_at(T0))
	health = connection_health(store, T0 + after_days * DAY)
	assert (health.days_left, health.warn) == (left, warn)
	assert health.rotated_at == T0 and health.expires_at == T0 + 60 * DAY


def test_the_pure_helper_decides_on_the_time_left_only():
	assert should_warn(7 * DAY) and should_warn(0) and not should_warn(7 * DAY + 1)
	assert should_warn(10 * DAY, within_days=14) and not should_warn(None)


def test_messages_say_what_to_do():
	tokens = tokens_issued_at(T0)
	assert "expires in 3 days" in health_of(tokens, T0 + 57 * DAY).message
	assert "connect to Xero again" in health_of(tokens, T0 + 60 * DAY).message
	assert health_of(None, T0).connected is False and days_left(None, T0) is None
	tokens.needs_reauthorisation, tokens.reauthorisation_message = True, "reconnect please"
	marked = health_of(tokens, T0)
	assert marked.needs_reauthorisation and marked.warn and marked.message == "reconnect please"


@pytest.fixture
def clocked():
	clock = ManualClock(start=T0)
	with Sandbox(SandboxConfig(), clock=clock) as sandbox:
		yield sandbox, clock


def test_a_refresh_rotates_the_token_and_starts_the_60_days_again(clocked):
	sandbox, clock = clocked
	store = MemoryTokenStore(TokenSet.from_response(sandbox.issue_token_set(), now=clock.now()))
	oauth = OAuthClient(
		sandbox.client_id, sandbox.client_secret, Endpoints.from_sandbox(sandbox), clock=clock.now
	)
	manager = TokenManager(oauth, store, clock=clock.now)

	clock.advance(54 * DAY)
	assert connection_health(store, clock.now()).warn  # 6 days left: warn
	manager.refresh()  # any use of the connection refreshes, and rotates, the refresh token
	health = connection_health(store, clock.now())
	assert (health.rotated_at, health.days_left, health.warn) == (clock.now(), 60, False)


def test_the_sandbox_refuses_the_refresh_token_the_health_calls_expired(clocked):
	sandbox, clock = clocked
	store = MemoryTokenStore(TokenSet.from_response(sandbox.issue_token_set(), now=clock.now()))
	oauth = OAuthClient(
		sandbox.client_id, sandbox.client_secret, Endpoints.from_sandbox(sandbox), clock=clock.now
	)
	manager = TokenManager(oauth, store, clock=clock.now)
	clock.advance(60 * DAY + 60)
	assert connection_health(store, clock.now()).days_left == 0
	with pytest.raises(NeedsReauthorisation):
		manager.refresh()
	assert connection_health(store, clock.now()).needs_reauthorisation
