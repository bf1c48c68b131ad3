"""Who may do what, over real HTTP through the bench's web server: every
whitelisted method of the app called as Guest, as a user without roles, as an
Accounts User and as a Xero Manager; what the Xero App and the Sync Log show to
whom; and the webhook endpoint answering Xero as Xero requires."""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest

APP = Path(__file__).resolve().parents[2] / "xero_connector"
APP_NAME = "Xero Test App"  # xero_connector.tests.fixtures.APP_NAME (this suite runs without Frappe)

# Who may call each whitelisted method: "guest" (anyone, Xero's webhook),
# "reader" (an Accounts User may: the invoice's own Xero status and payload),
# "manager" (Xero Manager or System Manager only).
ACCESS = {
	"xero_connector.xero_connector.webhook.receive": "guest",
	"xero_connector.xero_connector.api.invoice_status": "reader",
	"xero_connector.xero_connector.features.preview.invoice_payload": "reader",
	"xero_connector.xero_connector.features.preview.sync_log_payload": "reader",
	"xero_connector.xero_connector.features.customer_panel.customer_invoices": "reader",
	"xero_connector.xero_connector.connection.guard.organisation_status": "reader",
	"xero_connector.xero_connector.api.start_connect": "manager",
	"xero_connector.xero_connector.api.oauth_callback": "manager",
	"xero_connector.xero_connector.api.assign_organisation": "manager",
	"xero_connector.xero_connector.api.disconnect": "manager",
	"xero_connector.xero_connector.api.fetch_reference": "manager",
	"xero_connector.xero_connector.api.pull_payments_now": "manager",
	"xero_connector.xero_connector.api.day_budget": "manager",
	"xero_connector.xero_connector.api.app_health": "manager",
	"xero_connector.xero_connector.api.send_to_xero": "manager",
	"xero_connector.xero_connector.features.bulk_send.send_selected": "manager",
	"xero_connector.xero_connector.connection.guard.confirm_organisation_switch": "manager",
	"xero_connector.xero_connector.features.reconciliation.resend": "manager",
	"xero_connector.xero_connector.features.reconciliation.link": "manager",
	"xero_connector.xero_connector.features.readiness.check": "manager",
	"xero_connector.xero_connector.features.readiness.export_csv": "manager",
	"xero_connector.xero_connector.features.readiness.create_mapping": "manager",
	"xero_connector.xero_connector.features.readiness.create_contact": "manager",
	"xero_connector.xero_connector.features.readiness.link_contact": "manager",
	"xero_connector.xero_connector.features.merged_contact.use_merged_contact": "manager",
	"xero_connector.xero_connector.features.invoice_pdf.online_invoice_link": "reader",
	"xero_connector.xero_connector.sync.backfill_control.start": "manager",
	"xero_connector.xero_connector.sync.backfill_control.pause": "manager",
	"xero_connector.xero_connector.sync.backfill_control.resume": "manager",
	"xero_connector.xero_connector.sync.backfill_control.get_progress": "manager",
	"xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log.resend": "manager",
}
# methods whose call by a manager would change the connection under the other tests
NOT_CALLED_AS_MANAGER = {
	"xero_connector.xero_connector.api.disconnect",
	"xero_connector.xero_connector.api.start_connect",
	"xero_connector.xero_connector.api.oauth_callback",
	"xero_connector.xero_connector.api.assign_organisation",
	"xero_connector.xero_connector.connection.guard.confirm_organisation_switch",
}


def whitelisted_methods() -> dict[str, str]:
	"""Every module-level function of the app decorated with ``frappe.whitelist``,
	read from the source, with the HTTP method it allows ("GET", "POST" or "any")."""
	found = {}
	for path in sorted(APP.rglob("*.py")):
		if "tests" in path.parts or "sandbox" in path.parts:
			continue
		module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
		for node in ast.parse(path.read_text()).body:
			if not isinstance(node, ast.FunctionDef):
				continue
			for decorator in node.decorator_list:
				call = decorator if isinstance(decorator, ast.Call) else None
				target = call.func if call else decorator
				if ast.unparse(target) != "frappe.whitelist":
					continue
				http = "any"
				for keyword in call.keywords if call else []:
					if keyword.arg == "methods":
						http = ast.literal_eval(keyword.value)[0]
				found[f"{module}.{node.name}"] = http
	return found


def test_every_whitelisted_method_has_a_declared_audience():
	"""A new whitelisted method must be added to ACCESS (and so tested below)."""
	assert set(whitelisted_methods()) == set(ACCESS)


def call(http, site, method: str, verb: str, args: dict):
	url = f"{site.url}/api/method/{method}"
	if verb == "GET":
		return http.get(url, params=args, timeout=60, allow_redirects=False)
	return http.post(url, data=args, timeout=60, allow_redirects=False)


@pytest.fixture(scope="module")
def invoice(site, connected):
	return site.execute("make_invoice")["name"]


