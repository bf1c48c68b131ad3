"""Sandbox bills (ACCPAY), supplier credit notes (ACCPAYCREDIT) and bill payments (issue 16):
Xero's rules for the buying side, strict (sandbox/payables.py names each rule's source)."""

from xero_connector.sandbox.inprocess import InProcessClient


def supplier(xero, name="Kiwi Stationery Ltd"):
	found = xero.get("/Contacts", params={"where": f'Name=="{name}"'}).json()["Contacts"]
	if found:
		return found[0]["ContactID"]
	return xero.put("/Contacts", json={"Contacts": [{"Name": name}]}).json()["Contacts"][0]["ContactID"]


def paper_line() -> dict:
	"""One bill (or purchase order) line Xero accepts: paper, on an expense account, with GST."""
	return {
		"Description": "Paper",
		"Quantity": 3,
		"UnitAmount": "33.33",
		"AccountCode": "429",
		"TaxType": "INPUT2",
	}


def bill(xero, number="SUP-1001", contact=None, **overrides):
	body = {
		"Type": "ACCPAY",
		"Contact": {"ContactID": contact or supplier(xero)},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"InvoiceNumber": number,
		"LineItems": [paper_line()],
		**overrides,
	}
	return body


def put(xero, body, path="/Invoices"):
	response = xero.put(path, json={path.strip("/"): [body]}, params={"summarizeErrors": "false"})
	return response.json()[path.strip("/")][0]


def messages(element):
	return [e["Message"] for e in element.get("ValidationErrors", [])]


def test_a_bill_is_stored_with_xeros_totals_and_marks_its_contact_a_supplier():
	xero = InProcessClient()
	element = put(xero, bill(xero))
	assert messages(element) == []
	assert element["Type"] == "ACCPAY"
	assert (element["SubTotal"], element["TotalTax"], element["Total"]) == (99.99, 15.0, 114.99)
	contact = xero.get(f"/Contacts/{element['Contact']['ContactID']}").json()["Contacts"][0]
	assert contact["IsSupplier"] is True


def test_two_suppliers_and_two_bills_may_share_a_number_but_two_sales_invoices_may_not():
	xero = InProcessClient()
	first = put(xero, bill(xero, "INV-77"))
	second = put(xero, bill(xero, "INV-77", contact=supplier(xero, "Other Supplier")))
	assert messages(first) == messages(second) == []
	assert first["InvoiceID"] != second["InvoiceID"]
	sale = {**bill(xero, "S-1"), "Type": "ACCREC", "Contact": {"Name": "Boom FM"}}
	sale["LineItems"] = [{**sale["LineItems"][0], "AccountCode": "200", "TaxType": "OUTPUT2"}]
	assert messages(put(xero, sale)) == []
	assert messages(put(xero, sale)) == ["Invoice # must be unique."]


def test_a_bill_without_a_number_is_not_numbered_by_xero():
	xero = InProcessClient()
	body = bill(xero)
	body.pop("InvoiceNumber")
	element = put(xero, body)
	assert messages(element) == [] and not element.get("InvoiceNumber")


def test_a_bill_line_on_a_revenue_account_is_refused():
	xero = InProcessClient()
	body = bill(xero)
	body["LineItems"][0].update(AccountCode="200", TaxType="INPUT2")
	assert "Account code '200' is not a valid code for this document." in messages(put(xero, body))


def test_a_bill_line_with_a_sales_only_tax_type_is_refused():
	xero = InProcessClient()
	body = bill(xero)
	body["LineItems"][0]["TaxType"] = "OUTPUT2"
	assert (
		"The TaxType code OUTPUT2 does not exist or cannot be used for this type of transaction."
		in messages(put(xero, body))
	)


def test_a_sales_line_with_a_purchase_only_tax_type_is_still_refused():
	xero = InProcessClient()
	sale = {**bill(xero), "Type": "ACCREC", "InvoiceNumber": "S-9"}
	sale["LineItems"] = [{**sale["LineItems"][0], "AccountCode": "200", "TaxType": "INPUT2"}]
	assert messages(put(xero, sale))


def test_bill_lines_take_asset_accounts_and_no_discount():
	xero = InProcessClient()
	body = bill(xero)
	body["LineItems"][0].update(AccountCode="710")
	assert messages(put(xero, body)) == []
	body = bill(xero, "SUP-2")
	body["LineItems"][0]["DiscountRate"] = 10
	assert messages(put(xero, body)) == [
		"Discounts are not supported on ACCPAY invoice or credit note line items."
	]


def test_a_supplier_credit_note_is_allocated_to_its_bill_but_not_to_a_sales_invoice():
	xero = InProcessClient()
	contact = supplier(xero)
	the_bill = put(xero, bill(xero, contact=contact))
	note = bill(xero, contact=contact, Type="ACCPAYCREDIT", CreditNoteNumber="SCN-1")
	note.pop("InvoiceNumber")
	note["LineItems"][0]["Quantity"] = 1
	stored = put(xero, note, "/CreditNotes")
	assert messages(stored) == [] and stored["Type"] == "ACCPAYCREDIT"
	sale = {**bill(xero, "S-2"), "Type": "ACCREC", "Contact": {"ContactID": contact}}
	sale["LineItems"] = [{**sale["LineItems"][0], "AccountCode": "200", "TaxType": "OUTPUT2"}]
	sale = put(xero, sale)
	path = f"/CreditNotes/{stored['CreditNoteID']}/Allocations"
	wrong = xero.put(
		path,
		json={
			"Allocations": [{"Amount": 10, "Date": "2026-01-06", "Invoice": {"InvoiceID": sale["InvoiceID"]}}]
		},
		params={"summarizeErrors": "false"},
	).json()["Allocations"][0]
	assert any("same type" in m for m in messages(wrong))
	right = xero.put(
		path,
		json={
			"Allocations": [
				{"Amount": 38.33, "Date": "2026-01-06", "Invoice": {"InvoiceID": the_bill["InvoiceID"]}}
			]
		},
		params={"summarizeErrors": "false"},
	).json()["Allocations"][0]
	assert messages(right) == []
	after = xero.get(f"/Invoices/{the_bill['InvoiceID']}").json()["Invoices"][0]
	assert (after["AmountCredited"], after["AmountDue"]) == (38.33, 76.66)


def test_a_bill_payment_is_of_type_accpaypayment_and_blocks_voiding():
	xero = InProcessClient()
	the_bill = put(xero, bill(xero))
	payment = xero.put(
		"/Payments",
		json={
			"Payments": [
				{
					"Invoice": {"InvoiceID": the_bill["InvoiceID"]},
					"Account": {"Code": "090"},
					"Amount": 50,
					"Date": "2026-01-10",
				}
			]
		},
	).json()["Payments"][0]
	assert payment["PaymentType"] == "ACCPAYPAYMENT"
	voided = xero.post(
		"/Invoices",
		json={"Invoices": [{"InvoiceID": the_bill["InvoiceID"], "Status": "VOIDED"}]},
		params={"summarizeErrors": "false"},
	).json()["Invoices"][0]
	assert messages(voided)


def test_a_post_naming_a_bill_number_creates_another_bill_instead_of_updating():
	xero = InProcessClient()
	first = put(xero, bill(xero, "DUP"))
	again = xero.post("/Invoices", json={"Invoices": [bill(xero, "DUP")]}).json()["Invoices"][0]
	assert again["InvoiceID"] != first["InvoiceID"]
