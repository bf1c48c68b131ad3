"""Fault injection, from Python and over the admin endpoint: 5xx and dropped
connections before or after the write is committed, slow answers, 429 bursts
and forced token expiry."""

from __future__ import annotations

import pytest
import requests

from xero_connector.sandbox.faults import Fault, FaultInjector, FaultSpecError


def contacts(api) -> list:
	return api.call("GET", "/Contacts").json()["Contacts"]


def test_5xx_before_commit_writes_nothing(sandbox, api):
	sandbox.faults.add("error", status=503, when="before")
	failed = api.create_contact("Acme", key="k1")
	assert failed.status_code == 503
	assert failed.json()["Title"] == "Service Unavailable"
	assert sandbox.backend.writes == 0
	retry = api.create_contact("Acme", key="k1")
	assert retry.status_code == 200 and sandbox.backend.writes == 1


def test_5xx_after_commit_keeps_the_write_and_a_keyed_retry_returns_it(sandbox, api):
	sandbox.faults.add("error", status=500, when="after", method="PUT")
	failed = api.create_contact("Acme", key="k2")
	assert failed.status_code == 500
	assert sandbox.backend.writes == 1 and len(contacts(api)) == 1
	retry = api.create_contact("Acme", key="k2")
	assert retry.status_code == 200
	assert retry.json()["Contacts"][0]["ContactID"] == contacts(api)[0]["ContactID"]
	assert sandbox.backend.writes == 1, "the replay does not write again"


def test_dropped_connection_before_commit(sandbox, api):
	sandbox.faults.add("drop", when="before")
	with pytest.raises(requests.ConnectionError):
		api.create_contact("Acme")
	assert sandbox.backend.writes == 0


def test_dropped_connection_after_commit(sandbox, api):
	sandbox.faults.add("drop", when="after")
	with pytest.raises(requests.ConnectionError):
		api.create_contact("Acme", key="k3")
	assert sandbox.backend.writes == 1
	assert api.create_contact("Acme", key="k3").status_code == 200
	assert sandbox.backend.writes == 1


def test_slow_answer_after_commit_times_the_client_out_but_the_write_stands(sandbox, api):
	sandbox.faults.add("slow", when="after", delay=1.0)
	with pytest.raises(requests.Timeout):
		api.create_contact("Acme", timeout=0.2)
	assert sandbox.backend.writes == 1


def test_429_burst_for_the_next_calls_then_normal(sandbox, api):
	sandbox.faults.add("rate_limit", count=3, retry_after=7, problem="minute")
	answers = [api.call("GET", "/Organisation") for _ in range(4)]
	assert [a.status_code for a in answers] == [429, 429, 429, 200]
	assert answers[0].headers["Retry-After"] == "7"
	assert answers[0].headers["X-Rate-Limit-Problem"] == "minute"
	assert "X-MinLimit-Remaining" in answers[0].headers


def test_faults_can_target_a_method_and_path(sandbox, api):
	sandbox.faults.add("error", status=502, method="PUT", path="/Contacts")
	assert api.call("GET", "/Contacts").status_code == 200
	assert api.create_contact("Acme").status_code == 502
	assert api.create_contact("Acme").status_code == 200


def test_faults_until_cleared_and_by_probability():
	injector = FaultInjector(seed=7)
	injector.add("error", count=None, probability=0.5)
	fired = sum(injector.take("before", "GET", "/Invoices", "t") is not None for _ in range(200))
	assert 60 < fired < 140
	injector.clear()
	assert injector.take("before", "GET", "/Invoices", "t") is None


def test_bad_fault_descriptions_are_refused():
	with pytest.raises(FaultSpecError):
		Fault(kind="explode")
	with pytest.raises(FaultSpecError):
		Fault(kind="rate_limit", when="after")
	with pytest.raises(FaultSpecError):
		Fault.from_dict({"kind": "error", "colour": "red"})


def test_admin_endpoint_adds_lists_and_clears_faults(sandbox, api):
	added = requests.post(
		f"{sandbox.url}/sandbox/faults", json={"kind": "error", "status": 500, "count": 2}, timeout=10
	)
	assert added.status_code == 201 and added.json()["fault"]["count"] == 2
	listed = requests.get(f"{sandbox.url}/sandbox/faults", timeout=10).json()["faults"]
	assert [f["kind"] for f in listed] == ["error"]
	assert api.call("GET", "/Organisation").status_code == 500
	assert requests.delete(f"{sandbox.url}/sandbox/faults", timeout=10).status_code == 200
	assert api.call("GET", "/Organisation").status_code == 200
	bad = requests.post(f"{sandbox.url}/sandbox/faults", json={"kind": "nope"}, timeout=10)
	assert bad.status_code == 400 and "kind" in bad.json()["error"]


def test_admin_endpoint_expires_tokens(sandbox, api):
	answer = requests.post(f"{sandbox.url}/sandbox/tokens/expire", timeout=10)
	assert answer.status_code == 200 and answer.json()["expired"] >= 1
	response = api.call("GET", "/Organisation")
	assert response.status_code == 401 and response.json()["Detail"].startswith("TokenExpired")


def test_admin_info_names_the_endpoints_without_the_secret(sandbox):
	info = requests.get(f"{sandbox.url}/sandbox", timeout=10).json()
	assert info["clientId"] == sandbox.client_id
	assert info["apiUrl"] == sandbox.api_url
	assert sandbox.tenant_id in [o["tenantId"] for o in info["organisations"]]
	assert sandbox.client_secret not in str(info)
