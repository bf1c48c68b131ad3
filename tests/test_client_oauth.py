"""The connect flow against the sandbox over HTTP: authorise URL with state and
PKCE, the consent page with several organisations, code exchange, connections
and tenant choice, disconnect and revoke."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import (
	BROAD,
	GRANULAR,
	Endpoints,
	InvalidState,
	MemoryStateStore,
	MemoryTokenStore,
	NeedsReauthorisation,
	OAuthClient,
	OAuthError,
	TokenManager,
	XeroAuthError,
	XeroClient,
	XeroNotFound,
	scopes_for,
)
from xero_connector.xero.testing import sandbox_limits

REDIRECT = "http://127.0.0.1:8000/api/method/xero_connector.api.oauth_callback"


class ConsentForm(HTMLParser):
	"""Reads the sandbox's consent page like a browser: hidden fields, organisation checkboxes."""

	def __init__(self):
		super().__init__()
		self.action = None
		self.hidden = {}
		self.tenants = []

	def handle_starttag(self, tag, attrs):
		attrs = dict(attrs)
		if tag == "form":
			self.action = attrs.get("action")
		if tag == "input" and attrs.get("type") == "hidden":
			self.hidden[attrs["name"]] = attrs.get("value", "")
		if tag == "input" and attrs.get("type") == "checkbox" and attrs.get("name") == "tenant_id":
			self.tenants.append(attrs["value"])


def browser_consent(sandbox, url: str, choose: list[str] | None = None, decision: str = "allow") -> str:
	"""Open the authorise URL, tick organisations on the consent page, submit; return the redirect."""
	page = requests.get(url, allow_redirects=False, timeout=10)
	assert page.status_code == 200, page.text
	form = ConsentForm()
	form.feed(page.text)
	chosen = form.tenants if choose is None else choose
	data = [*form.hidden.items(), ("decision", decision), *(("tenant_id", t) for t in chosen)]
	answer = requests.post(sandbox.url + form.action, data=data, allow_redirects=False, timeout=10)
	assert answer.status_code == 302, answer.text
	return answer.headers["Location"]


@pytest.fixture
def consent_sandbox():
	with Sandbox(SandboxConfig(consent_page=True)) as sandbox:
		sandbox.add_organisation("7d0b6f55-3a1e-4c55-9a3b-000000000003", "Third Trading Ltd", "GBP")
		yield sandbox


def oauth_for(sandbox, **options) -> OAuthClient:
	return OAuthClient(sandbox.client_id, sandbox.client_secret, Endpoints.from_sandbox(sandbox), **options)


def client_for(sandbox, oauth, tokens, tenant_id) -> XeroClient:
	manager = TokenManager(oauth, MemoryTokenStore(tokens))
	from xero_connector.xero import RateLimiter

	return XeroClient(
		manager, tenant_id, endpoints=oauth.endpoints, limiter=RateLimiter(sandbox_limits(sandbox))
	)


def test_authorize_url_carries_scopes_state_and_pkce_s256(consent_sandbox):
	oauth = oauth_for(consent_sandbox)
	request = oauth.begin(REDIRECT)
	query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
	assert request.url.startswith(consent_sandbox.authorize_url + "?")
	assert query["response_type"] == "code" and query["client_id"] == consent_sandbox.client_id
	assert query["redirect_uri"] == REDIRECT and query["state"] == request.state
	assert query["code_challenge_method"] == "S256" and 43 <= len(query["code_challenge"]) <= 128
	assert query["scope"].split() == list(scopes_for(GRANULAR))
	assert {
		"accounting.invoices",
		"accounting.payments",
		"accounting.contacts",
		"accounting.settings.read",
	} <= set(query["scope"].split())
	assert "offline_access" in query["scope"].split()


