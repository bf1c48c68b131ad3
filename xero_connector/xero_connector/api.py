"""Whitelisted methods behind the desk's buttons. Every one checks the caller's
role first (Xero Manager or System Manager, except the read-only status call),
and none returns a token or secret.

Called from xero_settings.js (connect, disconnect, choose organisation, fetch
reference data, pull now), sales_invoice.js (send / resend) and Xero's browser
redirect (oauth_callback).
"""

from __future__ import annotations

import json

import frappe
from frappe import _

# the desk's own address for a doctype (/app/... up to Frappe 15, /desk/... from 16)
from frappe.utils import get_url_to_list, now_datetime

from xero_connector.constants import (
	CONNECTED,
	NOT_CONNECTED,
	OP_PULL,
	OP_PUSH,
	SYNC_LOG,
	TRIGGER_IN_ROUNDS,
)
from xero_connector.exceptions import (
	OAuthStateInvalid,
	PreflightFailed,
	XeroNotConnected,
	throw_for_user,
)
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.settings_state import (
	forget_connection,
	write_app_state,
	write_state,
)
from xero_connector.xero_connector.doctype.xero_settings.xero_settings import get_redirect_uri
from xero_connector.xero_connector.permissions import is_manager, require_manager


@frappe.whitelist(methods=["POST"])
def start_connect(connection: str | None = None) -> str:
	"""Connect button: remember a single-use state (+ PKCE verifier) and return the
	Xero authorise URL for the browser to open."""
	require_manager()
	from xero_connector.xero_connector.connection.client import oauth_client

	app = registry.app_of(registry.named(connection))
	request = oauth_client(app).begin(get_redirect_uri(), extra={"user": frappe.session.user})
	return request.url


@frappe.whitelist(methods=["GET"])
def oauth_callback(code: str | None = None, state: str | None = None, error: str | None = None, **kwargs):
	"""Xero redirects the browser here. The state must be one this site issued to
	this user and not used before; then the code is exchanged, the tokens stored
	and the organisation chosen (or the user asked to choose)."""
	require_manager()
	result = complete_connect({"code": code, "state": state, "error": error})
	frappe.local.response["type"] = "redirect"
	frappe.local.response["location"] = get_url_to_list(result["doctype"]) + (
		"?choose_organisation=1" if result["choose"] else ""
	)


def complete_connect(params: dict) -> dict:
	"""The callback's work, separate from the redirect so tests can call it.

	Returns ``{"tenants": [...], "choose": bool}``; raises OAuthStateInvalid for a
	forged, reused or expired state."""
	from xero_connector.xero import InvalidState, OAuthError, TokenManager
	from xero_connector.xero_connector.connection.client import oauth_client
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore, RedisLock

	connection = registry.default_connection()
	app = registry.app_of(connection)
	oauth = oauth_client(app)
	try:
		tokens = oauth.complete({k: v for k, v in params.items() if v}, expect={"user": frappe.session.user})
	except InvalidState:
		frappe.throw(
			_(
				"The answer from Xero does not match a connection started here (or it was already used). Click Connect to Xero again."
			),
			OAuthStateInvalid,
			title=_("Xero connection refused"),
		)
	except OAuthError as exc:
		frappe.throw(
			_("Xero did not authorise the connection: {0}").format(
				exc.entry.cause + " " + exc.entry.resolution
			),
			XeroNotConnected,
			title=_("Xero connection refused"),
		)
	TokenManager(oauth, FrappeTokenStore(app), RedisLock()).connected(tokens)
	connections = oauth.connections(tokens.access_token)
	tenants = [
		{"tenantId": c.get("tenantId"), "tenantName": c.get("tenantName"), "id": c.get("id")}
		for c in connections
		if (c.get("tenantType") or "ORGANISATION") == "ORGANISATION"
	]
	write_app_state(
		app,
		{
			"granted_tenants": json.dumps(tenants),
			"reauth_notified": 0,
			"reauth_message": None,
			"connected_on": now_datetime(),
		},
	)
	values = {}
	current = frappe.db.get_value(connection.doctype, connection.name, "tenant_id")
	choose = False
	if len(tenants) == 1:
		values.update(_tenant_values(tenants[0]))
	elif current and any(t["tenantId"] == current for t in tenants):
		values["connection_status"] = CONNECTED
	else:
		values.update({"tenant_id": None, "organisation_name": None, "connection_status": NOT_CONNECTED})
		choose = True
	write_state(connection, values)
	if not choose:
		_after_connect(connection)
	frappe.db.commit()
	return {"tenants": tenants, "choose": choose, "doctype": connection.doctype}


@frappe.whitelist(methods=["POST"])
def select_tenant(tenant_id: str, connection: str | None = None):
	"""Tenant picker: use one of the organisations the user granted."""
	require_manager()
	connection = registry.named(connection)
	app = registry.app_of(connection)
	tenants = json.loads(frappe.db.get_value(app.doctype, app.name, "granted_tenants") or "[]")
	tenant = next((t for t in tenants if t["tenantId"] == tenant_id), None)
	if not tenant:
		frappe.throw(_("That organisation was not granted to this site: connect again and tick it in Xero."))
	write_state(connection, _tenant_values(tenant))
	_after_connect(registry.named(connection.name))
	return {"tenant_id": tenant_id, "organisation_name": tenant["tenantName"]}


