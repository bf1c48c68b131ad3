"""The sandbox's Accounting API responses validate against Xero's OpenAPI spec (v16, OAS 3.0).

Every endpoint the sandbox serves is exercised (lists, single records, writes,
summarised 400s and per-element errors) and each JSON body is checked against
the schema the spec gives for that operation's response (``Error`` for 400s).
Skipped when the spec file is absent. The spec is read in place, never copied.
"""

from pathlib import Path

import pytest

SPEC = Path(__file__).resolve().parents[2] / "shared" / "xero-openapi" / "xero_accounting.yaml"
SPEC_URI = "urn:xero-accounting"

# Every (method, path template) the sandbox's Accounting API serves.
SERVED = {
	("GET", "/Invoices"),
	("PUT", "/Invoices"),
	("POST", "/Invoices"),
	("GET", "/Invoices/{InvoiceID}"),
	("POST", "/Invoices/{InvoiceID}"),
	("GET", "/CreditNotes"),
	("PUT", "/CreditNotes"),
	("POST", "/CreditNotes"),
	("GET", "/CreditNotes/{CreditNoteID}"),
	("POST", "/CreditNotes/{CreditNoteID}"),
	("PUT", "/CreditNotes/{CreditNoteID}/Allocations"),
	("GET", "/Payments"),
	("PUT", "/Payments"),
	("POST", "/Payments"),
	("GET", "/Payments/{PaymentID}"),
	("POST", "/Payments/{PaymentID}"),
	("GET", "/Contacts"),
	("PUT", "/Contacts"),
	("POST", "/Contacts"),
	("GET", "/Contacts/{ContactID}"),
	("POST", "/Contacts/{ContactID}"),
	("GET", "/Accounts"),
	("GET", "/Accounts/{AccountID}"),
	("GET", "/TaxRates"),
	("GET", "/Currencies"),
	("GET", "/Items"),
	("GET", "/Items/{ItemID}"),
	("GET", "/Organisation"),
}


@pytest.fixture(scope="module")
def spec():
	if not SPEC.exists():
		pytest.skip(f"Xero's OpenAPI spec is not at {SPEC}; spec conformance not checked")
	import yaml

	loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads the 25k-line spec 4x faster
	return yaml.load(SPEC.read_text(), Loader=loader)


@pytest.fixture(scope="module")
def registry(spec):
	from referencing import Registry, Resource
	from referencing.jsonschema import DRAFT4

	return Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT4))


def schema_ref(spec, method: str, template: str, status: int) -> str:
	"""The component schema the spec documents for this response."""
	if status == 400:
		return "Error"
	responses = spec["paths"][template][method.lower()]["responses"]
	ref = responses[str(status)]["content"]["application/json"]["schema"]["$ref"]
	return ref.split("/")[-1]