def test_whole_connect_flow_with_several_organisations(consent_sandbox):
	sandbox = consent_sandbox
	oauth = oauth_for(sandbox)
	request = oauth.begin(REDIRECT)
	callback = browser_consent(sandbox, request.url)
	assert callback.startswith(REDIRECT)

	tokens = oauth.complete(callback)
	assert tokens.access_token and tokens.refresh_token and tokens.id_token
	assert set(tokens.scope.split()) == set(scopes_for(GRANULAR))

	connections = oauth.connections(tokens.access_token)
	names = {c["tenantName"] for c in connections}
	assert names == {t.name for t in sandbox.identity.tenants.values()}
	assert len(connections) == 3

	third = oauth.choose_tenant(connections, tenant_name="Third Trading Ltd")
	demo = oauth.choose_tenant(connections, tenant_id=sandbox.tenant_id)
	with pytest.raises(XeroNotFound):
		oauth.choose_tenant(connections)  # three organisations: the user must choose

	for connection in (third, demo):
		client = client_for(sandbox, oauth, tokens, connection["tenantId"])
		assert client.organisation()["Name"] == connection["tenantName"]

	# The callback cannot be replayed: the state was single-use.
	with pytest.raises(InvalidState) as replay:
		oauth.complete(callback)
	assert replay.value.entry.key == "invalid_state"

	# Disconnect one organisation: it drops out of the connections and its API calls are refused.
	oauth.disconnect(tokens.access_token, third["id"])
	remaining = {c["tenantId"] for c in oauth.connections(tokens.access_token)}
	assert third["tenantId"] not in remaining and demo["tenantId"] in remaining
	with pytest.raises(XeroAuthError) as refused:
		client_for(sandbox, oauth, tokens, third["tenantId"]).organisation()
	assert refused.value.status == 403 and refused.value.entry.key == "tenant_not_connected"
	assert refused.value.kind == "needs_reauthorisation"

	# Revoke: the refresh token dies; the next refresh marks the connection for re-authorisation.
	oauth.revoke(tokens.refresh_token)
	assert oauth.connections(tokens.access_token) == []
	manager = TokenManager(oauth, MemoryTokenStore(tokens))
	with pytest.raises(NeedsReauthorisation):
		manager.refresh(stale_access_token=tokens.access_token)


def test_choosing_only_some_organisations_on_the_consent_page(consent_sandbox):
	oauth = oauth_for(consent_sandbox, scope_style=BROAD)
	request = oauth.begin(REDIRECT)
	assert "accounting.transactions" in request.scope
	tokens = oauth.complete(browser_consent(consent_sandbox, request.url, choose=[consent_sandbox.tenant_id]))
	connections = oauth.connections(tokens.access_token)
	assert [c["tenantId"] for c in connections] == [consent_sandbox.tenant_id]
	assert oauth.choose_tenant(connections)["tenantId"] == consent_sandbox.tenant_id


def test_cancelled_consent_is_access_denied(consent_sandbox):
	oauth = oauth_for(consent_sandbox)
	callback = browser_consent(consent_sandbox, oauth.begin(REDIRECT).url, decision="deny")
	with pytest.raises(OAuthError) as denied:
		oauth.complete(callback)
	assert denied.value.error == "access_denied" and denied.value.entry.key == "access_denied"


def test_forged_unknown_and_expired_states_are_rejected(consent_sandbox):
	now = [1_000.0]
	oauth = oauth_for(consent_sandbox, state_store=MemoryStateStore(clock=lambda: now[0]))
	request = oauth.begin(REDIRECT)
	callback = browser_consent(consent_sandbox, request.url)
	forged = callback.replace(request.state, "forged-state")
	with pytest.raises(InvalidState):
		oauth.complete(forged)
	with pytest.raises(InvalidState):
		oauth.complete({"code": "abc"})  # no state at all
	now[0] += 601  # state lives 10 minutes
	with pytest.raises(InvalidState):
		oauth.complete(callback)


def test_a_state_begun_for_one_user_is_refused_for_another_and_burnt(consent_sandbox):
	oauth = oauth_for(consent_sandbox)
	request = oauth.begin(REDIRECT, extra={"user": "alice@example.com"})
	callback = browser_consent(consent_sandbox, request.url)
	with pytest.raises(InvalidState):
		oauth.complete(callback, expect={"user": "mallory@example.com"})
	with pytest.raises(InvalidState):  # single use: the right user cannot replay it either
		oauth.complete(callback, expect={"user": "alice@example.com"})
	fresh = browser_consent(consent_sandbox, oauth.begin(REDIRECT, extra={"user": "alice@example.com"}).url)
	assert oauth.complete(fresh, expect={"user": "alice@example.com"}).access_token


def test_wrong_pkce_verifier_is_invalid_grant(consent_sandbox):
	oauth = oauth_for(consent_sandbox)
	request = oauth.begin(REDIRECT)
	code = parse_qs(urlsplit(browser_consent(consent_sandbox, request.url)).query)["code"][0]
	with pytest.raises(OAuthError) as refused:
		oauth.exchange_code(code, REDIRECT, "x" * 64)
	assert refused.value.error == "invalid_grant" and refused.value.kind == "needs_reauthorisation"


def test_wrong_client_secret_is_invalid_client(consent_sandbox):
	good = oauth_for(consent_sandbox)
	request = good.begin(REDIRECT)
	callback = browser_consent(consent_sandbox, request.url)
	bad = OAuthClient(
		consent_sandbox.client_id,
		"not-the-secret-at-all",
		Endpoints.from_sandbox(consent_sandbox),
		state_store=good.state_store,
	)
	with pytest.raises(OAuthError) as refused:
		bad.complete(callback)
	assert refused.value.error == "invalid_client" and refused.value.entry.key == "invalid_client"
	assert refused.value.kind == "permanent"
	assert "not-the-secret-at-all" not in str(refused.value) + repr(bad)
