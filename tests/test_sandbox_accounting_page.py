"""The sandbox's read-only web page (issue 2, point 11) shows what arrived."""

import requests

from xero_connector.sandbox.inprocess import InProcessClient
from xero_connector.sandbox.page import render_index


def test_page_lists_invoices_credit_notes_payments_allocations_and_contacts():
	client = InProcessClient()
	boom = client.get("/Contacts", params={"where": 'Name=="Boom FM"'}).json()["Contacts"][0]["ContactID"]
	line = [{"Description": "x", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}]
	common = {
		"Contact": {"ContactID": boom},
		"Status": "AUTHORISED",
		"DueDate": "2026-02-01",
		"LineItems": line,
	}
	invoice = client.put("/Invoices", json={"Type": "ACCREC", "InvoiceNumber": "PG-<1>", **common}).json()
	invoice_id = invoice["Invoices"][0]["InvoiceID"]
	note = client.put(
		"/CreditNotes", json={"Type": "ACCRECCREDIT", "CreditNoteNumber": "PG-CN", **common}
	).json()
	note_id = note["CreditNotes"][0]["CreditNoteID"]
	allocation = {"Invoice": {"InvoiceID": invoice_id}, "Amount": 15, "Date": "2026-01-02"}
	assert (
		client.put(f"/CreditNotes/{note_id}/Allocations", json={"Allocations": [allocation]}).status_code
		== 200
	)
	payment = {
		"Invoice": {"InvoiceID": invoice_id},
		"Account": {"Code": "090"},
		"Amount": 20,
		"Reference": "dep-77",
	}
	assert client.put("/Payments", json=payment).status_code == 200

	page = render_index([client.org])

	assert page.startswith("<!doctype html>") and "<script" not in page
	assert "PG-&lt;1&gt;" in page and "PG-<1>" not in page  # escaped
	assert "PG-CN" in page and "dep-77" in page and "Boom FM" in page
	assert "80.00" in page  # amount due after 15 credited and 20 paid on 115
	assert "Credit-note allocations (1)" in page and "Payments (1)" in page
	assert client.org.name in page


def test_page_with_nothing_yet():
	page = render_index([InProcessClient().org])
	assert "Invoices (0)" in page and "None yet." in page
	assert "No organisations." in render_index([])


def test_page_is_served_at_the_root_over_http(sandbox, xero_http):
	boom = xero_http.get("/Contacts", params={"where": 'Name=="Boom FM"'}).json()["Contacts"][0]["ContactID"]
	line = [{"Description": "x", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}]
	body = {"Type": "ACCREC", "InvoiceNumber": "WEB-42", "Contact": {"ContactID": boom}, "LineItems": line}
	assert xero_http.put("/Invoices", json=body).status_code == 200
	page = requests.get(sandbox.url + "/", timeout=10)
	assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
	assert "WEB-42" in page.text and "Boom FM" in page.text
