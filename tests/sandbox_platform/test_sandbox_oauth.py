"""The sandbox's Identity service, over HTTP, as an app sees it: authorisation
code with state and PKCE, token lifetimes, refresh rotation with Xero's
30-minute grace, revocation, and /connections."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sandbox_platform_support import Api, running_sandbox

from xero_connector.sandbox.identity import pkce_challenge

REDIRECT = "https://erp.example.com/api/method/xero_connector.oauth.callback"
SCOPE = "openid profile email accounting.transactions accounting.contacts accounting.settings offline_access"


def authorize(sandbox, **overrides) -> requests.Response:
	params = {
		"response_type": "code",
		"client_id": sandbox.client_id,
		"redirect_uri": REDIRECT,
		"scope": SCOPE,
		"state": "st-123",
		**overrides,
	}
	params = {k: v for k, v in params.items() if v is not None}
	return requests.get(sandbox.authorize_url, params=params, allow_redirects=False, timeout=10)


def query_of(response: requests.Response) -> dict:
	location = response.headers["Location"]
	return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def basic(client_id: str, secret: str) -> dict:
	return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def exchange(sandbox, code: str, verifier: str | None = None, auth=None, **form) -> requests.Response:
	data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **form}
	if verifier is not None:
		data["code_verifier"] = verifier
	headers = auth if auth is not None else basic(sandbox.client_id, sandbox.client_secret)
	return requests.post(sandbox.token_url, data=data, headers=headers, timeout=10)


def refresh(sandbox, refresh_token: str, secret: str | None = None) -> requests.Response:
	return requests.post(
		sandbox.token_url,
		data={"grant_type": "refresh_token", "refresh_token": refresh_token},
		headers=basic(sandbox.client_id, secret or sandbox.client_secret),
		timeout=10,
	)


def code_with_pkce(sandbox) -> tuple[str, str]:
	verifier = secrets.token_urlsafe(48)
	response = authorize(sandbox, code_challenge=pkce_challenge(verifier), code_challenge_method="S256")
	return query_of(response)["code"], verifier


def test_authorize_redirects_at_once_with_code_and_the_same_state(sandbox):
	response = authorize(sandbox)
	assert response.status_code == 302
	assert response.headers["Location"].startswith(REDIRECT + "?")
	params = query_of(response)
	assert params["state"] == "st-123"
	assert params["code"] and params["scope"] == SCOPE


def test_code_exchange_returns_xero_token_set_that_opens_the_api(sandbox):
	code, verifier = code_with_pkce(sandbox)
	response = exchange(sandbox, code, verifier)
	assert response.status_code == 200
	assert response.headers["Cache-Control"] == "no-store"
	tokens = response.json()
	assert tokens["token_type"] == "Bearer"
	assert tokens["expires_in"] == 1800
	assert tokens["scope"] == SCOPE
	assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
	claims = json.loads(base64.urlsafe_b64decode(tokens["access_token"].split(".")[1] + "=="))
	assert claims["client_id"] == sandbox.client_id and claims["exp"] - claims["nbf"] == 1800
	connections = requests.get(
		sandbox.connections_url, headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10
	).json()
	assert [c["tenantId"] for c in connections] == [sandbox.tenant_id]
	assert connections[0]["tenantType"] == "ORGANISATION"
	assert connections[0]["tenantName"] == "Demo Company (NZ)"
	assert Api(sandbox, tokens).call("GET", "/Organisation").status_code == 200


def test_public_pkce_client_may_exchange_without_a_secret(sandbox):
	code, verifier = code_with_pkce(sandbox)
	response = exchange(sandbox, code, verifier, auth={}, client_id=sandbox.client_id)
	assert response.status_code == 200, response.text


def test_a_secretless_exchange_without_pkce_is_invalid_client(sandbox):
	code = query_of(authorize(sandbox))["code"]
	response = exchange(sandbox, code, auth={}, client_id=sandbox.client_id)
	assert (response.status_code, response.json()) == (400, {"error": "invalid_client"})


def test_auth_code_is_single_use_and_a_replay_revokes_its_tokens(sandbox):
	code, verifier = code_with_pkce(sandbox)
	first = exchange(sandbox, code, verifier)
	assert first.status_code == 200
	second = exchange(sandbox, code, verifier)
	assert (second.status_code, second.json()) == (400, {"error": "invalid_grant"})
	api_call = Api(sandbox, first.json()).call("GET", "/Organisation")
	assert api_call.status_code == 401
	assert refresh(sandbox, first.json()["refresh_token"]).json() == {"error": "invalid_grant"}


def test_wrong_pkce_verifier_or_redirect_uri_is_invalid_grant(sandbox):
	code, _ = code_with_pkce(sandbox)
	assert exchange(sandbox, code, "not-the-verifier-" + "x" * 40).json() == {"error": "invalid_grant"}
	code, verifier = code_with_pkce(sandbox)
	wrong_redirect = exchange(sandbox, code, verifier, redirect_uri="https://evil.example/cb")
	assert (wrong_redirect.status_code, wrong_redirect.json()) == (400, {"error": "invalid_grant"})


def test_codes_expire_after_five_minutes(sandbox):
	code, verifier = code_with_pkce(sandbox)
	sandbox.clock.advance(301)
	assert exchange(sandbox, code, verifier).json() == {"error": "invalid_grant"}


def test_wrong_client_or_secret_is_invalid_client(sandbox):
	code, verifier = code_with_pkce(sandbox)
	wrong_secret = exchange(sandbox, code, verifier, auth=basic(sandbox.client_id, "wrong"))
	assert (wrong_secret.status_code, wrong_secret.json()) == (400, {"error": "invalid_client"})
	wrong_client = exchange(sandbox, code, verifier, auth=basic("NOT-A-CLIENT", sandbox.client_secret))
	assert wrong_client.json() == {"error": "invalid_client"}
	assert "wrong" not in wrong_secret.text


def test_access_token_expires_after_1800_seconds(sandbox):
	tokens = exchange(sandbox, *code_with_pkce(sandbox)).json()
	client = Api(sandbox, tokens)
	sandbox.clock.advance(1799)
	assert client.call("GET", "/Organisation").status_code == 200
	sandbox.clock.advance(1)
	expired = client.call("GET", "/Organisation")
	assert expired.status_code == 401
	assert expired.json()["Detail"].startswith("TokenExpired: token expired at ")
	assert expired.json()["Title"] == "Unauthorized"


def test_refresh_rotates_and_the_old_token_has_a_30_minute_grace(sandbox):
	first = exchange(sandbox, *code_with_pkce(sandbox)).json()
	rotated = refresh(sandbox, first["refresh_token"])
	assert rotated.status_code == 200
	second = rotated.json()
	assert second["refresh_token"] != first["refresh_token"]
	assert second["access_token"] != first["access_token"] and second["expires_in"] == 1800
	assert Api(sandbox, second).call("GET", "/Organisation").status_code == 200
	sandbox.clock.advance(29 * 60)
	retry = refresh(sandbox, first["refresh_token"])
	assert retry.status_code == 200, "the previous refresh token still works within 30 minutes"
	sandbox.clock.advance(2 * 60)
	late = refresh(sandbox, first["refresh_token"])
	assert (late.status_code, late.json()) == (400, {"error": "invalid_grant"})
	assert refresh(sandbox, second["refresh_token"]).status_code == 200, "the rotated token is unaffected"


def test_refresh_with_wrong_secret_is_invalid_client_and_garbage_is_invalid_grant(sandbox):
	tokens = exchange(sandbox, *code_with_pkce(sandbox)).json()
	assert refresh(sandbox, tokens["refresh_token"], secret="nope").json() == {"error": "invalid_client"}
	assert refresh(sandbox, "garbage").json() == {"error": "invalid_grant"}


def test_no_refresh_token_without_offline_access_and_no_id_token_without_openid(sandbox):
	response = authorize(sandbox, scope="accounting.transactions accounting.settings")
	tokens = exchange(sandbox, query_of(response)["code"]).json()
	assert "refresh_token" not in tokens and "id_token" not in tokens
	assert tokens["access_token"]


def test_revocation_kills_the_refresh_token_and_removes_connections(sandbox):
	tokens = exchange(sandbox, *code_with_pkce(sandbox)).json()
	response = requests.post(
		sandbox.revocation_url,
		data={"token": tokens["refresh_token"]},
		headers=basic(sandbox.client_id, sandbox.client_secret),
		timeout=10,
	)
	assert response.status_code == 200
	assert refresh(sandbox, tokens["refresh_token"]).json() == {"error": "invalid_grant"}
	bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
	assert requests.get(sandbox.connections_url, headers=bearer, timeout=10).json() == []
	forbidden = Api(sandbox, tokens).call("GET", "/Organisation")
	assert (forbidden.status_code, forbidden.json()["Detail"]) == (403, "AuthenticationUnsuccessful")


def test_revocation_with_a_wrong_secret_is_refused(sandbox):
	tokens = exchange(sandbox, *code_with_pkce(sandbox)).json()
	response = requests.post(
		sandbox.revocation_url,
		data={"token": tokens["refresh_token"]},
		headers=basic(sandbox.client_id, "wrong"),
		timeout=10,
	)
	assert (response.status_code, response.json()) == (400, {"error": "invalid_client"})
	assert refresh(sandbox, tokens["refresh_token"]).status_code == 200


def test_delete_connection_disconnects_the_tenant(sandbox):
	tokens = exchange(sandbox, *code_with_pkce(sandbox)).json()
	bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
	connection = requests.get(sandbox.connections_url, headers=bearer, timeout=10).json()[0]
	filtered = requests.get(
		sandbox.connections_url, params={"authEventId": connection["authEventId"]}, headers=bearer, timeout=10
	)
	assert [c["id"] for c in filtered.json()] == [connection["id"]]
	deleted = requests.delete(f"{sandbox.connections_url}/{connection['id']}", headers=bearer, timeout=10)
	assert deleted.status_code == 204
	again = requests.delete(f"{sandbox.connections_url}/{connection['id']}", headers=bearer, timeout=10)
	assert again.status_code == 404
	response = Api(sandbox, tokens).call("GET", "/Organisation")
	assert (response.status_code, response.json()["Detail"]) == (403, "AuthenticationUnsuccessful")


def test_connections_need_a_valid_bearer_token(sandbox):
	response = requests.get(sandbox.connections_url, timeout=10)
	assert (response.status_code, response.json()["Detail"]) == (401, "AuthenticationUnsuccessful")


def test_consent_page_offers_every_organisation_and_connects_the_chosen_ones(sandbox):
	page = authorize(sandbox, prompt="consent")
	assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
	for tenant in sandbox.identity.tenants.values():
		assert tenant.name in page.text and tenant.tenant_id in page.text
	form = {
		"response_type": "code",
		"client_id": sandbox.client_id,
		"redirect_uri": REDIRECT,
		"scope": SCOPE,
		"state": "st-9",
		"decision": "allow",
	}
	body = list(form.items()) + [("tenant_id", t) for t in sandbox.identity.tenants]
	answer = requests.post(sandbox.authorize_url, data=body, allow_redirects=False, timeout=10)
	assert answer.status_code == 302 and query_of(answer)["state"] == "st-9"
	tokens = exchange(sandbox, query_of(answer)["code"]).json()
	bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
	tenants = {
		c["tenantId"] for c in requests.get(sandbox.connections_url, headers=bearer, timeout=10).json()
	}
	assert tenants == set(sandbox.identity.tenants)
	for tenant_id in tenants:
		assert Api(sandbox, tokens, tenant_id).call("GET", "/Organisation").status_code == 200


def test_consent_cancel_redirects_with_access_denied(sandbox):
	form = {
		"response_type": "code",
		"client_id": sandbox.client_id,
		"redirect_uri": REDIRECT,
		"scope": SCOPE,
		"state": "st-1",
		"decision": "deny",
	}
	answer = requests.post(sandbox.authorize_url, data=form, allow_redirects=False, timeout=10)
	assert answer.status_code == 302
	assert query_of(answer)["error"] == "access_denied" and query_of(answer)["state"] == "st-1"


def test_authorize_errors(sandbox):
	unknown = authorize(sandbox, client_id="NOPE")
	assert unknown.status_code == 400 and "unauthorized_client" in unknown.text
	bad_type = authorize(sandbox, response_type="token")
	assert (
		query_of(bad_type)["error"] == "unsupported_response_type" and query_of(bad_type)["state"] == "st-123"
	)
	plain = authorize(sandbox, code_challenge="a" * 43, code_challenge_method="plain")
	assert query_of(plain)["error"] == "invalid_request"
	bad_scope = authorize(sandbox, scope="accounting.transactions everything")
	assert query_of(bad_scope)["error"] == "invalid_scope"


def test_registered_redirect_uris_are_enforced():
	with running_sandbox(redirect_uris=(REDIRECT,)) as sandbox:
		assert authorize(sandbox).status_code == 302
		other = authorize(sandbox, redirect_uri="https://elsewhere.example/cb")
		assert other.status_code == 400 and "Location" not in other.headers


def test_consent_page_option_shows_the_page_without_prompt():
	with running_sandbox(consent_page=True) as sandbox:
		page = authorize(sandbox)
		assert page.status_code == 200 and "Allow access" in page.text


def test_tokens_never_appear_in_reprs_or_state(sandbox):
	tokens = sandbox.issue_token_set()
	state = json.dumps(sandbox.identity.to_dict())
	assert tokens["access_token"] not in state and tokens["refresh_token"] not in state
	assert sandbox.client_secret not in repr(sandbox.config) and sandbox.client_secret not in state


def test_identity_responses_match_xeros_identity_spec(sandbox):
	spec_path = Path(__file__).resolve().parents[3] / "shared" / "xero-openapi" / "xero-identity.yaml"
	if not spec_path.exists():
		pytest.skip(f"Xero's identity OpenAPI spec is not at {spec_path}; shapes not checked against it")
	yaml = pytest.importorskip("yaml")
	from openapi_schema_validator import OAS30Validator

	spec = yaml.safe_load(spec_path.read_text())
	schemas = spec["components"]["schemas"]

	def check(instance, schema):
		OAS30Validator({**schema, "components": spec["components"]}).validate(instance)

	tokens = exchange(sandbox, *code_with_pkce(sandbox)).json()
	check(tokens, schemas["AccessToken"])
	bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
	connections = requests.get(sandbox.connections_url, headers=bearer, timeout=10).json()
	check(connections, {"type": "array", "items": {"$ref": "#/components/schemas/Connection"}})
	assert set(connections[0]) == set(schemas["Connection"]["properties"])
