"""Whitelisted methods behind the desk's buttons. Every one checks the caller's
role first (Xero Manager or System Manager, except the read-only status calls), then
their permission on the document it acts on (a Xero Connection: User Permissions on its
company apply), and none returns a token or secret.

Called from xero_app.js and xero_connection.js (connect, disconnect, choose organisation,
fetch reference data, pull now, calls today), sales_invoice.js (send / resend, the Xero
panel) and Xero's browser redirect (oauth_callback, whose path is registered in Xero).
"""

from __future__ import annotations

import frappe
from frappe import _

# the desk's own address for a document (/app/... up to Frappe 15, /desk/... from 16)
from frappe.utils import get_url_to_form, now_datetime

from xero_connector.constants import (
	APP,
	CONNECTED,
	CONNECTION,
	NOT_CONNECTED,
	OP_PULL,
	OP_PUSH,
	SYNC_LOG,
	TRIGGER_IN_ROUNDS,
)
from xero_connector.exceptions import PreflightFailed, XeroNotConnected
from xero_connector.xero_connector.connection import connect_flow, registry
from xero_connector.xero_connector.permissions import is_manager, require_company, require_manager


@frappe.whitelist(methods=["POST"])
def start_connect(connection: str | None = None, app: str | None = None) -> str:
	"""Connect to Xero (Xero Connection form: its company's app; Xero App form: the app):
	remember a single-use state (+ PKCE verifier) and return the Xero authorise URL for
	the browser to open."""
	require_manager()
	if connection:
		doc = _connection(connection, "write")
		return connect_flow.start(registry.app_of(doc), doc.company)
	app_doc = frappe.get_doc(APP, app)
	app_doc.check_permission("write")
	return connect_flow.start(app_doc)


@frappe.whitelist(methods=["GET"])
def oauth_callback(code: str | None = None, state: str | None = None, error: str | None = None, **kwargs):
	"""Xero redirects the browser here (the path registered in the Xero app). The state
	must be one this site issued to this user and not used before; then the code is
	exchanged, the tokens stored and the organisation assigned (or the user asked to
	choose, on the form the connect began from)."""
	require_manager()
	result = complete_connect({"code": code, "state": state, "error": error})
	frappe.local.response["type"] = "redirect"
	if result["connection"]:
		target = get_url_to_form(CONNECTION, result["connection"])
	else:
		target = get_url_to_form(APP, result["app"])
	frappe.local.response["location"] = target + ("?choose_organisation=1" if result["choose"] else "")


def complete_connect(params: dict) -> dict:
	"""The callback's work (connection/connect_flow.complete), apart from the redirect so
	tests can call it."""
	return connect_flow.complete(params)


@frappe.whitelist(methods=["GET"])
def app_health(app: str) -> dict:
	"""The Xero App form's health line: connected or not, and how long its refresh token
	lasts without use before Xero lets it lapse (xero/health.py). Makes no call to Xero."""
	import time

	from xero_connector.xero.health import health_of
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

	require_manager()
	doc = frappe.get_doc(APP, app)
	doc.check_permission("read")
	health = health_of(FrappeTokenStore(doc).load(), time.time())
	return {"warn": health.warn, "days_left": health.days_left, "message": health.message}


@frappe.whitelist(methods=["POST"])
def assign_organisation(connection: str, tenant_id: str) -> dict:
	"""Choose Organisation (Xero Connection form): one of the organisations its app's
	consent granted, not held by another company."""
	require_manager()
	return connect_flow.assign(_connection(connection, "write"), tenant_id)


@frappe.whitelist(methods=["POST"])
def disconnect(connection: str) -> dict:
	"""Disconnect (Xero Connection form): this company stops syncing with its organisation."""
	require_manager()
	connect_flow.disconnect(_connection(connection, "write"))
	return {"connection_status": NOT_CONNECTED}


@frappe.whitelist(methods=["POST"])
def fetch_reference(connection: str) -> dict:
	"""Fetch from Xero (Xero Connection form): the organisation, accounts, tax rates,
	currencies and items."""
	require_manager()
	from xero_connector.xero_connector.connection.reference import fetch

	return fetch(_connection(connection, "write"))