@pytest.fixture(scope="module")
def log(site, invoice):
	"""A Sync Log row of ``invoice`` (its submit queued one)."""
	return site.execute("invoice", name=invoice)["logs"][0]["name"]


def arguments(method: str, invoice: str, log: str, site) -> dict:
	name = method.rsplit(".", 1)[1]
	return {
		"invoice_status": {"name": invoice},
		"invoice_payload": {"name": invoice},
		"send_to_xero": {"name": invoice},
		"send_selected": {"names": json.dumps([invoice])},
		"customer_invoices": {"customer": "Xero Test Customer"},
		"sync_log_payload": {"log": log},
		"resend": {"name": invoice, "names": "[]"},
		"link": {"name": invoice},
		"check": {"company": site.company, "from_date": "2026-01-01", "to_date": "2026-01-31"},
		"export_csv": {"company": "x", "from_date": "2026-01-01", "to_date": "2026-01-31"},
		"create_mapping": {
			"kind": "account",
			"mapping_type": "Item",
			"reference_name": "nothing",
			"xero_code": "200",
		},
		"create_contact": {"customer": "nothing"},
		"use_merged_contact": {"log": log},
		"online_invoice_link": {"name": invoice},
		"link_contact": {"customer": "nothing", "contact_id": "nothing"},
		"start": {"name": "nothing"},
		"pause": {"name": "nothing"},
		"resume": {"name": "nothing"},
		"get_progress": {"name": "nothing"},
		"assign_organisation": {"connection": site.company, "tenant_id": "nothing"},
		"start_connect": {"connection": site.company},
		"disconnect": {"connection": site.company},
		"fetch_reference": {"connection": site.company},
		"pull_payments_now": {"connection": site.company},
		"day_budget": {"connection": site.company},
		"app_health": {"app": APP_NAME},
		"confirm_organisation_switch": {"connection": site.company},
	}.get(name, {})


@pytest.mark.parametrize("who", ["guest", "norole", "accounts", "manager"])
def test_each_method_answers_each_kind_of_user_as_declared(site, invoice, log, who):
	methods = whitelisted_methods()
	http = site.session(None if who == "guest" else who)
	wrong = []
	for method, audience in sorted(ACCESS.items()):
		if method.endswith("webhook.receive"):
			continue  # tested on its own below
		if who == "manager" and method in NOT_CALLED_AS_MANAGER:
			continue
		allowed = who == "manager" or (who == "accounts" and audience == "reader")
		verb = methods[method] if methods[method] != "any" else "GET"
		answer = call(http, site, method, verb, arguments(method, invoice, log, site))
		denied = answer.status_code == 403
		if allowed == denied or answer.status_code >= 500:
			wrong.append(f"{method}: {answer.status_code} {answer.text[:160]}")
		if "Traceback" in answer.text:
			wrong.append(f"{method}: a traceback reached the user")
	assert not wrong, f"as {who}:\n" + "\n".join(wrong)


def test_settings_and_tokens_are_for_managers_and_never_readable(site, connected):
	"""The Xero App (client secret, tokens, webhook key) only for a Xero Manager; and even
	they never get a secret back: not from the REST API, not from the form's load."""
	secrets = site.execute("secrets")["values"]
	assert len(secrets) >= 3, "expected an access token, a refresh token and the client secret"
	path = f"{site.url}/api/resource/Xero%20App/{quote(APP_NAME)}"
	form = f"{site.url}/api/method/frappe.desk.form.load.getdoc"
	params = {"doctype": "Xero App", "name": APP_NAME}
	for who in (None, "norole", "accounts"):
		http = site.session(who)
		assert http.get(path, timeout=30).status_code == 403, who
		answer = http.get(form, params=params, timeout=30)
		assert answer.status_code == 403, (who, answer.status_code)
		assert not [s for s in secrets if s in answer.text], who
	http = site.session("manager")
	for answer in (http.get(path, timeout=30), http.get(form, params=params, timeout=30)):
		assert answer.status_code == 200, answer.text[:300]
		leaked = [s[:6] + "..." for s in secrets if s in answer.text]
		assert not leaked, f"{answer.url}: secrets in the answer: {leaked}"
	data = http.get(path, timeout=30).json()["data"]
	for field in ("access_token", "refresh_token", "client_secret", "webhook_key"):
		assert not data.get(field) or set(data[field]) == {"*"}, field
	assert data["client_secret"], "the client secret is set (masked), not empty"


def test_only_managers_resend_from_a_sync_log_row(site, log):
	"""The Sync Log form's Resend (a document method: run_doc_method): an Accounts User
	reads the row but may not queue it again."""
	url = f"{site.url}/api/method/run_doc_method"
	args = {"dt": "Xero Sync Log", "dn": log, "method": "resend"}
	for who, status in ((None, 403), ("norole", 403), ("accounts", 403), ("manager", 200)):
		answer = site.session(who).post(url, data=args, timeout=60)
		assert answer.status_code == status, (who, answer.status_code, answer.text[:300])
	assert (
		site.session("accounts")
		.get(f"{site.url}/api/resource/Xero%20Sync%20Log/{log}", timeout=30)
		.status_code
		== 200
	), "an Accounts User reads the Sync Log"
	assert (
		site.session("norole").get(f"{site.url}/api/resource/Xero%20Sync%20Log/{log}", timeout=30).status_code
		== 403
	)


