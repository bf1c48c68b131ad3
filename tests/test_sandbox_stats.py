"""What the sandbox counts (``Sandbox.stats``: calls per organisation, writes, 429s,
idempotent replays, token requests), and its keyword form
``Sandbox(client_id=..., minute_limit=..., time_scale=..., ...)``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.server import DEMO_CLIENT_ID, SECOND_TENANT_ID, Sandbox, SandboxConfig
from xero_connector.sandbox.testing import SandboxHttp

CONTACT = {"Contacts": [{"Name": "Stats Counting Ltd"}]}


@pytest.fixture
def small_sandbox():
	"""Xero's limits, but only 4 calls a minute, on a clock that only moves when told."""
	with Sandbox(minute_limit=4, clock=ManualClock(start=time.time())) as started:
		yield started


def test_calls_writes_429s_and_replays_are_counted_per_organisation(small_sandbox):
	sb = small_sandbox
	demo = SandboxHttp(sb)
	second = SandboxHttp(sb, tenant_id=SECOND_TENANT_ID)
	key = {"Idempotency-Key": "stats-contact-1"}
	assert demo.put("/Contacts", json=CONTACT, headers=key).status_code == 200
	assert demo.put("/Contacts", json=CONTACT, headers=key).status_code == 200  # replayed, not written
	assert demo.get("/Organisation").status_code == 200
	assert demo.get("/Accounts").status_code == 200
	assert demo.get("/Accounts").status_code == 429  # the fifth call in the minute
	assert second.get("/Organisation").status_code == 200
	stats = sb.stats
	assert stats["calls"] == {sb.tenant_id: 5, SECOND_TENANT_ID: 1}
	assert stats["writes"] == {sb.tenant_id: 1}
	assert stats["idempotent_replays"] == {sb.tenant_id: 1}
	assert stats["rate_limited"] == {sb.tenant_id: 1}
	assert stats["totals"] == {"calls": 6, "writes": 1, "rate_limited": 1, "idempotent_replays": 1}
	contacts = sb.organisation().contacts.values()
	assert [c["Name"] for c in contacts].count("Stats Counting Ltd") == 1  # the replay wrote nothing


def test_refused_tokens_are_not_counted_as_calls(small_sandbox):
	sb = small_sandbox
	response = requests.get(
		f"{sb.api_url}/Organisation",
		headers={"Authorization": "Bearer not-a-token", "xero-tenant-id": sb.tenant_id},
		timeout=10,
	)
	assert response.status_code == 401
	assert sb.stats["calls"] == {} and sb.stats["totals"]["calls"] == 0


def test_injected_429s_count_as_rate_limited(small_sandbox):
	sb = small_sandbox
	response = requests.post(f"{sb.url}/sandbox/faults", json={"kind": "rate_limit", "count": 1}, timeout=10)
	assert response.status_code == 201, response.text
	demo = SandboxHttp(sb)
	refused = demo.get("/Organisation")
	assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "minute"
	assert demo.get("/Organisation").status_code == 200
	assert sb.stats["rate_limited"] == {sb.tenant_id: 1}
	assert sb.stats["calls"] == {sb.tenant_id: 2}


def test_token_requests_are_counted_by_grant(small_sandbox):
	sb = small_sandbox
	tokens = sb.issue_token_set()
	auth = (sb.client_id, sb.client_secret)
	refreshed = requests.post(
		sb.token_url,
		data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
		auth=auth,
	)
	assert refreshed.status_code == 200
	refused = requests.post(sb.token_url, data={"grant_type": "password"}, auth=auth)
	assert refused.status_code == 400 and refused.json()["error"] == "unsupported_grant_type"
	stats = sb.stats
	assert stats["token_requests"] == 2
	assert stats["token_requests_by_grant"] == {"refresh_token": 1, "other": 1}


