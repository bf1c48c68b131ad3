"""No secret reaches Frappe's Error Log on any failure path.

When an exception escapes a background job or a request, Frappe logs it with
``frappe.log_error``, whose traceback shows every frame's local variables (Frappe
masks only variables and keys named like "token" or "secret", not an
``Authorization`` header or a token inside another object). Each failure path of
the connection below is run, the exception is logged exactly as Frappe logs an
escaped one, and the Error Log (with the Sync Log rows the paths wrote) is searched
for the access token, the refresh token and the client secret."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import frappe
import requests

from xero_connector.constants import SYNC_LOG
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	XeroTestCase,
	captured_jobs,
	connect,
	inject,
	make_invoice,
	secrets_in,
	token_values,
	xero_client,
)


class _Answer(BaseHTTPRequestHandler):
	"""Answers every request with the server's ``status`` and an HTML page: a proxy's
	maintenance page in front of Xero (token endpoint and API alike)."""

	def _answer(self):
		length = int(self.headers.get("Content-Length") or 0)
		if length:
			self.rfile.read(length)
		body = b"<html><body>Service temporarily unavailable</body></html>"
		self.send_response(self.server.status)
		self.send_header("Content-Type", "text/html")
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		self.wfile.write(body)

	do_GET = do_POST = do_PUT = _answer

	def log_message(self, *args):
		pass


@contextmanager
def html_server(status: int):
	server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
	server.status = status
	threading.Thread(target=server.serve_forever, daemon=True).start()
	try:
		yield f"http://127.0.0.1:{server.server_address[1]}"
	finally:
		server.shutdown()
		server.server_close()


def closed_port_url() -> str:
	server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
	port = server.server_address[1]
	server.server_close()
	return f"http://127.0.0.1:{port}"


class TestNoSecretInTheErrorLog(XeroTestCase):
	def setUp(self):
		super().setUp()
		self.sandbox.faults.clear()
		frappe.db.delete("Error Log")
		self.secrets = set(token_values())
		self.logged: list[str] = []

	def tearDown(self):
		self.sandbox.faults.clear()
		self.point_at(self.sandbox.url)
		super().tearDown()

	def point_at(self, url: str) -> None:
		fixtures.set_values("sandbox_url", url)

	def expire_locally(self) -> None:
		"""Make the stored access token look expired, so the next call refreshes it."""
		from dataclasses import replace

		from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

		store = FrappeTokenStore(fixtures.app())
		store.save(replace(store.load(), expires_at=0.0))

	def fails_and_is_logged(self, label: str, call) -> Exception:
		"""Run ``call``, which must fail, and log its exception as Frappe logs one that
		escapes a job (``frappe.log_error`` inside the ``except``: the traceback with locals)."""
		try:
			call()
		except Exception as exc:
			frappe.log_error(title=f"failure path: {label}")
			self.logged.append(label)
			return exc
		self.fail(f"{label}: no error")

	def assert_no_secret_logged(self) -> None:
		self.secrets |= set(token_values())
		errors = frappe.get_all("Error Log", fields=["method", "error"])
		self.assertGreaterEqual(len(errors), len(self.logged), "each path wrote its Error Log")
		for row in errors:
			self.assertEqual(secrets_in(row.error, sorted(self.secrets)), [], row.method)
			self.assertEqual(secrets_in(row.method, sorted(self.secrets)), [], row.method)
		for row in frappe.get_all(SYNC_LOG, fields=["name", "request", "response", "cause", "xero_messages"]):
			self.assertEqual(secrets_in(frappe.as_json(row), sorted(self.secrets)), [], row.name)

	def test_api_failures_leave_no_secret_in_the_error_log(self):
		client = xero_client()
		inject(self.sandbox, 500, count=20, path="/Organisation")
		self.fails_and_is_logged("Xero answers 500 on every retry", client.organisation)
		self.sandbox.faults.clear()
		inject(self.sandbox, 400, method="PUT", path="/Invoices")
		self.fails_and_is_logged(
			"Xero refuses the request (400)",
			lambda: client.create_invoices([{"Type": "ACCREC"}], idempotency_key="secrets-400"),
		)
		self.sandbox.faults.clear()
		self.sandbox.faults.add("drop", count=20, path="/Organisation")
		self.fails_and_is_logged("Xero drops the connection", client.organisation)
		self.sandbox.faults.clear()
		self.point_at(closed_port_url())
		self.fails_and_is_logged("Xero unreachable", lambda: xero_client().organisation())
		with html_server(200) as url:
			self.point_at(url)
			self.fails_and_is_logged("the API answers an HTML page", lambda: xero_client().organisation())
		self.assert_no_secret_logged()

	def test_token_refresh_failures_leave_no_secret_in_the_error_log(self):
		with html_server(200) as url:
			self.point_at(url)
			self.expire_locally()
			self.fails_and_is_logged("the token endpoint answers HTML", lambda: xero_client().organisation())
		with html_server(503) as url:
			self.point_at(url)
			self.expire_locally()
			self.fails_and_is_logged("the token endpoint answers 503", lambda: xero_client().organisation())
		self.point_at(closed_port_url())
		self.expire_locally()
		self.fails_and_is_logged("the token endpoint is unreachable", lambda: xero_client().organisation())
		self.assert_no_secret_logged()

	def test_a_refused_refresh_token_leaves_no_secret_in_the_error_log(self):
		from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

		tokens = FrappeTokenStore(fixtures.app()).load()
		settings = fixtures.app_doc()
		revoked = requests.post(
			self.sandbox.revocation_url,
			auth=(settings.client_id, settings.get_password("client_secret")),
			data={"token": tokens.refresh_token},
			timeout=10,
		)
		self.assertEqual(revoked.status_code, 200, revoked.text)
		self.expire_locally()
		try:
			self.fails_and_is_logged("Xero refuses the refresh token", lambda: xero_client().organisation())
			self.assert_no_secret_logged()
		finally:
			connect(self.sandbox)  # the other tests need the connection back
			frappe.db.commit()

	def test_a_failing_job_leaves_no_secret_in_the_error_log_or_the_sync_log(self):
		inject(self.sandbox, 500, count=50, method="PUT", path="/Invoices")
		with captured_jobs() as jobs:
			make_invoice()
			self.point_at(self.sandbox.url)
			jobs.run()  # the job's own error handling writes the Sync Log (and Error Log, if any)
		self.sandbox.faults.clear()
		self.assert_no_secret_logged()
