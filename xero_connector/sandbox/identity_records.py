"""The records of the sandbox's Identity service: its constants (token lifetimes,
known scopes, the demo user), the errors its endpoints raise, the dataclasses it
keeps (clients, organisations, connections, codes, grants, token digests) and small
helpers (token digest, PKCE challenge, Xero's identity time format).

Imported by :mod:`xero_connector.sandbox.identity_store` (the token and connection
store) and :mod:`xero_connector.sandbox.identity` (the OAuth endpoints), which
re-exports every public name here: the rest of the sandbox and the tests import
them from :mod:`xero_connector.sandbox.identity`.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from xero_connector.sandbox.scopes import BROAD_ONLY, GRANULAR

__all__ = [
	"ACCESS_TOKEN_TTL",
	"BROAD_DEFAULT",
	"CODE_TTL",
	"DEMO_USER_EMAIL",
	"DEMO_USER_ID",
	"GRANULAR_DEFAULT",
	"KNOWN_SCOPES",
	"REFRESH_GRACE",
	"REFRESH_TOKEN_TTL",
	"AccessTokenInfo",
	"ApiAuthError",
	"AuthorizeError",
	"AuthorizeRequest",
	"Connection",
	"ConnectionNotFound",
	"OAuthClient",
	"OAuthError",
	"Tenant",
	"digest",
	"pkce_challenge",
]
BROAD_DEFAULT = (
	"openid profile email accounting.transactions accounting.contacts accounting.settings "
	"accounting.attachments offline_access"
)
GRANULAR_DEFAULT = (
	"openid profile email accounting.invoices accounting.payments accounting.contacts "
	"accounting.settings accounting.attachments offline_access"
)
ACCESS_TOKEN_TTL = 1800
REFRESH_GRACE = 1800
REFRESH_TOKEN_TTL = 60 * 24 * 3600
CODE_TTL = 300
DEMO_USER_ID = "5f0b4e33-7a2b-4c34-9a1e-2a6b2c0d9e11"
DEMO_USER_EMAIL = "demo.user@sandbox.invalid"
KNOWN_SCOPES = (
	frozenset(
		{
			"openid",
			"profile",
			"email",
			"offline_access",
			"accounting.contacts",
			"accounting.contacts.read",
			"accounting.settings",
			"accounting.settings.read",
			"accounting.journals.read",
			"accounting.attachments",
			"accounting.attachments.read",
		}
	)
	| BROAD_ONLY
	| GRANULAR
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
