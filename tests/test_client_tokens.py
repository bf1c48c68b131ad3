"""Token refresh against the sandbox: single-flight rotation under concurrency,
recovery of a lost refresh response within Xero's 30-minute grace, and
invalid_grant marking the connection for re-authorisation exactly once."""

import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
import requests
from requests.adapters import HTTPAdapter

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import (
	Endpoints,
	FileLock,
	JsonFileTokenStore,
	MemoryTokenStore,
	NeedsReauthorisation,
	OAuthClient,
	RateLimiter,
	ThreadLock,
	TokenManager,
	XeroClient,
)
from xero_connector.xero.testing import sandbox_limits, sandbox_tenant_id, sandbox_tokens
from xero_connector.xero.tokens import REAUTH_PREFIX


class TokenEndpointTraffic(HTTPAdapter):
	"""A real HTTP transport that counts token-endpoint requests and can lose the
	answers of the next ``lose`` of them (the request reaches the server and is
	processed; the client never sees the response), like a dropped connection."""

	def __init__(self, lose: int = 0):
		super().__init__()
		self.lose = lose
		self.token_requests = 0
		self.lock = threading.Lock()

	def send(self, request, **kwargs):
		response = super().send(request, **kwargs)
		if request.url.endswith("/connect/token"):
			with self.lock:
				self.token_requests += 1
				lose = self.lose > 0
				self.lose -= lose
			if lose:
				response.close()
				raise requests.ConnectionError("connection dropped before the token response arrived")
		return response


def oauth_with(sandbox, traffic: TokenEndpointTraffic) -> OAuthClient:
	session = requests.Session()
	session.mount("http://", traffic)
	return OAuthClient(
		sandbox.client_id, sandbox.client_secret, Endpoints.from_sandbox(sandbox), session=session
	)


def client_with(sandbox, manager: TokenManager) -> XeroClient:
	return XeroClient(
		manager,
		sandbox_tenant_id(sandbox),
		endpoints=Endpoints.from_sandbox(sandbox),
		limiter=RateLimiter(sandbox_limits(sandbox)),
	)


def expired(tokens):
	"""The same tokens as the store would hold them once the access token has expired."""
	return replace(tokens, expires_at=time.time() - 1)


@pytest.fixture
def sb():
	with Sandbox(SandboxConfig()) as sandbox:
		yield sandbox


@pytest.fixture
def clocked():
	with Sandbox(SandboxConfig(), clock=ManualClock(start=time.time())) as sandbox:
		yield sandbox


@pytest.mark.parametrize("workers", ["threads sharing a store", "processes sharing a file"])
def test_eight_workers_refreshing_at_once_rotate_the_token_once(sb, tmp_path, workers):
	traffic = TokenEndpointTraffic()
	oauth = oauth_with(sb, traffic)
	original = sandbox_tokens(sb)
	sb.expire_tokens()  # dead on the server too
	if workers == "threads sharing a store":
		store, lock = MemoryTokenStore(expired(original)), ThreadLock()
		managers = [TokenManager(oauth, store, lock) for _ in range(8)]
	else:
		JsonFileTokenStore(tmp_path / "tokens.json").save(expired(original))
		managers = [
			TokenManager(oauth, JsonFileTokenStore(tmp_path / "tokens.json"), FileLock(tmp_path / "locks"))
			for _ in range(8)
		]
	clients = [client_with(sb, m) for m in managers]
	barrier = threading.Barrier(8)

	def work(client):
		barrier.wait()
		return client.organisation()["Name"]

	with ThreadPoolExecutor(8) as pool:
		names = list(pool.map(work, clients))

	assert names == ["Demo Company (NZ)"] * 8
	assert traffic.token_requests == 1, "exactly one refresh for eight workers"
	assert sum(m.refresh_count for m in managers) == 1
	assert sum(c.outcomes[401] for c in clients) == 0  # nobody called the API with the dead token
	stored = managers[0].store.load()
	assert stored.refresh_token != original.refresh_token and not stored.needs_reauthorisation
	# The stored (rotated) refresh token is the live one: refreshing again works.
	assert managers[0].refresh(stale_access_token=stored.access_token).access_token != stored.access_token


def test_401_token_expired_mid_flight_refreshes_once_and_retries(sb):
	traffic = TokenEndpointTraffic()
	manager = TokenManager(oauth_with(sb, traffic), MemoryTokenStore(sandbox_tokens(sb)))
	client = client_with(sb, manager)
	assert client.organisation()["Name"]
	sb.expire_tokens()  # our store still believes the token is fresh
	assert client.organisation()["Name"]
	assert client.outcomes[401] == 1 and traffic.token_requests == 1 and manager.refresh_count == 1


def test_clients_of_different_connections_keep_their_own_tokens(sb):
	second = next(t for t in sb.identity.tenants if t != sb.tenant_id)
	demo = client_with(
		sb, TokenManager(oauth_with(sb, TokenEndpointTraffic()), MemoryTokenStore(sandbox_tokens(sb)))
	)
	other_tokens = sandbox_tokens(sb, [second])
	other = XeroClient(
		TokenManager(oauth_with(sb, TokenEndpointTraffic()), MemoryTokenStore(other_tokens)),
		second,
		endpoints=Endpoints.from_sandbox(sb),
	)
	for _ in range(3):
		assert demo.organisation()["Name"] == "Demo Company (NZ)"
		assert other.organisation()["Name"] != "Demo Company (NZ)"
	assert demo.outcomes == {200: 3} and other.outcomes == {200: 3}


