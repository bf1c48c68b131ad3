"""The platform around the shipped accounting rules: the official xero-python
SDK talks to the sandbox, idempotent replays of real invoice writes, webhook
events for invoices and credit notes, and the web page showing what arrived."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sandbox_platform_support import Api, WebhookReceiver

from xero_connector.sandbox.server import Sandbox, SandboxConfig

SPEC = Path(__file__).resolve().parents[3] / "shared" / "xero-openapi" / "xero-webhooks.yaml"
KEY = "integration-webhook-key"


def invoice(number: str) -> dict:
	return {
		"Type": "ACCREC",
		"Contact": {"Name": "Boom FM"},
		"Date": "2026-01-10",
		"DueDate": "2026-02-10",
		"InvoiceNumber": number,
		"Status": "AUTHORISED",
		"LineAmountTypes": "Exclusive",
		"LineItems": [
			{
				"Description": "Ads",
				"Quantity": 2,
				"UnitAmount": 10,
				"AccountCode": "200",
				"TaxType": "OUTPUT2",
			}
		],
	}


@pytest.fixture
def real():
	with Sandbox(SandboxConfig(port=0, webhook_timeout=0.5, webhook_retry_delays=(0.05,))) as sandbox:
		yield sandbox


def test_an_idempotent_replay_creates_one_invoice(real):
	client = Api(real, real.issue_token_set())
	first = client.call(
		"PUT", "/Invoices", json={"Invoices": [invoice("IDEM-1")]}, headers={"Idempotency-Key": "inv-1"}
	)
	again = client.call(
		"PUT", "/Invoices", json={"Invoices": [invoice("IDEM-1")]}, headers={"Idempotency-Key": "inv-1"}
	)
	assert first.status_code == 200, first.text
	assert again.content == first.content
	listed = client.call("GET", "/Invoices", params={"InvoiceNumbers": "IDEM-1"}).json()["Invoices"]
	assert len(listed) == 1


def test_a_timeout_after_commit_then_keyed_retry_leaves_one_invoice(real):
	client = Api(real, real.issue_token_set())
	real.faults.add("drop", when="after", path="/Invoices", method="PUT")
	with pytest.raises(requests.ConnectionError):
		client.call(
			"PUT", "/Invoices", json={"Invoices": [invoice("DROP-1")]}, headers={"Idempotency-Key": "inv-2"}
		)
	retry = client.call(
		"PUT", "/Invoices", json={"Invoices": [invoice("DROP-1")]}, headers={"Idempotency-Key": "inv-2"}
	)
	assert retry.status_code == 200 and retry.json()["Invoices"][0]["InvoiceNumber"] == "DROP-1"
	listed = client.call("GET", "/Invoices", params={"InvoiceNumbers": "DROP-1"}).json()["Invoices"]
	assert len(listed) == 1


def test_invoice_and_credit_note_events_reach_the_webhook(real):
	with WebhookReceiver(KEY) as receiver:
		real.webhooks.subscribe(receiver.url, KEY)
		client = Api(real, real.issue_token_set())
		created = client.call("PUT", "/Invoices", json={"Invoices": [invoice("HOOK-1")]}).json()["Invoices"][
			0
		]
		note = {**invoice("ignored"), "Type": "ACCRECCREDIT"}
		note.pop("InvoiceNumber")
		note.pop("DueDate")
		credit = client.call("PUT", "/CreditNotes", json={"CreditNotes": [note]})
		assert credit.status_code == 200, credit.text
		assert real.webhooks.wait_idle(5)
		events = [e for d in receiver.event_deliveries() for e in d["payload"]["events"]]
		assert all(d["valid"] for d in receiver.event_deliveries())
	invoice_events = [e for e in events if e["eventCategory"] == "INVOICE"]
	assert (
		invoice_events[0]["resourceId"] == created["InvoiceID"] and invoice_events[0]["eventType"] == "CREATE"
	)
	credit_events = [e for e in events if e["eventCategory"] == "CREDITNOTE"]
	assert credit_events[0]["data"] == {"Type": "ACCRECCREDIT", "Status": "AUTHORISED"}
	if SPEC.exists():
		yaml = pytest.importorskip("yaml")
		from openapi_schema_validator import OAS31Validator

		spec = yaml.safe_load(SPEC.read_text())
		payload = next(
			d["payload"]
			for d in receiver.event_deliveries()
			if d["payload"]["events"][0]["eventCategory"] == "CREDITNOTE"
		)
		schema = {**spec["components"]["schemas"]["CreditNoteWebhookEvent"], "components": spec["components"]}
		OAS31Validator(schema).validate(payload)


def test_the_web_page_shows_what_arrived(real):
	client = Api(real, real.issue_token_set())
	client.call("PUT", "/Invoices", json={"Invoices": [invoice("PAGE-1")]})
	page = requests.get(real.url + "/", timeout=10)
	assert page.status_code == 200 and "PAGE-1" in page.text


def test_the_official_sdk_works_against_the_sandbox(real):
	from xero_python.accounting import AccountingApi
	from xero_python.accounting.models import Contact, Contacts
	from xero_python.api_client import ApiClient, Configuration
	from xero_python.api_client.oauth2 import OAuth2Token
	from xero_python.exceptions import RateLimitException
	from xero_python.identity import IdentityApi

	tokens = real.issue_token_set()
	api_client = ApiClient(
		Configuration(oauth2_token=OAuth2Token(client_id=real.client_id, client_secret=real.client_secret)),
		pool_threads=1,
	)
	stored = {"token": tokens}
	api_client.oauth2_token_getter(lambda: stored["token"])
	api_client.oauth2_token_saver(lambda token: stored.update(token=token))
	accounting = AccountingApi(api_client)
	accounting.base_url = real.api_url
	identity = IdentityApi(api_client)
	identity.base_url = real.url
	assert [c.tenant_id for c in identity.get_connections()] == [real.tenant_id]
	organisations = accounting.get_organisations(real.tenant_id)
	assert organisations.organisations[0].name == "Demo Company (NZ)"
	created = accounting.create_contacts(
		real.tenant_id,
		Contacts(contacts=[Contact(name="SDK Contact Ltd", account_number="SDK1")]),
		idempotency_key="sdk-1",
	)
	assert created.contacts[0].name == "SDK Contact Ltd"
	# urllib3 under the SDK silently honours Retry-After for GET and PUT; POST reaches the caller.
	real.faults.add("rate_limit", problem="minute", retry_after=1)
	with pytest.raises(RateLimitException) as limited:
		accounting.update_or_create_contacts(real.tenant_id, Contacts(contacts=[Contact(name="Limited Ltd")]))
	assert limited.value.rate_limit == "minute"
	assert limited.value.headers["Retry-After"] == "1"
