"""Xero's OAuth2 (authorisation code + PKCE S256) and connection management.

Called by the Frappe shell's "Connect to Xero" button and callback page, by the
CLI, and by TokenManager (``refresh``):

    oauth = OAuthClient(client_id, client_secret, endpoints, scope_style="granular")
    request = oauth.begin(redirect_uri)            # -> request.url: send the browser there
    tokens = oauth.complete(callback_params)       # verifies the single-use state, exchanges the code
    orgs = oauth.connections(tokens.access_token)  # choose the tenant
    oauth.disconnect(tokens.access_token, orgs[0]["id"]);  oauth.revoke(tokens.refresh_token)

Identity calls use ``requests`` directly (the SDK's identity support is thin).
No secret, code or token is ever logged or put in an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from xero_connector.xero import catalogue
from xero_connector.xero.endpoints import Endpoints
from xero_connector.xero.errors import (
	InvalidState,
	OAuthError,
	XeroAuthError,
	XeroNotFound,
	XeroTransientError,
)
from xero_connector.xero.redact import Secret, mask, register_secret
from xero_connector.xero.scopes import GRANULAR, scope_string
from xero_connector.xero.tokens import TokenSet

log = logging.getLogger(__name__)

STATE_TTL = 600.0


def pkce_pair() -> tuple[str, str]:
	"""A fresh (code_verifier, S256 code_challenge) pair (RFC 7636)."""
	verifier = secrets.token_urlsafe(64)[:96]
	challenge = (
		base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
	)
	return verifier, challenge


class StateStore(Protocol):
	"""Pending authorisation requests by ``state``: ``put`` once, ``take`` at most once.
	The Frappe shell implements it over the cache (Redis) with an expiry."""

	def put(self, state: str, data: dict, ttl: float) -> None: ...

	def take(self, state: str) -> dict | None:
		"""Remove and return the data for ``state``; None if unknown, used or expired."""
		...


class MemoryStateStore:
	"""In-process StateStore with expiry."""

	def __init__(self, clock: Callable[[], float] = time.time):
		self.clock = clock
		self._lock = threading.Lock()
		self._items: dict[str, tuple[float, dict]] = {}

	def put(self, state: str, data: dict, ttl: float) -> None:
		with self._lock:
			now = self.clock()
			self._items = {k: v for k, v in self._items.items() if v[0] > now}
			self._items[state] = (now + ttl, dict(data))

	def take(self, state: str) -> dict | None:
		with self._lock:
			item = self._items.pop(state, None)
		if item is None or item[0] <= self.clock():
			return None
		return item[1]

	def __repr__(self) -> str:
		return f"MemoryStateStore(pending={len(self._items)})"


@dataclass
class AuthorizationRequest:
	"""Where to send the user's browser, and the state that will come back."""

	url: str
	state: str = field(repr=False)
	redirect_uri: str = ""
	scope: str = ""