def exchanges(xero):
	"""Run one call per served endpoint and outcome; yield (method, template, response)."""
	calls = []

	def call(method, template, path, json=None, params=None):
		response = (
			getattr(xero, method.lower())(path, json=json, params=params)
			if method != "GET"
			else xero.get(path, params=params)
		)
		calls.append((method, template, response))
		return response

	boom = call("GET", "/Contacts", "/Contacts", params={"where": 'Name=="Boom FM"'}).json()["Contacts"][0]
	contact_ref = {"ContactID": boom["ContactID"]}
	call("GET", "/Contacts", "/Contacts", params={"page": 1, "includeArchived": "true"})
	call("GET", "/Contacts/{ContactID}", f"/Contacts/{boom['ContactID']}")
	made = call(
		"PUT", "/Contacts", "/Contacts", json={"Contacts": [{"Name": "Spec Ltd", "AccountNumber": "SPEC1"}]}
	)
	spec_contact = made.json()["Contacts"][0]["ContactID"]
	call("PUT", "/Contacts", "/Contacts", json={"Contacts": [{"Name": "Boom FM"}]})  # 400
	call(
		"POST",
		"/Contacts",
		"/Contacts",
		json={"Contacts": [{"ContactID": spec_contact, "EmailAddress": "a@b.c"}]},
	)
	call(
		"POST",
		"/Contacts",
		"/Contacts",
		json={"Contacts": [{"Name": "Spec Two"}, {"Name": "x", "AccountNumber": "SPEC1"}]},
		params={"summarizeErrors": "false"},
	)
	call(
		"POST",
		"/Contacts/{ContactID}",
		f"/Contacts/{spec_contact}",
		json={"Contacts": [{"FirstName": "Sam"}]},
	)

	line = {
		"Description": "Spec work",
		"Quantity": 2,
		"UnitAmount": 12.3456,
		"AccountCode": "200",
		"TaxType": "OUTPUT2",
	}
	base = {"Contact": contact_ref, "Date": "2026-01-05", "DueDate": "2026-02-05", "LineItems": [line]}
	invoice_body = {"Type": "ACCREC", "InvoiceNumber": "SPEC-1", "Status": "AUTHORISED", **base}
	invoice = call("PUT", "/Invoices", "/Invoices", json={"Invoices": [invoice_body]}, params={"unitdp": 4})
	invoice_id = invoice.json()["Invoices"][0]["InvoiceID"]
	call("PUT", "/Invoices", "/Invoices", json={"Invoices": [invoice_body]})  # duplicate number: 400
	bad_line = {**line, "AccountCode": "999"}
	call(
		"POST",
		"/Invoices",
		"/Invoices",
		json={
			"Invoices": [
				{**invoice_body, "InvoiceNumber": "SPEC-2", "Status": "DRAFT"},
				{**invoice_body, "InvoiceNumber": "SPEC-3", "LineItems": [bad_line]},
			]
		},
		params={"summarizeErrors": "false"},
	)
	call("POST", "/Invoices/{InvoiceID}", f"/Invoices/{invoice_id}", json={"Invoices": [{"Reference": "R1"}]})
	call("GET", "/Invoices", "/Invoices")
	call("GET", "/Invoices", "/Invoices", params={"page": 1, "pageSize": 10, "Statuses": "AUTHORISED,DRAFT"})
	call("GET", "/Invoices/{InvoiceID}", f"/Invoices/{invoice_id}", params={"unitdp": 4})

	note_body = {"Type": "ACCRECCREDIT", "CreditNoteNumber": "SPEC-CN", "Status": "AUTHORISED", **base}
	note = call("PUT", "/CreditNotes", "/CreditNotes", json={"CreditNotes": [note_body]})
	note_id = note.json()["CreditNotes"][0]["CreditNoteID"]
	call("PUT", "/CreditNotes", "/CreditNotes", json={"CreditNotes": [note_body]})  # 400
	draft_note = {**note_body, "CreditNoteNumber": "SPEC-CN2", "Status": "DRAFT"}
	created_draft = call("POST", "/CreditNotes", "/CreditNotes", json={"CreditNotes": [draft_note]})
	draft_id = created_draft.json()["CreditNotes"][0]["CreditNoteID"]
	call(
		"POST",
		"/CreditNotes/{CreditNoteID}",
		f"/CreditNotes/{draft_id}",
		json={"CreditNotes": [{"Status": "DELETED"}]},
	)
	allocation = {"Invoice": {"InvoiceID": invoice_id}, "Amount": 5, "Date": "2026-01-06"}
	call(
		"PUT",
		"/CreditNotes/{CreditNoteID}/Allocations",
		f"/CreditNotes/{note_id}/Allocations",
		json={"Allocations": [allocation]},
	)
	too_much = {**allocation, "Amount": 9999}
	call(
		"PUT",
		"/CreditNotes/{CreditNoteID}/Allocations",
		f"/CreditNotes/{note_id}/Allocations",
		json={"Allocations": [too_much]},
	)
	call("GET", "/CreditNotes", "/CreditNotes", params={"page": 1})
	call("GET", "/CreditNotes", "/CreditNotes")
	call("GET", "/CreditNotes/{CreditNoteID}", f"/CreditNotes/{note_id}")

	payment = {
		"Invoice": {"InvoiceID": invoice_id},
		"Account": {"Code": "090"},
		"Amount": 10,
		"Date": "2026-01-07",
	}
	paid = call("PUT", "/Payments", "/Payments", json={"Payments": [payment]})
	payment_id = paid.json()["Payments"][0]["PaymentID"]
	call("PUT", "/Payments", "/Payments", json={"Payments": [{**payment, "Amount": 99999}]})  # 400
	call(
		"POST",
		"/Payments",
		"/Payments",
		json={"Payments": [{**payment, "Amount": 1}]},
		params={"summarizeErrors": "false"},
	)
	call("GET", "/Payments", "/Payments", params={"page": 1})
	call("GET", "/Payments/{PaymentID}", f"/Payments/{payment_id}")
	call("POST", "/Payments/{PaymentID}", f"/Payments/{payment_id}", json={"Status": "DELETED"})
	call("GET", "/Invoices/{InvoiceID}", f"/Invoices/{invoice_id}")

	accounts = call("GET", "/Accounts", "/Accounts").json()["Accounts"]
	call("GET", "/Accounts/{AccountID}", f"/Accounts/{accounts[0]['AccountID']}")
	call("GET", "/TaxRates", "/TaxRates")
	call("GET", "/Currencies", "/Currencies")
	items = call("GET", "/Items", "/Items").json()["Items"]
	call("GET", "/Items/{ItemID}", f"/Items/{items[0]['ItemID']}")
	call("GET", "/Organisation", "/Organisation")
	return calls


def test_every_served_endpoint_matches_the_spec(xero, spec, registry):
	from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

	calls = exchanges(xero)
	assert {(m, t) for m, t, _ in calls} == SERVED, "the scenario must exercise every served endpoint"
	statuses = {r.status_code for _, _, r in calls}
	assert statuses == {200, 400}, statuses
	problems = []
	for method, template, response in calls:
		name = schema_ref(spec, method, template, response.status_code)
		validator = OAS30ReadValidator(
			{"$ref": f"{SPEC_URI}#/components/schemas/{name}"},
			registry=registry,
			format_checker=oas30_format_checker,
		)
		for error in validator.iter_errors(response.json()):
			where = "/".join(str(p) for p in error.absolute_path)
			problems.append(
				f"{method} {template} {response.status_code} [{name}] at {where}: {error.message}"
			)
	assert not problems, "\n".join(problems[:40])


def test_spec_documents_every_served_operation(spec):
	for method, template in SERVED:
		assert method.lower() in spec["paths"][template], (method, template)
