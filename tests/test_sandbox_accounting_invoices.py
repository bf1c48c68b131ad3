"""Sandbox invoices and credit notes (issue 2, point 6): batches, Xero's validation messages,
server-computed totals and status rules. Each test runs in-process and, once the platform's
``xero_http`` fixture exists, over real HTTP."""

import pytest

from xero_connector.sandbox.inprocess import InProcessClient

ZERO_ID = "00000000-0000-0000-0000-000000000000"


def contact_id(xero, name="Boom FM"):
	response = xero.get("/Contacts", params={"where": f'Name=="{name}"', "includeArchived": "true"})
	return response.json()["Contacts"][0]["ContactID"]


def invoice(xero, number=None, **overrides):
	body = {
		"Type": "ACCREC",
		"Contact": {"ContactID": contact_id(xero)},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineItems": [
			{
				"Description": "Consulting",
				"Quantity": 2,
				"UnitAmount": 50,
				"AccountCode": "200",
				"TaxType": "OUTPUT2",
			}
		],
		**overrides,
	}
	if number:
		body["InvoiceNumber"] = number
	return body


def credit_note(xero, number=None, **overrides):
	body = invoice(xero, **overrides)
	body["Type"] = "ACCRECCREDIT"
	body.pop("DueDate")
	if number:
		body["CreditNoteNumber"] = number
	return body


def messages(element):
	return [e["Message"] for e in element.get("ValidationErrors", [])]


def put_one(xero, body, path="/Invoices", **params):
	return xero.put(path, json={path.strip("/"): [body]}, params=params or None)


# ---- creating and totals ------------------------------------------------------


def test_put_creates_an_authorised_invoice_with_server_totals(xero):
	response = put_one(xero, invoice(xero, "T-1", Total=999, SubTotal=1))
	assert response.status_code == 200
	body = response.json()
	assert (
		body["Status"] == "OK"
		and body["ProviderName"]
		and body["Id"]
		and body["DateTimeUTC"].startswith("/Date(")
	)
	created = body["Invoices"][0]
	assert created["InvoiceNumber"] == "T-1"
	assert created["Status"] == "AUTHORISED"
	assert (created["SubTotal"], created["TotalTax"], created["Total"]) == (100.0, 15.0, 115.0)
	assert created["AmountDue"] == 115.0 and created["AmountPaid"] == 0.0
	assert created["Date"] == "/Date(1767571200000+0000)/" and created["DateString"] == "2026-01-05T00:00:00"
	assert created["DueDateString"] == "2026-02-05T00:00:00"
	fetched = xero.get(f"/Invoices/{created['InvoiceID']}").json()["Invoices"][0]
	assert fetched["Total"] == 115.0 and fetched["LineItems"][0]["LineAmount"] == 100.0


def test_unitdp_4_keeps_four_decimal_unit_amounts(xero):
	body = invoice(
		xero,
		"T-UDP",
		LineItems=[{"Description": "x", "Quantity": 3, "UnitAmount": 10.1255, "AccountCode": "200"}],
	)
	with_4 = put_one(xero, body, unitdp="4").json()["Invoices"][0]
	assert with_4["LineItems"][0]["UnitAmount"] == 10.1255
	assert with_4["LineItems"][0]["LineAmount"] == 30.38  # 30.3765
	body["InvoiceNumber"] = "T-UDP2"
	with_2 = put_one(xero, body).json()["Invoices"][0]
	assert with_2["LineItems"][0]["UnitAmount"] == 10.13
	assert with_2["LineItems"][0]["LineAmount"] == 30.39


def test_inclusive_and_notax_documents(xero):
	inclusive = put_one(xero, invoice(xero, "T-INC", LineAmountTypes="Inclusive")).json()["Invoices"][0]
	assert (inclusive["SubTotal"], inclusive["TotalTax"], inclusive["Total"]) == (86.96, 13.04, 100.0)
	notax = put_one(xero, invoice(xero, "T-NOTAX", LineAmountTypes="NoTax")).json()["Invoices"][0]
	assert (notax["TotalTax"], notax["Total"]) == (0.0, 100.0)
	assert notax["LineItems"][0]["TaxType"] == "NONE"


