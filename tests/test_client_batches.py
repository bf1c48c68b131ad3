"""Batch writes with per-element results (summarizeErrors=false, chunks of 50),
paged reads over more than 1,000 invoices with Xero's filters, and the other
resource methods, against the sandbox."""

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero import XeroValidationError, chunk_key, fit_key
from xero_connector.xero.testing import sandbox_client


def invoice(number: str, contact="Boom FM", **line) -> dict:
	item = {"Description": "Widget", "Quantity": 2, "UnitAmount": Decimal("10.00"), "AccountCode": "200"}
	item["TaxType"] = "OUTPUT2"
	item.update(line)
	return {
		"Type": "ACCREC",
		"Contact": {"Name": contact},
		"InvoiceNumber": number,
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineItems": [item],
	}


@pytest.fixture(scope="module")
def sb():
	with Sandbox(SandboxConfig(limits=LimitConfig(time_scale=3600))) as sandbox:
		yield sandbox


@pytest.fixture
def client(sb):
	return sandbox_client(sb)


def test_batch_partial_failures_give_one_result_per_element_in_order(client):
	run = uuid.uuid4().hex[:6]
	numbers = [f"B{run}-{i:03d}" for i in range(120)]
	invoices = [invoice(n) for n in numbers]
	invoices[7] = invoice(numbers[7], AccountCode="999")
	invoices[60] = invoice(numbers[0])  # same number as element 0, in another chunk
	invoices[110] = invoice(numbers[110], TaxType="XYZ")

	results = client.create_invoices(invoices, idempotency_key=f"push:{run}")

	assert [r.index for r in results] == list(range(120))
	assert client.outcomes == {200: 3}, "three requests of at most 50"
	failed = {r.index: r for r in results if not r.ok}
	assert set(failed) == {7, 60, 110}
	assert failed[7].entry.key == "account_code_invalid"
	assert failed[7].messages == ["Account code '999' is not a valid code for this document."]
	assert failed[60].entry.key == "invoice_number_not_unique"
	assert failed[110].entry.key == "tax_type_invalid"
	assert isinstance(failed[60].error(), XeroValidationError)
	ok = [r for r in results if r.ok]
	assert all(r.data["InvoiceID"] and r.data["Total"] == Decimal("23.00") for r in ok)
	assert all(isinstance(r.data["Total"], Decimal) for r in ok)

	stored = client.list_invoices(invoice_numbers=numbers)
	assert len(stored) == 117 == len(ok)

	# The same call again (a retried job) replays each chunk: no duplicates, same answers.
	again = client.create_invoices(invoices, idempotency_key=f"push:{run}")
	assert [(r.ok, r.data.get("InvoiceID")) for r in again] == [
		(r.ok, r.data.get("InvoiceID")) for r in results
	]
	assert len(client.list_invoices(invoice_numbers=numbers)) == 117


def test_chunk_keys_are_derived_and_fit_xeros_limit():
	assert chunk_key("push:abc", 0, 1) == "push:abc"
	assert [chunk_key("push:abc", i, 3) for i in range(3)] == ["push:abc:0", "push:abc:1", "push:abc:2"]
	long = "k" * 300
	assert (
		len(fit_key(long)) == 128 and fit_key(long) == fit_key(long) and fit_key(long) != fit_key(long + "x")
	)
	with pytest.raises(ValueError):
		fit_key("")


def test_paging_over_more_than_a_thousand_invoices_and_filters(sb):
	client = sandbox_client(sb)
	run = uuid.uuid4().hex[:6]
	before = datetime.now(timezone.utc) - timedelta(seconds=5)
	numbers = [f"P{run}-{i:04d}" for i in range(1050)]
	results = client.create_invoices([invoice(n, contact="City Agency") for n in numbers], f"bulk:{run}")
	assert all(r.ok for r in results)
	calls = client.calls

	everything = client.list_invoices(where=f'InvoiceNumber.StartsWith("P{run}-")')
	assert sorted(i["InvoiceNumber"] for i in everything) == numbers
	assert client.calls - calls == 2, "pageSize 1,000: two pages"

	ids = [results[3].data["InvoiceID"], results[999].data["InvoiceID"]]
	assert {i["InvoiceID"] for i in client.list_invoices(ids=ids)} == set(ids)
	assert len(client.list_invoices(invoice_numbers=numbers[:5])) == 5
	contact_id = results[0].data["Contact"]["ContactID"]
	assert (
		len([i for i in client.list_invoices(contact_ids=[contact_id]) if i["InvoiceNumber"] in set(numbers)])
		== 1050
	)
	voided = client.void_invoice(results[0].data["InvoiceID"], f"void:{run}")
	assert voided["Status"] == "VOIDED"
	assert [
		i["InvoiceNumber"] for i in client.list_invoices(statuses=["VOIDED"], invoice_numbers=numbers)
	] == [numbers[0]]
	assert len(client.list_invoices(if_modified_since=before, invoice_numbers=numbers[:3])) == 3
	future = datetime.now(timezone.utc) + timedelta(days=1)
	assert client.list_invoices(if_modified_since=future, invoice_numbers=numbers[:3]) == []


