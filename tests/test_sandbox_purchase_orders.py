"""Sandbox purchase orders (issue 16): existing contacts only, unique numbers, the status
transitions Xero allows, delivery fields, the bills' line rules (sandbox/purchase_orders.py)."""

from test_sandbox_payables import messages, paper_line, supplier

from xero_connector.sandbox.inprocess import InProcessClient


def order(xero, number="PO-ERP-1", **overrides):
	return {
		"Contact": {"ContactID": supplier(xero)},
		"Date": "2026-01-05",
		"DeliveryDate": "2026-01-20",
		"DeliveryAddress": "12 Wharf Rd, Auckland",
		"Reference": "ERPNext PUR-ORD-2026-00001",
		"PurchaseOrderNumber": number,
		"Status": "AUTHORISED",
		"LineItems": [paper_line()],
		**overrides,
	}


def put(xero, body):
	return xero.put(
		"/PurchaseOrders", json={"PurchaseOrders": [body]}, params={"summarizeErrors": "false"}
	).json()["PurchaseOrders"][0]


def post(xero, order_id, **fields):
	return xero.post(
		"/PurchaseOrders",
		json={"PurchaseOrders": [{"PurchaseOrderID": order_id, **fields}]},
		params={"summarizeErrors": "false"},
	).json()["PurchaseOrders"][0]


def test_an_authorised_order_keeps_its_delivery_fields_and_totals():
	xero = InProcessClient()
	stored = put(xero, order(xero))
	assert messages(stored) == []
	assert (stored["Status"], stored["Total"], stored["Type"]) == ("AUTHORISED", 114.99, "PURCHASEORDER")
	assert stored["DeliveryAddress"] == "12 Wharf Rd, Auckland" and stored["DeliveryDateString"].startswith(
		"2026-01-20"
	)
	assert stored["Reference"] == "ERPNext PUR-ORD-2026-00001"
	again = xero.get(f"/PurchaseOrders/{stored['PurchaseOrderID']}").json()["PurchaseOrders"][0]
	assert again["PurchaseOrderNumber"] == "PO-ERP-1"


def test_an_order_names_an_existing_contact_and_a_unique_number():
	xero = InProcessClient()
	assert any(
		"does not create new contacts" in m for m in messages(put(xero, order(xero, Contact={"Name": "New"})))
	)
	assert messages(put(xero, order(xero))) == []
	assert messages(put(xero, order(xero))) == ["Purchase Order number must be unique."]


def test_status_transitions_open_billed_deleted():
	xero = InProcessClient()
	stored = put(xero, order(xero))
	updated = post(xero, stored["PurchaseOrderID"], DeliveryDate="2026-02-01")  # updated while open
	assert messages(updated) == [] and updated["DeliveryDateString"].startswith("2026-02-01")
	assert messages(post(xero, stored["PurchaseOrderID"], Status="BILLED")) == []
	assert messages(post(xero, stored["PurchaseOrderID"], Status="DELETED")) == [
		"The purchase order status cannot be changed from BILLED to DELETED."
	]
	other = put(xero, order(xero, "PO-ERP-2"))
	assert post(xero, other["PurchaseOrderID"], Status="DELETED")["Status"] == "DELETED"
	assert messages(post(xero, other["PurchaseOrderID"], Status="AUTHORISED"))
	assert messages(put(xero, order(xero, "PO-ERP-3", Status="BILLED"))) == [
		"A purchase order can only be created as DRAFT, SUBMITTED or AUTHORISED."
	]


def test_order_lines_follow_the_bills_rules():
	xero = InProcessClient()
	body = order(xero)
	body["LineItems"][0].update(AccountCode="200")
	assert "Account code '200' is not a valid code for this document." in messages(put(xero, body))
	body = order(xero, "PO-ERP-4")
	body["LineItems"][0]["TaxType"] = "OUTPUT2"
	assert messages(put(xero, body))
