"""The guest webhook endpoint: signature over the raw body, Intent-to-Receive,
401 on a bad signature, 200 with an empty body and a queued targeted pull."""

import json

import frappe
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from xero_connector.constants import SYNC_LOG
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs
from xero_connector.xero.webhooks import signature_for

KEY = "test-webhook-signing-key-0123456789abcdef"


def deliver(body: bytes, signature: str | None):
	from xero_connector.xero_connector.webhook import receive

	headers = {"Content-Type": "application/json"}
	if signature is not None:
		headers["x-xero-signature"] = signature
	builder = EnvironBuilder(
		method="POST",
		path="/api/method/xero_connector.xero_connector.webhook.receive",
		data=body,
		headers=headers,
	)
	previous = getattr(frappe.local, "request", None)
	frappe.local.request = Request(builder.get_environ())
	try:
		return receive()
	finally:
		frappe.local.request = previous


class TestWebhook(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		settings = fixtures.app_doc()
		settings.webhook_key = KEY
		settings.save()
		frappe.db.commit()

	def payload(self, events):
		return json.dumps(
			{"events": events, "firstEventSequence": 1, "lastEventSequence": len(events), "entropy": "ABCDEF"}
		).encode()

	def test_intent_to_receive(self):
		body = self.payload([])
		ok = deliver(body, signature_for(body, KEY))
		self.assertEqual((ok.status_code, ok.get_data()), (200, b""))
		bad = deliver(body, signature_for(body, "some-other-key"))
		self.assertEqual((bad.status_code, bad.get_data()), (401, b""))
		missing = deliver(body, None)
		self.assertEqual(missing.status_code, 401)

	def test_tampered_body_is_refused(self):
		body = self.payload([])
		signature = signature_for(body, KEY)
		tampered = body.replace(b"ABCDEF", b"ABCDEG")
		self.assertEqual(deliver(tampered, signature).status_code, 401)

	def test_invoice_event_queues_one_targeted_pull(self):
		event = {
			"resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/0a0a",
			"resourceId": "0a0a0a0a-0000-0000-0000-000000000001",
			"eventDateUtc": "2026-01-01T00:00:00.000",
			"eventType": "UPDATE",
			"eventCategory": "INVOICE",
			"tenantId": self.sandbox.tenant_id,
			"tenantType": "ORGANISATION",
		}
		other_tenant = {**event, "tenantId": "11111111-1111-1111-1111-111111111111"}
		contact = {**event, "eventCategory": "CONTACT", "resourceId": "c0"}
		body = self.payload([event, other_tenant, contact])
		with captured_jobs() as jobs:
			answer = deliver(body, signature_for(body, KEY))
			self.assertEqual((answer.status_code, answer.get_data()), (200, b""))
			self.assertEqual(len(jobs.calls), 1)
			self.assertEqual(jobs.calls[0]["kwargs"]["ids"], [event["resourceId"]])
			row = jobs.calls[0]["kwargs"]["queued_log"]
			self.assertIn(event["resourceId"], frappe.db.get_value(SYNC_LOG, row, "xero_messages"))
			jobs.run()
		self.assertEqual(frappe.db.get_value(SYNC_LOG, row, "status"), "Success")
