"""Sandbox ``/Quotes`` (issue 6): create, create-or-update by QuoteNumber, status rules,
totals, filters and paging, in the shapes of Xero's OpenAPI spec."""

from pathlib import Path

import pytest

SPEC = Path(__file__).resolve().parents[2] / "shared" / "xero-openapi" / "xero_accounting.yaml"


def contact_id(xero, name="Boom FM"):
	return xero.get("/Contacts", params={"where": f'Name=="{name}"'}).json()["Contacts"][0]["ContactID"]


def quote(xero, number="QU-T1", method="put", status=None, **extra):
	body = {
		"QuoteNumber": number,
		"Contact": {"ContactID": contact_id(xero)},
		"Date": "2026-03-01",
		"ExpiryDate": "2026-03-31",
		"LineItems": [{"Description": "Design work", "Quantity": 2, "UnitAmount": 150, "TaxType": "OUTPUT2"}],
		**({"Status": status} if status else {}),
		**extra,
	}
	return getattr(xero, method)("/Quotes", json={"Quotes": [body]}, params={"summarizeErrors": "false"})


def set_status(xero, quote_id, status):
	return xero.post(
		f"/Quotes/{quote_id}", json={"Quotes": [{"Status": status}]}, params={"summarizeErrors": "false"}
	)


def only(answer):
	assert answer.status_code == 200, answer.text
	(element,) = answer.json()["Quotes"]
	return element


def messages(element):
	return [e["Message"] for e in element.get("ValidationErrors", [])]


def test_put_creates_a_draft_quote_with_xeros_totals(xero_http):
	q = only(quote(xero_http))
	assert q["StatusAttributeString"] == "OK"
	assert (q["QuoteNumber"], q["Status"], q["LineAmountTypes"]) == ("QU-T1", "DRAFT", "EXCLUSIVE")
	assert (q["SubTotal"], q["TotalTax"], q["Total"]) == (300.0, 45.0, 345.0)
	assert q["DateString"].startswith("2026-03-01") and q["ExpiryDateString"].startswith("2026-03-31")
	fetched = xero_http.get(f"/Quotes/{q['QuoteID']}").json()["Quotes"][0]
	assert fetched["Total"] == 345.0 and fetched["Contact"]["Name"] == "Boom FM"


def test_put_refuses_a_number_in_use_and_post_updates_it(xero_http):
	first = only(quote(xero_http, "QU-T2"))
	again = only(quote(xero_http, "QU-T2"))
	assert messages(again) == ["Quote number must be unique."]
	updated = only(
		quote(
			xero_http,
			"QU-T2",
			method="post",
			status="SENT",
			LineItems=[
				{"Description": "Design work", "Quantity": 3, "UnitAmount": 150, "TaxType": "OUTPUT2"}
			],
		)
	)
	assert updated["QuoteID"] == first["QuoteID"]
	assert (updated["Status"], updated["Total"]) == ("SENT", 517.5)
	listed = xero_http.get("/Quotes", params={"QuoteNumber": "qu-t2"}).json()["Quotes"]
	assert [q["QuoteID"] for q in listed] == [first["QuoteID"]]


def test_required_fields_and_empty_bodies(xero_http):
	answer = xero_http.put("/Quotes", json={"Quotes": [{"QuoteNumber": "QU-X"}]})
	assert answer.status_code == 400
	found = [e["Message"] for el in answer.json()["Elements"] for e in el["ValidationErrors"]]
	assert "A Contact must be specified for this type of transaction" in found
	assert "One or more line items must be specified" in found
	empty = xero_http.put("/Quotes", json={"Quotes": []})
	assert empty.status_code == 400
	assert "You must supply at least one quote for creation" in empty.text


def test_status_rules(xero_http):
	q = only(quote(xero_http, "QU-T3", status="SENT"))
	accepted = only(set_status(xero_http, q["QuoteID"], "ACCEPTED"))
	assert accepted["Status"] == "ACCEPTED"
	edit = only(quote(xero_http, "QU-T3", method="post", Reference="changed"))
	assert messages(edit) and "cannot be changed" in messages(edit)[0]
	invoiced = only(set_status(xero_http, q["QuoteID"], "INVOICED"))
	assert invoiced["Status"] == "INVOICED"
	deleted = only(set_status(xero_http, q["QuoteID"], "DELETED"))
	assert messages(deleted) == ["The quote status cannot be changed from INVOICED to DELETED."]
	assert only(quote(xero_http, "QU-T4", status="ACCEPTED"))["ValidationErrors"]


def test_filters_paging_and_unknown_ids(xero_http):
	for n in range(3):
		only(quote(xero_http, f"QU-P{n}", status="SENT" if n else None))
	sent = xero_http.get("/Quotes", params={"Status": "SENT"}).json()["Quotes"]
	assert sorted(q["QuoteNumber"] for q in sent) == ["QU-P1", "QU-P2"]
	page = xero_http.get("/Quotes", params={"page": 1, "order": "QuoteNumber DESC"}).json()
	assert [q["QuoteNumber"] for q in page["Quotes"]] == ["QU-P2", "QU-P1", "QU-P0"]
	assert (
		xero_http.get("/Quotes", params={"ContactID": contact_id(xero_http, "City Agency")}).json()["Quotes"]
		== []
	)
	assert xero_http.get("/Quotes/00000000-0000-0000-0000-000000000001").status_code == 404


def test_quote_matches_the_openapi_schema(xero_http):
	if not SPEC.exists():
		pytest.skip(f"Xero's OpenAPI spec is not at {SPEC}")
	import yaml
	from openapi_schema_validator import OAS30Validator

	spec = yaml.safe_load(SPEC.read_text())
	schema = {"$ref": "#/components/schemas/Quotes", "components": spec["components"]}
	body = xero_http.get("/Quotes").json() if only(quote(xero_http, "QU-S1")) else None
	OAS30Validator(schema).validate({"Quotes": body["Quotes"]})