def test_client_line_tax_amount_overrides_and_survives_an_update(xero):
	lines = [{"Description": "x", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200", "TaxAmount": 14.99}]
	created = put_one(xero, invoice(xero, "T-TAX", LineItems=lines)).json()["Invoices"][0]
	assert created["TotalTax"] == 14.99 and created["Total"] == 114.99
	updated = xero.post(f"/Invoices/{created['InvoiceID']}", json={"Invoices": [{"DueDate": "2026-03-01"}]})
	assert updated.status_code == 200
	assert updated.json()["Invoices"][0]["Total"] == 114.99


def test_foreign_currency_invoice_keeps_the_rate(xero):
	body = invoice(xero, "T-USD", CurrencyCode="USD", CurrencyRate=0.61)
	created = put_one(xero, body).json()["Invoices"][0]
	assert (created["CurrencyCode"], created["CurrencyRate"]) == ("USD", 0.61)
	default_rate = put_one(xero, invoice(xero, "T-AUD", CurrencyCode="AUD")).json()["Invoices"][0]
	assert default_rate["CurrencyRate"] > 0


def test_missing_number_is_generated(xero):
	created = put_one(xero, invoice(xero)).json()["Invoices"][0]
	assert created["InvoiceNumber"].startswith("INV-")


def test_naming_an_unknown_contact_creates_it(xero):
	created = put_one(xero, invoice(xero, "T-NEWC", Contact={"Name": "Brand New Customer Ltd"})).json()
	contact = created["Invoices"][0]["Contact"]
	assert contact["Name"] == "Brand New Customer Ltd"
	assert xero.get(f"/Contacts/{contact['ContactID']}").status_code == 200


# ---- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
	"change, expected",
	[
		({"AccountCode": "999"}, "Account code '999' is not a valid code for this document."),
		(
			{"AccountCode": "250"},
			"Account code '250' has been archived, or has been deleted. Each line item must reference a valid account.",
		),
		({"AccountCode": "429"}, "Account code '429' is not a valid code for this document."),
		({"AccountCode": "090"}, "Account code '090' is not a valid code for this document."),
		(
			{"TaxType": "BOGUS"},
			"The TaxType code BOGUS does not exist or cannot be used for this type of transaction.",
		),
		(
			{"TaxType": "INPUT2"},
			"The TaxType code INPUT2 does not exist or cannot be used for this type of transaction.",
		),
		(
			{"TaxType": "TAX001"},
			"The TaxType code TAX001 does not exist or cannot be used for this type of transaction.",
		),
		({"TaxType": "INPUT2"}, "The TaxType code 'INPUT2' cannot be used with account code '200'."),
		({"Description": "", "AccountCode": "200"}, "The Description field is mandatory for each line item."),
		({"AccountCode": None}, "Account code or ID must be specified."),
	],
)
def test_line_validation_messages(xero, change, expected):
	line = {
		"Description": "x",
		"Quantity": 1,
		"UnitAmount": 10,
		"AccountCode": "200",
		"TaxType": "OUTPUT2",
		**change,
	}
	line = {k: v for k, v in line.items() if v is not None}
	response = put_one(xero, invoice(xero, "T-BAD", LineItems=[line]))
	assert response.status_code == 400
	body = response.json()
	assert (body["ErrorNumber"], body["Type"], body["Message"]) == (
		10,
		"ValidationException",
		"A validation exception occurred",
	)
	assert expected in messages(body["Elements"][0])
	assert xero.get("/Invoices", params={"InvoiceNumbers": "T-BAD"}).json()["Invoices"] == []


@pytest.mark.parametrize(
	"change, expected",
	[
		({"CurrencyCode": "JPY"}, "Organisation is not subscribed to currency JPY"),
		({"Contact": None}, "A Contact must be specified for this type of transaction"),
		(
			{"Contact": {"ContactID": ZERO_ID}},
			"The contact with the specified contact details could not be found.",
		),
		({"Status": "PAID"}, "Invoice not of valid status for creation"),
		({"LineItems": []}, "One or more line items must be specified"),
		(
			{"LineItems": [{"Description": "refund", "Quantity": 1, "UnitAmount": -5, "AccountCode": "200"}]},
			"The Total for this document must be greater than or equal to zero.",
		),
		({"Date": "31/01/2026"}, "The Date '31/01/2026' is not a valid date."),
	],
)
def test_document_validation_messages(xero, change, expected):
	body = {k: v for k, v in {**invoice(xero, "T-DOC"), **change}.items() if v is not None}
	response = put_one(xero, body)
	assert response.status_code == 400
	assert expected in messages(response.json()["Elements"][0])


def test_archived_contact_is_refused(xero):
	body = invoice(xero, "T-ARCH", Contact={"ContactID": contact_id(xero, "Hamilton Smith Ltd")})
	element = put_one(xero, body).json()["Elements"][0]
	assert messages(element) == [
		"The contact with the specified contact details has been archived. "
		"The contact must be un-archived before creating new invoices or credit notes."
	]


def test_duplicate_invoice_number(xero):
	assert put_one(xero, invoice(xero, "T-DUP")).status_code == 200
	response = put_one(xero, invoice(xero, "T-DUP"))
	assert response.status_code == 400
	element = response.json()["Elements"][0]
	assert messages(element) == ["Invoice # must be unique."]
	assert element["InvoiceID"] == ZERO_ID and element["HasErrors"] is True


def test_summarised_batch_is_400_but_valid_elements_are_created(xero):
	batch = [invoice(xero, "T-B1"), invoice(xero, "T-B2", CurrencyCode="XXX"), invoice(xero, "T-B3")]
	response = xero.put("/Invoices", json={"Invoices": batch})
	assert response.status_code == 400
	elements = response.json()["Elements"]
	assert len(elements) == 1 and elements[0]["InvoiceNumber"] == "T-B2"
	stored = xero.get("/Invoices", params={"InvoiceNumbers": "T-B1,T-B2,T-B3"}).json()["Invoices"]
	assert sorted(i["InvoiceNumber"] for i in stored) == ["T-B1", "T-B3"]


def test_summarize_errors_false_reports_each_element(xero):
	batch = [invoice(xero, "T-S1"), invoice(xero, "T-S1"), invoice(xero, "T-S3", CurrencyCode="XXX")]
	response = xero.put("/Invoices", json={"Invoices": batch}, params={"summarizeErrors": "false"})
	assert response.status_code == 200
	results = response.json()["Invoices"]
	assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR", "ERROR"]
	assert messages(results[1]) == ["Invoice # must be unique."]
	assert messages(results[2]) == ["Organisation is not subscribed to currency XXX"]
	assert "ValidationErrors" not in results[0] and results[0]["InvoiceID"] != ZERO_ID


def test_more_than_50_elements_is_refused_whole(xero):
	batch = [invoice(xero, f"T-MAX-{i}") for i in range(51)]
	response = xero.put("/Invoices", json={"Invoices": batch})
	assert response.status_code == 400
	assert response.json()["Type"] == "ValidationException"
	assert xero.get("/Invoices", params={"InvoiceNumbers": "T-MAX-0"}).json()["Invoices"] == []
	assert xero.put("/Invoices", json={"Invoices": batch[:50]}).status_code == 200


def test_invalid_or_empty_json_is_a_400(xero):
	if isinstance(xero, InProcessClient):
		broken = xero.api.handle("PUT", "/Invoices", {}, {}, b"{not json")
		empty = xero.api.handle("PUT", "/Invoices", {}, {}, b"")
		statuses, bodies = (broken.status, empty.status), (broken.body, empty.body)
	else:
		headers = {"Content-Type": "application/json"}
		responses = [
			xero.request("PUT", "/Invoices", data=data, headers=headers) for data in (b"{not json", b"")
		]
		statuses, bodies = tuple(r.status_code for r in responses), tuple(r.json() for r in responses)
	assert statuses == (400, 400)
	assert all(body["Type"] == "PostDataInvalidException" for body in bodies)


# ---- updates and status rules ------------------------------------------------------


def created(xero, body, path="/Invoices"):
	response = put_one(xero, body, path)
	assert response.status_code == 200, response.text
	return response.json()[path.strip("/")][0]


def set_status(xero, doc_id, status, path="/Invoices"):
	return xero.post(f"{path}/{doc_id}", json={path.strip("/"): [{"Status": status}]})


def test_post_updates_by_number_and_by_id(xero):
	draft = created(xero, invoice(xero, "T-UPD", Status="DRAFT"))
	by_number = xero.post("/Invoices", json={"Invoices": [{"InvoiceNumber": "T-UPD", "Reference": "PO-7"}]})
	assert by_number.status_code == 200
	assert by_number.json()["Invoices"][0]["InvoiceID"] == draft["InvoiceID"]
	lines = [{"Description": "more", "Quantity": 1, "UnitAmount": 200, "AccountCode": "200"}]
	by_id = xero.post("/Invoices", json={"Invoices": [{"InvoiceID": draft["InvoiceID"], "LineItems": lines}]})
	updated = by_id.json()["Invoices"][0]
	assert (updated["Reference"], updated["Total"], updated["Status"]) == ("PO-7", 230.0, "DRAFT")
	assert xero.get("/Invoices/T-UPD").json()["Invoices"][0]["InvoiceID"] == draft["InvoiceID"]


def test_authorised_invoice_can_be_edited_without_payments(xero):
	doc = created(xero, invoice(xero, "T-AEDIT"))
	response = xero.post(f"/Invoices/{doc['InvoiceID']}", json={"DueDate": "2026-04-30"})
	assert response.status_code == 200
	assert response.json()["Invoices"][0]["DueDateString"] == "2026-04-30T00:00:00"


@pytest.mark.parametrize("start", ["DRAFT", "SUBMITTED"])
def test_draft_and_submitted_can_be_deleted_not_voided(xero, start):
	doc = created(xero, invoice(xero, f"T-DEL-{start}", Status=start))
	refused = set_status(xero, doc["InvoiceID"], "VOIDED")
	assert refused.status_code == 400
	assert messages(refused.json()["Elements"][0]) == ["Invoice not of valid status for modification"]
	deleted = set_status(xero, doc["InvoiceID"], "DELETED")
	assert deleted.status_code == 200 and deleted.json()["Invoices"][0]["Status"] == "DELETED"
	# a deleted invoice keeps its number (issue 12: tests/test_sandbox_conformance.py)
	again = put_one(xero, invoice(xero, f"T-DEL-{start}"))
	assert again.status_code == 400
	assert messages(again.json()["Elements"][0]) == ["Invoice # must be unique."]


def test_authorised_can_be_voided_not_deleted_and_void_is_final(xero):
	doc = created(xero, invoice(xero, "T-VOID"))
	refused = set_status(xero, doc["InvoiceID"], "DELETED")
	assert messages(refused.json()["Elements"][0]) == ["Invoice not of valid status for modification"]
	voided = set_status(xero, doc["InvoiceID"], "VOIDED").json()["Invoices"][0]
	assert (voided["Status"], voided["AmountDue"]) == ("VOIDED", 0.0)
	for status in ("AUTHORISED", "DRAFT", "VOIDED"):
		again = set_status(xero, doc["InvoiceID"], status)
		assert messages(again.json()["Elements"][0]) == ["Invoice not of valid status for modification"]


def test_paid_or_part_paid_invoice_cannot_be_voided(xero):
	doc = created(xero, invoice(xero, "T-PP"))
	payment = {
		"Invoice": {"InvoiceID": doc["InvoiceID"]},
		"Account": {"Code": "090"},
		"Amount": 10,
		"Date": "2026-01-10",
	}
	assert xero.put("/Payments", json={"Payments": [payment]}).status_code == 200
	refused = set_status(xero, doc["InvoiceID"], "VOIDED")
	assert refused.status_code == 400
	assert messages(refused.json()["Elements"][0]) == [
		"This document cannot be edited as it has a payment or credit note allocated to it."
	]


# ---- credit notes ----------------------------------------------------------------------


def test_credit_notes_are_created_with_remaining_credit(xero):
	note = created(xero, credit_note(xero, "CN-T1"), "/CreditNotes")
	assert note["Type"] == "ACCRECCREDIT" and note["CreditNoteNumber"] == "CN-T1"
	assert (note["Total"], note["RemainingCredit"], note["Status"]) == (115.0, 115.0, "AUTHORISED")
	assert xero.get(f"/CreditNotes/{note['CreditNoteID']}").json()["CreditNotes"][0]["Total"] == 115.0


def test_credit_note_rules_mirror_invoices(xero):
	created(xero, credit_note(xero, "CN-T2"), "/CreditNotes")
	duplicate = put_one(xero, credit_note(xero, "CN-T2"), "/CreditNotes")
	assert messages(duplicate.json()["Elements"][0]) == ["Credit Note # must be unique."]
	note = created(xero, credit_note(xero, "CN-T3"), "/CreditNotes")
	refused = set_status(xero, note["CreditNoteID"], "DELETED", "/CreditNotes")
	assert messages(refused.json()["Elements"][0]) == ["Credit Note not of valid status for modification"]
	voided = set_status(xero, note["CreditNoteID"], "VOIDED", "/CreditNotes")
	assert voided.json()["CreditNotes"][0]["Status"] == "VOIDED"


def test_wrong_type_is_refused(xero):
	body = invoice(xero, "T-TYPE", Type="ACCPAY")
	assert put_one(xero, body).status_code == 400


def test_a_renumbered_invoice_frees_its_old_number(xero):
	doc = created(xero, invoice(xero, "T-RN1", Status="DRAFT"))
	renamed = xero.post(
		"/Invoices", json={"Invoices": [{"InvoiceID": doc["InvoiceID"], "InvoiceNumber": "T-RN2"}]}
	)
	assert renamed.status_code == 200 and renamed.json()["Invoices"][0]["InvoiceNumber"] == "T-RN2"
	assert xero.get("/Invoices/T-RN2").json()["Invoices"][0]["InvoiceID"] == doc["InvoiceID"]
	assert put_one(xero, invoice(xero, "T-RN1")).status_code == 200
	duplicate = put_one(xero, invoice(xero, "T-RN2"))
	assert messages(duplicate.json()["Elements"][0]) == ["Invoice # must be unique."]


def test_duplicate_numbers_are_caught_across_and_within_batches(xero):
	template = invoice(xero)  # one contact look-up: the HTTP variant runs under Xero's limits

	def numbered(number):
		return {**template, "InvoiceNumber": number}

	for start in range(0, 200, 50):
		batch = [numbered(f"T-BULK-{n:04d}") for n in range(start, start + 50)]
		assert xero.put("/Invoices", json={"Invoices": batch}).status_code == 200
	batch = [numbered("T-BULK-0007"), numbered("T-BULK-NEW"), numbered("T-BULK-NEW")]
	response = xero.put("/Invoices", json={"Invoices": batch}, params={"summarizeErrors": "false"})
	results = response.json()["Invoices"]
	assert [r["StatusAttributeString"] for r in results] == ["ERROR", "OK", "ERROR"]
	assert messages(results[0]) == messages(results[2]) == ["Invoice # must be unique."]
	found = xero.get("/Invoices", params={"InvoiceNumbers": "T-BULK-0199,T-BULK-NEW"}).json()["Invoices"]
	assert sorted(i["InvoiceNumber"] for i in found) == ["T-BULK-0199", "T-BULK-NEW"]