@frappe.whitelist(methods=["POST"])
def pull_payments_now(connection: str):
	"""Pull Payments Now (Xero Connection form): queue the company's payment pull at once."""
	require_manager()
	from xero_connector.xero_connector.jobs import enqueue_pull
	from xero_connector.xero_connector.sync import ledger

	connection = _connection(connection, "read")
	enqueue_pull(
		connection,
		queued=ledger.queue(
			connection.name, OP_PULL, reference_doctype=connection.doctype, company=connection.company
		),
	)
	return {"queued": True}


@frappe.whitelist(methods=["POST"])
def send_to_xero(name: str, doctype: str = "Sales Invoice") -> dict:
	"""Send / Resend to Xero button on a submitted Sales Invoice (or Purchase Invoice: a bill)."""
	require_manager()
	from xero_connector.xero_connector.events import connection_of, preflight_problems, problems_message
	from xero_connector.xero_connector.jobs import enqueue_sync
	from xero_connector.xero_connector.sync import ledger

	doc = frappe.get_doc(_invoice_doctype(doctype), name)
	doc.check_permission("read")
	if doc.docstatus != 1:
		frappe.throw(_("Only submitted {0}s are sent to Xero.").format(_(doc.doctype)))
	if connection_of(doc) is None:
		frappe.throw(
			_("Company {0} does not send {1}s to Xero (its Xero Connection).").format(
				frappe.bold(doc.company), _(doc.doctype)
			)
		)
	problems = preflight_problems(doc.name, doc.as_dict())
	if problems:
		ledger.record_preflight(doc.name, problems, doc.doctype)
		frappe.db.commit()
		frappe.throw(problems_message(problems), PreflightFailed, title=_("Not sent to Xero"))
	return {"log": enqueue_sync(doc.name, OP_PUSH, company=doc.company, doctype=doc.doctype)}


def _invoice_doctype(doctype: str | None) -> str:
	"""The invoice doctypes the Xero line and buttons serve; anything else is refused."""
	from xero_connector.xero_connector.sync.ledger import INVOICE_DOCTYPES

	if doctype not in INVOICE_DOCTYPES:
		frappe.throw(
			_("Xero shows Sales Invoices, Purchase Invoices and Purchase Orders only."),
			frappe.PermissionError,
		)
	return doctype


@frappe.whitelist(methods=["GET"])
def day_budget(connection: str) -> dict:
	"""Xero Settings' Calls Today panel: the organisation's day of Xero calls as every
	worker shares it (calls left, when they come back, the tier) and the calls each
	activity spent today (connection/day_budget.py). Makes no call to Xero."""
	require_manager()
	from xero_connector.xero_connector.connection import day_budget as budget
	from xero_connector.xero_connector.connection.client import rate_limiter

	connection = _connection(connection, "read")
	if not connection.tenant_id:
		return {}
	return budget.summary(rate_limiter(registry.app_of(connection)), connection.tenant_id)


@frappe.whitelist()
def invoice_status(name: str, doctype: str = "Sales Invoice") -> dict:
	"""The Xero panel on the Sales Invoice (or Purchase Invoice) form: status, amounts, link,
	last log rows (anyone who may read the invoice)."""
	doc = frappe.get_doc(_invoice_doctype(doctype), name)
	doc.check_permission("read")
	logs = []
	if frappe.has_permission(SYNC_LOG, "read"):
		logs = frappe.get_all(
			SYNC_LOG,
			filters={"reference_doctype": doc.doctype, "reference_name": name},
			fields=["name", "operation", "status", "cause", "resolution", "modified"],
			order_by="creation desc",
			limit=5,
		)
	from xero_connector.xero_connector.events import connection_of

	settings = connection_of(doc)
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
		"next_round": _next_round(settings)
		if settings.sync_trigger == TRIGGER_IN_ROUNDS and doc.doctype == "Sales Invoice"
		else None,
	}


def _next_round(settings) -> str:
	from frappe.utils import format_datetime

	from xero_connector.xero_connector.tasks import next_push_round

	return format_datetime(max(next_push_round(settings), now_datetime()))


# -- helpers ---------------------------------------------------------------------------------------


def _connection(name: str, ptype: str):
	"""The Xero Connection a button names, after checking the user may ``ptype`` it (a
	User Permission on its company applies)."""
	if not name or not frappe.db.exists(CONNECTION, name):
		frappe.throw(_("There is no Xero Connection {0}.").format(frappe.bold(name or "")), XeroNotConnected)
	doc = registry.named(name)
	doc.check_permission(ptype)
	require_company(doc.company)
	return doc
