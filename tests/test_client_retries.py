"""Retries against the sandbox's injected faults: 5xx, time-outs and dropped
connections after the write was committed are retried with the same
Idempotency-Key, and the write exists exactly once (read back and counted)."""

import uuid
from decimal import Decimal

import pytest

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import RetryPolicy, XeroTransientError
from xero_connector.xero.testing import sandbox_client


def invoice(number: str) -> dict:
	return {
		"Type": "ACCREC",
		"Contact": {"Name": "Boom FM"},
		"InvoiceNumber": number,
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineAmountTypes": "Exclusive",
		"LineItems": [
			{
				"Description": "Consulting",
				"Quantity": Decimal("1.5"),
				"UnitAmount": Decimal("99.9950"),
				"AccountCode": "200",
				"TaxType": "OUTPUT2",
			}
		],
	}


@pytest.fixture
def sb():
	with Sandbox(SandboxConfig(limits=LimitConfig(time_scale=600))) as sandbox:
		yield sandbox


def retrying_client(sb, sleeps, read_timeout=5.0):
	return sandbox_client(sb, retry=RetryPolicy(sleep=sleeps.append), timeout=(2.0, read_timeout))


FAULTS = {
	"500 after commit": {"kind": "error", "status": 500},
	"502 after commit": {"kind": "error", "status": 502},
	"503 after commit": {"kind": "error", "status": 503},
	"504 after commit": {"kind": "error", "status": 504},
	"dropped connection after commit": {"kind": "drop"},
	"time-out after commit": {"kind": "slow", "delay": 1.0},
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_batch_write_retried_after_commit_is_applied_once(sb, fault):
	sleeps = []
	client = retrying_client(sb, sleeps, read_timeout=0.4)
	numbers = [f"RT-{uuid.uuid4().hex[:8]}" for _ in range(3)]
	sb.faults.add(when="after", count=1, method="PUT", path="/Invoices", **fault)

	results = client.create_invoices([invoice(n) for n in numbers], idempotency_key=f"push:{numbers[0]}")

	assert [r.ok for r in results] == [True, True, True]
	assert len(sleeps) == 1, "one backoff before the single retry"
	failures = {k: v for k, v in client.outcomes.items() if k != 200}
	assert sum(failures.values()) == 1
	found = client.list_invoices(invoice_numbers=numbers)
	assert sorted(i["InvoiceNumber"] for i in found) == sorted(numbers), "each invoice exactly once"
	assert {i["InvoiceID"] for i in found} == {r.data["InvoiceID"] for r in results}
	assert all(i["Total"] == Decimal("172.49") for i in found)


@pytest.mark.parametrize("fault", [{"kind": "drop"}, {"kind": "error", "status": 503}], ids=["drop", "503"])
def test_single_write_retried_after_commit_is_applied_once(sb, fault):
	sleeps = []
	client = retrying_client(sb, sleeps)
	number = f"RV-{uuid.uuid4().hex[:8]}"
	(created,) = client.create_invoices([invoice(number)], idempotency_key=f"push:{number}")
	sb.faults.add(when="after", count=1, method="POST", path="/Invoices", **fault)
	voided = client.void_invoice(created.data["InvoiceID"], idempotency_key=f"void:{number}")
	assert voided["Status"] == "VOIDED" and len(sleeps) == 1
	assert client.get_invoice(created.data["InvoiceID"])["Status"] == "VOIDED"


def test_read_retried_after_dropped_connection(sb):
	sleeps = []
	client = retrying_client(sb, sleeps)
	sb.faults.add("drop", count=2, method="GET", path="/Accounts")
	assert any(a["Code"] == "200" for a in client.accounts())
	assert client.outcomes == {"connection_dropped": 2, 200: 1} and len(sleeps) == 2


def test_retries_are_bounded_and_nothing_is_written(sb):
	sleeps = []
	client = sandbox_client(
		sb, retry=RetryPolicy(attempts=4, base_delay=0.5, max_delay=2.0, sleep=sleeps.append)
	)
	number = f"RX-{uuid.uuid4().hex[:8]}"
	sb.faults.add("error", status=503, count=None, method="PUT", path="/Invoices")
	with pytest.raises(XeroTransientError) as failed:
		client.create_invoices([invoice(number)], idempotency_key=f"push:{number}")
	sb.faults.clear()
	assert failed.value.kind == "transient" and failed.value.entry.key == "service_unavailable"
	assert client.outcomes == {503: 4} and len(sleeps) == 3
	assert all(0.25 <= s <= 2.0 for s in sleeps), "jittered, bounded backoff"
	assert client.list_invoices(invoice_numbers=[number]) == []


def test_backoff_is_jittered_exponential_and_capped():
	policy = RetryPolicy(base_delay=1.0, max_delay=8.0, random=lambda: 1.0)
	assert [policy.delay(n) for n in range(6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
	low = RetryPolicy(base_delay=1.0, max_delay=8.0, random=lambda: 0.0)
	assert [low.delay(n) for n in range(4)] == [0.5, 1.0, 2.0, 4.0]


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
	from email.utils import formatdate

	from xero_connector.xero.client import retry_after_seconds

	now = 1_800_000_000.0
	assert retry_after_seconds("30", now) == 30.0
	assert retry_after_seconds(formatdate(now + 42, usegmt=True), now) == 42.0
	assert retry_after_seconds(formatdate(now - 5, usegmt=True), now) == 0.0
	assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None
