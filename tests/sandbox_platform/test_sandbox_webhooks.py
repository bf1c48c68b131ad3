"""Webhooks in the sandbox: a delivery URL and signing key are registered,
Intent to Receive must pass, then CONTACT/INVOICE/CREDITNOTE events arrive
signed with ``x-xero-signature`` and are redelivered after a non-200 or a slow
answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
import requests
from sandbox_platform_support import Api, WebhookReceiver, running_sandbox

from xero_connector.sandbox.webhooks import sign

SPEC = Path(__file__).resolve().parents[3] / "shared" / "xero-openapi" / "xero-webhooks.yaml"
KEY = "webhook-signing-key-for-tests"
FAST = {"webhook_timeout": 0.5, "webhook_retry_delays": (0.05, 0.05, 0.05)}


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
	body = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"ABC"}'
	expected = base64.b64encode(hmac.new(KEY.encode(), body, hashlib.sha256).digest()).decode()
	assert sign(KEY, body) == expected


def test_intent_to_receive_passes_for_a_correct_receiver_and_sends_empty_payloads():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		subscription, key = sandbox.webhooks.subscribe(receiver.url, KEY)
		assert key == KEY
		assert subscription.status == "OK"
		assert subscription.intent["passed"] is True
		payloads = [r["payload"] for r in receiver.received]
		assert all(
			p["events"] == [] and p["firstEventSequence"] == 0 and p["lastEventSequence"] == 0
			for p in payloads
		)
		assert {r["valid"] for r in receiver.received} == {True, False}, (
			"some payloads are signed wrongly on purpose"
		)


def test_intent_to_receive_fails_for_a_receiver_that_accepts_anything():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY, always=200) as receiver:
		subscription, _ = sandbox.webhooks.subscribe(receiver.url, KEY)
		assert subscription.status == "FAILED"
		assert any("expected 401" in (c["reason"] or "") for c in subscription.intent["checks"])
		client = Api(sandbox, sandbox.issue_token_set())
		client.create_contact("Acme")
		sandbox.webhooks.deliver_due()
		assert receiver.event_deliveries() == [], "no events before Intent to Receive passes"


def test_events_are_delivered_signed_and_in_xeros_shape():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		sandbox.webhooks.subscribe(receiver.url, KEY)
		client = Api(sandbox, sandbox.issue_token_set())
		created = client.create_contact("Acme").json()["Contacts"][0]
		assert sandbox.webhooks.wait_idle(5)
		deliveries = receiver.event_deliveries()
		assert len(deliveries) == 1 and deliveries[0]["valid"]
		payload = deliveries[0]["payload"]
		assert payload["firstEventSequence"] == payload["lastEventSequence"] == 1
		assert payload["entropy"]
		event = payload["events"][0]
		assert event["eventCategory"] == "CONTACT" and event["eventType"] == "CREATE"
		assert event["resourceId"] == created["ContactID"]
		assert event["resourceUrl"] == f"{sandbox.api_url}/Contacts/{created['ContactID']}"
		assert event["tenantId"] == sandbox.tenant_id and event["tenantType"] == "ORGANISATION"
		_validate_against_spec(payload)


def test_a_non_200_answer_is_redelivered_with_the_same_body():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		sandbox.webhooks.subscribe(receiver.url, KEY)
		receiver.script = [("status", 500), ("status", 503)]
		Api(sandbox, sandbox.issue_token_set()).create_contact("Acme")
		assert sandbox.webhooks.wait_idle(5)
		deliveries = receiver.event_deliveries()
		assert len(deliveries) == 3
		assert deliveries[0]["body"] == deliveries[1]["body"] == deliveries[2]["body"]
		outcomes = [
			d.outcome
			for d in sandbox.webhooks.subscriptions[next(iter(sandbox.webhooks.subscriptions))].deliveries
			if d.kind == "event"
		]
		assert outcomes == ["status 500", "status 503", "ok"]


def test_a_slow_answer_is_redelivered():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		sandbox.webhooks.subscribe(receiver.url, KEY)
		receiver.script = [("sleep", 1.0)]
		Api(sandbox, sandbox.issue_token_set()).create_contact("Acme")
		assert sandbox.webhooks.wait_idle(5)
		assert len(receiver.event_deliveries()) == 2
		subscription = next(iter(sandbox.webhooks.subscriptions.values()))
		assert next(d.outcome for d in subscription.deliveries if d.kind == "event").startswith(
			"no answer within"
		)


def test_a_subscription_is_disabled_when_retries_run_out_and_keeps_its_events():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		subscription, _ = sandbox.webhooks.subscribe(receiver.url, KEY)
		receiver.script = [("status", 500)] * 4
		Api(sandbox, sandbox.issue_token_set()).create_contact("Acme")
		assert sandbox.webhooks.wait_idle(5)
		assert subscription.status == "DISABLED"
		assert sandbox.webhooks.verify(subscription.id)["passed"]
		assert sandbox.webhooks.wait_idle(5)
		assert receiver.event_deliveries()[-1]["payload"]["events"][0]["eventCategory"] == "CONTACT"


def test_categories_filter_events():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		sandbox.webhooks.subscribe(receiver.url, KEY, categories=["INVOICE"])
		Api(sandbox, sandbox.issue_token_set()).create_contact("Acme")
		sandbox.webhooks.emit(sandbox.tenant_id, "INVOICE", "9a0b0c0d-0000-4000-8000-000000000001", "UPDATE")
		assert sandbox.webhooks.wait_idle(5)
		categories = [e["eventCategory"] for d in receiver.event_deliveries() for e in d["payload"]["events"]]
		assert categories == ["INVOICE"]


def test_admin_endpoint_registers_lists_verifies_and_deletes():
	with running_sandbox(**FAST) as sandbox, WebhookReceiver(KEY) as receiver:
		created = requests.post(
			f"{sandbox.url}/sandbox/webhooks", json={"url": receiver.url, "key": KEY}, timeout=10
		)
		assert created.status_code == 201
		body = created.json()
		assert body["status"] == "OK" and body["key"] == KEY
		listed = requests.get(f"{sandbox.url}/sandbox/webhooks", timeout=10).json()["subscriptions"]
		assert [s["id"] for s in listed] == [body["id"]] and "key" not in listed[0]
		again = requests.post(f"{sandbox.url}/sandbox/webhooks/{body['id']}/verify", timeout=10)
		assert again.json()["passed"] is True
		assert requests.delete(f"{sandbox.url}/sandbox/webhooks/{body['id']}", timeout=10).status_code == 204
		bad = requests.post(f"{sandbox.url}/sandbox/webhooks", json={"url": "ftp://nowhere"}, timeout=10)
		assert bad.status_code == 400


def test_a_generated_key_is_returned_once():
	with running_sandbox(**FAST) as sandbox:
		subscription, key = sandbox.webhooks.subscribe("http://127.0.0.1:9/none", verify=False)
		assert len(base64.b64decode(key)) == 48
		assert key not in repr(subscription) and key not in json.dumps(subscription.public())


def _validate_against_spec(payload: dict) -> None:
	if not SPEC.exists():
		pytest.skip(f"Xero's webhook OpenAPI spec is not at {SPEC}; payload shape not checked against it")
	yaml = pytest.importorskip("yaml")
	from openapi_schema_validator import OAS31Validator

	spec = yaml.safe_load(SPEC.read_text())
	schema = {**spec["components"]["schemas"]["WebhookEvent"], "components": spec["components"]}
	OAS31Validator(schema).validate(payload)
