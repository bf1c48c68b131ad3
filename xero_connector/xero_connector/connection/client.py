"""Builds the core's Xero client from Xero Settings, with this site's shared
state: tokens in Password fields, the refresh lock, OAuth states and the rate
limiter in Redis (redis_backends.py).

Called by jobs.py (engine runs), api.py (connect, fetch reference) and tasks.py.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from xero_connector.constants import NEEDS_REAUTH, SETTINGS, XERO_CREDIT_NOTE_URL, XERO_INVOICE_URL
from xero_connector.exceptions import XeroNotConfigured, XeroNotConnected
from xero_connector.xero import Endpoints, Limits, OAuthClient, RateLimiter, TokenManager, XeroClient
from xero_connector.xero.budget import DEFAULT_TIER
from xero_connector.xero.scopes import BROAD, GRANULAR
from xero_connector.xero_connector.connection.redis_backends import (
	FrappeTokenStore,
	RedisLimiterBackend,
	RedisLock,
	RedisStateStore,
)
from xero_connector.xero_connector.connection.settings_state import write_state


def get_settings():
	return frappe.get_cached_doc(SETTINGS)


def endpoints(settings=None) -> Endpoints:
	"""Xero's URLs, or the sandbox's when "Use Xero Sandbox" is on."""
	settings = settings or get_settings()
	if settings.use_sandbox:
		if not settings.sandbox_url:
			frappe.throw(_("Enter the Sandbox URL in Xero Settings."), XeroNotConfigured)
		return Endpoints.from_base_url(settings.sandbox_url)
	return Endpoints()


def document_url(kind: str, xero_id: str | None, settings=None) -> str | None:
	"""Where "Open in Xero" goes for an invoice or credit note: Xero's own page, or the
	sandbox's page at that document when "Use Xero Sandbox" is on."""
	if not xero_id:
		return None
	settings = settings or get_settings()
	if settings.use_sandbox and settings.sandbox_url:
		return f"{settings.sandbox_url.rstrip('/')}/#{xero_id}"
	return (XERO_CREDIT_NOTE_URL if kind == "credit_note" else XERO_INVOICE_URL).format(id=xero_id)


def oauth_client(settings=None) -> OAuthClient:
	settings = settings or get_settings()
	if not settings.client_id:
		frappe.throw(_("Enter the Client ID of your Xero app in Xero Settings."), XeroNotConfigured)
	return OAuthClient(
		settings.client_id,
		settings.get_password("client_secret", raise_exception=False) or None,
		endpoints(settings),
		scope_style=BROAD if settings.scope_mode == "Broad" else GRANULAR,
		state_store=RedisStateStore(),
	)


def token_manager(settings=None) -> TokenManager:
	return TokenManager(
		oauth_client(settings),
		FrappeTokenStore(),
		RedisLock(),
		on_needs_reauthorisation=needs_reauthorisation,
	)


def rate_limiter(settings=None) -> RateLimiter:
	"""Xero's per-organisation limits, shared by every worker through Redis (paced
	to the sandbox's shortened minute when it runs with a time scale), with the day limit
	of the app's tier (Xero Settings: Xero App Tier) until Xero's headers show more."""
	settings = settings or get_settings()
	scale = float(settings.sandbox_time_scale or 1) if settings.use_sandbox else 1.0
	tier = (settings.get("xero_app_tier") or DEFAULT_TIER).lower()
	return RateLimiter(Limits(time_scale=max(scale, 1.0), tier=tier), RedisLimiterBackend(), namespace="xero")


def xero_client(settings=None) -> XeroClient:
	"""The Accounting API client for the connected organisation."""
	settings = settings or get_settings()
	if not settings.tenant_id:
		raise XeroNotConnected(
			_("No Xero organisation is connected: open Xero Settings and click Connect to Xero.")
		)
	return XeroClient(
		token_manager(settings),
		settings.tenant_id,
		endpoints=endpoints(settings),
		limiter=rate_limiter(settings),
	)


def xero_port(client: XeroClient):
	"""The engine's XeroPort over ``client``."""
	from xero_connector.engine.xero_adapter import ClientPort

	return ClientPort(client)


def record_budget(client: XeroClient) -> None:
	"""Copy the remaining-calls headers Xero last sent to Xero Settings (shown on the form)."""
	remaining = client.limiter.remaining.get(client.tenant_id)
	if not remaining:
		return
	write_state(
		{
			"api_minute_remaining": remaining.get("minute"),
			"api_day_remaining": remaining.get("day"),
			"api_app_minute_remaining": remaining.get("appminute"),
			"api_budget_updated_on": now_datetime(),
		},
	)


def needs_reauthorisation(message: str) -> None:
	"""TokenManager's callback when Xero refuses the refresh token: mark the
	connection and tell the managers, once (notices.notify_reauthorisation)."""
	from xero_connector.xero_connector.connection.notices import notify_reauthorisation

	write_state({"connection_status": NEEDS_REAUTH, "reauth_message": message})
	frappe.db.commit()
	notify_reauthorisation(message)
