"""Helpers for the sandbox platform tests (server, OAuth, limits, idempotency,
faults, webhooks): a recording accounting backend, so these tests see exactly
how many writes reached the accounting side, and a started sandbox with a
manual clock."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.contract import ApiRequest, ApiResponse, ResourceEvent
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.sandbox.testing import SandboxHttp
from xero_connector.sandbox.webhooks import sign


class RecordingBackend:
	"""Accounting side for platform tests: ``PUT/POST /Contacts`` creates a
	contact (a write), ``GET /Contacts`` lists them, ``GET /Organisation`` names
	the organisation; anything else is 404."""

	def __init__(self):
		self.writes = 0
		self.lock = threading.Lock()

	def new_organisation(self, tenant_id, name, clock, base_currency="NZD"):
		return {"tenant_id": tenant_id, "name": name, "contacts": {}}

	def handle(self, org, request: ApiRequest) -> ApiResponse:
		if request.path == "/Organisation" and request.method == "GET":
			return ApiResponse(
				200, {"Organisations": [{"Name": org["name"], "OrganisationID": org["tenant_id"]}]}
			)
		if request.path == "/Contacts" and request.method in ("PUT", "POST"):
			with self.lock:
				self.writes += 1
			created = []
			events = []
			for contact in request.json()["Contacts"]:
				contact_id = str(uuid.uuid4())
				org["contacts"][contact_id] = {**contact, "ContactID": contact_id}
				created.append(org["contacts"][contact_id])
				events.append(ResourceEvent("CONTACT", contact_id, "CREATE"))
			return ApiResponse(200, {"Contacts": created}, events=events)
		if request.path == "/Contacts" and request.method == "GET":
			return ApiResponse(200, {"Contacts": list(org["contacts"].values())})
		if request.path == "/Explode":
			raise RuntimeError("backend bug")
		return ApiResponse(404, {"Message": "not found"})

	def dump(self, org):
		return org

	def load(self, data, clock):
		return data

	def render_page(self, organisations):
		return "<h1>" + ", ".join(o["name"] for o in organisations) + "</h1>"


@contextmanager
def running_sandbox(**config):
	clock = config.pop("clock", None) or ManualClock()
	backend = config.pop("backend", None) or RecordingBackend()
	sandbox = Sandbox(SandboxConfig(port=0, **config), backend=backend, clock=clock)
	with sandbox:
		yield sandbox


class Api(SandboxHttp):
	"""The shipped test client plus the calls these tests repeat."""

	def __init__(self, sandbox: Sandbox, tokens: dict, tenant_id: str | None = None):
		super().__init__(sandbox, tenant_id, tokens, timeout=10)

	def call(self, method: str, path: str, json=None, headers=None, **kwargs) -> requests.Response:
		return self.request(method, path, json=json, headers=headers, **kwargs)

	def create_contact(self, name: str, key: str | None = None, **kwargs) -> requests.Response:
		extra = {"Idempotency-Key": key} if key else {}
		return self.call("PUT", "/Contacts", json={"Contacts": [{"Name": name}]}, headers=extra, **kwargs)


class WebhookReceiver:
	"""A local webhook endpoint that checks ``x-xero-signature`` like a correct
	app would (200 / 401, empty body). ``script`` can override answers: a list of
	("status", code) or ("sleep", seconds) consumed by event deliveries."""

	def __init__(self, key: str | None = None, always: int | None = None):
		self.key = key
		self.always = always
		self.reply_body = b""  # a receiver that answers with a body fails Intent to Receive
		self.set_cookie = False  # ... or with a Set-Cookie header
		self.intent_sleep = 0.0  # ... or too late
		self.script: list[tuple[str, float]] = []
		self.received: list[dict] = []
		self.lock = threading.Lock()
		receiver = self

		class Handler(BaseHTTPRequestHandler):
			protocol_version = "HTTP/1.1"

			def log_message(self, *args):
				pass

			def do_POST(self):
				body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
				signature = self.headers.get("x-xero-signature")
				status = receiver.answer(body, signature)
				self.send_response(status)
				if receiver.set_cookie:
					self.send_header("Set-Cookie", "session=abc; Path=/")
				self.send_header("Content-Length", str(len(receiver.reply_body)))
				self.end_headers()
				if receiver.reply_body:
					self.wfile.write(receiver.reply_body)

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.server.daemon_threads = True
		self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

	@property
	def url(self) -> str:
		return f"http://127.0.0.1:{self.server.server_address[1]}/xero/webhook"

	def answer(self, body: bytes, signature: str | None) -> int:
		import json
		import time

		valid = bool(self.key) and signature == sign(self.key, body)
		payload = json.loads(body)
		with self.lock:
			self.received.append({"body": body, "signature": signature, "valid": valid, "payload": payload})
			step = self.script.pop(0) if payload["events"] and self.script else None
		if step and step[0] == "sleep":
			time.sleep(step[1])
		if not payload["events"] and self.intent_sleep:
			time.sleep(self.intent_sleep)
		if step and step[0] == "status":
			return int(step[1])
		if self.always is not None:
			return self.always
		return 200 if valid else 401

	def event_deliveries(self) -> list[dict]:
		with self.lock:
			return [r for r in self.received if r["payload"]["events"]]

	def __enter__(self):
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.server.shutdown()
		self.server.server_close()


__all__ = ["Api", "LimitConfig", "RecordingBackend", "WebhookReceiver", "running_sandbox"]