def sign(body: bytes, key: str) -> str:
	return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def test_webhook_answers_with_an_empty_body_no_cookie_and_in_time(site, sandbox):
	key = site.execute("set_webhook_key")["key"]
	url = f"{site.url}/api/method/xero_connector.xero_connector.webhook.receive"
	intent = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"ABCDEF"}'
	for body, signature, status in (
		(intent, sign(intent, key), 200),  # Intent to Receive, signed right
		(intent, sign(intent, "another key"), 401),  # signed with another key
		(intent, None, 401),  # unsigned
	):
		headers = {"Content-Type": "application/json"}
		if signature:
			headers["x-xero-signature"] = signature
		start = time.monotonic()
		answer = site.session(None).post(url, data=body, headers=headers, timeout=30)
		took = time.monotonic() - start
		assert answer.status_code == status, answer.text[:300]
		assert answer.content == b"", answer.content[:200]
		assert "set-cookie" not in {k.lower() for k in answer.headers}, answer.headers
		assert took < 2.0, f"answered in {took:.2f}s; Xero waits 5s at most"


def test_people_of_the_second_company_see_and_do_nothing_of_the_first(site, invoice, log):
	"""Issue 15: users limited by a User Permission to the second company, over the REST
	API and the app's methods, as a browser's desk calls them: the first company's Sync Log
	rows, payloads, invoice status, connection and buttons are not theirs."""
	api = f"{site.url}/api/resource"
	logs = quote("Xero Sync Log")
	connection = quote(site.company)
	wrong = []

	def expect(who, answer, status, what):
		if answer.status_code != status:
			wrong.append(f"{who} {what}: {answer.status_code} {answer.text[:160]}")
		if "Traceback" in answer.text:
			wrong.append(f"{who} {what}: a traceback reached the user")

	for who in ("accounts_b", "manager_b"):
		http = site.session(who)
		listed = http.get(
			f"{api}/{logs}",
			params={"filters": json.dumps([["reference_name", "=", invoice]]), "fields": '["name"]'},
			timeout=30,
		)
		expect(who, listed, 200, "Sync Log list")
		if listed.status_code == 200 and listed.json()["data"]:
			wrong.append(f"{who} lists the first company's Sync Log rows: {listed.json()['data']}")
		expect(who, http.get(f"{api}/{logs}/{log}", timeout=30), 403, "Sync Log row")
		expect(who, http.get(f"{api}/Sales%20Invoice/{invoice}", timeout=30), 403, "Sales Invoice")
		for method, args in (
			("api.invoice_status", {"name": invoice}),
			("features.preview.sync_log_payload", {"log": log}),
			("features.preview.invoice_payload", {"name": invoice}),
		):
			answer = http.get(
				f"{site.url}/api/method/xero_connector.xero_connector.{method}", params=args, timeout=30
			)
			expect(who, answer, 403, method)
		names = http.get(f"{api}/Xero%20Connection", params={"fields": '["name"]'}, timeout=30)
		if names.status_code == 200 and site.company in {r["name"] for r in names.json()["data"]}:
			wrong.append(f"{who} lists the first company's Xero Connection")
		expect(who, http.get(f"{api}/Xero%20Connection/{connection}", timeout=30), 403, "Xero Connection")

	# a Xero Manager of the second company: none of the first company's buttons
	http = site.session("manager_b")
	for method, verb, args in (
		("doctype.xero_sync_log.xero_sync_log.resend", "POST", {"names": json.dumps([log])}),
		("features.reconciliation.resend", "POST", {"name": invoice}),
		("api.send_to_xero", "POST", {"name": invoice}),
		(
			"features.readiness.check",
			"GET",
			{"company": site.company, "from_date": "2026-01-01", "to_date": "2026-01-31"},
		),
		("api.fetch_reference", "POST", {"connection": site.company}),
		("api.pull_payments_now", "POST", {"connection": site.company}),
		("api.day_budget", "GET", {"connection": site.company}),
		("api.disconnect", "POST", {"connection": site.company}),
	):
		answer = call(http, site, f"xero_connector.xero_connector.{method}", verb, args)
		expect("manager_b", answer, 403, method)
	expect(
		"manager_b",
		http.post(
			f"{site.url}/api/method/run_doc_method",
			data={"dt": "Xero Sync Log", "dn": log, "method": "resend"},
			timeout=30,
		),
		403,
		"the Sync Log form's Resend",
	)
	assert not wrong, "\n".join(wrong)
	# and nothing of it happened: the first company is still connected, its row not resent
	assert site.execute("settings")["connection_status"] == "Connected"
	assert [r["name"] for r in site.execute("invoice", name=invoice)["logs"]].count(log) == 1
