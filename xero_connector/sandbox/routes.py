"""The sandbox's HTTP surface, one host for everything Xero splits over several:

- ``/``: the read-only page of what arrived (content from the accounting side);
- ``/identity/connect/authorize`` (also ``/connect/authorize``): authorise, at
  once for the demo client or through a consent page (``prompt=consent`` or
  ``--consent-page``);
- ``/connect/token``, ``/connect/revocation``: Xero's identity endpoints;
- ``/connections``: list (GET) and disconnect (DELETE ``/connections/{id}``);
- ``/api.xro/2.0/...``: the Accounting API, through :mod:`.pipeline`;
- ``/sandbox/...``: the admin API (faults, token expiry, webhooks, info).

Request logs name the method and path only: query strings and bodies can hold
codes and tokens.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from xero_connector.sandbox import wire
from xero_connector.sandbox.attachments import MAX_BYTES
from xero_connector.sandbox.faults import Fault, FaultSpecError
from xero_connector.sandbox.identity import ApiAuthError, AuthorizeError, ConnectionNotFound, OAuthError
from xero_connector.sandbox.pipeline import Outcome
from xero_connector.sandbox.services import SandboxServices
from xero_connector.sandbox.webhooks import WebhookError

log = logging.getLogger(__name__)
API_PREFIX = "/api.xro/2.0"
AUTHORIZE_PATHS = ("/identity/connect/authorize", "/connect/authorize")
OTHER_BODY_LIMIT = 1_000_000
ATTACHMENT_BODY_LIMIT = MAX_BYTES + 1_000_000  # read a file over the limit, to refuse it as Xero does
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class _BodyTooLarge(Exception):
	pass


class SandboxHTTPServer(ThreadingHTTPServer):
	daemon_threads = True
	allow_reuse_address = True
	request_queue_size = 128

	def __init__(self, address, sandbox: SandboxServices):
		self.sandbox = sandbox
		super().__init__(address, SandboxRequestHandler)

	def handle_error(self, request, client_address):
		"""A client that hangs up mid-request (a closed keep-alive connection, a
		test's pool torn down) is routine: one debug line, not a printed traceback."""
		if isinstance(sys.exc_info()[1], ConnectionError):
			log.debug("client %s hung up", client_address[0])
			return
		log.exception("sandbox request from %s failed", client_address[0])


def _json(status: int, payload, headers: dict | None = None) -> Outcome:
	return Outcome(status, {"Content-Type": wire.JSON_TYPE, **(headers or {})}, wire.dumps(payload))


def _form(body: bytes) -> dict[str, str]:
	return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


class SandboxRequestHandler(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"
	server_version = "XeroSandbox/1.0"
	disable_nagle_algorithm = True  # keep-alive answers go out at once (no 40 ms delayed-ACK stalls)

	def version_string(self) -> str:
		return self.server_version

	def log_message(self, format, *args):
		log.debug("%s %s", self.command, urlsplit(self.path).path)

	def do_GET(self):
		self._dispatch()

	def do_POST(self):
		self._dispatch()

	def do_PUT(self):
		self._dispatch()

	def do_DELETE(self):
		self._dispatch()

	def do_PATCH(self):
		self._dispatch()

	# ----- plumbing --------------------------------------------------------------

	@property
	def sandbox(self) -> SandboxServices:
		return self.server.sandbox

	def _read_body(self, limit: int) -> bytes:
		length = int(self.headers.get("Content-Length") or 0)
		if length > limit:
			if length <= 8 * limit:  # read and drop it, so the client sees the 413 instead of a reset
				remaining = length
				while remaining > 0:
					chunk = self.rfile.read(min(remaining, 65536))
					if not chunk:
						break
					remaining -= len(chunk)
			raise _BodyTooLarge()
		return self.rfile.read(length) if length > 0 else b""

	def _send(self, outcome: Outcome) -> None:
		if outcome.drop:
			self.close_connection = True
			try:
				self.connection.shutdown(socket.SHUT_RDWR)
			except OSError:
				pass
			return
		self.send_response(outcome.status)
		for name, value in outcome.headers.items():
			self.send_header(name, value)
		self.send_header("Content-Length", str(len(outcome.body)))
		self.end_headers()
		if self.command != "HEAD" and outcome.body:
			self.wfile.write(outcome.body)

	def _dispatch(self) -> None:
		split = urlsplit(self.path)
		path = split.path.rstrip("/") or "/"
		lowered = path.lower()
		try:
			if lowered == API_PREFIX.lower() or lowered.startswith(API_PREFIX.lower() + "/"):
				outcome = self._api(path[len(API_PREFIX) :] or "/", split.query)
			else:
				body = self._read_body(OTHER_BODY_LIMIT)
				outcome = self._route(lowered, path, split.query, body)
		except _BodyTooLarge:
			self.close_connection = True
			outcome = _json(
				413, wire.problem_for(413, "The request body is larger than the sandbox accepts.")
			)
		except (ConnectionError, TimeoutError):
			return
		except Exception:
			log.exception("sandbox failed on %s %s", self.command, split.path)
			outcome = _json(500, wire.problem_for(500, "An error occurred in the Xero sandbox."))
		try:
			self._send(outcome)
		except (ConnectionError, TimeoutError):
			self.close_connection = True

	def _api(self, api_path: str, raw_query: str) -> Outcome:
		limit = self.sandbox.config.max_body_bytes
		if (
			"/attachments/" in api_path.lower()
		):  # a file goes as the body, up to Xero's 25 MB (attachments.py)
			limit = max(limit, ATTACHMENT_BODY_LIMIT)
		body = self._read_body(limit)
		query = {k: v[-1] for k, v in parse_qs(raw_query, keep_blank_values=True).items()}
		headers = {k.lower(): v for k, v in self.headers.items()}
		return self.sandbox.pipeline.call(self.command, api_path, raw_query, query, headers, body)

	def _route(self, lowered: str, path: str, raw_query: str, body: bytes) -> Outcome:
		method = self.command
		if lowered == "/" and method == "GET":
			return Outcome(200, {"Content-Type": wire.HTML_TYPE}, self.sandbox.render_page().encode())
		if lowered in AUTHORIZE_PATHS:
			if method == "POST":
				chosen = parse_qs(body.decode("utf-8", "replace")).get("tenant_id", [])
				return self._authorize(path, _form(body), chosen)
			return self._authorize(path, _form(raw_query.encode()), None)
		if lowered == "/connect/token" and method == "POST":
			return self._token(body)
		if lowered == "/connect/revocation" and method == "POST":
			return self._revoke(body)
		if lowered == "/connections" or lowered.startswith("/connections/"):
			return self._connections(method, path, raw_query)
		if lowered == "/sandbox" or lowered.startswith("/sandbox/"):
			return self._admin(method, path[len("/sandbox") :].strip("/"), body)
		return _json(404, wire.problem_for(404, "The resource you're looking for cannot be found"))

	# ----- identity --------------------------------------------------------------

	def _authorize(self, path: str, params: dict, chosen: list[str] | None) -> Outcome:
		"""GET shows consent or approves at once; POST (``chosen`` set) is the consent form's answer."""
		identity = self.sandbox.identity
		try:
			request = identity.validate_authorize(params)
			if chosen is not None:
				if params.get("decision") != "allow":
					raise AuthorizeError(
						"access_denied", "The user cancelled", request.redirect_uri, request.state
					)
				return Outcome(302, {"Location": identity.approve(request, chosen)})
			if self.sandbox.config.consent_page or params.get("prompt") == "consent":
				hidden = {
					k: params.get(k) or ""
					for k in (
						"response_type",
						"client_id",
						"redirect_uri",
						"scope",
						"state",
						"code_challenge",
						"code_challenge_method",
					)
				}
				client = identity.clients[request.client_id]
				tenants = [identity.tenants[t] for t in self.sandbox.organisations if t in identity.tenants]
				return Outcome(
					200,
					{"Content-Type": wire.HTML_TYPE},
					wire.consent_page(path, hidden, client.name, request.scope, tenants),
				)
			return Outcome(302, {"Location": identity.approve(request)})
		except AuthorizeError as error:
			target = error.redirect_url()
			if target:
				return Outcome(302, {"Location": target})
			return Outcome(
				400, {"Content-Type": wire.HTML_TYPE}, wire.error_page(error.error, error.description)
			)

	def _token(self, body: bytes) -> Outcome:
		form = _form(body)
		self.sandbox.stats_counter.token_request(form.get("grant_type"))
		try:
			tokens = self.sandbox.identity.token(form, self.headers.get("Authorization"))
		except OAuthError as error:
			return _json(400, error.body(), _NO_STORE)
		self.sandbox.changed()
		return _json(200, tokens, _NO_STORE)

	def _revoke(self, body: bytes) -> Outcome:
		try:
			self.sandbox.identity.revoke(_form(body), self.headers.get("Authorization"))
		except OAuthError as error:
			return _json(400, error.body())
		self.sandbox.changed()
		return Outcome(200, {})

	def _connections(self, method: str, path: str, raw_query: str) -> Outcome:
		identity = self.sandbox.identity
		try:
			token = identity.authenticate(self.headers.get("Authorization"))
		except ApiAuthError as error:
			extra = {"WWW-Authenticate": error.www_authenticate} if error.www_authenticate else {}
			return _json(error.status, wire.problem_for(error.status, error.detail), extra)
		parts = path.strip("/").split("/")
		if len(parts) == 1 and method == "GET":
			auth_event_id = _form(raw_query.encode()).get("authEventId")
			return _json(200, identity.list_connections(token, auth_event_id))
		if len(parts) == 2 and method == "DELETE":
			try:
				identity.delete_connection(token, parts[1])
			except ConnectionNotFound:
				return _json(404, wire.problem_for(404, "The resource you're looking for cannot be found"))
			self.sandbox.changed()
			return Outcome(204, {})
		return _json(405, wire.problem_for(405))

	# ----- admin ------------------------------------------------------------------

	def _admin(self, method: str, sub: str, body: bytes) -> Outcome:
		sandbox = self.sandbox
		try:
			payload = json.loads(body.decode() or "{}") if body else {}
		except ValueError:
			return _json(400, {"error": "the body must be JSON"})
		if not isinstance(payload, dict):
			return _json(400, {"error": f"the body must be a JSON object, not a {type(payload).__name__}"})
		parts = [p for p in sub.split("/") if p]
		try:
			if not parts and method == "GET":
				return _json(200, sandbox.info())
			if parts == ["faults"]:
				if method == "GET":
					return _json(200, {"faults": sandbox.faults.list()})
				if method == "POST":
					return _json(201, {"fault": sandbox.faults.add(Fault.from_dict(payload)).__dict__})
				if method == "DELETE":
					sandbox.faults.clear()
					return _json(200, {"faults": []})
			if parts == ["tokens", "expire"] and method == "POST":
				return _json(200, {"expired": sandbox.expire_tokens()})
			if parts == ["webhooks"]:
				if method == "GET":
					return _json(
						200, {"subscriptions": [s.public() for s in sandbox.webhooks.subscriptions.values()]}
					)
				if method == "POST":
					subscription, key = sandbox.webhooks.subscribe(
						payload.get("url"),
						payload.get("key"),
						payload.get("categories"),
						payload.get("verify", True),
						payload.get("client_id"),
					)
					sandbox.changed()
					return _json(201, {**subscription.public(), "key": key})
			if len(parts) == 2 and parts[0] == "webhooks" and method == "DELETE":
				found = sandbox.webhooks.unsubscribe(parts[1])
				sandbox.changed()
				return Outcome(204, {}) if found else _json(404, {"error": "no such subscription"})
			if len(parts) == 3 and parts[0] == "webhooks" and parts[2] == "verify" and method == "POST":
				if parts[1] not in sandbox.webhooks.subscriptions:
					return _json(404, {"error": "no such subscription"})
				result = sandbox.webhooks.verify(parts[1])
				sandbox.changed()
				return _json(200, result)
		except (FaultSpecError, WebhookError) as error:
			return _json(400, {"error": str(error)})
		except (TypeError, ValueError, AttributeError) as error:  # a field of the wrong type
			return _json(400, {"error": f"a field has the wrong type: {error}"})
		return _json(404, {"error": "unknown sandbox admin endpoint"})
