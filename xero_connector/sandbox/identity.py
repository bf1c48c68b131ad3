"""Xero's Identity service, in memory: OAuth2 authorisation code flow with
``state`` and PKCE (S256), rotating refresh tokens, revocation and the
``/connections`` list that decides which organisations a token may reach.

The HTTP layer (:mod:`xero_connector.sandbox.server`) turns requests into calls
on :class:`IdentityProvider` and its typed exceptions into Xero's responses.
Tokens are stored only as SHA-256 digests, so neither the state file nor a
``repr`` ever holds a usable token.

This module holds the endpoints (authorise, token, revocation, ``/connections``,
and the API's bearer and tenant checks). The state they read and change, and the
Python API for tests and the demo, are in :mod:`xero_connector.sandbox.identity_store`;
the constants, errors and records in :mod:`xero_connector.sandbox.identity_records`,
re-exported here so that callers import everything from this module.

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
import hmac
import secrets
import uuid
from datetime import datetime, timezone

# every public name of identity_records is re-exported: callers import them from here
from xero_connector.sandbox.identity_records import *
from xero_connector.sandbox.identity_records import (
	CODE_TTL,
	DEMO_USER_ID,
	KNOWN_SCOPES,
	REFRESH_GRACE,
	AccessTokenInfo,
	ApiAuthError,
	AuthorizeError,
	AuthorizeRequest,
	Connection,
	ConnectionNotFound,
	OAuthClient,
	OAuthError,
	Tenant,
	_Code,
	_Grant,
	_with_query,
	_xero_time,
	digest,
	pkce_challenge,
)
from xero_connector.sandbox.identity_store import IdentityStore
from xero_connector.sandbox.scopes import BROAD_ONLY


class IdentityProvider(IdentityStore):
	"""OAuth2 server and connection registry for the sandbox.

	Called by the HTTP server for ``/identity/connect/authorize``,
	``/connect/token``, ``/connect/revocation`` and ``/connections``, and by the
	API pipeline through :meth:`authenticate` and :meth:`check_tenant`. Tests and
	the demo may call :meth:`issue_token_set` to skip the browser step.
	"""

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
