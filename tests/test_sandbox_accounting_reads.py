"""Sandbox reads (issue 2, point 8): filters, If-Modified-Since, paging, dates and reference data."""

import re
from datetime import datetime, timedelta, timezone

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.inprocess import InProcessClient
from xero_connector.sandbox.seed import demo_organisation
from xero_connector.sandbox.state import Organisation


def contact_id(xero, name="Boom FM"):
	return xero.get("/Contacts", params={"where": f'Name=="{name}"'}).json()["Contacts"][0]["ContactID"]


def make_invoices(xero, prefix, count, status="AUTHORISED", contact="Boom FM"):
	batch = [
		{
			"Type": "ACCREC",
			"InvoiceNumber": f"{prefix}-{i:03d}",
			"Contact": {"ContactID": contact_id(xero, contact)},
			"Date": "2026-01-05",
			"DueDate": "2026-02-05",
			"Status": status,
			"LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10 + i, "AccountCode": "200"}],
		}
		for i in range(count)
	]
	response = xero.put("/Invoices", json={"Invoices": batch})
	assert response.status_code == 200, response.text
	return response.json()["Invoices"]


def ms(value: str) -> datetime:
	return datetime.fromtimestamp(int(re.match(r"/Date\((\d+)", value).group(1)) / 1000, tz=timezone.utc)


def numbers(response):
	assert response.status_code == 200, response.text
	return sorted(i["InvoiceNumber"] for i in response.json()["Invoices"])


def test_filters_by_statuses_ids_numbers_and_contacts(xero):
	authorised = make_invoices(xero, "R-A", 2)
	drafts = make_invoices(xero, "R-D", 1, status="DRAFT", contact="City Agency")
	assert numbers(xero.get("/Invoices", params={"Statuses": "DRAFT", "searchTerm": "R-"})) == ["R-D-000"]
	ids = ",".join(i["InvoiceID"] for i in authorised)
	assert numbers(xero.get("/Invoices", params={"IDs": ids})) == ["R-A-000", "R-A-001"]
	assert numbers(xero.get("/Invoices", params={"InvoiceNumbers": "R-A-001,R-D-000"})) == [
		"R-A-001",
		"R-D-000",
	]
	by_contact = xero.get(
		"/Invoices", params={"ContactIDs": drafts[0]["Contact"]["ContactID"], "searchTerm": "R-"}
	)
	assert numbers(by_contact) == ["R-D-000"]
	where = xero.get(
		"/Invoices", params={"where": 'Status=="AUTHORISED" AND InvoiceNumber.StartsWith("R-A")'}
	)
	assert numbers(where) == ["R-A-000", "R-A-001"]
	amount = xero.get("/Invoices", params={"where": 'AmountDue>12 AND InvoiceNumber.StartsWith("R-")'})
	assert numbers(amount) == ["R-A-001"]


def test_paging_returns_the_pagination_object_and_line_items(xero):
	make_invoices(xero, "R-P", 5)
	page = xero.get(
		"/Invoices", params={"page": 2, "pageSize": 2, "where": 'InvoiceNumber.StartsWith("R-P")'}
	)
	body = page.json()
	assert body["pagination"] == {"page": 2, "pageSize": 2, "pageCount": 3, "itemCount": 5}
	assert [i["InvoiceNumber"] for i in body["Invoices"]] == ["R-P-002", "R-P-003"]
	assert body["Invoices"][0]["LineItems"][0]["Description"] == "x"
	unpaged = xero.get("/Invoices", params={"where": 'InvoiceNumber.StartsWith("R-P")'}).json()
	assert "pagination" not in unpaged and "LineItems" not in unpaged["Invoices"][0]
	capped = xero.get("/Invoices", params={"page": 1, "pageSize": 5000}).json()
	assert capped["pagination"]["pageSize"] == 1000


def test_order_by_updated_date_and_number(xero):
	make_invoices(xero, "R-O", 3)
	descending = xero.get(
		"/Invoices", params={"order": "InvoiceNumber DESC", "where": 'InvoiceNumber.StartsWith("R-O")'}
	)
	assert [i["InvoiceNumber"] for i in descending.json()["Invoices"]] == ["R-O-002", "R-O-001", "R-O-000"]
	by_update = xero.get("/Invoices", params={"order": "UpdatedDateUTC", "page": 1})
	stamps = [ms(i["UpdatedDateUTC"]) for i in by_update.json()["Invoices"]]
	assert stamps == sorted(stamps)


