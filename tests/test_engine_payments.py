"""Payment intents from the sandbox's ``GET /Payments``: full and part payments, a
foreign-currency payment's rate, a deleted payment, credit-note refunds and
allocations (never payments), invoices raised directly in Xero, unmapped bank
accounts, and the If-Modified-Since watermark."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.payments import (
	BankMapping,
	exchange_rate,
	fetch_payments,
	next_watermark,
	plan_payments,
)
from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero.retry import RetryPolicy, no_sleep

BANKS = [BankMapping(account="Bank NZD - XTL", xero_account_code="090", mode_of_payment="Wire Transfer")]


@pytest.fixture
def sandbox():
	"""conftest's sandbox (and so its ``xero_http``), with the clock fixed at 2026-01-01 UTC."""
	with Sandbox(SandboxConfig(port=0), clock=ManualClock(start=1_767_225_600.0)) as started:
		yield started


@pytest.fixture
def xero(xero_http):
	"""HTTP only here (conftest's ``xero`` also runs each test in-process)."""
	return xero_http


@pytest.fixture
def client(sandbox):
	return sandbox_port(sandbox, retry=RetryPolicy(attempts=2, sleep=no_sleep)).client


def contact_id(xero):
	return xero.get("/Contacts", params={"where": 'Name=="Boom FM"'}).json()["Contacts"][0]["ContactID"]


def invoice(xero, number, unit=100, currency="NZD", rate=None, path="/Invoices"):
	body = {
		"Type": "ACCREC" if path == "/Invoices" else "ACCRECCREDIT",
		"Contact": {"ContactID": contact_id(xero)},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"CurrencyCode": currency,
		"LineAmountTypes": "NoTax",
		"LineItems": [{"Description": "Work", "Quantity": 1, "UnitAmount": unit, "AccountCode": "200"}],
		**({"CurrencyRate": rate} if rate else {}),
	}
	body["InvoiceNumber" if path == "/Invoices" else "CreditNoteNumber"] = number
	answer = xero.put(path, json={path.strip("/"): [body]})
	assert answer.status_code == 200, answer.text
	return answer.json()[path.strip("/")][0]


def pay(xero, target, amount, code="090", **extra):
	answer = xero.put(
		"/Payments",
		json={
			"Payments": [
				{**target, "Account": {"Code": code}, "Amount": amount, "Date": "2026-01-20", **extra}
			]
		},
	)
	assert answer.status_code == 200, answer.text
	return answer.json()["Payments"][0]


def ours(*invoices):
	"""find_invoice for the documents "this site" synced (InvoiceID → ERPNext name)."""
	known = {i["InvoiceID"].lower(): i["InvoiceNumber"] for i in invoices}
	return lambda invoice_id: known.get(invoice_id)


def test_full_and_part_payments_become_create_intents(xero, client):
	full = invoice(xero, "SINV-1", 100)
	part = invoice(xero, "SINV-2", 300)
	p1 = pay(xero, {"Invoice": {"InvoiceID": full["InvoiceID"]}}, 100, Reference="DD 1")
	p2 = pay(xero, {"Invoice": {"InvoiceID": part["InvoiceID"]}}, "120.50")
	intents = plan_payments(fetch_payments(client, None), ours(full, part), BANKS, "NZD")
	assert [(i.action, i.invoice, i.amount) for i in intents] == [
		("create", "SINV-1", Decimal("100.00")),
		("create", "SINV-2", Decimal("120.50")),
	]
	first = intents[0]
	assert first.payment_id == p1["PaymentID"] and intents[1].payment_id == p2["PaymentID"]
	assert (first.account, first.mode_of_payment, first.reference) == (
		"Bank NZD - XTL",
		"Wire Transfer",
		"DD 1",
	)
	assert (first.date, first.currency, first.exchange_rate, first.bank_amount) == (
		"2026-01-20",
		"NZD",
		Decimal(1),
		Decimal("100.00"),
	)


def test_foreign_currency_payment_rate_is_the_inverse_of_xeros(xero, client):
	usd = invoice(xero, "SINV-USD", 200, currency="USD", rate="0.600000")
	pay(xero, {"Invoice": {"InvoiceID": usd["InvoiceID"]}}, 200, CurrencyRate="0.625000")
	(intent,) = plan_payments(fetch_payments(client, None), ours(usd), BANKS, "NZD")
	assert (intent.currency, intent.amount) == ("USD", Decimal("200.00"))
	assert intent.exchange_rate == Decimal("1.600000000")  # 1 USD = 1/0.625 NZD
	assert intent.bank_amount == Decimal("320.00")  # what reached the NZD bank account