def test_lost_refresh_response_is_recovered_within_the_grace_period(clocked):
	traffic = TokenEndpointTraffic(lose=1)
	original = sandbox_tokens(clocked)
	store = MemoryTokenStore(expired(original))
	sleeps = []
	manager = TokenManager(oauth_with(clocked, traffic), store, sleep=sleeps.append)
	clocked.clock.advance(20 * 60)  # 20 minutes later: the access token is long dead
	client = client_with(clocked, manager)

	assert client.organisation()["Name"] == "Demo Company (NZ)"
	# First refresh reached Xero (which rotated the token) but its answer was lost; the
	# second, with the same refresh token, was accepted within the 30-minute grace.
	assert traffic.token_requests == 2 and len(sleeps) == 1
	rotated = store.load()
	assert rotated.refresh_token != original.refresh_token
	# The newest refresh token works afterwards too.
	assert manager.refresh(stale_access_token=rotated.access_token).refresh_token != rotated.refresh_token


def test_lost_refresh_response_after_the_grace_period_needs_reauthorisation(clocked):
	traffic = TokenEndpointTraffic(lose=1)
	store = MemoryTokenStore(expired(sandbox_tokens(clocked)))
	oauth = oauth_with(clocked, traffic)

	def sleep_past_grace(_seconds):
		clocked.clock.advance(31 * 60)  # the process stalled: Xero's grace period is over

	manager = TokenManager(oauth, store, sleep=sleep_past_grace)
	with pytest.raises(NeedsReauthorisation) as needs:
		manager.access_token()
	assert str(needs.value).startswith(REAUTH_PREFIX)
	assert "invalid_grant" in str(needs.value)
	assert store.load().needs_reauthorisation


def test_invalid_grant_marks_the_connection_once_and_then_fails_fast(sb):
	traffic = TokenEndpointTraffic()
	oauth = oauth_with(sb, traffic)
	tokens = sandbox_tokens(sb)
	oauth.revoke(tokens.refresh_token)  # e.g. the user disconnected the app in Xero
	store, lock = MemoryTokenStore(expired(tokens)), ThreadLock()
	notices = []
	managers = [TokenManager(oauth, store, lock, on_needs_reauthorisation=notices.append) for _ in range(8)]
	clients = [client_with(sb, m) for m in managers]
	barrier = threading.Barrier(8)

	def work(client):
		barrier.wait()
		with pytest.raises(NeedsReauthorisation) as needs:
			client.organisation()
		return str(needs.value)

	with ThreadPoolExecutor(8) as pool:
		messages = list(pool.map(work, clients))
	for _ in range(5):  # later jobs: refused without calling Xero
		with pytest.raises(NeedsReauthorisation):
			clients[0].create_invoices([{"Type": "ACCREC"}], idempotency_key="never-sent")

	assert traffic.token_requests == 1, "one refresh attempt, no retry storm"
	assert len(notices) == 1 and notices[0].startswith("Xero connection needs to be re-authorised: ")
	assert all(m.startswith(REAUTH_PREFIX) for m in messages)
	assert sum(sum(c.outcomes.values()) for c in clients) == 0  # no API call was made
	marked = store.load()
	assert marked.needs_reauthorisation and marked.reauthorisation_message == notices[0]

	# Connecting again clears the mark.
	managers[0].connected(sandbox_tokens(sb))
	assert clients[3].organisation()["Name"] == "Demo Company (NZ)"


def test_not_connected_yet_is_needs_reauthorisation_without_http(sb):
	traffic = TokenEndpointTraffic()
	client = client_with(sb, TokenManager(oauth_with(sb, traffic), MemoryTokenStore()))
	with pytest.raises(NeedsReauthorisation) as needs:
		client.organisation()
	assert needs.value.entry.key == "not_connected" and traffic.token_requests == 0


def test_json_file_store_round_trip_is_private_and_reprs_hide_tokens(sb, tmp_path):
	tokens = sandbox_tokens(sb)
	path = tmp_path / "conn" / "tokens.json"
	store = JsonFileTokenStore(path)
	assert store.load() is None
	store.save(tokens)
	assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
	loaded = store.load()
	assert loaded == tokens
	for text in (repr(loaded), str(loaded), repr(store), repr(TokenManager(None, store))):
		assert tokens.access_token not in text and tokens.refresh_token not in text


class HtmlInsteadOfTokens(TokenEndpointTraffic):
	"""A proxy's maintenance page answering the token endpoint with 200 text/html."""

	def send(self, request, **kwargs):
		response = super().send(request, **kwargs)
		if request.url.endswith("/connect/token"):
			response._content = b"<html><body>Service temporarily unavailable</body></html>"
			response.headers["Content-Type"] = "text/html"
		return response


def test_a_token_endpoint_answering_html_is_a_typed_transient_error_without_the_token(sb):
	import traceback

	from xero_connector.xero import XeroTransientError

	tokens = sandbox_tokens(sb)
	manager = TokenManager(oauth_with(sb, HtmlInsteadOfTokens()), MemoryTokenStore(expired(tokens)))
	with pytest.raises(XeroTransientError) as caught:
		client_with(sb, manager).organisation()
	assert caught.value.kind == "transient"  # retried later, never a permanent failure
	# the traceback with every frame's locals, as Frappe's Error Log would show it
	exc = caught.value
	text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
	frame = exc.__traceback__
	while frame is not None:
		text += repr(frame.tb_frame.f_locals)
		frame = frame.tb_next
	assert tokens.refresh_token not in text and tokens.access_token not in text
	assert "JSONDecodeError" not in text
