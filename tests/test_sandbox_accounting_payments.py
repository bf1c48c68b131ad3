"""Sandbox payments and credit-note allocations (issue 2, point 7)."""

import pytest


def messages(element):
	return [e["Message"] for e in element.get("ValidationErrors", [])]


def contact_id(xero, name="Boom FM"):
	return xero.get("/Contacts", params={"where": f'Name=="{name}"'}).json()["Contacts"][0]["ContactID"]


def document(xero, path, number, status="AUTHORISED", unit=100, contact="Boom FM", currency="NZD"):
	body = {
		"Type": "ACCREC" if path == "/Invoices" else "ACCRECCREDIT",
		"Contact": {"ContactID": contact_id(xero, contact)},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": status,
		"CurrencyCode": currency,
		"LineItems": [{"Description": "Work", "Quantity": 1, "UnitAmount": unit, "AccountCode": "200"}],
	}
	body["InvoiceNumber" if path == "/Invoices" else "CreditNoteNumber"] = number
	response = xero.put(path, json={path.strip("/"): [body]})
	assert response.status_code == 200, response.text
	return response.json()[path.strip("/")][0]


def pay(xero, invoice_id, amount, account=None, **extra):
	payment = {
		"Invoice": {"InvoiceID": invoice_id},
		"Account": {"Code": "090"} if account is None else account,
		"Amount": amount,
		"Date": "2026-01-20",
		**extra,
	}
	return xero.put("/Payments", json=payment)


def get_invoice(xero, invoice_id):
	return xero.get(f"/Invoices/{invoice_id}").json()["Invoices"][0]


# ---- payments -------------------------------------------------------------------------


