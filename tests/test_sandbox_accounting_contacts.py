"""Sandbox contacts (issue 2, point 5): create, update, look-ups, uniqueness and archived contacts."""

NAME_TAKEN = (
	"The contact name {} is already assigned to another contact. "
	"The contact name must be unique across all active contacts."
)
ACCOUNT_NUMBER_EXISTS = "The Account Number already exists. Please enter a different Account Number."


def messages(element):
	return [e["Message"] for e in element.get("ValidationErrors", [])]


def create(xero, **fields):
	response = xero.put("/Contacts", json={"Contacts": [fields]})
	assert response.status_code == 200, response.text
	return response.json()["Contacts"][0]


def contacts(xero, **params):
	response = xero.get("/Contacts", params=params)
	assert response.status_code == 200, response.text
	return response.json()["Contacts"]


def test_put_creates_and_get_reads_one(xero):
	made = create(xero, Name="Kiwi Widgets Ltd", AccountNumber="KIWI-1", EmailAddress="ap@kiwi.example")
	assert made["ContactStatus"] == "ACTIVE" and made["UpdatedDateUTC"].startswith("/Date(")
	fetched = xero.get(f"/Contacts/{made['ContactID']}").json()["Contacts"][0]
	assert (fetched["Name"], fetched["AccountNumber"]) == ("Kiwi Widgets Ltd", "KIWI-1")


def test_where_by_account_number_name_and_status(xero):
	made = create(xero, Name="Tui Traders", AccountNumber="TUI-9")
	assert [c["ContactID"] for c in contacts(xero, where='AccountNumber=="TUI-9"')] == [made["ContactID"]]
	assert [c["ContactID"] for c in contacts(xero, where='Name=="Tui Traders"')] == [made["ContactID"]]
	both = contacts(xero, where='AccountNumber=="TUI-9" AND ContactStatus=="ACTIVE"')
	assert [c["ContactID"] for c in both] == [made["ContactID"]]
	assert contacts(xero, where='AccountNumber=="TUI-9" AND Name=="Someone Else"') == []


def test_search_term_ids_and_paging(xero):
	first = create(xero, Name="Pohutukawa Plumbing")
	second = create(xero, Name="Pohutukawa Painting")
	found = {c["ContactID"] for c in contacts(xero, searchTerm="pohutukawa")}
	assert found == {first["ContactID"], second["ContactID"]}
	by_ids = contacts(xero, IDs=f"{first['ContactID']},{second['ContactID']}")
	assert len(by_ids) == 2
	page = xero.get("/Contacts", params={"page": 1, "pageSize": 2}).json()
	assert len(page["Contacts"]) == 2
	assert page["pagination"]["pageSize"] == 2 and page["pagination"]["itemCount"] >= 6


def test_archived_contacts_are_listed_only_when_asked(xero):
	assert "Hamilton Smith Ltd" not in {c["Name"] for c in contacts(xero)}
	assert "Hamilton Smith Ltd" in {c["Name"] for c in contacts(xero, includeArchived="true")}
	archived = contacts(xero, where='ContactStatus=="ARCHIVED"')
	assert [c["Name"] for c in archived] == ["Hamilton Smith Ltd"]


def test_duplicate_account_number_is_refused(xero):
	response = xero.put("/Contacts", json={"Contacts": [{"Name": "Another Boom", "AccountNumber": "BOOM01"}]})
	assert response.status_code == 400
	body = response.json()
	assert body["Type"] == "ValidationException"
	assert messages(body["Elements"][0]) == [ACCOUNT_NUMBER_EXISTS]


def test_duplicate_active_name_is_refused_but_an_archived_name_is_free(xero):
	response = xero.put("/Contacts", json={"Contacts": [{"Name": "Boom FM"}]})
	assert response.status_code == 400
	assert messages(response.json()["Elements"][0]) == [NAME_TAKEN.format("Boom FM")]
	assert create(xero, Name="Hamilton Smith Ltd")["ContactStatus"] == "ACTIVE"


def test_post_updates_by_id_in_body_or_path(xero):
	made = create(xero, Name="Kea Consulting")
	in_body = xero.post(
		"/Contacts", json={"Contacts": [{"ContactID": made["ContactID"], "EmailAddress": "a@kea.example"}]}
	)
	assert in_body.status_code == 200
	in_path = xero.post(f"/Contacts/{made['ContactID']}", json={"Contacts": [{"AccountNumber": "KEA-1"}]})
	updated = in_path.json()["Contacts"][0]
	assert (updated["EmailAddress"], updated["AccountNumber"], updated["Name"]) == (
		"a@kea.example",
		"KEA-1",
		"Kea Consulting",
	)


def test_post_without_id_creates(xero):
	response = xero.post("/Contacts", json={"Contacts": [{"Name": "Weta Workshop Supplies"}]})
	assert response.status_code == 200
	assert contacts(xero, where='Name=="Weta Workshop Supplies"')


def test_renaming_onto_an_active_name_is_refused(xero):
	made = create(xero, Name="Moa Motors")
	response = xero.post(f"/Contacts/{made['ContactID']}", json={"Name": "City Agency"})
	assert messages(response.json()["Elements"][0]) == [NAME_TAKEN.format("City Agency")]


def test_archived_contact_refuses_writes_until_restored(xero):
	archived = contacts(xero, where='Name=="Hamilton Smith Ltd"', includeArchived="true")[0]
	refused = xero.post(f"/Contacts/{archived['ContactID']}", json={"EmailAddress": "new@example.com"})
	assert refused.status_code == 400
	assert messages(refused.json()["Elements"][0])
	restored = xero.post(f"/Contacts/{archived['ContactID']}", json={"ContactStatus": "ACTIVE"})
	assert restored.status_code == 200 and restored.json()["Contacts"][0]["ContactStatus"] == "ACTIVE"


def test_batch_with_summarize_errors_false(xero):
	batch = [{"Name": "Kaka Cafe"}, {"Name": "Boom FM"}, {"Name": "Kaka Bakery", "AccountNumber": "CITY01"}]
	response = xero.put("/Contacts", json={"Contacts": batch}, params={"summarizeErrors": "false"})
	assert response.status_code == 200
	results = response.json()["Contacts"]
	assert [r["StatusAttributeString"] for r in results] == ["OK", "ERROR", "ERROR"]
	assert results[1]["HasValidationErrors"] is True
	assert messages(results[2]) == [ACCOUNT_NUMBER_EXISTS]


def test_unknown_contact_is_404(xero):
	response = xero.get("/Contacts/5d2f2e38-0000-4000-8000-000000000000")
	assert response.status_code == 404
	assert response.text == "The resource you're looking for cannot be found"


def test_a_contact_without_a_name_is_refused_with_xeros_message(xero):
	response = xero.put("/Contacts", json={"Contacts": [{"ContactNumber": "NO-NAME-1"}]})
	assert response.status_code == 400
	assert messages(response.json()["Elements"][0]) == ["Contact Name cannot be empty."]
	assert contacts(xero, where='ContactNumber=="NO-NAME-1"') == []
