"""A full run against the sandbox with every logger at DEBUG (ours, urllib3,
requests, xero_python): no token, secret, authorisation code or PKCE verifier
appears in any log line, in stdout/stderr, in any exception text or in a repr."""

import logging
import time
import uuid
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import requests

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import (
	Endpoints,
	MemoryStateStore,
	MemoryTokenStore,
	OAuthClient,
	RateLimiter,
	RetryPolicy,
	TokenManager,
	XeroClient,
	XeroError,
)
from xero_connector.xero.redact import MASK, SecretFilter, redact, redact_headers, redact_text
from xero_connector.xero.testing import sandbox_limits
from xero_connector.xero.webhooks import signature_for, verify_signature

REDIRECT = "http://127.0.0.1:8000/callback"
WEBHOOK_KEY = "wh-key-" + uuid.uuid4().hex


class RecordingStateStore(MemoryStateStore):
	"""Keeps a copy of every PKCE verifier so the test knows what must never leak."""

	def __init__(self):
		super().__init__()
		self.verifiers = []

	def put(self, state, data, ttl):
		self.verifiers.append(data["code_verifier"])
		super().put(state, data, ttl)


class Form(HTMLParser):
	def __init__(self):
		super().__init__()
		self.fields, self.tenants, self.action = [], [], None

	def handle_starttag(self, tag, attrs):
		attrs = dict(attrs)
		if tag == "form":
			self.action = attrs["action"]
		elif tag == "input" and attrs.get("type") == "hidden":
			self.fields.append((attrs["name"], attrs.get("value", "")))
		elif tag == "input" and attrs.get("name") == "tenant_id":
			self.tenants.append(attrs["value"])


class Capture(logging.Handler):
	def __init__(self):
		super().__init__(level=logging.DEBUG)
		self.lines = []

	def emit(self, record):
		self.lines.append(self.format(record))
		if record.exc_info:
			self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def all_logs():
	capture = Capture()
	capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
	root = logging.getLogger()
	names = ["", "urllib3", "requests", "xero_python", "xero_connector", "http.client"]
	saved = {n: logging.getLogger(n).level for n in names}
	for name in names:
		logging.getLogger(name).setLevel(logging.DEBUG)
	root.addHandler(capture)
	yield capture
	root.removeHandler(capture)
	for name, level in saved.items():
		logging.getLogger(name).setLevel(level)


