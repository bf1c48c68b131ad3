"""Webhook signature verification (base64 HMAC-SHA256 of the raw body) and payload parsing."""

import base64
import hashlib
import hmac
import json

import pytest

from xero_connector.xero.webhooks import WebhookPayloadError, parse_payload, signature_for, verify_signature

KEY = "hH1x7u0nS8c0mPlEx+webhook/KEY=="
BODY = json.dumps(
	{
		"events": [
			{
				"resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/0c6c1b1a-1111-4c2b-9d0e-9f4b2d8c1a11",
				"resourceId": "0c6c1b1a-1111-4c2b-9d0e-9f4b2d8c1a11",
				"eventDateUtc": "2026-01-01T00:00:05.123",
				"eventType": "UPDATE",
				"eventCategory": "INVOICE",
				"tenantId": "3b3c8b7e-0000-4000-8000-000000000001",
				"tenantType": "ORGANISATION",
			}
		],
		"firstEventSequence": 7,
		"lastEventSequence": 7,
		"entropy": "YSXCMKAQBJOEMGUZEPFZ",
	},
	separators=(",", ":"),
).encode()


def xero_signature(body: bytes, key: str) -> str:
	"""How Xero computes it, independently of the code under test."""
	return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def test_good_signature_is_accepted():
	signature = xero_signature(BODY, KEY)
	assert signature_for(BODY, KEY) == signature
	assert verify_signature(BODY, signature, KEY)


def test_wrong_key_is_rejected():
	assert not verify_signature(BODY, xero_signature(BODY, "another-key-123"), KEY)


def test_tampered_body_is_rejected():
	signature = xero_signature(BODY, KEY)
	tampered = BODY.replace(b'"UPDATE"', b'"CREATE"')
	assert tampered != BODY
	assert not verify_signature(tampered, signature, KEY)
	# Re-serialising the JSON (even to equal data) changes the bytes: only the raw body verifies.
	reserialised = json.dumps(json.loads(BODY)).encode()
	assert not verify_signature(reserialised, signature, KEY)


@pytest.mark.parametrize("signature", [None, "", "not-base64", xero_signature(b"", KEY)])
def test_missing_or_malformed_signature_is_rejected(signature):
	assert not verify_signature(BODY, signature, KEY)


def test_intent_to_receive_payload():
	body = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"ABC"}'
	assert verify_signature(body, xero_signature(body, KEY), KEY)
	payload = parse_payload(body)
	assert payload.is_intent_to_receive and payload.entropy == "ABC"


def test_payload_parses_into_events():
	payload = parse_payload(BODY)
	assert not payload.is_intent_to_receive
	assert (payload.first_event_sequence, payload.last_event_sequence) == (7, 7)
	(event,) = payload.events
	assert event.event_category == "INVOICE" and event.event_type == "UPDATE"
	assert event.resource_id == "0c6c1b1a-1111-4c2b-9d0e-9f4b2d8c1a11"
	assert event.tenant_id == "3b3c8b7e-0000-4000-8000-000000000001"


@pytest.mark.parametrize("body", [b"not json", b"[1,2]", b'{"events": "nope"}'])
def test_non_payloads_are_refused(body):
	with pytest.raises(WebhookPayloadError):
		parse_payload(body)


def test_verification_uses_constant_time_comparison(monkeypatch):
	calls = []
	real = hmac.compare_digest

	def spy(a, b):
		calls.append((a, b))
		return real(a, b)

	monkeypatch.setattr("xero_connector.xero.webhooks.hmac.compare_digest", spy)
	assert verify_signature(BODY, xero_signature(BODY, KEY), KEY)
	assert len(calls) == 1


@pytest.mark.parametrize(
	"body",
	[
		{"events": [{"tenantId": 12345, "resourceId": "x", "eventCategory": "INVOICE"}]},
		{"events": [], "firstEventSequence": "first"},
		{"events": [{"resourceId": ["a", "b"], "eventCategory": "INVOICE"}]},
		{"events": ["not an object"]},
		{"events": [], "entropy": {"a": 1}},
	],
)
def test_a_signed_payload_with_wrong_field_types_is_refused_cleanly(body):
	import json

	from xero_connector.xero.webhooks import WebhookPayloadError, parse_payload

	with pytest.raises(WebhookPayloadError):
		parse_payload(json.dumps(body))


def test_app_2s_signature_fails_app_1s_key():
	"""Webhooks are per app (developer.xero.com/documentation/webhooks/overview), each signed with
	its app's key: a body signed by app 2 verifies with app 2's key only, so the endpoint knows
	which app's organisations the delivery may speak for."""
	keys = {"app-1": KEY, "app-2": "app-2/webhook+KEY=="}
	by_app_2 = xero_signature(BODY, keys["app-2"])
	assert not verify_signature(BODY, by_app_2, keys["app-1"])
	assert [app for app, key in keys.items() if verify_signature(BODY, by_app_2, key)] == ["app-2"]