@frappe.whitelist(methods=["POST"])
def disconnect(connection: str | None = None):
	"""Disconnect button: revoke the refresh token at Xero (ends the grant) and forget the tokens."""
	require_manager()
	from xero_connector.xero import XeroError
	from xero_connector.xero_connector.connection.client import oauth_client
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

	connection = registry.named(connection)
	app = registry.app_of(connection)
	store = FrappeTokenStore(app)
	tokens = store.load()
	if tokens and tokens.refresh_token:
		try:
			oauth_client(app).revoke(tokens.refresh_token)
		except XeroError:
			frappe.msgprint(
				_(
					"Xero could not be told; the connection is removed here. Remove it in Xero too (Settings → Connected apps)."
				)
			)
	store.clear()
	forget_connection(connection)
	return {"connection_status": NOT_CONNECTED}


@frappe.whitelist(methods=["POST"])
def fetch_reference(connection: str | None = None) -> dict:
	"""Fetch from Xero button: read accounts, tax rates, currencies and the organisation."""
	require_manager()
	from xero_connector.xero_connector.connection.client import record_budget, xero_client
	from xero_connector.xero_connector.connection.reference import store

	connection = registry.named(connection)
	client = xero_client(connection)
	try:
		organisation = client.organisation()
		counts = store(
			connection, client.accounts(), client.tax_rates(), client.currencies(), items=client.items()
		)
	except Exception as exc:
		throw_for_user(exc)
	write_state(
		connection,
		{
			"organisation_name": organisation.get("Name"),
			"base_currency": organisation.get("BaseCurrency"),
		},
	)
	from xero_connector.xero_connector.connection.guard import observed

	observed(connection, organisation, client.tenant_id)  # organisation guard: remember / compare (issue 6)
	record_budget(connection, client)
	return counts


@frappe.whitelist(methods=["POST"])
def pull_payments_now(connection: str | None = None):
	"""Pull Payments Now button: queue a payment pull at once."""
	require_manager()
	from xero_connector.xero_connector.jobs import enqueue_pull
	from xero_connector.xero_connector.sync import ledger

	connection = registry.named(connection)
	enqueue_pull(
		connection, queued=ledger.queue(connection.name, OP_PULL, reference_doctype=connection.doctype)
	)
	return {"queued": True}


@frappe.whitelist(methods=["POST"])
def send_to_xero(name: str) -> dict:
	"""Send / Resend to Xero button on a submitted Sales Invoice."""
	require_manager()
	from xero_connector.xero_connector.events import preflight_problems, problems_message
	from xero_connector.xero_connector.jobs import enqueue_sync
	from xero_connector.xero_connector.sync import ledger

	doc = frappe.get_doc("Sales Invoice", name)
	doc.check_permission("read")
	if doc.docstatus != 1:
		frappe.throw(_("Only submitted Sales Invoices are sent to Xero."))
	problems = preflight_problems(doc.name, doc.as_dict())
	if problems:
		ledger.record_preflight(doc.name, problems)
		frappe.db.commit()
		frappe.throw(problems_message(problems), PreflightFailed, title=_("Not sent to Xero"))
	return {"log": enqueue_sync(doc.name, OP_PUSH)}


@frappe.whitelist(methods=["GET"])
def day_budget(connection: str | None = None) -> dict:
	"""Xero Settings' Calls Today panel: the organisation's day of Xero calls as every
	worker shares it (calls left, when they come back, the tier) and the calls each
	activity spent today (connection/day_budget.py). Makes no call to Xero."""
	require_manager()
	from xero_connector.xero_connector.connection import day_budget as budget
	from xero_connector.xero_connector.connection.client import rate_limiter

	connection = registry.named(connection)
	if not connection.tenant_id:
		return {}
	return budget.summary(rate_limiter(registry.app_of(connection)), connection.tenant_id)


@frappe.whitelist()
def invoice_status(name: str) -> dict:
	"""The Xero panel on the Sales Invoice form: status, amounts, link, last log rows
	(anyone who may read the invoice)."""
	doc = frappe.get_doc("Sales Invoice", name)
	doc.check_permission("read")
	logs = []
	if frappe.has_permission(SYNC_LOG, "read"):
		logs = frappe.get_all(
			SYNC_LOG,
			filters={"reference_doctype": "Sales Invoice", "reference_name": name},
			fields=["name", "operation", "status", "cause", "resolution", "modified"],
			order_by="creation desc",
			limit=5,
		)
	settings = registry.for_company(doc.company)
	if settings is None:
		return {"enabled": False, "connected": False, "can_send": False, "logs": logs}
	return {
		"enabled": bool(settings.enabled),
		"connected": settings.connection_status == CONNECTED,
		"can_send": is_manager(),
		"xero_invoice_id": doc.get("xero_invoice_id"),
		"xero_status": doc.get("xero_status"),
		"xero_amount_due": doc.get("xero_amount_due"),
		"xero_amount_paid": doc.get("xero_amount_paid"),
		"xero_link": doc.get("xero_link"),
		"logs": logs,
		# Send Invoices "In Rounds": when the waiting push goes (tasks.next_push_round)
		"next_round": _next_round(settings) if settings.sync_trigger == TRIGGER_IN_ROUNDS else None,
	}


def _next_round(settings) -> str:
	from frappe.utils import format_datetime

	from xero_connector.xero_connector.tasks import next_push_round

	return format_datetime(max(next_push_round(settings), now_datetime()))


# -- helpers ---------------------------------------------------------------------------------------


def _tenant_values(tenant: dict) -> dict:
	return {
		"tenant_id": tenant["tenantId"],
		"organisation_name": tenant.get("tenantName"),
		"connection_status": CONNECTED,
		"reauth_notified": 0,
	}


def _after_connect(connection):
	"""Read the organisation and the reference data right after connecting, then send
	again what waited for the connection (tasks.resend_waiting_for_connection)."""
	from xero_connector.xero_connector.tasks import resend_waiting_for_connection

	try:
		fetch_reference(connection.name)
	except Exception:
		frappe.clear_last_message()
	resend_waiting_for_connection()