def test_contacts_create_find_and_update(client):
	run = uuid.uuid4().hex[:6].upper()
	(made,) = client.create_contacts(
		[{"Name": f"Kiwi Traders {run}", "AccountNumber": f"KT{run}"}], f"contact:{run}"
	)
	assert made.ok and made.data["ContactID"]
	by_number = client.find_contact_by_account_number(f"KT{run}")
	assert by_number["ContactID"] == made.data["ContactID"]
	assert client.find_contact_by_name(f"Kiwi Traders {run}")["ContactID"] == made.data["ContactID"]
	assert client.find_contact_by_account_number("NO-SUCH-NUMBER") is None
	assert client.find_contact_by_name('Nobody "quoted" here') is None
	updated = client.update_contact(
		made.data["ContactID"], {"EmailAddress": "ap@kiwi.example"}, f"contact-upd:{run}"
	)
	assert updated["EmailAddress"] == "ap@kiwi.example"
	assert any(
		c["ContactID"] == made.data["ContactID"]
		for c in client.list_contacts(where=f'AccountNumber=="KT{run}"')
	)


def test_payments_credit_notes_and_allocations(client):
	run = uuid.uuid4().hex[:6]
	first, second = client.create_invoices(
		[invoice(f"PAY{run}-1"), invoice(f"PAY{run}-2")], f"push:pay:{run}"
	)
	(payment,) = client.create_payments(
		[
			{
				"Invoice": {"InvoiceID": first.data["InvoiceID"]},
				"Account": {"Code": "090"},
				"Date": "2026-01-10",
				"Amount": Decimal("23.00"),
			}
		],
		f"pay:{run}",
	)
	assert payment.ok, payment.messages
	assert client.get_invoice(first.data["InvoiceID"])["Status"] == "PAID"
	assert any(p["PaymentID"] == payment.data["PaymentID"] for p in client.list_payments())
	deleted = client.delete_payment(payment.data["PaymentID"], f"unpay:{run}")
	assert deleted["Status"] == "DELETED"
	assert client.get_invoice(first.data["InvoiceID"])["AmountDue"] == Decimal("23.00")

	note = invoice(f"CN{run}")
	note["Type"] = "ACCRECCREDIT"
	note.pop("InvoiceNumber")
	note["CreditNoteNumber"] = f"CN{run}"
	note.pop("DueDate")
	(credit,) = client.create_credit_notes([note], f"credit:{run}")
	assert credit.ok, credit.messages
	allocation = client.allocate_credit_note(
		credit.data["CreditNoteID"],
		second.data["InvoiceID"],
		Decimal("23.00"),
		f"alloc:{run}",
		on_date="2026-01-11",
	)
	assert allocation["Amount"] == Decimal("23.00")
	assert client.get_invoice(second.data["InvoiceID"])["AmountDue"] == Decimal("0.00")
	assert client.get_credit_note(credit.data["CreditNoteID"])["RemainingCredit"] == Decimal("0.00")
	assert any(c["CreditNoteID"] == credit.data["CreditNoteID"] for c in client.list_credit_notes())


def credit_note(number: str, **line) -> dict:
	note = invoice(number, **line)
	note["Type"] = "ACCRECCREDIT"
	note["CreditNoteNumber"] = note.pop("InvoiceNumber")
	note.pop("DueDate")
	return note


