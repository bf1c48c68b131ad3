"""Xero's Identity service, in memory: OAuth2 authorisation code flow with
``state`` and PKCE (S256), rotating refresh tokens, revocation and the
``/connections`` list that decides which organisations a token may reach.

The HTTP layer (:mod:`xero_connector.sandbox.server`) turns requests into calls
on :class:`IdentityProvider` and its typed exceptions into Xero's responses.
Tokens are stored only as SHA-256 digests, so neither the state file nor a
``repr`` ever holds a usable token.

Rules reproduced (Xero's documented behaviour):

- authorisation codes are single use and live 5 minutes; a second use is
  ``invalid_grant`` and also revokes what the first use issued;
- access tokens live 1,800 s; refresh tokens rotate on every use, the previous
  one stays usable for a 30-minute grace period, then ``invalid_grant``;
- a refresh token is only issued when ``offline_access`` was granted; an
  ``id_token`` only with ``openid``;
- a wrong client id or secret is ``invalid_client``;
- revoking a refresh token kills the grant and removes its connections.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from xero_connector.sandbox.clock import Clock
from xero_connector.sandbox.scopes import BROAD_ONLY

BROAD_DEFAULT = (
	"openid profile email accounting.transactions accounting.contacts accounting.settings offline_access"
)
GRANULAR_DEFAULT = (
	"openid profile email accounting.invoices accounting.payments accounting.contacts "
	"accounting.settings offline_access"
)
ACCESS_TOKEN_TTL = 1800
REFRESH_GRACE = 1800
REFRESH_TOKEN_TTL = 60 * 24 * 3600
CODE_TTL = 300
DEMO_USER_ID = "5f0b4e33-7a2b-4c34-9a1e-2a6b2c0d9e11"
DEMO_USER_EMAIL = "demo.user@sandbox.invalid"
KNOWN_SCOPES = frozenset(
	{
		"openid",
		"profile",
		"email",
		"offline_access",
		"accounting.transactions",
		"accounting.transactions.read",
		"accounting.invoices",
		"accounting.invoices.read",
		"accounting.payments",
		"accounting.payments.read",
		"accounting.banktransactions",
		"accounting.banktransactions.read",
		"accounting.manualjournals",
		"accounting.manualjournals.read",
		"accounting.contacts",
		"accounting.contacts.read",
		"accounting.settings",
		"accounting.settings.read",
		"accounting.reports.read",
		"accounting.journals.read",
		"accounting.attachments",
		"accounting.attachments.read",
	}
)


class OAuthError(Exception):
	"""An error of the token or revocation endpoint: answered as HTTP 400 with
	``{"error": ...}`` (Xero's identity server uses 400 for all of them)."""

	def __init__(self, error: str, description: str | None = None):
		super().__init__(f"{error}: {description}" if description else error)
		self.error = error
		self.description = description

	def body(self) -> dict:
		body = {"error": self.error}
		if self.description:
			body["error_description"] = self.description
		return body


class AuthorizeError(Exception):
	"""An error of the authorise endpoint. ``redirect_uri`` is set when the client
	and redirect URI were valid, so the error goes back to the app (RFC 6749 §4.1.2.1);
	otherwise the user sees an error page."""

	def __init__(
		self, error: str, description: str, redirect_uri: str | None = None, state: str | None = None
	):
		super().__init__(f"{error}: {description}")
		self.error = error
		self.description = description
		self.redirect_uri = redirect_uri
		self.state = state

	def redirect_url(self) -> str | None:
		if not self.redirect_uri:
			return None
		params = {"error": self.error, "error_description": self.description}
		if self.state is not None:
			params["state"] = self.state
		return _with_query(self.redirect_uri, params)


class ApiAuthError(Exception):
	"""A refused Accounting API call: 401 (no usable token) or 403 (tenant not
	connected). ``detail`` is Xero's ``Detail`` text."""

	def __init__(self, status: int, detail: str, www_authenticate: str | None = None):
		super().__init__(f"{status} {detail}")
		self.status = status
		self.detail = detail
		self.www_authenticate = www_authenticate


class ConnectionNotFound(Exception):
	"""DELETE /connections/{id} for a connection this user does not have (404)."""


@dataclass
class OAuthClient:
	"""A registered app. An empty ``redirect_uris`` accepts any redirect URI (the
	sandbox's demo client, so any ERPNext site can connect without set-up)."""

	client_id: str
	client_secret: str = field(repr=False)
	redirect_uris: tuple[str, ...] = ()
	name: str = "Sandbox app"
	# an app created from 2 March 2026: only granular accounting scopes (sandbox/scopes.py)
	granular_only: bool = False


@dataclass
class Tenant:
	tenant_id: str
	name: str
	tenant_type: str = "ORGANISATION"


@dataclass
class Connection:
	id: str
	client_id: str
	user_id: str
	tenant_id: str
	auth_event_id: str
	created: float
	updated: float


@dataclass
class _Code:
	digest: str
	client_id: str
	redirect_uri: str
	scope: str
	code_challenge: str | None
	tenant_ids: list[str]
	user_id: str
	auth_event_id: str
	expires_at: float
	used: bool = False
	grant_id: str | None = None


@dataclass
class _Grant:
	id: str
	client_id: str
	user_id: str
	scope: str
	auth_event_id: str
	public_client: bool
	revoked: bool = False


@dataclass
class _AccessToken:
	digest: str
	grant_id: str
	expires_at: float


@dataclass
class _RefreshToken:
	digest: str
	grant_id: str
	expires_at: float
	rotated_at: float | None = None


@dataclass
class AccessTokenInfo:
	"""What the API layer learns from a valid bearer token."""

	client_id: str
	user_id: str
	scope: str
	expires_at: float
	grant_id: str


@dataclass
class AuthorizeRequest:
	"""A validated authorise request, kept while the consent page is shown."""

	client_id: str
	redirect_uri: str
	scope: str
	state: str | None
	code_challenge: str | None


def digest(token: str) -> str:
	return hashlib.sha256(token.encode()).hexdigest()


def pkce_challenge(verifier: str) -> str:
	"""S256 code challenge for a verifier (RFC 7636 §4.2); also used by tests and the demo."""
	return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def _with_query(url: str, params: dict) -> str:
	separator = "&" if urlsplit(url).query else "?"
	return f"{url}{separator}{urlencode(params)}"


def _b64url(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _xero_time(epoch: float) -> str:
	"""Xero's identity time format, e.g. ``2019-12-07T18:46:19.5165400``."""
	moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
	return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0"


class IdentityProvider:
	"""OAuth2 server and connection registry for the sandbox.

	Called by the HTTP server for ``/identity/connect/authorize``,
	``/connect/token``, ``/connect/revocation`` and ``/connections``, and by the
	API pipeline through :meth:`authenticate` and :meth:`check_tenant`. Tests and
	the demo may call :meth:`issue_token_set` to skip the browser step.
	"""

	def __init__(self, clock: Clock | None = None, issuer: str = "https://identity.xero.com"):
		self.clock = clock or Clock()
		self.issuer = issuer
		self._lock = threading.RLock()
		self._signing_key = secrets.token_bytes(32)
		self.clients: dict[str, OAuthClient] = {}
		self.tenants: dict[str, Tenant] = {}
		self.default_tenant_ids: list[str] = []
		self._codes: dict[str, _Code] = {}
		self._grants: dict[str, _Grant] = {}
		self._access: dict[str, _AccessToken] = {}
		self._refresh: dict[str, _RefreshToken] = {}
		self.connections: dict[str, Connection] = {}

	# ----- registration -------------------------------------------------------------

	def register_client(
		self,
		client_id: str,
		client_secret: str,
		redirect_uris=(),
		name: str = "Sandbox app",
		granular_only: bool = False,
	):
		with self._lock:
			self.clients[client_id] = OAuthClient(
				client_id, client_secret, tuple(redirect_uris), name, granular_only
			)
			return self.clients[client_id]

	def register_tenant(self, tenant_id: str, name: str, default: bool = False) -> Tenant:
		"""Make an organisation known; ``default`` ones are connected by the
		auto-approving authorise step."""
		with self._lock:
			self.tenants[tenant_id] = Tenant(tenant_id, name)
			if default and tenant_id not in self.default_tenant_ids:
				self.default_tenant_ids.append(tenant_id)
			return self.tenants[tenant_id]

	# ----- authorise ----------------------------------------------------------------

	def validate_authorize(self, params: dict) -> AuthorizeRequest:
		"""Check an authorise request; raises :class:`AuthorizeError`."""
		client = self.clients.get(params.get("client_id") or "")
		if client is None:
			raise AuthorizeError("unauthorized_client", "Unknown client or client not enabled")
		redirect_uri = params.get("redirect_uri") or ""
		if not redirect_uri or (client.redirect_uris and redirect_uri not in client.redirect_uris):
			raise AuthorizeError("invalid_request", "Invalid redirect_uri")
		state = params.get("state")
		if params.get("response_type") != "code":
			raise AuthorizeError(
				"unsupported_response_type", "Response type not supported", redirect_uri, state
			)
		scopes = (params.get("scope") or "").split()
		if not scopes:
			raise AuthorizeError("invalid_scope", "Missing scope", redirect_uri, state)
		unknown = [s for s in scopes if s not in KNOWN_SCOPES]
		if client.granular_only and not unknown:
			# apps created from 2 March 2026 may not ask for accounting.transactions or
			# accounting.reports.read (help.apideck.com/en/articles/8647746: "invalid_scope")
			unknown = [s for s in scopes if s in BROAD_ONLY]
		if unknown:
			raise AuthorizeError("invalid_scope", f"Invalid scope: {' '.join(unknown)}", redirect_uri, state)
		challenge = params.get("code_challenge")
		method = params.get("code_challenge_method")
		if challenge and method != "S256":
			raise AuthorizeError("invalid_request", "code_challenge_method must be S256", redirect_uri, state)
		if method and not challenge:
			raise AuthorizeError("invalid_request", "code_challenge is missing", redirect_uri, state)
		if challenge and not 43 <= len(challenge) <= 128:
			raise AuthorizeError("invalid_request", "Invalid code_challenge", redirect_uri, state)
		return AuthorizeRequest(client.client_id, redirect_uri, " ".join(scopes), state, challenge)

	def approve(self, request: AuthorizeRequest, tenant_ids: list[str] | None = None) -> str:
		"""Approve a validated request for ``tenant_ids`` (default: the default
		organisations) and return the redirect URL carrying ``code`` and ``state``."""
		chosen = list(tenant_ids) if tenant_ids is not None else list(self.default_tenant_ids)
		unknown = [t for t in chosen if t not in self.tenants]
		if unknown or not chosen:
			raise AuthorizeError(
				"access_denied", "No organisation was selected", request.redirect_uri, request.state
			)
		code = secrets.token_urlsafe(32)
		with self._lock:
			self._codes[digest(code)] = _Code(
				digest=digest(code),
				client_id=request.client_id,
				redirect_uri=request.redirect_uri,
				scope=request.scope,
				code_challenge=request.code_challenge,
				tenant_ids=chosen,
				user_id=DEMO_USER_ID,
				auth_event_id=str(uuid.uuid4()),
				expires_at=self.clock.now() + CODE_TTL,
			)
		params = {"code": code, "scope": request.scope}
		if request.state is not None:
			params["state"] = request.state
		params["session_state"] = secrets.token_urlsafe(16)
		return _with_query(request.redirect_uri, params)

	def authorize(self, params: dict, tenant_ids: list[str] | None = None) -> str:
		"""Validate and approve at once (the demo client's behaviour)."""
		return self.approve(self.validate_authorize(params), tenant_ids)

	# ----- token endpoint -----------------------------------------------------------

	def token(self, form: dict, authorization: str | None = None) -> dict:
		"""``POST /connect/token``: returns the token response or raises :class:`OAuthError`."""
		grant_type = form.get("grant_type")
		if grant_type == "authorization_code":
			return self._exchange_code(form, authorization)
		if grant_type == "refresh_token":
			return self._refresh_grant(form, authorization)
		if not grant_type:
			raise OAuthError("invalid_request", "grant_type is missing")
		raise OAuthError("unsupported_grant_type")

	def _client_credentials(self, form: dict, authorization: str | None) -> tuple[str | None, str | None]:
		if authorization and authorization.lower().startswith("basic "):
			try:
				decoded = base64.b64decode(authorization[6:].strip()).decode()
				client_id, _, secret = decoded.partition(":")
			except (ValueError, UnicodeDecodeError):
				raise OAuthError("invalid_client")
			return client_id, secret
		return form.get("client_id"), form.get("client_secret")

	def _authenticate_client(
		self, form: dict, authorization: str | None, allow_public: bool
	) -> tuple[OAuthClient, bool]:
		"""Returns (client, is_public). A public (PKCE) client sends its id without a secret."""
		client_id, secret = self._client_credentials(form, authorization)
		client = self.clients.get(client_id or "")
		if client is None:
			raise OAuthError("invalid_client")
		if secret:
			if not hmac.compare_digest(secret.encode(), client.client_secret.encode()):
				raise OAuthError("invalid_client")
			return client, False
		if allow_public:
			return client, True
		raise OAuthError("invalid_client")

	def _exchange_code(self, form: dict, authorization: str | None) -> dict:
		with self._lock:
			code = self._codes.get(digest(form.get("code") or ""))
			client, public = self._authenticate_client(
				form, authorization, allow_public=bool(code and code.code_challenge)
			)
			if code is None or code.client_id != client.client_id:
				raise OAuthError("invalid_grant")
			if code.used:
				if code.grant_id:
					# RFC 6749 §4.1.2: a replayed code revokes what it issued.
					self._revoke_grant(code.grant_id, kill_access_tokens=True, remove_connections=False)
				raise OAuthError("invalid_grant")
			code.used = True
			if self.clock.now() > code.expires_at:
				raise OAuthError("invalid_grant")
			if form.get("redirect_uri") != code.redirect_uri:
				raise OAuthError("invalid_grant")
			if code.code_challenge:
				verifier = form.get("code_verifier") or ""
				if not hmac.compare_digest(pkce_challenge(verifier), code.code_challenge):
					raise OAuthError("invalid_grant")
			grant = _Grant(
				str(uuid.uuid4()), client.client_id, code.user_id, code.scope, code.auth_event_id, public
			)
			self._grants[grant.id] = grant
			code.grant_id = grant.id
			self._connect(grant, code.tenant_ids)
			return self._issue(grant)

	def _refresh_grant(self, form: dict, authorization: str | None) -> dict:
		with self._lock:
			record = self._refresh.get(digest(form.get("refresh_token") or ""))
			grant = self._grants.get(record.grant_id) if record else None
			client, _ = self._authenticate_client(
				form, authorization, allow_public=bool(grant and grant.public_client)
			)
			now = self.clock.now()
			if record is None or grant is None or grant.revoked or grant.client_id != client.client_id:
				raise OAuthError("invalid_grant")
			if now > record.expires_at:
				raise OAuthError("invalid_grant")
			if record.rotated_at is not None and now > record.rotated_at + REFRESH_GRACE:
				raise OAuthError("invalid_grant")
			if record.rotated_at is None:
				record.rotated_at = now
			return self._issue(grant)

	def _issue(self, grant: _Grant) -> dict:
		now = self.clock.now()
		jti = uuid.uuid4().hex
		claims = {
			"nbf": int(now),
			"exp": int(now + ACCESS_TOKEN_TTL),
			"iss": self.issuer,
			"aud": f"{self.issuer}/resources",
			"client_id": grant.client_id,
			"sub": grant.user_id,
			"auth_time": int(now),
			"xero_userid": grant.user_id,
			"global_session_id": grant.id.replace("-", ""),
			"jti": jti,
			"authentication_event_id": grant.auth_event_id,
			"scope": grant.scope.split(),
		}
		access_token = self._jwt(claims)
		self._access[digest(access_token)] = _AccessToken(
			digest(access_token), grant.id, now + ACCESS_TOKEN_TTL
		)
		response = {"access_token": access_token, "expires_in": ACCESS_TOKEN_TTL, "token_type": "Bearer"}
		scopes = grant.scope.split()
		if "openid" in scopes:
			id_claims = {
				"nbf": int(now),
				"exp": int(now + 300),
				"iss": self.issuer,
				"aud": grant.client_id,
				"iat": int(now),
				"sub": grant.user_id,
				"xero_userid": grant.user_id,
				"global_session_id": claims["global_session_id"],
				"email": DEMO_USER_EMAIL,
				"given_name": "Demo",
				"family_name": "User",
				"preferred_username": DEMO_USER_EMAIL,
			}
			response = {"id_token": self._jwt(id_claims), **response}
		if "offline_access" in scopes:
			refresh_token = secrets.token_urlsafe(32)
			self._refresh[digest(refresh_token)] = _RefreshToken(
				digest(refresh_token), grant.id, now + REFRESH_TOKEN_TTL
			)
			response["refresh_token"] = refresh_token
		response["scope"] = grant.scope
		return response

	def _jwt(self, claims: dict) -> str:
		header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
		payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
		signature = hmac.new(self._signing_key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
		return f"{header}.{payload}.{_b64url(signature)}"

	def _connect(self, grant: _Grant, tenant_ids: list[str]) -> None:
		now = self.clock.now()
		for tenant_id in tenant_ids:
			existing = self._find_connection(grant.client_id, grant.user_id, tenant_id)
			if existing:
				existing.updated = now
				existing.auth_event_id = grant.auth_event_id
				continue
			connection = Connection(
				str(uuid.uuid4()), grant.client_id, grant.user_id, tenant_id, grant.auth_event_id, now, now
			)
			self.connections[connection.id] = connection

	def _find_connection(self, client_id: str, user_id: str, tenant_id: str) -> Connection | None:
		return next(
			(
				c
				for c in self.connections.values()
				if c.client_id == client_id and c.user_id == user_id and c.tenant_id == tenant_id
			),
			None,
		)

	# ----- revocation ---------------------------------------------------------------

	def revoke(self, form: dict, authorization: str | None = None) -> None:
		"""``POST /connect/revocation``: revoke a refresh token, its grant and its
		connections. An unknown token is accepted silently (RFC 7009 §2.2)."""
		with self._lock:
			record = self._refresh.get(digest(form.get("token") or ""))
			grant = self._grants.get(record.grant_id) if record else None
			client, _ = self._authenticate_client(
				form, authorization, allow_public=bool(grant and grant.public_client)
			)
			if grant is None or grant.client_id != client.client_id:
				return
			# Access tokens are self-contained JWTs at Xero: they live on until they
			# expire, but with the connections gone they reach no organisation.
			self._revoke_grant(grant.id, kill_access_tokens=False, remove_connections=True)

	def _revoke_grant(self, grant_id: str, kill_access_tokens: bool, remove_connections: bool) -> None:
		grant = self._grants[grant_id]
		grant.revoked = True
		for key in [k for k, r in self._refresh.items() if r.grant_id == grant_id]:
			del self._refresh[key]
		if kill_access_tokens:
			for key in [k for k, a in self._access.items() if a.grant_id == grant_id]:
				del self._access[key]
		if not remove_connections:
			return
		for key in [
			k
			for k, c in self.connections.items()
			if c.client_id == grant.client_id and c.user_id == grant.user_id
		]:
			del self.connections[key]

	# ----- API access ---------------------------------------------------------------

	def authenticate(self, authorization: str | None) -> AccessTokenInfo:
		"""Check the ``Authorization: Bearer`` header of an API call; raises
		:class:`ApiAuthError` 401 with Xero's ``Detail``."""
		if not authorization or not authorization.lower().startswith("bearer "):
			raise ApiAuthError(401, "AuthenticationUnsuccessful", 'Bearer realm="api.xero.com"')
		token = authorization[7:].strip()
		with self._lock:
			record = self._access.get(digest(token))
			grant = self._grants.get(record.grant_id) if record else None
			if record is None or grant is None:
				raise ApiAuthError(401, "AuthenticationUnsuccessful", 'Bearer error="invalid_token"')
			if self.clock.now() >= record.expires_at:
				stamp = datetime.fromtimestamp(record.expires_at, tz=timezone.utc).strftime(
					"%m/%d/%Y %H:%M:%S"
				)
				raise ApiAuthError(
					401,
					f"TokenExpired: token expired at {stamp}",
					f'Bearer error="invalid_token", error_description="The token expired at \'{stamp}\'"',
				)
			return AccessTokenInfo(grant.client_id, grant.user_id, grant.scope, record.expires_at, grant.id)

	def check_tenant(self, token: AccessTokenInfo, tenant_id: str | None) -> Connection:
		"""Check ``xero-tenant-id``: it must name an organisation this user connected
		to this app; raises :class:`ApiAuthError` 403 otherwise."""
		with self._lock:
			connection = self._find_connection(
				token.client_id, token.user_id, (tenant_id or "").strip().lower()
			)
			if connection is None:
				raise ApiAuthError(403, "AuthenticationUnsuccessful")
			return connection

	def list_connections(self, token: AccessTokenInfo, auth_event_id: str | None = None) -> list[dict]:
		"""``GET /connections`` in Xero's shape, oldest first."""
		with self._lock:
			rows = [
				c
				for c in self.connections.values()
				if c.client_id == token.client_id
				and c.user_id == token.user_id
				and (not auth_event_id or c.auth_event_id == auth_event_id)
			]
			rows.sort(key=lambda c: c.created)
			return [self._connection_json(c) for c in rows]

	def _connection_json(self, connection: Connection) -> dict:
		tenant = self.tenants.get(connection.tenant_id) or Tenant(connection.tenant_id, "")
		return {
			"id": connection.id,
			"authEventId": connection.auth_event_id,
			"tenantId": tenant.tenant_id,
			"tenantType": tenant.tenant_type,
			"tenantName": tenant.name,
			"createdDateUtc": _xero_time(connection.created),
			"updatedDateUtc": _xero_time(connection.updated),
		}

	def delete_connection(self, token: AccessTokenInfo, connection_id: str) -> None:
		"""``DELETE /connections/{id}``: disconnect one organisation (204), or raise
		:class:`ConnectionNotFound` (404)."""
		with self._lock:
			connection = self.connections.get((connection_id or "").lower())
			if (
				connection is None
				or connection.client_id != token.client_id
				or connection.user_id != token.user_id
			):
				raise ConnectionNotFound(connection_id)
			del self.connections[connection.id]

	# ----- Python API for tests, the demo and fault injection ---------------------------

	def issue_token_set(
		self,
		client_id: str,
		tenant_ids: list[str] | None = None,
		scope: str | None = None,
	) -> dict:
		"""Connect ``tenant_ids`` (default organisations if None) for ``client_id``
		and return a token response, as if the browser flow had run. ``scope`` defaults to the
		broad set, or the granular one for an app created from 2 March 2026."""
		with self._lock:
			if client_id not in self.clients:
				raise OAuthError("invalid_client")
			granular_only = self.clients[client_id].granular_only
			if scope is None:
				scope = GRANULAR_DEFAULT if granular_only else BROAD_DEFAULT
			elif granular_only and set(scope.split()) & BROAD_ONLY:
				raise OAuthError("invalid_scope", "Invalid scope for client")
			chosen = list(tenant_ids) if tenant_ids is not None else list(self.default_tenant_ids)
			grant = _Grant(str(uuid.uuid4()), client_id, DEMO_USER_ID, scope, str(uuid.uuid4()), False)
			self._grants[grant.id] = grant
			self._connect(grant, chosen)
			return self._issue(grant)

	def expire_access_tokens(self) -> int:
		"""Fault injection: make every access token issued so far expired now.
		Returns how many were affected."""
		with self._lock:
			now = self.clock.now()
			for record in self._access.values():
				record.expires_at = min(record.expires_at, now)
			return len(self._access)

	def prune(self) -> None:
		"""Forget expired codes and tokens (keeps memory and the state file small)."""
		with self._lock:
			now = self.clock.now()
			self._codes = {k: c for k, c in self._codes.items() if c.expires_at + CODE_TTL > now}
			self._access = {k: a for k, a in self._access.items() if a.expires_at + 86400 > now}
			self._refresh = {
				k: r
				for k, r in self._refresh.items()
				if r.expires_at > now and (r.rotated_at is None or r.rotated_at + REFRESH_GRACE > now)
			}

	# ----- persistence --------------------------------------------------------------

	def to_dict(self) -> dict:
		"""State for the ``--data`` file. Holds token digests, never tokens; client
		secrets are not saved (they come from the command line)."""
		with self._lock:
			self.prune()
			return {
				"signing_key": base64.b64encode(self._signing_key).decode(),
				"grants": [asdict(g) for g in self._grants.values() if not g.revoked],
				"access": [asdict(a) for a in self._access.values()],
				"refresh": [asdict(r) for r in self._refresh.values()],
				"connections": [asdict(c) for c in self.connections.values()],
			}

	def load_dict(self, data: dict) -> None:
		"""Restore what :meth:`to_dict` saved (clients and tenants are registered separately)."""
		with self._lock:
			if data.get("signing_key"):
				self._signing_key = base64.b64decode(data["signing_key"])
			self._grants = {g["id"]: _Grant(**g) for g in data.get("grants", [])}
			self._access = {
				a["digest"]: _AccessToken(**a)
				for a in data.get("access", [])
				if a["grant_id"] in self._grants
			}
			self._refresh = {
				r["digest"]: _RefreshToken(**r)
				for r in data.get("refresh", [])
				if r["grant_id"] in self._grants
			}
			self.connections = {c["id"]: Connection(**c) for c in data.get("connections", [])}
