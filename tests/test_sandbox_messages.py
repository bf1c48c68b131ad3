"""The sandbox answers in Xero's own words (issue 12): each ValidationErrors Message below is the text
Xero returns, with where that text is written down. A connector that matches Xero's messages (the
error catalogue, a person reading the Sync Log) meets the same words in tests as in production."""

import re
from pathlib import Path

import pytest

from xero_connector.sandbox import messages as msg
from xero_connector.sandbox.inprocess import InProcessClient

SPEC = Path(__file__).resolve().parents[2] / "shared" / "xero-openapi" / "xero_accounting.yaml"


def contact_id(xero, name="Boom FM"):
	found = xero.get("/Contacts", params={"where": f'Name=="{name}"', "includeArchived": "true"})
	return found.json()["Contacts"][0]["ContactID"]


def line(**fields):
	return {"Description": "Consulting", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200", **fields}


def invoice(xero, **fields):
	return {
		"Type": "ACCREC",
		"Contact": {"ContactID": contact_id(xero)},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineItems": [line(TaxType="OUTPUT2")],
		**fields,
	}


def messages(response) -> list[str]:
	body = response.json()
	elements = body.get("Elements") or next((v for k, v in body.items() if isinstance(v, list)), [])
	return [e["Message"] for el in elements for e in el.get("ValidationErrors", [])]


@pytest.mark.skipif(not SPEC.exists(), reason="Xero's OpenAPI spec is not beside the project")
@pytest.mark.parametrize(
	"text",
	[
		msg.INVOICE_NUMBER_UNIQUE,  # paths./Invoices/{InvoiceID}.post
		msg.CREDIT_NOTE_NOT_FOUND,  # paths./CreditNotes.put
		msg.PAYMENT_EXCEEDS,  # paths./Payments.put
		msg.contact_name_taken("Buzz Lightyear"),  # paths./Contacts.put
	],
)
def test_the_texts_xeros_openapi_examples_show_are_the_sandboxs(text):
	examples = re.findall(r"- Message: (.+)", SPEC.read_text(encoding="utf-8"))
	assert text in {example.strip().strip('"') for example in examples}


def test_an_authorised_invoice_without_a_due_date():
	"""Xero: "The document DueDate field must be specified." (its answer quoted in
	waynerobinson/xeroizer#290), in an organisation with no default sales terms to fill it."""
	xero = InProcessClient()
	xero.org.profile.pop("PaymentTerms", None)
	body = invoice(xero)
	del body["DueDate"]
	refused = xero.put("/Invoices", json={"Invoices": [body]})
	assert refused.status_code == 400
	assert messages(refused) == ["The document DueDate field must be specified."]


@pytest.mark.parametrize(
	"path, key, expected",
	[
		("/Invoices", "InvoiceID", "An existing Invoice with the specified InvoiceID could not be found"),
		(
			"/CreditNotes",
			"CreditNoteID",
			"An existing Credit Note with the specified CreditNoteID could not be found",
		),
	],
)
def test_an_id_that_is_no_document(xero, path, key, expected):
	"""The credit note's text is xero_accounting.yaml's example for paths./CreditNotes.put; the
	invoice's is its counterpart, as integrators match it in Xero's answers."""
	body = invoice(xero, **{key: "0d1e5a6b-1c2d-4e5f-8a9b-0c1d2e3f4a5b"})
	if key == "CreditNoteID":
		body["Type"] = "ACCRECCREDIT"
	refused = xero.post(path, json={path.strip("/"): [body]})
	assert refused.status_code == 400
	assert messages(refused) == [expected]


def test_a_payment_to_an_account_that_takes_no_payments(xero):
	"""Xero: "Account type is invalid for making a payment to/from" (a revenue account, 200)."""
	made = xero.put("/Invoices", json={"Invoices": [invoice(xero)]}).json()["Invoices"][0]
	payment = {
		"Invoice": {"InvoiceID": made["InvoiceID"]},
		"Account": {"Code": "200"},
		"Date": "2026-01-06",
		"Amount": 10,
	}
	refused = xero.put("/Payments", json={"Payments": [payment]})
	assert refused.status_code == 400
	assert messages(refused) == ["Account type is invalid for making a payment to/from"]


def test_an_edit_of_an_archived_contact(xero):
	"""Xero: "The specified contact details matched an archived contact. Archived contacts cannot
	currently be edited via the API." (integrators quote it verbatim)."""
	archived = contact_id(xero, "Hamilton Smith Ltd")
	refused = xero.post(f"/Contacts/{archived}", json={"EmailAddress": "new@example.com"})
	assert refused.status_code == 400
	assert messages(refused) == [
		"The specified contact details matched an archived contact. "
		"Archived contacts cannot currently be edited via the API."
	]
