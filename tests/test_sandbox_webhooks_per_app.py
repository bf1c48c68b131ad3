"""Webhooks are per app, as in Xero: "Webhooks are configured on a per-app basis and we will send
you events for every Xero organisation connected to the app"
(developer.xero.com/documentation/webhooks/overview). In the sandbox, a subscription made with an
app's client id gets only the events of the organisations that app is connected to, signed with
that app's key; an app connected to none gets nothing. The receivers below check signatures with
the connector's own ``verify_signature``, as its webhook endpoint does."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.sandbox.testing import SandboxHttp
from xero_connector.xero.webhooks import verify_signature

KEYS = {
	"app-1": "app-one-signing-key-0123456789",
	"app-2": "app-two-signing-key-9876543210",
	"app-3": "app-three-signing-key-5555555555",
}


class Receiver:
	"""One app's webhook endpoint: 200 for a body signed with its key, else 401 (Intent to
	Receive needs both); keeps every delivery."""

	def __init__(self, key: str):
		self.key = key
		self.received: list[tuple[bytes, str]] = []
		receiver = self

		class Handler(BaseHTTPRequestHandler):
			protocol_version = "HTTP/1.1"

			def log_message(self, *args):
				pass

			def do_POST(self):
				body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
				signature = self.headers.get("x-xero-signature") or ""
				receiver.received.append((body, signature))
				self.send_response(200 if verify_signature(body, signature, receiver.key) else 401)
				self.send_header("Content-Length", "0")
				self.end_headers()

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.server.daemon_threads = True
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xero/webhook"

	def events(self) -> list[tuple[dict, bytes, str]]:
		"""(event, raw body, signature) of every event delivered."""
		return [
			(event, body, signature)
			for body, signature in list(self.received)
			for event in json.loads(body)["events"]
		]

	def close(self):
		self.server.shutdown()
		self.server.server_close()


@pytest.fixture(scope="module")
def two_apps():
	"""Organisations A, B, C. App 1 (the sandbox's own client) is connected to A and B, app 2 to
	B and C, app 3 to none; each app subscribed with its own key, plus one subscription made
	without a client id."""
	config = SandboxConfig(port=0, webhook_timeout=2.0, webhook_retry_delays=(0.05,))
	with Sandbox(config, clock=ManualClock(start=time.time())) as sandbox:
		org_a = sandbox.tenant_id
		org_b = sandbox.add_organisation(name="Organisation B")
		org_c = sandbox.add_organisation(name="Organisation C")
		app_1 = sandbox.client_id
		sandbox.identity.register_client("app-2", "secret-2")
		sandbox.identity.register_client("app-3", "secret-3")
		tokens = {
			app_1: sandbox.identity.issue_token_set(app_1, [org_a, org_b]),
			"app-2": sandbox.identity.issue_token_set("app-2", [org_b, org_c]),
		}
		receivers = {name: Receiver(key) for name, key in KEYS.items()}
		receivers["any"] = Receiver(KEYS["app-1"])
		try:
			for name, client_id in (("app-1", app_1), ("app-2", "app-2"), ("app-3", "app-3")):
				subscription, _ = sandbox.webhooks.subscribe(
					receivers[name].url, KEYS[name], client_id=client_id
				)
				assert subscription.status == "OK", subscription.intent
			sandbox.webhooks.subscribe(receivers["any"].url, KEYS["app-1"])
			for org, client_id in ((org_a, app_1), (org_b, app_1), (org_c, "app-2")):
				xero = SandboxHttp(sandbox, org, tokens[client_id])
				answer = xero.put("/Contacts", json={"Contacts": [{"Name": f"Customer of {org}"}]})
				assert answer.status_code == 200, answer.text
				xero.close()
			assert sandbox.webhooks.wait_idle(10)
			yield sandbox, receivers, {"A": org_a, "B": org_b, "C": org_c}
		finally:
			for receiver in receivers.values():
				receiver.close()


def test_each_app_gets_events_only_of_its_organisations(two_apps):
	_sandbox, receivers, org = two_apps
	tenants = {name: sorted({e["tenantId"] for e, _, _ in r.events()}) for name, r in receivers.items()}
	assert tenants["app-1"] == sorted([org["A"], org["B"]])
	assert tenants["app-2"] == sorted([org["B"], org["C"]])
	assert tenants["any"] == sorted(org.values()), "a subscription without an app gets them all"


def test_an_app_not_connected_to_an_organisation_gets_no_delivery(two_apps):
	_sandbox, receivers, org = two_apps
	assert receivers["app-3"].events() == [], "app 3 is connected to no organisation"
	assert org["C"] not in {e["tenantId"] for e, _, _ in receivers["app-1"].events()}
	assert org["A"] not in {e["tenantId"] for e, _, _ in receivers["app-2"].events()}


def test_each_key_signs_only_its_apps_organisations(two_apps):
	"""Every delivery verifies with its own app's key and with no other app's, so the
	receiver knows which app's organisations it speaks for."""
	_sandbox, receivers, _org = two_apps
	for name in ("app-1", "app-2"):
		deliveries = receivers[name].events()
		assert deliveries
		for _event, body, signature in deliveries:
			assert [app for app, key in KEYS.items() if verify_signature(body, signature, key)] == [name]


def test_an_apps_subscription_keeps_its_client_id_across_a_restart(two_apps):
	sandbox, _receivers, _org = two_apps
	saved = sandbox.webhooks.to_dict()
	sandbox.webhooks.load_dict(json.loads(json.dumps(saved)))
	assert sorted(str(s.client_id) for s in sandbox.webhooks.subscriptions.values()) == sorted(
		[sandbox.client_id, "app-2", "app-3", "None"]
	)
