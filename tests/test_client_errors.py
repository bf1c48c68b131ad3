"""Catalogue entries produced for real by the sandbox: each failure arrives as
the right typed error or per-element result, with the right entry and kind."""

import uuid
from decimal import Decimal

import pytest

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import (
	MemoryTokenStore,
	NeedsReauthorisation,
	TokenSet,
	XeroAuthError,
	XeroNotFound,
	XeroRequestTooLarge,
	XeroValidationError,
)
from xero_connector.xero.testing import sandbox_client


@pytest.fixture(scope="module")
def sb():
	config = SandboxConfig(limits=LimitConfig(time_scale=3600), max_body_bytes=200_000)
	with Sandbox(config) as sandbox:
		yield sandbox


@pytest.fixture
def client(sb):
	return sandbox_client(sb)


def invoice(number=None, contact=None, **line) -> dict:
	item = {"Description": "Widget", "Quantity": 1, "UnitAmount": Decimal("100.00"), "AccountCode": "200"}
	item["TaxType"] = "OUTPUT2"
	item.update(line)
	return {
		"Type": "ACCREC",
		"Contact": contact or {"Name": "Boom FM"},
		"InvoiceNumber": number or f"E-{uuid.uuid4().hex[:10]}",
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineItems": [item],
	}


def one_result(results):
	(result,) = results
	assert not result.ok
	assert result.entry.kind == "permanent"
	return result


@pytest.mark.parametrize(
	"build,key",
	[
		(lambda: invoice(AccountCode="999"), "account_code_invalid"),
		(lambda: invoice(AccountCode="250"), "account_code_archived"),
		(lambda: invoice(TaxType="XYZ"), "tax_type_invalid"),
		(lambda: {**invoice(), "CurrencyCode": "JPY"}, "currency_not_enabled"),
		(lambda: invoice(contact={"Name": "Hamilton Smith Ltd"}), "contact_archived"),
		(lambda: {**invoice(), "LineItems": []}, "line_items_required"),
		(lambda: invoice(ItemCode="NOPE"), "item_code_invalid"),
	],
	ids=lambda v: v if isinstance(v, str) else "",
)
def test_invoice_validation_failures(client, build, key):
	body = build()
	result = one_result(client.create_invoices([body], f"err:{uuid.uuid4().hex}"))
	assert result.entry.key == key, result.messages
	assert result.messages and all(m for m in result.messages)


def test_non_revenue_account_is_refused(client):
	result = one_result(client.create_invoices([invoice(AccountCode="090")], f"err:{uuid.uuid4().hex}"))
	assert result.entry.key in ("account_code_invalid", "account_code_not_revenue"), result.messages


def test_duplicate_invoice_number(client):
	number = f"DUP-{uuid.uuid4().hex[:8]}"
	assert client.create_invoices([invoice(number)], f"a:{number}")[0].ok
	result = one_result(client.create_invoices([invoice(number)], f"b:{number}"))
	assert result.messages == ["Invoice # must be unique."]
	assert result.entry.key == "invoice_number_not_unique"
	assert "link" in result.entry.resolution.lower()


def test_contact_errors(client):
	run = uuid.uuid4().hex[:6]
	taken = one_result(
		client.create_contacts([{"Name": f"Someone Else {run}", "AccountNumber": "BOOM01"}], f"c1:{run}")
	)
	assert taken.messages == ["The Account Number already exists. Please enter a different Account Number."]
	assert taken.entry.key == "contact_account_number_exists"
	duplicate = one_result(client.create_contacts([{"Name": "City Agency"}], f"c2:{run}"))
	assert duplicate.entry.key == "contact_name_duplicate"


def test_status_and_payment_errors(client):
	run = uuid.uuid4().hex[:6]
	(paid,) = client.create_invoices([invoice(f"S{run}-1")], f"s1:{run}")
	payment = {
		"Invoice": {"InvoiceID": paid.data["InvoiceID"]},
		"Account": {"Code": "090"},
		"Date": "2026-01-06",
	}
	too_much = one_result(client.create_payments([{**payment, "Amount": Decimal("500.00")}], f"p1:{run}"))
	assert too_much.entry.key == "amount_exceeds_outstanding"
	assert client.create_payments([{**payment, "Amount": Decimal("115.00")}], f"p2:{run}")[0].ok

	with pytest.raises(XeroValidationError) as has_payments:
		client.void_invoice(paid.data["InvoiceID"], f"v1:{run}")
	assert has_payments.value.entry.key == "document_has_payments"
	assert has_payments.value.kind == "permanent"
	assert "payment" in str(has_payments.value) and has_payments.value.entry.resolution in str(
		has_payments.value
	)

	(voided,) = client.create_invoices([invoice(f"S{run}-2")], f"s2:{run}")
	client.void_invoice(voided.data["InvoiceID"], f"v2:{run}")
	with pytest.raises(XeroValidationError) as status:
		client.delete_invoice(voided.data["InvoiceID"], f"d2:{run}")
	assert status.value.entry.key == "document_status_not_modifiable"

	note = {**invoice(), "Type": "ACCRECCREDIT"}
	note.pop("InvoiceNumber"), note.pop("DueDate")
	(credit,) = client.create_credit_notes([note], f"cn:{run}")
	(target,) = client.create_invoices([invoice(f"S{run}-3", UnitAmount=Decimal("10.00"))], f"s3:{run}")
	with pytest.raises(XeroValidationError) as over:
		client.allocate_credit_note(
			credit.data["CreditNoteID"], target.data["InvoiceID"], Decimal("50.00"), f"al:{run}"
		)
	assert over.value.entry.key == "amount_exceeds_outstanding"


def test_not_found(client):
	with pytest.raises(XeroNotFound) as missing:
		client.get_invoice(str(uuid.uuid4()))
	assert missing.value.status == 404 and missing.value.entry.key == "not_found"


def test_request_too_large(client):
	big = invoice(Description="x" * 250_000)
	with pytest.raises(XeroRequestTooLarge) as large:
		client.create_invoices([big], f"big:{uuid.uuid4().hex}")
	assert large.value.status == 413 and large.value.entry.key == "request_too_large"


def test_idempotency_key_reused_with_another_body(client):
	key = f"reuse:{uuid.uuid4().hex}"
	assert client.create_invoices([invoice()], key)[0].ok
	result = one_result(client.create_invoices([invoice()], key))
	assert result.entry.key == "idempotency_key_reused", result.messages


def test_tenant_not_connected(sb):
	client = sandbox_client(sb)
	client.tenant_id = str(uuid.uuid4())
	with pytest.raises(XeroAuthError) as refused:
		client.organisation()
	assert refused.value.status == 403 and refused.value.kind == "needs_reauthorisation"


def test_unusable_tokens_are_invalid_grant(sb):
	garbage = TokenSet(
		access_token="garbage-access-token", refresh_token="garbage-refresh-token", expires_at=0
	)
	client = sandbox_client(sb, store=MemoryTokenStore(garbage))
	with pytest.raises(NeedsReauthorisation) as needs:
		client.organisation()
	assert needs.value.kind == "needs_reauthorisation"
	assert "garbage" not in str(needs.value) + repr(needs.value)
