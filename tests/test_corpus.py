"""Every Sales Invoice a real ERPNext 15 computed (../shared/erpnext-invoices) maps to a
Xero document whose total, as Xero computes it, is what the customer owes in ERPNext.

Two checks: a local re-computation with Xero's rules (fixtures/mapping_helpers), and
the real thing — each document is pushed into the bundled Xero sandbox over HTTP and
read back, and Xero's own ``Total``, currency and rate are compared to the cent.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from fixtures.mapping_helpers import INVOICES_DIR, corpus_context, corpus_files, tax_rates_of, xero_totals

from xero_connector.engine.context import XeroReference
from xero_connector.engine.mapping import map_sales_invoice
from xero_connector.engine.money import dumps
from xero_connector.engine.preflight import preflight

FILES = corpus_files()
pytestmark = pytest.mark.skipif(
	not FILES, reason=f"ERPNext corpus not found at {INVOICES_DIR} (the shared erpnext-invoices folder)"
)
IDS = [path.stem for path in FILES]


def load(path) -> dict:
	return json.loads(path.read_text())


@pytest.fixture(scope="module")
def context():
	return corpus_context(with_xero=True)


def test_the_corpus_is_complete():
	assert len(FILES) == 17


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_maps_and_totals_locally(path, context):
	doc = load(path)
	result = map_sales_invoice(doc, context)
	totals = xero_totals(result.payload, tax_rates_of(context.xero))
	assert totals["Total"] == result.expected_total
	owed = Decimal(str(doc["rounded_total"] if doc["rounded_total"] else doc["grand_total"]))
	assert result.expected_total == abs(owed)
	# Xero's tax equals ERPNext's tax rows (charges such as freight are lines, not tax)
	erp_tax = sum(
		Decimal(str(row["tax_amount_after_discount_amount"]))
		for row in doc["taxes"]
		if row["account_head"] == "GST - AL"
	)
	assert totals["TotalTax"] == abs(erp_tax)
	assert result.payload["CurrencyCode"] == doc["currency"]
	if doc["currency"] == "NZD":
		assert "CurrencyRate" not in result.payload
	else:
		rate = result.payload["CurrencyRate"]
		assert abs(rate * Decimal(str(doc["conversion_rate"])) - 1) < Decimal("0.000001")
	assert result.kind == ("credit_note" if doc["is_return"] else "invoice")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_preflight_is_clean_for_submitted_documents(path, context):
	doc = load(path)
	problems = preflight(doc, context)
	if doc["docstatus"] == 2:
		assert [p.kind for p in problems] == ["not_submitted"]
	else:
		assert problems == [], [str(p) for p in problems]


def _sandbox_http(request):
	"""The shared sandbox fixtures from tests/conftest.py, or a skip while they do not exist yet."""
	try:
		return request.getfixturevalue("xero_http")
	except pytest.FixtureLookupError:
		pytest.skip("the sandbox fixtures (sandbox, xero_http in tests/conftest.py) are not available")


def _reference_from(http) -> XeroReference:
	"""What the sandbox organisation offers, read through its API (as "Fetch from Xero" does)."""

	def read(path: str, key: str) -> list[dict]:
		response = http.get(path)
		assert response.status_code == 200, response.text
		return response.json()[key]

	organisation = read("/Organisation", "Organisations")[0]
	return XeroReference(
		accounts=read("/Accounts", "Accounts"),
		tax_rates=read("/TaxRates", "TaxRates"),
		currencies=read("/Currencies", "Currencies"),
		items=read("/Items", "Items"),
		base_currency=organisation["BaseCurrency"],
	)


def _create_contact(http, name: str) -> str:
	response = http.put("/Contacts", json={"Contacts": [{"Name": name}]})
	assert response.status_code == 200, response.text
	return response.json()["Contacts"][0]["ContactID"]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_round_trip_through_the_sandbox(path, request):
	http = _sandbox_http(request)
	doc = load(path)
	context = corpus_context(with_xero=False)
	context.xero = _reference_from(http)
	result = map_sales_invoice(doc, context)
	if doc["docstatus"] != 1:
		# cancelled: it maps, but pre-flight says why it is not pushed (the engine voids, never pushes it)
		assert [p.kind for p in preflight(doc, context)] == ["not_submitted"]
		assert result.expected_total == Decimal(str(doc["rounded_total"]))
		return
	assert preflight(doc, context) == []
	contact_id = _create_contact(http, doc["customer_name"])
	result = map_sales_invoice(doc, context, contact={"ContactID": contact_id})
	collection = "CreditNotes" if result.kind == "credit_note" else "Invoices"
	response = http.put(
		f"/{collection}",
		params={"unitdp": "4"},
		headers={"Content-Type": "application/json"},
		data=dumps({collection: [result.payload]}),
	)
	assert response.status_code == 200, response.text
	created = response.json(parse_float=Decimal)[collection][0]
	key = "CreditNoteID" if result.kind == "credit_note" else "InvoiceID"
	read = http.get(f"/{collection}/{created[key]}", params={"unitdp": "4"})
	assert read.status_code == 200, read.text
	stored = read.json(parse_float=Decimal)[collection][0]
	number = "CreditNoteNumber" if result.kind == "credit_note" else "InvoiceNumber"
	assert stored[number] == doc["name"]
	assert Decimal(str(stored["Total"])) == result.expected_total
	erp_tax = sum(
		Decimal(str(row["tax_amount_after_discount_amount"]))
		for row in doc["taxes"]
		if row["account_head"] == "GST - AL"
	)
	assert Decimal(str(stored["TotalTax"])) == abs(erp_tax)
	assert stored["CurrencyCode"] == doc["currency"]
	if doc["currency"] != "NZD":
		assert Decimal(str(stored["CurrencyRate"])) == result.payload["CurrencyRate"]
	assert stored["Status"] == "AUTHORISED"
	assert stored["LineAmountTypes"] == result.payload["LineAmountTypes"]
