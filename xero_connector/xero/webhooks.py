"""Xero webhooks: verify the ``x-xero-signature`` header and parse the payload.

Called by the Frappe shell's webhook endpoint, which must answer within 5
seconds: 200 when ``verify_signature`` accepts the raw body (including Xero's
"intent to receive" payload with no events), 401 otherwise, and enqueue the
work. The signature is the base64 HMAC-SHA256 of the raw request body keyed
with the app's webhook key, compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from xero_connector.xero.redact import register_secret


@dataclass(frozen=True)
class WebhookEvent:
	"""One event: a resource (INVOICE, CONTACT, CREDITNOTE...) was created or updated."""

	resource_url: str
	resource_id: str
	event_date_utc: str
	event_type: str  # CREATE | UPDATE
	event_category: str  # INVOICE | CONTACT | CREDITNOTE | SUBSCRIPTION ...
	tenant_id: str
	tenant_type: str = "ORGANISATION"

	@classmethod
	def from_dict(cls, data: dict) -> WebhookEvent:
		"""Raises WebhookPayloadError when a field is not the text Xero sends."""
		return cls(
			resource_url=_text(data, "resourceUrl"),
			resource_id=_text(data, "resourceId"),
			event_date_utc=_text(data, "eventDateUtc"),
			event_type=_text(data, "eventType"),
			event_category=_text(data, "eventCategory"),
			tenant_id=_text(data, "tenantId"),
			tenant_type=_text(data, "tenantType") or "ORGANISATION",
		)


def _text(data: dict, key: str) -> str:
	value = data.get(key)
	if value is None:
		return ""
	if not isinstance(value, str):
		raise WebhookPayloadError(f"Webhook field {key} is {type(value).__name__}, not text")
	return value


def _sequence(data: dict, key: str) -> int:
	value = data.get(key)
	if value is None:
		return 0
	if isinstance(value, bool) or not isinstance(value, int):
		raise WebhookPayloadError(f"Webhook field {key} is {type(value).__name__}, not a whole number")
	return value


@dataclass(frozen=True)
class WebhookPayload:
	events: list[WebhookEvent] = field(default_factory=list)
	first_event_sequence: int = 0
	last_event_sequence: int = 0
	entropy: str = ""

	@property
	def is_intent_to_receive(self) -> bool:
		"""Xero's validation delivery: no events, only the signature matters."""
		return not self.events


class WebhookPayloadError(ValueError):
	"""The body is not a Xero webhook payload."""


def signature_for(raw_body: bytes | str, webhook_key: str) -> str:
	"""The ``x-xero-signature`` value Xero sends for ``raw_body``."""
	if isinstance(raw_body, str):
		raw_body = raw_body.encode("utf-8")
	digest = hmac.new(webhook_key.encode("utf-8"), raw_body, hashlib.sha256).digest()
	return base64.b64encode(digest).decode("ascii")


def verify_signature(raw_body: bytes | str, signature: str | None, webhook_key: str) -> bool:
	"""True when ``signature`` is the HMAC of the exact raw body (constant-time compare)."""
	register_secret(webhook_key)
	if not signature or not webhook_key:
		return False
	expected = signature_for(raw_body, webhook_key)
	return hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("ascii", "replace"))


def parse_payload(raw_body: bytes | str | dict) -> WebhookPayload:
	"""The payload as dataclasses; raises WebhookPayloadError for anything else."""
	if isinstance(raw_body, dict):
		data = raw_body
	else:
		try:
			data = json.loads(raw_body)
		except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested deep
			raise WebhookPayloadError(f"Webhook body is not JSON: {exc}") from None
	if not isinstance(data, dict) or not isinstance(data.get("events", []), list):
		raise WebhookPayloadError("Webhook body has no events list")
	events = data.get("events") or []
	if not all(isinstance(e, dict) for e in events):
		raise WebhookPayloadError("Webhook events must be objects")
	return WebhookPayload(
		events=[WebhookEvent.from_dict(e) for e in events],
		first_event_sequence=_sequence(data, "firstEventSequence"),
		last_event_sequence=_sequence(data, "lastEventSequence"),
		entropy=_text(data, "entropy"),
	)
