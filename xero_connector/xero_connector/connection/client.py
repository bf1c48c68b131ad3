"""Builds the core's Xero client for a connection (connection/registry.py says which),
with this site's shared state: tokens in the app's Password fields, the refresh lock,
OAuth states and the rate limiter in Redis (redis_backends.py).

``app`` is the Xero app a connection belongs to (credentials, consent, tokens:
``registry.app_of``); ``connection`` is a company's link to one Xero organisation.
Every function takes the one it reads; none finds it itself.

Called by sync_session.open_client (every engine run and desk look-up), api.py
(connect, fetch reference) and tasks.py.
"""

from __future__ import annotations

from functools import partial

import frappe
from frappe import _
from frappe.utils import now_datetime

from xero_connector.constants import (
	NEEDS_REAUTH,
	XERO_BILL_URL,
	XERO_CREDIT_NOTE_URL,
	XERO_INVOICE_URL,
	XERO_PURCHASE_ORDER_URL,
	XERO_SUPPLIER_CREDIT_NOTE_URL,
)
from xero_connector.exceptions import XeroNotConfigured, XeroNotConnected
from xero_connector.xero import Endpoints, Limits, OAuthClient, RateLimiter, TokenManager, XeroClient
from xero_connector.xero.budget import DEFAULT_TIER
from xero_connector.xero.scopes import BROAD, GRANULAR
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.redis_backends import (
	FrappeTokenStore,
	RedisLimiterBackend,
	RedisLock,
	RedisStateStore,
)
from xero_connector.xero_connector.connection.settings_state import (
	set_connections_status,
	write_app_state,
)


def endpoints(app) -> Endpoints:
	"""Xero's URLs, or the sandbox's when the app's "Use Xero Sandbox" is on."""
	if app.use_sandbox:
		if not app.sandbox_url:
			frappe.throw(_("Enter the Sandbox URL in {0}.").format(_(app.doctype)), XeroNotConfigured)
		return Endpoints.from_base_url(app.sandbox_url)
	return Endpoints()


def document_url(kind: str, xero_id: str | None, app, buying: bool = False) -> str | None:
	"""Where "Open in Xero" goes for an invoice or credit note (``buying``: a bill or supplier
	credit note): Xero's own page, or the sandbox's page at that document when the app's "Use
	Xero Sandbox" is on."""
	if not xero_id:
		return None
	if app.use_sandbox and app.sandbox_url:
		return f"{app.sandbox_url.rstrip('/')}/#{xero_id}"
	if kind == "purchase_order":
		return XERO_PURCHASE_ORDER_URL.format(id=xero_id)
	if buying:
		return (XERO_SUPPLIER_CREDIT_NOTE_URL if kind == "credit_note" else XERO_BILL_URL).format(id=xero_id)
	return (XERO_CREDIT_NOTE_URL if kind == "credit_note" else XERO_INVOICE_URL).format(id=xero_id)


def oauth_client(app) -> OAuthClient:
	if not app.client_id:
		frappe.throw(
			_("Enter the Client ID of your Xero app in {0}.").format(_(app.doctype)), XeroNotConfigured
		)
	return OAuthClient(
		app.client_id,
		app.get_password("client_secret", raise_exception=False) or None,
		endpoints(app),
		scope_style=BROAD if app.scope_mode == "Broad" else GRANULAR,
		state_store=RedisStateStore(),
	)


def token_manager(app) -> TokenManager:
	"""Tokens of the app's consent, refreshed by one worker at a time."""
	return TokenManager(
		oauth_client(app),
		FrappeTokenStore(app),
		RedisLock(),
		on_needs_reauthorisation=partial(needs_reauthorisation, app),
	)


def rate_limiter(app, max_wait: float | None = None) -> RateLimiter:
	"""Xero's per-organisation limits, shared by every worker through Redis (paced
	to the sandbox's shortened minute when it runs with a time scale), with the day limit
	of the app's tier (Xero App Tier) until Xero's headers show more, and the app's own
	minute (keyed by its client id). With ``max_wait`` a call never waits longer than that
	in all: RateLimitWait instead (sync jobs: constants.LIMITER_MAX_WAIT)."""
	scale = float(app.sandbox_time_scale or 1) if app.use_sandbox else 1.0
	tier = (app.get("xero_app_tier") or DEFAULT_TIER).lower()
	return RateLimiter(
		Limits(time_scale=max(scale, 1.0), tier=tier),
		RedisLimiterBackend(),
		namespace="xero",
		app_key=app.client_id or app.name,
		max_wait=max_wait,
	)


def xero_client(connection, max_wait: float | None = None) -> XeroClient:
	"""The Accounting API client for the connection's organisation (``max_wait``:
	:func:`rate_limiter`)."""
	if not connection.tenant_id:
		raise XeroNotConnected(
			_(
				"Company {0} has no Xero organisation connected: open Xero Connection {0} and click Connect to Xero."
			).format(connection.company)
		)
	app = registry.app_of(connection)
	return XeroClient(
		token_manager(app),
		connection.tenant_id,
		endpoints=endpoints(app),
		limiter=rate_limiter(app, max_wait),
	)


def xero_port(client: XeroClient):
	"""The engine's XeroPort over ``client``."""
	from xero_connector.engine.xero_adapter import ClientPort

	return ClientPort(client)


BUDGET_KEY = "xero_connector:budget:{}"  # Xero's remaining-calls headers, per organisation / app


def record_budget(connection, client: XeroClient) -> None:
	"""Keep the remaining-calls headers Xero last sent for the connection's organisation
	and its app's minute, shown on their forms (:func:`budget_figures`).

	In Redis, not on the documents: every call of every worker and request would otherwise
	update the same Xero Connection (and Xero App) row, and on MariaDB 11.6+ (innodb
	snapshot isolation, Frappe 16's Debian) a transaction that read before another one
	wrote that row is rolled back ("Record has changed since last read")."""
	remaining = client.limiter.remaining.get(client.tenant_id)
	if not remaining:
		return
	# only what Xero said: a header it did not send leaves the last figure
	said = {
		field: remaining.get(key)
		for field, key in (("api_minute_remaining", "minute"), ("api_day_remaining", "day"))
		if remaining.get(key) is not None
	}
	key = BUDGET_KEY.format(client.tenant_id)
	figures = {**(frappe.cache.get_value(key) or {}), **said, "api_budget_updated_on": str(now_datetime())}
	frappe.cache.set_value(key, figures)
	if remaining.get("appminute") is not None:
		app = registry.app_of(connection)
		frappe.cache.set_value(
			BUDGET_KEY.format(f"app:{app.name}"), {"api_app_minute_remaining": remaining["appminute"]}
		)


def budget_figures(doc) -> dict:
	"""What :func:`record_budget` last kept for a Xero Connection (its organisation) or a
	Xero App (its minute): called by their forms' onload."""
	if doc.doctype == "Xero App":
		return frappe.cache.get_value(BUDGET_KEY.format(f"app:{doc.name}")) or {}
	return (frappe.cache.get_value(BUDGET_KEY.format(doc.tenant_id)) if doc.get("tenant_id") else None) or {}


def needs_reauthorisation(app, message: str) -> None:
	"""TokenManager's callback when Xero refuses the app's refresh token: mark the
	app's connections and tell the managers, once (notices.notify_reauthorisation)."""
	from xero_connector.xero_connector.connection.notices import notify_reauthorisation

	write_app_state(app, {"connection_status": NEEDS_REAUTH, "reauth_message": message})
	set_connections_status(app, NEEDS_REAUTH)
	frappe.db.commit()
	notify_reauthorisation(app, message)
