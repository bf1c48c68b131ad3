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

from xero_connector.constants import OP_PULL, SETTINGS
from xero_connector.xero.webhooks import WebhookPayloadError, parse_payload, verify_signature

RELEVANT = {"INVOICE", "CREDITNOTE"}


@frappe.whitelist(allow_guest=True, methods=["POST"])
def receive():
	"""Xero calls this; see the module docstring."""
	raw = frappe.request.get_data(cache=True)
	signature = frappe.get_request_header("x-xero-signature")
	key = frappe.utils.password.get_decrypted_password(
		SETTINGS, SETTINGS, "webhook_key", raise_exception=False
	)
	if not key or not verify_signature(raw, signature, key):
		return _empty(401)
	try:
		payload = parse_payload(raw)
	except WebhookPayloadError:
		return _empty(401)  # signed but not a Xero payload: treat like a forgery
	if payload.is_intent_to_receive:
		return _empty(200)
	handle_events(payload.events)
	return _empty(200)


def handle_events(events) -> list[str]:
	"""Queue one targeted pull for the invoices and credit notes Xero says changed
	in the connected organisation; other tenants' and other resources' events are
	ignored. Returns the resource ids queued."""
	from xero_connector.xero_connector.jobs import enqueue_pull
	from xero_connector.xero_connector.sync import ledger

	settings = frappe.get_cached_doc(SETTINGS)
	if not settings.enabled or not settings.tenant_id:
		return []
	ids = sorted(
		{
			e.resource_id
			for e in events
			if e.event_category in RELEVANT
			and e.tenant_id.lower() == settings.tenant_id.lower()
			and e.resource_id
		}
	)
	if ids:
		row = ledger.queue(
			SETTINGS, OP_PULL, reference_doctype=SETTINGS, note="Webhook: changed in Xero: " + ", ".join(ids)
		)
		enqueue_pull(ids, queued=row)
		# a guest request: Frappe commits only on writes it knows of; the enqueue waits for commit
		frappe.db.commit()
	return ids


def _empty(status: int) -> Response:
	"""Xero's answer: a status and nothing else. Xero rejects a webhook response that
	sets a cookie, so the guest session's cookies (user_id, full_name, ...) that Frappe
	would add to every response are dropped from this one."""
	manager = getattr(frappe.local, "cookie_manager", None)
	if manager is not None:
		manager.cookies.clear()
		manager.to_delete.clear()
	return Response(b"", status=status, content_type="text/plain")
