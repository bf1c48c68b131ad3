"""Who may call the Accounting API: Xero's 401 for a missing, garbage or
expired bearer token and 403 for a missing, unknown or disconnected
``xero-tenant-id``, with Xero's problem bodies."""

from __future__ import annotations

import requests
from sandbox_platform_support import Api


def test_missing_bearer_token_is_401(sandbox):
	response = requests.get(
		f"{sandbox.api_url}/Organisation", headers={"xero-tenant-id": sandbox.tenant_id}, timeout=10
	)
	assert response.status_code == 401
	body = response.json()
	assert body["Title"] == "Unauthorized" and body["Status"] == 401
	assert body["Detail"] == "AuthenticationUnsuccessful"
	assert set(body) == {"Type", "Title", "Status", "Detail", "Instance", "Extensions"}
	assert response.headers["Xero-Correlation-Id"]
	assert response.headers["X-AppMinLimit-Remaining"] == "10000", "a refused call is not counted"


def test_garbage_bearer_token_is_401(sandbox):
	response = requests.get(
		f"{sandbox.api_url}/Organisation",
		headers={"Authorization": "Bearer not.a.token", "xero-tenant-id": sandbox.tenant_id},
		timeout=10,
	)
	assert (response.status_code, response.json()["Detail"]) == (401, "AuthenticationUnsuccessful")
	assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_expired_token_is_401_token_expired(sandbox, api):
	sandbox.clock.advance(1800)
	response = api.call("GET", "/Organisation")
	assert response.status_code == 401
	assert response.json()["Detail"].startswith("TokenExpired: token expired at ")


def test_forced_token_expiry_applies_to_tokens_already_issued(sandbox, api):
	assert api.call("GET", "/Organisation").status_code == 200
	assert sandbox.expire_tokens() >= 1
	assert api.call("GET", "/Organisation").json()["Detail"].startswith("TokenExpired")
	fresh = Api(sandbox, sandbox.issue_token_set())
	assert fresh.call("GET", "/Organisation").status_code == 200


def test_missing_unknown_or_unconnected_tenant_is_403(sandbox, api):
	no_header = requests.get(
		f"{sandbox.api_url}/Organisation",
		headers={"Authorization": f"Bearer {api.tokens['access_token']}"},
		timeout=10,
	)
	assert no_header.status_code == 403
	assert (
		no_header.json()["Title"] == "Forbidden"
		and no_header.json()["Detail"] == "AuthenticationUnsuccessful"
	)
	unknown = Api(sandbox, api.tokens, "00000000-0000-0000-0000-000000000000").call("GET", "/Organisation")
	assert (unknown.status_code, unknown.json()["Detail"]) == (403, "AuthenticationUnsuccessful")
	other_org = next(t for t in sandbox.organisations if t != sandbox.tenant_id)
	not_connected = Api(sandbox, api.tokens, other_org).call("GET", "/Organisation")
	assert not_connected.status_code == 403


def test_tenant_header_is_case_insensitive(sandbox, api):
	upper = Api(sandbox, api.tokens, sandbox.tenant_id.upper())
	assert upper.call("GET", "/Organisation").status_code == 200


def test_a_401_or_403_never_reaches_the_accounting_side(sandbox, api):
	Api(sandbox, {"access_token": "x"}).create_contact("Nobody")
	Api(sandbox, api.tokens, "00000000-0000-0000-0000-000000000000").create_contact("Nobody")
	assert sandbox.backend.writes == 0


def test_an_authorised_call_reaches_the_accounting_side(sandbox, api):
	response = api.call("GET", "/Organisation")
	assert response.status_code == 200
	assert response.json()["Organisations"][0]["OrganisationID"] == sandbox.tenant_id
	assert response.headers["Content-Type"].startswith("application/json")


def test_a_backend_failure_is_a_500_in_xeros_shape(sandbox, api):
	response = api.call("GET", "/Explode")
	assert response.status_code == 500
	assert response.json()["Title"] == "Internal Server Error"


def test_bodies_over_3_5_mb_are_rejected_before_reaching_the_accounting_side(sandbox, api):
	big = b'{"Contacts":[{"Name":"' + b"x" * 3_500_001 + b'"}]}'
	response = api.call("PUT", "/Contacts", data=big, headers={"Content-Type": "application/json"})
	assert response.status_code == 413
	assert sandbox.backend.writes == 0


def test_unknown_paths_are_404(sandbox):
	assert requests.get(f"{sandbox.url}/nothing-here", timeout=10).status_code == 404


def test_web_page_is_served_at_root(sandbox):
	response = requests.get(sandbox.url + "/", timeout=10)
	assert response.status_code == 200 and "text/html" in response.headers["Content-Type"]
	assert "Demo Company (NZ)" in response.text