def test_full_run_leaks_no_secret(all_logs, capfd):
	secrets, texts, token_bodies = set(), [], []

	def keep_token_response(response, *args, **kwargs):
		if response.url.endswith("/connect/token") and response.status_code == 200:
			token_bodies.append(response.json())

	config = SandboxConfig(consent_page=True, limits=LimitConfig(time_scale=3600))
	with Sandbox(config) as sb:
		secrets.add(sb.client_secret)
		session = requests.Session()
		session.hooks["response"].append(keep_token_response)
		states = RecordingStateStore()
		oauth = OAuthClient(
			sb.client_id, sb.client_secret, Endpoints.from_sandbox(sb), state_store=states, session=session
		)

		# Connect through the consent page (two organisations).
		request = oauth.begin(REDIRECT)
		page = requests.get(request.url, timeout=10)
		form = Form()
		form.feed(page.text)
		answer = requests.post(
			sb.url + form.action,
			data=[*form.fields, ("decision", "allow"), *(("tenant_id", t) for t in form.tenants)],
			allow_redirects=False,
			timeout=10,
		)
		callback = answer.headers["Location"]
		secrets.add(callback.split("code=")[1].split("&")[0])
		tokens = oauth.complete(callback)
		connections = oauth.connections(tokens.access_token)
		store = MemoryTokenStore(tokens)
		manager = TokenManager(oauth, store, sleep=lambda s: None)
		client = XeroClient(
			manager,
			oauth.choose_tenant(connections, tenant_id=sb.tenant_id)["tenantId"],
			endpoints=oauth.endpoints,
			limiter=RateLimiter(sandbox_limits(sb)),
			retry=RetryPolicy(sleep=lambda s: None),
			timeout=(2.0, 0.4),
		)

		# Work, with every kind of trouble along the way.
		run = uuid.uuid4().hex[:6]
		line = {"Description": "Widget", "Quantity": 1, "UnitAmount": Decimal("10"), "AccountCode": "200"}
		doc = {
			"Type": "ACCREC",
			"Contact": {"Name": "Boom FM"},
			"Date": "2026-01-05",
			"DueDate": "2026-02-05",
		}
		sb.faults.add("error", status=503, when="after", count=1, path="/Invoices")
		sb.faults.add("drop", count=1, method="GET", path="/Organisation")
		sb.faults.add("rate_limit", count=1, retry_after=1, path="/Accounts")
		results = client.create_invoices(
			[
				{**doc, "InvoiceNumber": f"L{run}-1", "Status": "AUTHORISED", "LineItems": [line]},
				{**doc, "InvoiceNumber": f"L{run}-2", "LineItems": [{**line, "AccountCode": "999"}]},
			],
			idempotency_key=f"log:{run}",
		)
		assert [r.ok for r in results] == [True, False]
		texts += [str(r.error()) for r in results if not r.ok]
		client.organisation()
		client.accounts()
		sb.expire_tokens()  # 401 -> refresh
		client.list_invoices(invoice_numbers=[f"L{run}-1"])
		store.save(replace(store.load(), expires_at=time.time() - 1))
		sb.faults.add("slow", delay=1.0, count=1, path="/Organisation")
		try:
			client.organisation()  # refresh first, then a time-out and a retry
		except XeroError as exc:
			texts += [str(exc), repr(exc)]
		oauth.revoke(store.load().refresh_token)
		store.save(replace(store.load(), expires_at=time.time() - 1))
		for _ in range(2):
			try:
				client.organisation()
			except XeroError as exc:
				texts += [str(exc), repr(exc)]
		bad = OAuthClient(sb.client_id, "wrong-secret-" + run, oauth.endpoints)
		secrets.add("wrong-secret-" + run)
		try:
			bad.refresh("not-a-refresh-token-" + run)
		except XeroError as exc:
			texts += [str(exc), repr(exc)]
		secrets.add("not-a-refresh-token-" + run)

		body = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"X"}'
		assert verify_signature(body, signature_for(body, WEBHOOK_KEY), WEBHOOK_KEY)
		secrets.add(WEBHOOK_KEY)
		texts += [
			repr(o) for o in (tokens, store.load(), store, manager, oauth, bad, client, request, states)
		]

	for body in token_bodies:
		secrets |= {body.get(k) for k in ("access_token", "refresh_token", "id_token") if body.get(k)}
	secrets |= set(states.verifiers)
	secrets.discard(None)
	assert len(token_bodies) >= 3 and len(secrets) >= 10

	out, err = capfd.readouterr()
	haystacks = {
		"logs": "\n".join(all_logs.lines),
		"stdout": out,
		"stderr": err,
		"errors/reprs": "\n".join(texts),
	}
	assert len(all_logs.lines) > 50, "the run was logged at DEBUG"
	assert any(line.startswith("urllib3") for line in all_logs.lines)
	for where, text in haystacks.items():
		leaked = [s[:6] + "…" for s in secrets if s in text]
		assert leaked == [], f"secrets found in {where}: {leaked}"


def test_redaction_helpers_for_the_sync_log():
	token_response = {
		"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
		"refresh_token": "r3fr3sh-t0k3n-value",
		"id_token": "id-token-value-123",
		"scope": "openid",
		"Invoices": [{"Code": "200", "InvoiceNumber": "SINV-1"}],
	}
	clean = redact(token_response)
	assert clean["access_token"] == clean["refresh_token"] == clean["id_token"] == MASK
	assert clean["scope"] == "openid" and clean["Invoices"] == [{"Code": "200", "InvoiceNumber": "SINV-1"}]
	headers = redact_headers(
		{"Authorization": "Bearer abc.def.ghi", "xero-tenant-id": "t-1", "Cookie": "s=1"}
	)
	assert headers == {"Authorization": f"Bearer {MASK}", "xero-tenant-id": "t-1", "Cookie": MASK}
	text = redact_text(
		"POST grant_type=refresh_token&refresh_token=abcdef123456&code=xyz789 Bearer qwerty12345"
	)
	assert "abcdef123456" not in text and "xyz789" not in text and "qwerty12345" not in text
	assert "Account code '200'" in redact_text("Account code '200' is not a valid code for this document.")


def test_secret_filter_scrubs_registered_secrets_from_records():
	from xero_connector.xero.redact import register_secret

	secret = "s3cr3t-" + uuid.uuid4().hex
	register_secret(secret)
	record = logging.LogRecord("x", logging.INFO, __file__, 1, "value=%s", (secret,), None)
	assert SecretFilter().filter(record)
	assert secret not in record.getMessage() and MASK in record.getMessage()