def test_update_credit_notes_creates_then_updates_in_chunks_of_50(client):
	run = uuid.uuid4().hex[:6]
	notes = [credit_note(f"UC{run}-{i:02d}", Quantity=1) for i in range(55)]
	notes[3] = credit_note(f"UC{run}-03", AccountCode="999")

	results = client.update_credit_notes(notes, f"credit:save:{run}")

	assert [r.index for r in results] == list(range(55))
	assert client.outcomes == {200: 2}, "two POSTs of at most 50"
	assert [r.index for r in results if not r.ok] == [3]
	assert results[3].messages == ["Account code '999' is not a valid code for this document."]
	assert results[0].data["Total"] == Decimal("11.50") and results[0].data["Status"] == "AUTHORISED"

	# POST again by CreditNoteNumber: the existing credit notes are updated, not duplicated
	changed = [{"CreditNoteNumber": f"UC{run}-{i:02d}", "Reference": f"RMA-{i}"} for i in (0, 54)]
	updated = client.update_credit_notes(changed, f"credit:save:{run}:2")
	assert [r.ok for r in updated] == [True, True]
	assert [r.data["CreditNoteID"] for r in updated] == [
		results[0].data["CreditNoteID"],
		results[54].data["CreditNoteID"],
	]
	stored = client.get_credit_note(results[54].data["CreditNoteID"])
	assert stored["Reference"] == "RMA-54" and stored["Total"] == Decimal("11.50")
	assert sum(1 for c in client.list_credit_notes() if c["CreditNoteNumber"].startswith(f"UC{run}-")) == 54


def test_delete_draft_and_reference_data(client):
	run = uuid.uuid4().hex[:6]
	draft = invoice(f"D{run}")
	draft["Status"] = "DRAFT"
	(made,) = client.create_invoices([draft], f"draft:{run}")
	assert client.delete_invoice(made.data["InvoiceID"], f"del:{run}")["Status"] == "DELETED"
	assert {"Code", "Class", "Status"} <= set(client.accounts()[0])
	assert any(t["TaxType"] == "OUTPUT2" for t in client.tax_rates())
	assert any(c["Code"] == "USD" for c in client.currencies())
	assert any(i["Code"] == "DevFee" for i in client.items())
	assert client.organisation()["BaseCurrency"] == "NZD"
	rates = {t["TaxType"]: t for t in client.tax_rates()}
	assert isinstance(rates["OUTPUT2"]["EffectiveRate"], Decimal)


def wire_bodies(monkeypatch) -> list[bytes]:
	"""Every request body exactly as it leaves for Xero."""
	from xero_connector.xero import transport

	sent: list[bytes] = []
	original = transport.SdkTransport.request

	def record(self, method, url, query_params=None, headers=None, body=None, **kwargs):
		sent.append(
			body if isinstance(body, bytes) else transport.encode_json(body) if body is not None else b""
		)
		return original(self, method, url, query_params, headers, body, **kwargs)

	monkeypatch.setattr(transport.SdkTransport, "request", record)
	return sent


def test_money_reaches_the_wire_as_the_exact_decimal_never_a_float(client, monkeypatch):
	"""xero-python's serializer turns Decimal into float; the client must not let it."""
	sent = wire_bodies(monkeypatch)
	exact = Decimal("1234567890123.4567")  # float would send 1234567890123.4568
	number = f"EXACT-{uuid.uuid4().hex[:6]}"
	client.create_invoices([invoice(number, UnitAmount=exact, Quantity=Decimal("1"))], idempotency_key=number)
	body = next(b for b in sent if number.encode() in b)
	assert b'"UnitAmount":1234567890123.4567' in body, body[:400]


def test_a_batch_is_cut_by_size_as_well_as_by_count(client, monkeypatch):
	"""50 invoices of about 80 KB each are 4 MB in one request, which Xero refuses above
	3.5 MB: they go in requests under the limit, and every one is created."""
	from xero_connector.xero.client import MAX_BODY_BYTES

	sent = wire_bodies(monkeypatch)
	run = uuid.uuid4().hex[:6]
	invoices = []
	for i in range(50):
		doc = invoice(f"BIG{run}-{i:02d}")
		doc["LineItems"] = [
			dict(doc["LineItems"][0], Description=f"Line {n} " + "x" * 3900) for n in range(20)
		]
		invoices.append(doc)

	results = client.create_invoices(invoices, idempotency_key=f"big:{run}")

	assert all(r.ok for r in results), [r.messages for r in results if not r.ok][:2]
	assert [r.index for r in results] == list(range(50))
	writes = [b for b in sent if run.encode() in b]
	assert len(writes) >= 2 and all(len(b) < MAX_BODY_BYTES for b in writes), [len(b) for b in writes]


def test_an_element_over_the_limit_fails_alone_and_the_rest_are_sent(client):
	run = uuid.uuid4().hex[:6]
	huge = invoice(f"HUGE{run}")
	huge["LineItems"] = [dict(huge["LineItems"][0], Description="y" * 3900) for _ in range(900)]
	results = client.create_invoices(
		[invoice(f"OK{run}-1"), huge, invoice(f"OK{run}-2")], idempotency_key=f"huge:{run}"
	)
	assert [r.ok for r in results] == [True, False, True]
	assert results[1].entry.key == "request_too_large" and "3.5 MB" in results[1].messages[0]