class OAuthClient:
	"""OAuth2 client for Xero's identity service (or the sandbox's)."""

	def __init__(
		self,
		client_id: str,
		client_secret: str | None = None,
		endpoints: Endpoints | None = None,
		*,
		scope_style: str = GRANULAR,
		scope: str | None = None,
		state_store: StateStore | None = None,
		session: requests.Session | None = None,
		timeout: float | tuple[float, float] = (10.0, 30.0),
		clock: Callable[[], float] = time.time,
	):
		self.client_id = client_id
		self._client_secret = client_secret or None
		register_secret(client_secret)
		self.endpoints = endpoints or Endpoints()
		self.scope = scope or scope_string(scope_style)
		self.state_store = state_store or MemoryStateStore(clock)
		self.session = session or requests.Session()
		self.timeout = timeout
		self.clock = clock

	def __repr__(self) -> str:
		secret = "***" if self._client_secret else None
		return f"OAuthClient(client_id={self.client_id!r}, client_secret={secret!r}, scope={self.scope!r})"

	# ----- authorisation code flow ------------------------------------------------------

	def begin(self, redirect_uri: str, *, extra: Mapping | None = None) -> AuthorizationRequest:
		"""Start a connect: remember a single-use state with its PKCE verifier and
		return the authorise URL. ``extra`` is kept with the state (e.g. the user)."""
		state = secrets.token_urlsafe(32)
		verifier, challenge = pkce_pair()
		self.state_store.put(
			state,
			{"code_verifier": verifier, "redirect_uri": redirect_uri, "extra": dict(extra or {})},
			STATE_TTL,
		)
		query = urlencode(
			{
				"response_type": "code",
				"client_id": self.client_id,
				"redirect_uri": redirect_uri,
				"scope": self.scope,
				"state": state,
				"code_challenge": challenge,
				"code_challenge_method": "S256",
			}
		)
		return AuthorizationRequest(
			f"{self.endpoints.authorize_url}?{query}", state, redirect_uri, self.scope
		)

	def complete(self, callback: str | Mapping, *, expect: Mapping | None = None) -> TokenSet:
		"""Finish a connect from the callback's query (a URL, a query string or a dict):
		check the state (single use, unexpired, and — with ``expect`` — begun with the same
		``extra`` values, e.g. by the same user), then exchange the code."""
		params = _callback_params(callback)
		state = params.get("state") or ""
		pending = self.state_store.take(state) if state else None
		if pending is None:
			log.warning("Rejected an OAuth callback with an unknown, reused or expired state")
			raise InvalidState()
		started = pending.get("extra") or {}
		if any(started.get(key) != value for key, value in (expect or {}).items()):
			log.warning("Rejected an OAuth callback whose state was issued to another session")
			raise InvalidState()
		if params.get("error"):
			raise OAuthError(
				f"Xero authorisation failed: {params['error']}",
				error=params["error"],
			)
		code = params.get("code")
		if not code:
			raise OAuthError("Xero authorisation response has no code", error="invalid_request")
		return self.exchange_code(code, pending["redirect_uri"], pending["code_verifier"])

	def exchange_code(self, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
		"""POST the authorisation code (with the PKCE verifier) to the token endpoint."""
		body = self._token_request(
			{
				"grant_type": "authorization_code",
				"code": code,
				"redirect_uri": redirect_uri,
				"code_verifier": code_verifier,
			}
		)
		tokens = TokenSet.from_response(body, self.clock())
		log.info("Xero authorisation code exchanged (scope: %s)", tokens.scope)
		return tokens

	def refresh(self, refresh_token: str) -> TokenSet:
		"""Exchange a refresh token for a new token set (the old refresh token is rotated).
		Called by TokenManager under its lock."""
		refresh_token = Secret(refresh_token)  # this frame's locals may be printed by an error log
		body = self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})
		tokens = TokenSet.from_response(body, self.clock())
		if not tokens.refresh_token:
			tokens.refresh_token = refresh_token
		return tokens

	def revoke(self, refresh_token: str) -> None:
		"""Revoke a refresh token: ends the grant and removes all its connections."""
		response = self._post(self.endpoints.revocation_url, {"token": refresh_token})
		if response.status_code != 200:
			raise self._oauth_error(response)
		log.info("Xero refresh token %s revoked", mask(refresh_token))

	# ----- connections ---------------------------------------------------------------

	def connections(self, access_token: str, auth_event_id: str | None = None) -> list[dict]:
		"""``GET /connections``: the organisations this token reaches (``tenantId``,
		``tenantName``, ``tenantType``, ``id`` ...)."""
		params = {"authEventId": auth_event_id} if auth_event_id else None
		response = self._send("GET", self.endpoints.connections_url, access_token, params=params)
		return response.json()

	def disconnect(self, access_token: str, connection_id: str) -> None:
		"""``DELETE /connections/{id}``: disconnect one organisation."""
		self._send("DELETE", f"{self.endpoints.connections_url}/{connection_id}", access_token)
		log.info("Disconnected Xero connection %s", connection_id)

	@staticmethod
	def choose_tenant(
		connections: list[dict], tenant_id: str | None = None, tenant_name: str | None = None
	) -> dict:
		"""The connection for ``tenant_id`` or ``tenant_name`` (exact); the only
		ORGANISATION connection when neither is given. Raises XeroNotFound."""
		orgs = [c for c in connections if (c.get("tenantType") or "ORGANISATION") == "ORGANISATION"]
		if tenant_id:
			found = [c for c in orgs if (c.get("tenantId") or "").lower() == tenant_id.lower()]
		elif tenant_name:
			found = [c for c in orgs if c.get("tenantName") == tenant_name]
		else:
			found = orgs if len(orgs) == 1 else []
		if len(found) != 1:
			names = ", ".join(sorted(c.get("tenantName") or "?" for c in orgs)) or "none"
			raise XeroNotFound(
				f"Choose one Xero organisation: {len(orgs)} connected ({names})",
				entries=[catalogue.get("tenant_not_connected")],
			)
		return found[0]

	# ----- HTTP -------------------------------------------------------------------

	def _client_auth(self, form: dict) -> tuple[dict, tuple[str, str] | None]:
		if self._client_secret:
			return form, (self.client_id, self._client_secret)
		return {**form, "client_id": self.client_id}, None

	def _post(self, url: str, form: dict) -> requests.Response:
		form, auth = self._client_auth(form)
		failure = None
		try:
			return self.session.post(url, data=form, auth=auth, timeout=self.timeout)
		except requests.Timeout:
			failure = XeroTransientError(
				"Xero's identity service did not answer in time", entries=[catalogue.get("timeout")]
			)
		except requests.ConnectionError:
			failure = XeroTransientError(
				"The connection to Xero's identity service failed",
				entries=[catalogue.get("connection_dropped")],
			)
		# raised outside the handler and without the requests chain, whose frames hold the
		# form (a code or refresh token) and the client secret
		form = auth = None
		raise failure from None

	def _token_request(self, form: dict) -> dict:
		response = self._post(self.endpoints.token_url, form)
		form = None
		if response.status_code == 200:
			body = _json_or_none(response)
			if not isinstance(body, dict) or not body.get("access_token"):
				# a proxy's or maintenance page answered for Xero: nothing was issued, try later
				raise XeroTransientError(
					f"Xero's identity service answered HTTP 200 without tokens "
					f"({response.headers.get('Content-Type') or 'no content type'})",
					entries=[catalogue.for_http(502)],
					status=200,
				) from None
			for key in ("access_token", "refresh_token", "id_token"):
				register_secret(body.get(key))
			return body
		raise self._oauth_error(response)

	def _oauth_error(self, response: requests.Response) -> Exception:
		if response.status_code >= 500:
			return XeroTransientError(
				f"Xero's identity service failed (HTTP {response.status_code})",
				entries=[catalogue.for_http(response.status_code)],
				status=response.status_code,
			)
		try:
			error = (response.json() or {}).get("error") or f"http_{response.status_code}"
		except ValueError:
			error = f"http_{response.status_code}"
		log.warning("Xero identity service refused the request: %s (HTTP %s)", error, response.status_code)
		return OAuthError(
			f"Xero refused the token request: {error}", error=error, status=response.status_code
		)

	def _send(self, method: str, url: str, access_token: str, params=None) -> requests.Response:
		try:
			response = self.session.request(
				method,
				url,
				params=params,
				headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
				timeout=self.timeout,
			)
		except requests.Timeout:
			raise XeroTransientError("Xero did not answer in time", entries=[catalogue.get("timeout")])
		except requests.ConnectionError:
			raise XeroTransientError(
				"The connection to Xero failed", entries=[catalogue.get("connection_dropped")]
			)
		if response.status_code < 300:
			return response
		detail = _detail(response)
		if response.status_code in (401, 403):
			raise XeroAuthError(
				detail,
				entries=[catalogue.for_http(response.status_code, detail)],
				status=response.status_code,
			)
		if response.status_code == 404:
			raise XeroNotFound(detail, status=404)
		if response.status_code >= 500:
			raise XeroTransientError(
				detail, entries=[catalogue.for_http(response.status_code)], status=response.status_code
			)
		raise OAuthError(detail, error=f"http_{response.status_code}", status=response.status_code)


def _json_or_none(response: requests.Response):
	try:
		return response.json()
	except ValueError:
		return None


def _detail(response: requests.Response) -> str:
	try:
		body = response.json()
	except ValueError:
		return f"HTTP {response.status_code}"
	if isinstance(body, dict):
		return str(body.get("Detail") or body.get("detail") or body.get("title") or body.get("Title") or body)
	return f"HTTP {response.status_code}"


def _callback_params(callback: str | Mapping) -> dict:
	if isinstance(callback, Mapping):
		return {k: (v[0] if isinstance(v, list) else v) for k, v in callback.items()}
	text = callback
	if "?" in text or text.startswith(("http://", "https://")):
		text = urlsplit(text).query
	return {k: v[0] for k, v in parse_qs(text).items()}
