"""Connecting a Xero App and assigning its organisations to companies: the work behind
the Xero App and Xero Connection forms' Connect, Choose Organisation and Disconnect
buttons, and behind Xero's redirect (api.oauth_callback, whose path is registered in the
Xero app and so stays in api.py).

One consent (the tokens of a Xero App) may grant several organisations; each is assigned
to at most one company by a Xero Connection (its ``tenant_id`` is unique).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from xero_connector.constants import APP, CONNECTED, CONNECTION
from xero_connector.exceptions import OAuthStateInvalid, XeroNotConnected
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.settings_state import (
	forget_connection,
	forget_consent,
	write_app_state,
	write_state,
)


def start(app, company: str | None = None) -> str:
	"""The Xero authorise URL for ``app``'s consent; the state remembers the user, the app
	and (from a Xero Connection's button) the company to assign an organisation to."""
	from xero_connector.xero_connector.connection.client import oauth_client
	from xero_connector.xero_connector.doctype.xero_app.xero_app import get_redirect_uri

	extra = {"user": frappe.session.user, "app": app.name, "company": company or ""}
	return oauth_client(app).begin(get_redirect_uri(), extra=extra).url


def complete(params: dict) -> dict:
	"""Xero's redirect: exchange the code for the app the state names, keep the granted
	organisations, and assign one to the company the connect began from when that is
	unambiguous. Returns ``{"tenants", "choose", "app", "connection"}``; raises
	OAuthStateInvalid for a forged, reused or expired state."""
	from xero_connector.xero import InvalidState, OAuthError, TokenManager
	from xero_connector.xero_connector.connection.client import oauth_client
	from xero_connector.xero_connector.connection.redis_backends import (
		FrappeTokenStore,
		RedisLock,
		RedisStateStore,
	)

	pending = RedisStateStore().peek(params.get("state") or "") if params.get("state") else None
	started = (pending or {}).get("extra") or {}
	if not started.get("app") or not frappe.db.exists(APP, started["app"]):
		_refuse_state()
	app = frappe.get_doc(APP, started["app"])
	oauth = oauth_client(app)
	try:
		# the state is taken here, once, and must have been issued to this user for this app
		tokens = oauth.complete(
			{k: v for k, v in params.items() if v}, expect={"user": frappe.session.user, "app": app.name}
		)
	except InvalidState:
		_refuse_state()
	except OAuthError as exc:
		frappe.throw(
			_("Xero did not authorise the connection: {0}").format(
				exc.entry.cause + " " + exc.entry.resolution
			),
			XeroNotConnected,
			title=_("Xero connection refused"),
		)
	TokenManager(oauth, FrappeTokenStore(app), RedisLock()).connected(tokens)
	tenants = [
		{"tenantId": c.get("tenantId"), "tenantName": c.get("tenantName"), "id": c.get("id")}
		for c in oauth.connections(tokens.access_token)
		if (c.get("tenantType") or "ORGANISATION") == "ORGANISATION"
	]
	write_app_state(
		app,
		{
			"granted_tenants": json.dumps(tenants),
			"connection_status": CONNECTED,
			"reauth_notified": 0,
			"reauth_message": None,
			"connected_on": now_datetime(),
		},
	)
	connection = _connection_to_assign(app.name, started.get("company"))
	choose = True
	if connection is not None:
		tenant = _tenant_for(connection, tenants)
		if tenant is not None:
			_assign(connection, tenant)
			choose = False
	if not choose:
		after_connect(registry.named(connection.name))
	elif connection is not None:
		forget_connection(connection)  # several organisations and none of them its own: choose
	frappe.db.commit()
	return {
		"tenants": tenants,
		"choose": choose,
		"app": app.name,
		"connection": connection.name if connection is not None else None,
	}


def _refuse_state():
	frappe.throw(
		_(
			"The answer from Xero does not match a connection started here (or it was already used). Click Connect to Xero again."
		),
		OAuthStateInvalid,
		title=_("Xero connection refused"),
	)


def _connection_to_assign(app_name: str, company: str | None):
	"""The connection the connect began from (its company), else the app's only one."""
	if company:
		connection = registry.for_company(company)
		return connection if connection is not None and connection.xero_app == app_name else None
	own = registry.connections_of(app_name)
	return own[0] if len(own) == 1 else None


def _tenant_for(connection, tenants: list[dict]) -> dict | None:
	"""The organisation to (re)assign: the one the connection holds if still granted, else
	the only granted one no other company holds; None when the user must choose."""
	held = _held_elsewhere(connection.name)
	current = (connection.tenant_id or "").lower()
	for tenant in tenants:
		if current and tenant["tenantId"].lower() == current:
			return tenant
	free = [t for t in tenants if t["tenantId"].lower() not in held]
	return free[0] if len(free) == 1 else None


def _held_elsewhere(connection_name: str) -> set[str]:
	return {
		(t or "").lower()
		for t in frappe.get_all(
			CONNECTION,
			filters={"name": ("!=", connection_name), "tenant_id": ("is", "set")},
			pluck="tenant_id",
		)
	}


def assign(connection, tenant_id: str) -> dict:
	"""Choose Organisation: give the connection's company one of the organisations its app's
	consent granted, unless another company holds it."""
	app = registry.app_of(connection)
	tenants = json.loads(frappe.db.get_value(APP, app.name, "granted_tenants") or "[]")
	tenant = next((t for t in tenants if t["tenantId"] == tenant_id), None)
	if not tenant:
		frappe.throw(
			_(
				"That organisation was not granted to Xero App {0}: click Connect to Xero and tick it in Xero."
			).format(frappe.bold(app.name))
		)
	from xero_connector.xero_connector.doctype.xero_connection.xero_connection import (
		refuse_held_organisation,
	)

	refuse_held_organisation(connection.name, tenant_id, tenant.get("tenantName"))
	_assign(connection, tenant)
	after_connect(registry.named(connection.name))
	return {"tenant_id": tenant_id, "organisation_name": tenant.get("tenantName")}


def _assign(connection, tenant: dict) -> None:
	write_state(
		connection,
		{
			"tenant_id": tenant["tenantId"],
			"organisation_name": tenant.get("tenantName"),
			"xero_connection_id": tenant.get("id"),
			"connection_status": CONNECTED,
			"connected_on": now_datetime(),
		},
	)


def after_connect(connection) -> None:
	"""Read the organisation and the reference data right after connecting, then send
	again what waited for the connection (tasks.resend_waiting_for_connection)."""
	from xero_connector.xero_connector.connection.reference import fetch
	from xero_connector.xero_connector.tasks import resend_waiting_for_connection

	try:
		fetch(connection)
	except Exception:
		frappe.clear_last_message()
	resend_waiting_for_connection(connection.company)


def disconnect(connection) -> None:
	"""Disconnect a company. When its app's consent serves other companies too, only this
	organisation is disconnected at Xero (``DELETE /connections/{id}``); otherwise the
	refresh token is revoked, which ends the consent, and the tokens are forgotten."""
	from xero_connector.xero import XeroError
	from xero_connector.xero_connector.connection.client import oauth_client, token_manager
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

	app = registry.app_of(connection)
	others = [c for c in registry.connections_of(app.name) if c.name != connection.name and c.tenant_id]
	try:
		if others and connection.xero_connection_id:
			oauth_client(app).disconnect(token_manager(app).access_token(), connection.xero_connection_id)
		elif not others:
			tokens = FrappeTokenStore(app).load()
			if tokens and tokens.refresh_token:
				oauth_client(app).revoke(tokens.refresh_token)
	except XeroError:
		frappe.msgprint(
			_(
				"Xero could not be told; the connection is removed here. Remove it in Xero too (Settings → Connected apps)."
			)
		)
	if not others:
		FrappeTokenStore(app).clear()
		forget_consent(app)
	elif connection.tenant_id:
		# the organisation is no longer granted to the app: the organisation picker no longer
		# offers it (Connect to Xero again grants it anew)
		granted = json.loads(frappe.db.get_value(APP, app.name, "granted_tenants") or "[]")
		kept = [t for t in granted if (t.get("tenantId") or "").lower() != connection.tenant_id.lower()]
		write_app_state(app, {"granted_tenants": json.dumps(kept)})
	forget_connection(connection)