def test_deleted_payment_becomes_a_cancel_intent(xero, client):
	doc = invoice(xero, "SINV-3", 100)
	payment = pay(xero, {"Invoice": {"InvoiceID": doc["InvoiceID"]}}, 40)
	answer = xero.post(f"/Payments/{payment['PaymentID']}", json={"Payments": [{"Status": "DELETED"}]})
	assert answer.status_code == 200, answer.text
	(intent,) = plan_payments(fetch_payments(client, None), ours(doc), BANKS, "NZD")
	assert (intent.action, intent.invoice, intent.payment_id) == ("cancel", "SINV-3", payment["PaymentID"])


def test_credit_notes_are_never_payments(xero, client):
	doc = invoice(xero, "SINV-4", 100)
	note = invoice(xero, "CN-4", 30, path="/CreditNotes")
	answer = xero.put(
		f"/CreditNotes/{note['CreditNoteID']}/Allocations",
		json={
			"Allocations": [{"Invoice": {"InvoiceID": doc["InvoiceID"]}, "Amount": 30, "Date": "2026-01-10"}]
		},
	)
	assert answer.status_code == 200, answer.text
	assert fetch_payments(client, None) == [], "an allocation is not listed under /Payments"
	refund_note = invoice(xero, "CN-5", 20, path="/CreditNotes")
	pay(xero, {"CreditNote": {"CreditNoteID": refund_note["CreditNoteID"]}}, 20)
	(intent,) = plan_payments(fetch_payments(client, None), ours(doc), BANKS, "NZD")
	assert intent.action == "skip" and not intent.failed
	assert intent.reason == "a refund of a credit note, not a payment of an invoice"


def test_payments_on_invoices_raised_in_xero_are_skipped_and_unmapped_banks_fail(xero, client):
	elsewhere = invoice(xero, "XERO-ONLY-1", 100)
	doc = invoice(xero, "SINV-6", 100)
	pay(xero, {"Invoice": {"InvoiceID": elsewhere["InvoiceID"]}}, 100)
	pay(xero, {"Invoice": {"InvoiceID": doc["InvoiceID"]}}, 100, code="091")
	skipped, failed = plan_payments(fetch_payments(client, None), ours(doc), BANKS, "NZD")
	assert (skipped.action, skipped.failed) == ("skip", False)
	assert skipped.reason == "invoice XERO-ONLY-1 was not sent from this site"
	assert (failed.action, failed.failed, failed.invoice) == ("skip", True, "SINV-6")
	assert "Xero account 091 is not mapped" in failed.reason


def test_bank_mapped_by_account_id(xero, client, sandbox):
	doc = invoice(xero, "SINV-7", 100)
	pay(xero, {"Invoice": {"InvoiceID": doc["InvoiceID"]}}, 100, code="091")
	savings = sandbox.organisation().account_by_code("091")["AccountID"]
	banks = [*BANKS, BankMapping(account="Savings - XTL", xero_account_id=savings.upper())]
	(intent,) = plan_payments(fetch_payments(client, None), ours(doc), banks, "NZD")
	assert (intent.action, intent.account) == ("create", "Savings - XTL")


def test_if_modified_since_reads_only_newer_changes(xero, client, sandbox):
	doc = invoice(xero, "SINV-8", 300)
	pay(xero, {"Invoice": {"InvoiceID": doc["InvoiceID"]}}, 100)
	first = plan_payments(fetch_payments(client, None), ours(doc), BANKS, "NZD")
	mark = next_watermark(None, [i.updated for i in first], [])
	assert mark == first[0].updated
	sandbox.clock.advance(5)
	later = pay(xero, {"Invoice": {"InvoiceID": doc["InvoiceID"]}}, 50)
	again = plan_payments(fetch_payments(client, mark), ours(doc), BANKS, "NZD")
	assert [i.payment_id for i in again] == [later["PaymentID"]]


def test_paging_reads_every_payment(xero, client):
	doc = invoice(xero, "SINV-9", 1000)
	for _ in range(5):
		pay(xero, {"Invoice": {"InvoiceID": doc["InvoiceID"]}}, 10)
	calls = client.calls
	assert len(fetch_payments(client, None, page_size=2)) == 5
	assert client.calls - calls == 3


def test_watermark_never_passes_a_failure():
	t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
	t = [t0 + timedelta(seconds=10 * k) for k in range(4)]
	assert next_watermark(None, [t[1], t[3]], []) == t[3]
	assert next_watermark(None, [t[1], t[3]], [t[2]]) == t[2] - timedelta(seconds=1)
	assert next_watermark(t[2], [t[3]], [t[2] + timedelta(seconds=5)]) == t[2] + timedelta(seconds=4)
	assert next_watermark(t[2], [t[3]], [t[2]]) == t[2], "never moves back"
	assert next_watermark(t[2], [], []) == t[2]


def test_exchange_rate_of_the_base_currency_is_one():
	assert exchange_rate("0.5", "NZD", "NZD") == 1
	with pytest.raises(ValueError):
		exchange_rate(None, "USD", "NZD")