def test_reset_stats_starts_from_zero(small_sandbox):
	sb = small_sandbox
	assert SandboxHttp(sb).get("/Organisation").status_code == 200
	sb.reset_stats()
	assert sb.stats["calls"] == {} and sb.stats["token_requests"] == 0
	assert SandboxHttp(sb).get("/Organisation").status_code == 200
	assert sb.stats["calls"] == {sb.tenant_id: 1}


def test_stats_is_a_copy():
	sb = Sandbox()
	snapshot = sb.stats
	snapshot["calls"]["someone"] = 99
	assert sb.stats["calls"] == {}


# ---- the keyword form ------------------------------------------------------------------------


def test_keywords_map_onto_the_config_and_its_limits(tmp_path):
	clock = ManualClock()
	sb = Sandbox(
		client_id="MYCLIENT",
		client_secret="my-secret",
		time_scale=60.0,
		minute_limit=30,
		concurrent_limit=2,
		day_limit=1000,
		app_minute_limit=500,
		limits_enabled=False,
		data_file=str(tmp_path / "state.json"),
		clock=clock,
	)
	assert (sb.client_id, sb.client_secret) == ("MYCLIENT", "my-secret")
	limits = sb.config.limits
	assert (limits.time_scale, limits.per_minute, limits.concurrent, limits.per_day) == (60.0, 30, 2, 1000)
	assert (limits.app_per_minute, limits.enabled) == (500, False)
	assert sb.config.data_file == Path(tmp_path / "state.json")
	assert sb.clock is clock
	assert sb.limiter.config is limits


def test_defaults_are_xeros_limits_and_the_demo_credentials():
	sb = Sandbox(client_id=None, time_scale=None)
	assert sb.client_id == DEMO_CLIENT_ID
	limits = sb.config.limits
	assert (limits.per_minute, limits.concurrent, limits.per_day, limits.app_per_minute) == (
		60,
		5,
		5000,
		10000,
	)
	assert limits.enabled is True and limits.time_scale == 1.0


def test_keywords_override_a_given_config():
	sb = Sandbox(SandboxConfig(client_id="FROMCONFIG", port=0), minute_limit=7)
	assert sb.client_id == "FROMCONFIG" and sb.config.limits.per_minute == 7


def test_an_unknown_keyword_is_refused():
	with pytest.raises(TypeError, match="minute_limits"):
		Sandbox(minute_limits=7)


def test_the_keyword_limits_apply_over_http():
	with Sandbox(minute_limit=2, clock=ManualClock(start=time.time())) as sb:
		demo = SandboxHttp(sb)
		assert demo.get("/Organisation").headers["X-MinLimit-Remaining"] == "1"
		assert demo.get("/Organisation").status_code == 200
		refused = demo.get("/Organisation")
		assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "minute"


def test_add_organisation_without_a_tenant_id_makes_one():
	sb = Sandbox()
	tenant_id = sb.add_organisation(name="Kiwi Two Ltd", base_currency="AUD")
	assert len(tenant_id) == 36 and tenant_id != sb.tenant_id
	assert sb.organisation(tenant_id) is not None


def test_the_admin_api_answers_400_with_the_reason_for_odd_bodies():
	import requests

	from xero_connector.sandbox.server import Sandbox, SandboxConfig

	sb = Sandbox(SandboxConfig(port=0)).start()
	try:
		for path, body, reason in [
			("/sandbox/faults", b"not json", "must be JSON"),
			("/sandbox/faults", b"[1, 2]", "must be a JSON object, not a list"),
			("/sandbox/faults", b'{"kind": "error", "status": "x"}', "invalid literal"),
			("/sandbox/faults", b'{"1": 2, "kind": "error"}', "unknown fault fields: 1"),
			("/sandbox/webhooks", b'{"url": 5}', "wrong type"),
			("/sandbox/webhooks", b'{"url": "http://x", "categories": 7}', "wrong type"),
		]:
			answer = requests.post(sb.url + path, data=body, timeout=10)
			assert answer.status_code == 400, (path, body, answer.status_code, answer.text)
			assert reason in answer.json()["error"], (path, body, answer.text)
	finally:
		sb.stop()
