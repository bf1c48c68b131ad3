"""The token and connection store of the sandbox's Identity service: registered
apps and organisations, authorisation codes, grants, access and refresh token
digests, connections, and what issues, connects, revokes, prunes and saves them.

:class:`IdentityStore` is the base class of
:class:`xero_connector.sandbox.identity.IdentityProvider`, whose endpoints
(authorise, token, revocation, ``/connections``) read and change this state. The
sandbox server (:mod:`xero_connector.sandbox.server`) calls its Python API through
that class: ``register_client``, ``register_tenant``, ``issue_token_set``,
``expire_access_tokens``, ``has_connection``, ``to_dict`` and ``load_dict``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from dataclasses import asdict

from xero_connector.sandbox.clock import Clock
from xero_connector.sandbox.identity_records import (
	ACCESS_TOKEN_TTL,
	BROAD_DEFAULT,
	CODE_TTL,
	DEMO_USER_EMAIL,
	DEMO_USER_ID,
	GRANULAR_DEFAULT,
	REFRESH_GRACE,
	REFRESH_TOKEN_TTL,
	Connection,
	OAuthClient,
	OAuthError,
	Tenant,
	_AccessToken,
	_b64url,
	_Code,
	_Grant,
	_RefreshToken,
	digest,
)
from xero_connector.sandbox.scopes import BROAD_ONLY


class IdentityStore:
	"""State of the sandbox's OAuth2 server and connection registry, and the Python
	API that tests, the demo and fault injection use. Subclassed by
	:class:`xero_connector.sandbox.identity.IdentityProvider` (the endpoints)."""

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

	# ----- issuing, connecting, revoking (used by the endpoints) -----------------------

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

	# ----- Python API for tests, the demo and fault injection ---------------------------

	def has_connection(self, client_id: str, tenant_id: str) -> bool:
		"""Whether the app ``client_id`` is connected to the organisation ``tenant_id`` (by any
		user's consent). The webhook hub asks it: an app gets the events of its organisations."""
		tenant_id = (tenant_id or "").lower()
		with self._lock:
			return any(
				c.client_id == client_id and c.tenant_id.lower() == tenant_id
				for c in self.connections.values()
			)

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
