"""Xero's webhook delivery endpoint (guest):
``/api/method/xero_connector.xero_connector.webhook.receive``.

Xero signs the raw body with the app's webhook key (``x-xero-signature``, base64
HMAC-SHA256) and expects an answer within 5 seconds: 200 with an empty body when
the signature matches (including its "intent to receive" check, which has no
events), 401 with an empty body otherwise. The work itself (a payment pull) is
queued, never done here.
"""

from __future__ import annotations

import frappe
from werkzeug.wrappers import Response

from xero_connector.constants import OP_PULL
from xero_connector.xero.webhooks import WebhookPayloadError, parse_payload, verify_signature
from xero_connector.xero_connector.connection import registry

RELEVANT = {"INVOICE", "CREDITNOTE"}


@frappe.whitelist(allow_guest=True, methods=["POST"])
def receive():
	"""Xero calls this; see the module docstring."""
	raw = frappe.request.get_data(cache=True)
	signature = frappe.get_request_header("x-xero-signature")
	# every app's key is tried (constant-time each): a delivery speaks only for the apps
	# whose key signed it
	verified = [app for app, key in registry.webhook_keys().items() if verify_signature(raw, signature, key)]
	if not verified:
		return _empty(401)
	try:
		payload = parse_payload(raw)
	except WebhookPayloadError:
		return _empty(401)  # signed but not a Xero payload: treat like a forgery
	if payload.is_intent_to_receive:
		return _empty(200)
	handle_events(payload.events, verified)
	return _empty(200)


def handle_events(events, verified_apps: list[str] | None = None) -> list[str]:
	"""Queue one targeted pull per connection for the invoices and credit notes Xero says
	changed in its organisation. Events of organisations no enabled connection holds, of
	connections whose app did not sign the delivery (``verified_apps``; None: every app),
	and of other resources are ignored. Returns the resource ids queued."""
	from xero_connector.xero_connector.jobs import enqueue_pull
	from xero_connector.xero_connector.sync import ledger

	by_connection: dict[str, tuple[object, set[str]]] = {}
	for event in events:
		if event.event_category not in RELEVANT or not event.resource_id:
			continue
		connection = registry.for_tenant(event.tenant_id)
		if connection is None or not connection.enabled:
			continue
		if verified_apps is not None and registry.app_of(connection).name not in verified_apps:
			continue  # a key never speaks for another app's organisations
		by_connection.setdefault(connection.name, (connection, set()))[1].add(event.resource_id)
	queued = []
	for connection, resource_ids in by_connection.values():
		ids = sorted(resource_ids)
		row = ledger.queue(
			connection.name,
			OP_PULL,
			reference_doctype=connection.doctype,
			company=connection.company,
			note="Webhook: changed in Xero: " + ", ".join(ids),
		)
		enqueue_pull(connection, ids, queued=row)
		queued += ids
	if queued:
		# a guest request: Frappe commits only on writes it knows of; the enqueue waits for commit
		frappe.db.commit()
	return sorted(queued)


def _empty(status: int) -> Response:
	"""Xero's answer: a status and nothing else. Xero rejects a webhook response that
	sets a cookie, so the guest session's cookies (user_id, full_name, ...) that Frappe
	would add to every response are dropped from this one."""
	manager = getattr(frappe.local, "cookie_manager", None)
	if manager is not None:
		manager.cookies.clear()
		manager.to_delete.clear()
	return Response(b"", status=status, content_type="text/plain")