def test_part_payment_then_settlement_marks_paid(xero):
	invoice = document(xero, "/Invoices", "P-1")
	first = pay(xero, invoice["InvoiceID"], 15)
	assert first.status_code == 200
	payment = first.json()["Payments"][0]
	assert (payment["Amount"], payment["Status"], payment["PaymentType"]) == (
		15.0,
		"AUTHORISED",
		"ACCRECPAYMENT",
	)
	assert payment["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
	part = get_invoice(xero, invoice["InvoiceID"])
	assert (part["Status"], part["AmountDue"], part["AmountPaid"]) == ("AUTHORISED", 100.0, 15.0)
	assert "FullyPaidOnDate" not in part
	assert pay(xero, invoice["InvoiceID"], 100).status_code == 200
	paid = get_invoice(xero, invoice["InvoiceID"])
	assert (paid["Status"], paid["AmountDue"], paid["AmountPaid"]) == ("PAID", 0.0, 115.0)
	assert paid["FullyPaidOnDate"] == "/Date(1768867200000+0000)/"  # 2026-01-20
	assert len(paid["Payments"]) == 2


def test_payment_into_a_payments_enabled_account(xero):
	invoice = document(xero, "/Invoices", "P-2")
	assert pay(xero, invoice["InvoiceID"], 10, {"Code": "840"}).status_code == 200


@pytest.mark.parametrize(
	"setup, amount, account, expected",
	[
		("AUTHORISED", 200, None, "Payment amount exceeds the amount outstanding on this document"),
		("DRAFT", 10, None, "Payments can only be made against Authorised documents"),
		("AUTHORISED", 10, {"Code": "200"}, None),
		("AUTHORISED", 10, {}, "You must specify an Account code or Account ID for the payment"),
		("AUTHORISED", 0, None, None),
	],
)
def test_payment_validation(xero, setup, amount, account, expected):
	invoice = document(xero, "/Invoices", f"P-V-{setup}-{amount}-{bool(account)}", status=setup)
	response = pay(xero, invoice["InvoiceID"], amount, account)
	assert response.status_code == 400
	found = messages(response.json()["Elements"][0])
	assert found and (expected is None or expected in found)
	assert get_invoice(xero, invoice["InvoiceID"])["AmountPaid"] == 0.0


def test_deleting_a_payment_reverts_the_invoice(xero):
	invoice = document(xero, "/Invoices", "P-DEL")
	payment = pay(xero, invoice["InvoiceID"], 115).json()["Payments"][0]
	assert get_invoice(xero, invoice["InvoiceID"])["Status"] == "PAID"
	deleted = xero.post(f"/Payments/{payment['PaymentID']}", json={"Status": "DELETED"})
	assert deleted.status_code == 200
	assert deleted.json()["Payments"][0]["Status"] == "DELETED"
	back = get_invoice(xero, invoice["InvoiceID"])
	assert (back["Status"], back["AmountDue"], back["AmountPaid"], back["Payments"]) == (
		"AUTHORISED",
		115.0,
		0.0,
		[],
	)
	assert "FullyPaidOnDate" not in back
	# once its payment is gone the invoice can be voided
	voided = xero.post(f"/Invoices/{invoice['InvoiceID']}", json={"Status": "VOIDED"})
	assert voided.status_code == 200


def test_get_payments_lists_and_filters(xero):
	invoice = document(xero, "/Invoices", "P-LIST")
	payment = pay(xero, invoice["InvoiceID"], 5, Reference="bank ref 1").json()["Payments"][0]
	listed = xero.get("/Payments", params={"where": 'Reference=="bank ref 1"'}).json()["Payments"]
	assert [p["PaymentID"] for p in listed] == [payment["PaymentID"]]
	one = xero.get(f"/Payments/{payment['PaymentID']}").json()["Payments"][0]
	assert one["Amount"] == 5.0 and one["Account"]["Code"] == "090"
	later = xero.get("/Payments", headers={"If-Modified-Since": "2999-01-01T00:00:00"}).json()["Payments"]
	assert later == []


def test_foreign_currency_payment_records_the_rate(xero):
	body_rate = 0.6
	invoice = document(xero, "/Invoices", "P-USD", currency="USD")
	payment = pay(xero, invoice["InvoiceID"], 60, CurrencyRate=body_rate).json()["Payments"][0]
	assert payment["CurrencyRate"] == body_rate
	assert payment["BankAmount"] == 100.0  # 60 USD at 0.6 USD per NZD


# ---- allocations ----------------------------------------------------------------------


def allocate(xero, note_id, invoice_id, amount):
	body = {"Allocations": [{"Invoice": {"InvoiceID": invoice_id}, "Amount": amount, "Date": "2026-01-21"}]}
	return xero.put(f"/CreditNotes/{note_id}/Allocations", json=body)


def test_allocation_settles_invoice_and_uses_up_credit(xero):
	invoice = document(xero, "/Invoices", "A-INV", unit=100)
	note = document(xero, "/CreditNotes", "A-CN", unit=40)
	response = allocate(xero, note["CreditNoteID"], invoice["InvoiceID"], 46)
	assert response.status_code == 200, response.text
	allocation = response.json()["Allocations"][0]
	assert allocation["Amount"] == 46.0 and allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
	after = get_invoice(xero, invoice["InvoiceID"])
	assert (after["AmountDue"], after["AmountCredited"], after["Status"]) == (69.0, 46.0, "AUTHORISED")
	assert after["CreditNotes"][0]["CreditNoteID"] == note["CreditNoteID"]
	used = xero.get(f"/CreditNotes/{note['CreditNoteID']}").json()["CreditNotes"][0]
	assert (used["RemainingCredit"], used["Status"]) == (0.0, "PAID")
	assert used["Allocations"][0]["Amount"] == 46.0


def test_allocation_that_pays_off_the_invoice(xero):
	invoice = document(xero, "/Invoices", "A-FULL", unit=40)
	note = document(xero, "/CreditNotes", "A-FULLCN", unit=100)
	assert allocate(xero, note["CreditNoteID"], invoice["InvoiceID"], 46).status_code == 200
	assert get_invoice(xero, invoice["InvoiceID"])["Status"] == "PAID"
	again = allocate(xero, note["CreditNoteID"], invoice["InvoiceID"], 1)
	assert messages(again.json()["Elements"][0]) == [
		"The invoice you are trying to allocate to has already been paid off"
	]


def test_allocation_rules(xero):
	invoice = document(xero, "/Invoices", "A-RULES", unit=10)
	note = document(xero, "/CreditNotes", "A-RULESCN", unit=100)
	too_much = allocate(xero, note["CreditNoteID"], invoice["InvoiceID"], 50)
	assert messages(too_much.json()["Elements"][0]) == [
		"Credit Note cannot be allocated as amount is greater than amount outstanding"
	]
	draft = document(xero, "/CreditNotes", "A-DRAFTCN", status="DRAFT")
	assert allocate(xero, draft["CreditNoteID"], invoice["InvoiceID"], 1).status_code == 400
	other = document(xero, "/Invoices", "A-OTHER", contact="City Agency")
	assert allocate(xero, note["CreditNoteID"], other["InvoiceID"], 1).status_code == 400
	usd = document(xero, "/Invoices", "A-USD", currency="USD")
	assert allocate(xero, note["CreditNoteID"], usd["InvoiceID"], 1).status_code == 400
	small = document(xero, "/CreditNotes", "A-SMALLCN", unit=1)
	big = document(xero, "/Invoices", "A-BIG", unit=100)
	assert allocate(xero, small["CreditNoteID"], big["InvoiceID"], 5).status_code == 400
	assert get_invoice(xero, invoice["InvoiceID"])["AmountCredited"] == 0.0


def test_allocating_an_unknown_credit_note_is_404(xero):
	invoice = document(xero, "/Invoices", "A-404")
	response = allocate(xero, "8f8d1f1e-0000-4000-8000-000000000000", invoice["InvoiceID"], 1)
	assert response.status_code == 404


def test_allocated_credit_note_cannot_be_voided(xero):
	invoice = document(xero, "/Invoices", "A-V")
	note = document(xero, "/CreditNotes", "A-VCN", unit=10)
	assert allocate(xero, note["CreditNoteID"], invoice["InvoiceID"], 5).status_code == 200
	refused = xero.post(f"/CreditNotes/{note['CreditNoteID']}", json={"Status": "VOIDED"})
	assert messages(refused.json()["Elements"][0]) == [
		"This document cannot be edited as it has a payment or credit note allocated to it."
	]