def test_if_modified_since_is_strictly_later_to_the_second(xero):
	invoice = make_invoices(xero, "R-M", 1)[0]
	updated = ms(invoice["UpdatedDateUTC"])
	before = (updated - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
	after = (updated + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
	found = xero.get("/Invoices", params={"InvoiceNumbers": "R-M-000"}, headers={"If-Modified-Since": before})
	assert numbers(found) == ["R-M-000"]
	none = xero.get("/Invoices", params={"InvoiceNumbers": "R-M-000"}, headers={"If-Modified-Since": after})
	assert numbers(none) == []


def test_dates_use_xero_ms_format_with_string_companions(xero):
	invoice = make_invoices(xero, "R-DT", 1)[0]
	assert re.fullmatch(r"/Date\(\d+\+0000\)/", invoice["Date"])
	assert invoice["DateString"] == "2026-01-05T00:00:00"
	assert re.fullmatch(r"/Date\(\d+\+0000\)/", invoice["UpdatedDateUTC"])


def test_reference_data(xero):
	accounts = xero.get("/Accounts").json()["Accounts"]
	by_code = {a["Code"]: a for a in accounts}
	assert by_code["200"]["Class"] == "REVENUE" and by_code["200"]["Name"] == "Sales"
	assert by_code["090"]["Type"] == "BANK" and by_code["090"]["BankAccountNumber"]
	assert by_code["860"]["Name"] == "Rounding" and by_code["860"]["SystemAccount"] == "ROUNDING"
	assert any(a["Status"] == "ARCHIVED" and a["Class"] == "REVENUE" for a in accounts)
	assert any(a.get("EnablePaymentsToAccount") for a in accounts)
	banks = xero.get("/Accounts", params={"where": 'Type=="BANK"'}).json()["Accounts"]
	assert {a["Code"] for a in banks} == {"090", "091"}
	rates = {t["TaxType"]: t for t in xero.get("/TaxRates").json()["TaxRates"]}
	assert rates["OUTPUT2"]["EffectiveRate"] == 15.0 and rates["OUTPUT2"]["Name"] == "GST on Income"
	assert rates["INPUT2"]["CanApplyToRevenue"] is False
	assert {"ZERORATEDOUTPUT", "EXEMPTOUTPUT", "NONE"} <= set(rates)
	assert any(t["Status"] == "ARCHIVED" for t in rates.values())
	currencies = {c["Code"] for c in xero.get("/Currencies").json()["Currencies"]}
	assert currencies == {"NZD", "USD", "AUD", "GBP", "EUR"}
	items = xero.get("/Items").json()["Items"]
	assert {"DevFee", "BOOK"} <= {i["Code"] for i in items}
	org = xero.get("/Organisation").json()["Organisations"][0]
	assert (org["BaseCurrency"], org["CountryCode"], org["Version"]) == ("NZD", "NZ", "NZ")
	assert org["OrganisationID"] and org["ShortCode"] and org["Name"]


def test_unknown_routes_and_records_are_404(xero):
	assert xero.get("/Widgets").status_code == 404
	assert xero.get("/Invoices/does-not-exist").status_code == 404
	assert xero.get("/Invoices/does-not-exist").text == "The resource you're looking for cannot be found"


def test_bad_where_is_a_400(xero):
	assert xero.get("/Invoices", params={"where": 'Status=="AUTHORISED" AND ('}).status_code == 400


# ---- in-process only: events, the wrote flag, time and persistence ----------------


def test_writes_bump_updated_date_and_emit_events():
	clock = ManualClock()
	client = InProcessClient(clock=clock)
	invoice = make_invoices(client, "R-EV", 1, status="DRAFT")[0]
	assert client.api.wrote is True
	assert client.events[-1] == ("INVOICE", invoice["InvoiceID"], "CREATE")
	client.get("/Invoices")
	assert client.api.wrote is False
	clock.advance(90)
	updated = client.post(f"/Invoices/{invoice['InvoiceID']}", json={"Reference": "later"}).json()[
		"Invoices"
	][0]
	assert ms(updated["UpdatedDateUTC"]) - ms(invoice["UpdatedDateUTC"]) == timedelta(seconds=90)
	assert client.events[-1] == ("INVOICE", invoice["InvoiceID"], "UPDATE")
	contact = client.put("/Contacts", json={"Name": "Event Contact"}).json()["Contacts"][0]
	assert client.events[-1] == ("CONTACT", contact["ContactID"], "CREATE")


def test_failed_writes_do_not_write():
	client = InProcessClient()
	response = client.put("/Invoices", json={"Type": "ACCREC", "LineItems": []})
	assert response.status_code == 400
	assert client.api.wrote is False and client.events == []


def test_organisation_round_trips_through_to_dict():
	client = InProcessClient()
	make_invoices(client, "R-RT", 2)
	copy = Organisation.from_dict(client.org.to_dict())
	again = InProcessClient(org=copy)
	assert numbers(again.get("/Invoices", params={"searchTerm": "R-RT"})) == ["R-RT-000", "R-RT-001"]
	assert copy.to_dict() == client.org.to_dict()


def test_seed_is_stable_for_a_tenant_and_can_use_another_base_currency():
	tenant = "3f0e8c52-6f4b-4f5e-9a55-5d1c3f7c0a11"
	assert demo_organisation(tenant).to_dict() == demo_organisation(tenant).to_dict()
	aud = demo_organisation(name="Aussie Co", base_currency="AUD")
	client = InProcessClient(org=aud)
	assert client.get("/Organisation").json()["Organisations"][0]["BaseCurrency"] == "AUD"
	assert {c["Code"] for c in client.get("/Currencies").json()["Currencies"]} >= {"AUD", "NZD"}
