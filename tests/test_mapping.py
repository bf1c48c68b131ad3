"""Sales Invoice → Xero payload, rule by rule, on small hand-made invoices whose
ERPNext figures are written out (several are copied from invoices a real ERPNext
15 computed). Each test checks what Xero would compute from the payload
(fixtures/mapping_helpers.xero_totals) against what the customer owes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from fixtures.mapping_helpers import invoice, item, small_context, xero_totals

from xero_connector.engine.mapping import XeroDocument, map_sales_invoice
from xero_connector.engine.problems import MappingError

D = Decimal


def total_of(result: XeroDocument) -> Decimal:
	return xero_totals(result.payload)["Total"]


def lines_of(result: XeroDocument) -> list[dict]:
	return result.payload["LineItems"]


def item_lines(result: XeroDocument) -> list[dict]:
	return [line for line in lines_of(result) if line["Description"] != "Rounding adjustment"]


def line_amount(line: dict) -> Decimal:
	return (D(str(line["Quantity"])) * D(str(line["UnitAmount"]))).quantize(D("0.01"))


# -- the document ------------------------------------------------------------------------------


def test_exclusive_invoice_payload_fields_and_total():
	doc = invoice(
		[item("WIDGET-A", 3, 125.5), item("CONSULT-HR", 2, 165.0, income_account="Consulting Income - AL")]
	)
	result = map_sales_invoice(doc, small_context())
	payload = result.payload
	assert result.kind == "invoice"
	assert result.number == "SINV-T-0001"
	assert payload["Type"] == "ACCREC"
	assert payload["InvoiceNumber"] == "SINV-T-0001"
	assert "CreditNoteNumber" not in payload
	assert payload["Contact"] == {"Name": "Kiwi Retail Ltd"}
	assert payload["Date"] == "2026-11-02"
	assert payload["DueDate"] == "2026-12-02"
	assert payload["CurrencyCode"] == "NZD"
	assert "CurrencyRate" not in payload
	assert payload["LineAmountTypes"] == "Exclusive"
	assert payload["Reference"] == "SINV-T-0001"
	assert payload["Status"] == "AUTHORISED"
	# 706.50 + GST 105.98 (105.975 rounded once by ERPNext) = 812.48, rounded to 812
	assert result.expected_total == D("812.00")
	totals = xero_totals(payload)
	assert totals["SubTotal"] == D("706.50") - D("0.48")
	assert totals["Total"] == D("812.00")
	assert result.currency == "NZD"
	assert result.return_against is None


def test_contact_reference_and_po_number_and_draft_status():
	doc = invoice([item("WIDGET-A", 1, 10.0)], po_no="PO-778 ")
	ctx = small_context(invoice_status="DRAFT")
	result = map_sales_invoice(doc, ctx, contact={"ContactID": "c0ffee00-0000-0000-0000-000000000001"})
	assert result.payload["Contact"] == {"ContactID": "c0ffee00-0000-0000-0000-000000000001"}
	assert result.payload["Reference"] == "PO-778"
	assert result.payload["Status"] == "DRAFT"


def test_dates_may_be_date_objects():
	from datetime import date

	doc = invoice([item("WIDGET-A", 1, 10.0)], posting_date=date(2026, 1, 5), due_date=None)
	payload = map_sales_invoice(doc, small_context()).payload
	assert payload["Date"] == "2026-01-05"
	assert payload["DueDate"] == "2026-01-05"


# -- inclusive, discounts ----------------------------------------------------------------------


def inclusive_invoice() -> dict:
	# ACC-SINV-2026-00019 as ERPNext 15 computed it: GST 15% included in the rate, awkward cents
	doc = invoice(
		[
			item("WIDGET-B", 3, 19.99, amount=59.97, net_rate=17.38, net_amount=52.15),
			item("SUPPORT-PLAN", 7, 99.95, amount=699.65, net_rate=86.91, net_amount=608.39),
			item("WIDGET-A", 11, 7.35, amount=80.85, net_rate=6.39, net_amount=70.3),
		],
		taxes_and_charges="NZ GST 15% Inclusive - AL",
	)
	doc["taxes"][0].update(
		included_in_print_rate=1, tax_amount=109.63, tax_amount_after_discount_amount=109.63
	)
	doc.update(
		total=840.47,
		net_total=730.84,
		total_taxes_and_charges=109.63,
		grand_total=840.47,
		rounding_adjustment=-0.47,
		rounded_total=840.0,
	)
	return doc


def test_inclusive_tax_keeps_the_inclusive_rate_and_totals():
	result = map_sales_invoice(inclusive_invoice(), small_context())
	assert result.payload["LineAmountTypes"] == "Inclusive"
	units = [line["UnitAmount"] for line in item_lines(result)]
	assert units == [D("19.99"), D("99.95"), D("7.35")]
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D("109.63")  # ERPNext's GST, to the cent
	assert totals["Total"] == result.expected_total == D("840.00")


def test_line_discount_is_not_applied_twice():
	# rate 109.81 is already price_list_rate 125.50 less 12.5 %
	doc = invoice(
		[
			item(
				"WIDGET-A", 4, 109.81, price_list_rate=125.5, discount_percentage=12.5, discount_amount=15.69
			),
			item("WIDGET-B", 10, 18.59, price_list_rate=19.99, discount_percentage=7.0, discount_amount=1.4),
		]
	)
	result = map_sales_invoice(doc, small_context())
	for line in lines_of(result):
		assert "DiscountRate" not in line and "DiscountAmount" not in line
	assert [line["UnitAmount"] for line in item_lines(result)] == [D("109.81"), D("18.59")]
	assert xero_totals(result.payload)["SubTotal"] == D("625.14") + D("0.09")  # lines + rounding line
	assert total_of(result) == result.expected_total == D("719.00")


def test_invoice_discount_on_net_total_uses_net_amounts():
	# ACC-SINV-2026-00021: 10 % additional discount on Net Total, spread by ERPNext into net_amount
	doc = invoice(
		[
			item("CONSULT-HR", 7.5, 165.0, amount=1237.5, net_rate=148.5, net_amount=1113.75),
			item("SUPPORT-PLAN", 3, 99.95, amount=299.85, net_rate=89.95, net_amount=269.86),
		],
		apply_discount_on="Net Total",
		discount_amount=153.74,
		additional_discount_percentage=10.0,
	)
	doc["taxes"][0].update(tax_amount=207.54, tax_amount_after_discount_amount=207.54)
	doc.update(
		total=1537.35, net_total=1383.61, grand_total=1591.15, rounding_adjustment=-0.15, rounded_total=1591.0
	)
	result = map_sales_invoice(doc, small_context())
	lines = item_lines(result)
	assert [line_amount(line) for line in lines] == [D("1113.75"), D("269.86")]
	assert lines[0]["Quantity"] == D("7.5")  # the quantity survives; 3 × 89.9533 = 269.86
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D("207.54")
	assert totals["Total"] == result.expected_total == D("1591.00")


def test_invoice_discount_on_grand_total_with_an_exempt_item():
	# ACC-SINV-2026-00022: 5.55 off the Grand Total; the book is GST exempt (Item Tax Template 0 %)
	doc = invoice(
		[
			item("WIDGET-B", 13, 19.99, amount=259.87, net_rate=19.7, net_amount=256.1),
			item(
				"EXEMPT-BOOK",
				2,
				42.0,
				amount=84.0,
				net_rate=41.4,
				net_amount=82.79,
				item_tax_template="GST Exempt - AL",
				item_tax_rate='{"GST - AL": 0.0}',
			),
		],
		discount_amount=5.55,
	)
	doc["taxes"][0].update(tax_amount=38.98, tax_amount_after_discount_amount=38.42)
	doc.update(
		total=343.87, net_total=338.89, grand_total=377.3, rounding_adjustment=-0.3, rounded_total=377.0
	)
	result = map_sales_invoice(doc, small_context())
	widget, book = item_lines(result)
	assert book["TaxType"] == "EXEMPTOUTPUT"
	assert widget["TaxType"] == "OUTPUT2"
	assert [line_amount(widget), line_amount(book)] == [D("256.10"), D("82.79")]
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D("38.42")
	assert totals["Total"] == result.expected_total == D("377.00")


def test_non_trade_discount_becomes_its_own_line():
	doc = invoice([item("WIDGET-A", 2, 50.0)], rounding=False)
	doc.update(
		is_cash_or_non_trade_discount=1,
		discount_amount=10.0,
		additional_discount_account="Sales - AL",
		grand_total=105.0,  # 100 + 15 GST − 10 cash discount
	)
	result = map_sales_invoice(doc, small_context())
	discount = lines_of(result)[-1]
	assert discount["Description"] == "Discount"
	assert line_amount(discount) == D("-10.00")
	assert discount["TaxType"] == "NONE"
	assert total_of(result) == result.expected_total == D("105.00")


# -- charges, compound taxes, rounding ---------------------------------------------------------


def freight_invoice() -> dict:
	# ACC-SINV-2026-00030: an "Actual" freight charge, then GST "On Previous Row Total" over goods and freight
	doc = invoice(
		[item("WIDGET-A", 2, 125.5), item("WIDGET-B", 6, 19.99)],
		taxes_and_charges="GST 15% plus Freight - AL",
	)
	doc["taxes"] = [
		{
			"idx": 1,
			"charge_type": "Actual",
			"account_head": "Freight Income - AL",
			"description": "Freight",
			"rate": 0.0,
			"row_id": None,
			"included_in_print_rate": 0,
			"tax_amount": 25.0,
			"tax_amount_after_discount_amount": 25.0,
			"total": 395.94,
		},
		{
			"idx": 2,
			"charge_type": "On Previous Row Total",
			"account_head": "GST - AL",
			"description": "GST 15% on goods and freight",
			"rate": 15.0,
			"row_id": "1",
			"included_in_print_rate": 0,
			"tax_amount": 59.39,
			"tax_amount_after_discount_amount": 59.39,
			"total": 455.33,
		},
	]
	doc.update(
		total_taxes_and_charges=84.39, grand_total=455.33, rounding_adjustment=-0.33, rounded_total=455.0
	)
	return doc


def test_actual_charge_is_a_line_taxed_by_the_compound_row():
	result = map_sales_invoice(freight_invoice(), small_context())
	freight = next(line for line in lines_of(result) if line["Description"] == "Freight")
	assert freight["AccountCode"] == "260"  # account_by_income_account["Freight Income - AL"]
	assert line_amount(freight) == D("25.00")
	assert freight["TaxType"] == "OUTPUT2"
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D("59.39")
	assert totals["SubTotal"] == D("370.94") + D("25.00") - D("0.33")
	assert totals["Total"] == result.expected_total == D("455.00")


def test_charge_not_taxed_by_any_row_gets_the_zero_tax_type():
	doc = freight_invoice()
	doc["taxes"][1].update(
		charge_type="On Net Total", row_id=None, tax_amount=55.64, tax_amount_after_discount_amount=55.64
	)
	doc.update(grand_total=451.58, rounding_adjustment=0.42, rounded_total=452.0)
	result = map_sales_invoice(doc, small_context())
	freight = next(line for line in lines_of(result) if line["Description"] == "Freight")
	assert freight["TaxType"] == "NONE"
	assert xero_totals(result.payload)["TotalTax"] == D("55.64")
	assert total_of(result) == D("452.00")


def test_rounding_adjustment_line():
	doc = invoice([item("WIDGET-A", 3, 125.5), item("WIDGET-B", 1, 19.99)])
	assert doc["rounding_adjustment"] == pytest.approx(0.04)
	result = map_sales_invoice(doc, small_context())
	rounding = lines_of(result)[-1]
	assert rounding["AccountCode"] == "260"  # Settings.rounding_account_code
	assert rounding["Description"] == "Rounding adjustment"
	assert rounding["TaxType"] == "NONE" and "TaxAmount" not in rounding
	assert line_amount(rounding) == D("0.04")
	assert total_of(result) == D("456.00")


def test_rounding_line_uses_the_zero_tax_type_setting():
	doc = invoice([item("WIDGET-A", 3, 125.5)])
	result = map_sales_invoice(doc, small_context(zero_tax_type="ZERORATEDOUTPUT"))
	assert lines_of(result)[-1]["TaxType"] == "ZERORATEDOUTPUT"


def test_no_rounding_line_when_rounding_is_disabled():
	doc = invoice([item("WIDGET-A", 3, 125.5)], rounding=False)
	result = map_sales_invoice(doc, small_context())
	assert all(line["Description"] != "Rounding adjustment" for line in lines_of(result))
	assert result.expected_total == D("432.98")
	assert total_of(result) == D("432.98")


def test_rounding_falls_back_to_the_default_sales_account():
	doc = invoice([item("WIDGET-A", 3, 125.5)])
	ctx = small_context(rounding_account_code=None)
	result = map_sales_invoice(doc, ctx)
	rounding = [line for line in lines_of(result) if line["Description"] == "Rounding adjustment"]
	assert [line["AccountCode"] for line in rounding] == [ctx.settings.default_account_code]
	assert total_of(result) == result.expected_total


def test_rounding_needs_a_rounding_or_default_account():
	doc = invoice([item("WIDGET-A", 3, 125.5)])
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, small_context(rounding_account_code=None, default_account_code=None))
	assert [p.kind for p in caught.value.problems] == ["unmapped_rounding_account"]
	assert "Rounding Account Code" in caught.value.problems[0].fix


def test_no_taxes_at_all_is_no_tax():
	doc = invoice([item("CONSULT-HR", 4, 165.0), item("FREIGHT", 1, 35.0)], tax_rate=None)
	result = map_sales_invoice(doc, small_context())
	assert result.payload["LineAmountTypes"] == "NoTax"
	assert all("TaxType" not in line and "TaxAmount" not in line for line in lines_of(result))
	assert total_of(result) == result.expected_total == D("695.00")


def test_no_taxes_with_a_zero_tax_type_setting_is_exclusive_zero():
	doc = invoice([item("CONSULT-HR", 4, 165.0)], tax_rate=None)
	result = map_sales_invoice(doc, small_context(zero_tax_type="EXEMPTOUTPUT"))
	assert result.payload["LineAmountTypes"] == "Exclusive"
	assert [line["TaxType"] for line in lines_of(result)] == ["EXEMPTOUTPUT"]
	assert total_of(result) == D("660.00")


# -- per-line tax cents ------------------------------------------------------------------------


def test_tax_cents_follow_erpnext_not_xero_per_line_rounding():
	# Xero's own guide: three lines at 15 % give 11.44 per line, 11.45 on the total (ERPNext's way)
	doc = invoice([item("A", 1, 25.06), item("B", 1, 25.61), item("C", 1, 25.63)], rounding=False)
	assert doc["total_taxes_and_charges"] == 11.45
	result = map_sales_invoice(doc, small_context())
	with_override = [line for line in lines_of(result) if "TaxAmount" in line]
	assert len(with_override) == 1  # one cent moved, on one line only
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D("11.45")
	assert totals["Total"] == result.expected_total == D("87.75")


def test_no_tax_amount_sent_when_xero_computes_the_same():
	doc = invoice([item("A", 2, 10.0), item("B", 1, 20.0)], rounding=False)
	result = map_sales_invoice(doc, small_context())
	assert all("TaxAmount" not in line for line in lines_of(result))
	assert total_of(result) == D("46.00")


def test_tax_amount_sent_on_a_tie_where_rounding_conventions_differ():
	# 376.50 × 15 % = 56.475 exactly: half-up and half-even disagree, so the cent is stated
	doc = invoice([item("WIDGET-A", 3, 125.5)], rounding=False)
	result = map_sales_invoice(doc, small_context())
	assert lines_of(result)[0]["TaxAmount"] == D("56.48")


def test_without_xero_reference_data_the_erpnext_rate_is_assumed():
	doc = invoice([item("A", 1, 25.06), item("B", 1, 25.61), item("C", 1, 25.63)], rounding=False)
	result = map_sales_invoice(doc, small_context(with_xero=False))
	assert xero_totals(result.payload)["Total"] == D("87.75")


def test_item_tax_rate_override_changes_a_lines_tax():
	doc = invoice(
		[item("WIDGET-A", 1, 100.0), item("HALF", 1, 100.0, item_tax_rate='{"GST - AL": 7.5}')],
		rounding=False,
	)
	assert doc["total_taxes_and_charges"] == 22.5
	result = map_sales_invoice(doc, small_context(with_xero=False))
	assert lines_of(result)[1]["TaxAmount"] == D("7.50")
	assert total_of(result) == D("222.50")


# -- currency, precision, size -----------------------------------------------------------------


def test_foreign_currency_rate_is_inverted():
	doc = invoice(
		[item("WIDGET-A", 20, 80.0)],
		tax_rate=0.0,
		currency="USD",
		conversion_rate=1.6523,
		customer="Pacific Imports Inc",
		customer_name="Pacific Imports Inc",
		taxes_and_charges="Zero Rated Export - AL",
	)
	result = map_sales_invoice(doc, small_context())
	assert result.payload["CurrencyCode"] == "USD"
	# ERPNext: 1 USD = 1.6523 NZD; Xero: 1 NZD = 0.605217 USD
	assert result.payload["CurrencyRate"] == D("0.605217")
	assert result.currency == "USD"
	assert lines_of(result)[0]["TaxType"] == "ZERORATEDOUTPUT"
	assert total_of(result) == result.expected_total == D("1600.00")


def test_four_decimal_rate_is_kept():
	doc = invoice([item("PRECISION-PART", 3, 12.3456)], rounding=False)
	result = map_sales_invoice(doc, small_context())
	line = lines_of(result)[0]
	assert line["UnitAmount"] == D("12.3456")
	assert line_amount(line) == D("37.04")
	assert total_of(result) == result.expected_total


def test_fractional_quantities_are_kept():
	doc = invoice([item("PRECISION-PART", 0.333, 12.35), item("WIDGET-B", 1.75, 20.0)], rounding=False)
	result = map_sales_invoice(doc, small_context())
	assert [line["Quantity"] for line in lines_of(result)] == [D("0.333"), D("1.75")]
	assert [line["UnitAmount"] for line in lines_of(result)] == [D("12.35"), D("20")]
	assert total_of(result) == result.expected_total


def test_a_tie_in_quantity_times_rate_is_avoided():
	# 2.5 × 12.35 = 30.875: ERPNext says 30.88; the unit amount is nudged so that no rounding tie decides
	doc = invoice([item("PRECISION-PART", 2.5, 12.35)], rounding=False)
	line = lines_of(map_sales_invoice(doc, small_context()))[0]
	assert line["Quantity"] == D("2.5")
	product = D(str(line["Quantity"])) * D(str(line["UnitAmount"]))
	assert product.quantize(D("0.01")) == D("30.88") and product % D("0.01") != D("0.005")


def test_quantity_with_more_than_four_decimals_is_sent_as_one_line_amount():
	doc = invoice([item("PRECISION-PART", 2.33333, 12.35)], rounding=False)
	line = lines_of(map_sales_invoice(doc, small_context()))[0]
	assert line["Quantity"] == D("1")
	assert line["UnitAmount"] == D("28.82")
	assert "2.33333 × 12.35" in line["Description"]


def test_sixty_lines():
	rows = [item(f"ITEM-{n:02d}", (n % 7) + 1, round(3.17 * n + 0.99, 2)) for n in range(1, 61)]
	doc = invoice(rows)
	result = map_sales_invoice(doc, small_context(with_xero=False))
	assert len(item_lines(result)) == 60
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D(str(doc["total_taxes_and_charges"]))
	assert totals["Total"] == result.expected_total


# -- returns -----------------------------------------------------------------------------------


def test_return_is_a_credit_note_with_positive_amounts():
	# ACC-SINV-2026-00031: return of one Widget A against ACC-SINV-2026-00018
	doc = invoice([item("WIDGET-A", -1, 125.5, amount=-125.5, net_amount=-125.5)], name="ACC-SINV-2026-00031")
	doc["taxes"][0].update(tax_amount=-18.82, tax_amount_after_discount_amount=-18.82)
	doc.update(
		is_return=1,
		return_against="ACC-SINV-2026-00018",
		total=-125.5,
		net_total=-125.5,
		total_taxes_and_charges=-18.82,
		grand_total=-144.32,
		rounding_adjustment=0.32,
		rounded_total=-144.0,
	)
	result = map_sales_invoice(doc, small_context())
	payload = result.payload
	assert result.kind == "credit_note"
	assert payload["Type"] == "ACCRECCREDIT"
	assert payload["CreditNoteNumber"] == "ACC-SINV-2026-00031"
	assert "InvoiceNumber" not in payload
	assert payload["Reference"] == "ACC-SINV-2026-00018"
	assert result.return_against == "ACC-SINV-2026-00018"
	widget, rounding = lines_of(result)
	assert widget["Quantity"] == D("1") and widget["UnitAmount"] == D("125.5")
	assert line_amount(rounding) == D("-0.32")
	assert result.expected_total == D("144.00")
	assert xero_totals(payload)["TotalTax"] == D("18.82")
	assert total_of(result) == D("144.00")


# -- Rate-to-Account and tax precedence --------------------------------------------------------


def account_for(row: dict, **mappings) -> str:
	"""The AccountCode a one-line invoice gets with only these Rate-to-Account mappings."""
	ctx = small_context(with_xero=False)
	(
		ctx.mappings.account_by_item,
		ctx.mappings.account_by_item_group,
		ctx.mappings.account_by_income_account,
	) = {}, {}, {}
	for key, value in mappings.items():
		setattr(ctx.mappings, key, value)
	return lines_of(map_sales_invoice(invoice([row], rounding=False), ctx))[0]["AccountCode"]


def test_rate_to_account_precedence():
	row = item("GIZMO", 1, 10.0, item_group="Gadgets", income_account="Sales - AL")
	everything = {
		"account_by_item": {"GIZMO": "201"},
		"account_by_item_group": {"Gadgets": "202"},
		"account_by_income_account": {"Sales - AL": "203"},
	}
	assert account_for(row, **everything) == "201"  # item first
	assert account_for(row, **{**everything, "account_by_item": {}}) == "202"  # then its item group
	# then a parent group (Gadgets → Products)
	assert (
		account_for(
			row, account_by_item={}, account_by_item_group={"Products": "204"}, account_by_income_account={}
		)
		== "204"
	)
	assert account_for(row, account_by_income_account={"Sales - AL": "203"}) == "203"  # then income account
	assert account_for(row) == "200"  # then Settings.default_account_code


def tax_type_for(doc: dict, **mappings) -> str:
	"""The TaxType a one-line invoice gets with only these tax mappings."""
	ctx = small_context(with_xero=False)
	ctx.mappings.tax_by_item_tax_template, ctx.mappings.tax_by_sales_taxes_template = {}, {}
	ctx.mappings.tax_by_tax_account = {}
	for key, value in mappings.items():
		setattr(ctx.mappings, key, value)
	return lines_of(map_sales_invoice(doc, ctx))[0]["TaxType"]


def test_tax_precedence():
	doc = invoice([item("WIDGET-A", 1, 100.0, item_tax_template="GST Standard - AL")], rounding=False)
	everything = {
		"tax_by_item_tax_template": {"GST Standard - AL": "TPL1"},
		"tax_by_sales_taxes_template": {"New Zealand - AL": "TPL2"},
		"tax_by_tax_account": {"GST - AL": "TPL3"},
	}
	assert tax_type_for(doc, **everything) == "TPL1"
	assert tax_type_for(doc, **{**everything, "tax_by_item_tax_template": {}}) == "TPL2"
	assert tax_type_for(doc, tax_by_tax_account={"GST - AL": "TPL3"}) == "TPL3"
	assert tax_type_for(doc) == "OUTPUT2"  # Settings.default_tax_type


def test_zero_rated_item_template_without_mapping_is_a_problem_not_standard_rated():
	doc = invoice(
		[
			item("WIDGET-A", 1, 100.0),
			item("BOOK", 1, 40.0, item_tax_template="Book Exempt - AL", item_tax_rate='{"GST - AL": 0.0}'),
		],
		rounding=False,
	)
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, small_context())
	(problem,) = caught.value.problems
	assert (problem.row, problem.field, problem.value) == (2, "items.item_tax_template", "Book Exempt - AL")
	# with a zero tax type configured, the line goes there instead
	result = map_sales_invoice(doc, small_context(zero_tax_type="EXEMPTOUTPUT"))
	assert [line["TaxType"] for line in lines_of(result)] == ["OUTPUT2", "EXEMPTOUTPUT"]
	assert total_of(result) == D("155.00")


# -- descriptions, items -----------------------------------------------------------------------


def test_description_is_plain_text_and_item_code_only_when_xero_has_it():
	doc = invoice(
		[
			item("WIDGET-A", 1, 10.0, description="<div><p>Widget <b>A</b> &amp; case</p><p>blue</p></div>"),
			item("WIDGET-Q", 1, 10.0, description="", item_name="Widget Q"),
		],
		rounding=False,
	)
	first, second = lines_of(map_sales_invoice(doc, small_context()))
	assert first["Description"] == "Widget A & case\nblue"
	assert first["ItemCode"] == "WIDGET-A"  # Xero has an Item with this code
	assert second["Description"] == "Widget Q"
	assert "ItemCode" not in second
	no_reference = lines_of(map_sales_invoice(doc, small_context(with_xero=False)))
	assert all("ItemCode" not in line for line in no_reference)


# -- identity of a payload ---------------------------------------------------------------------


def test_payload_hash_is_stable_and_follows_changes():
	ctx = small_context()
	first = map_sales_invoice(invoice([item("WIDGET-A", 3, 125.5)]), ctx)
	again = map_sales_invoice(invoice([item("WIDGET-A", 3, 125.5)]), ctx)
	later = map_sales_invoice(invoice([item("WIDGET-A", 3, 125.5)], due_date="2026-12-20"), ctx)
	assert first.payload_hash() == again.payload_hash()
	assert len(first.payload_hash()) == 64
	assert later.payload_hash() != first.payload_hash()


def test_json_keeps_decimals_exact():
	result = map_sales_invoice(invoice([item("PRECISION-PART", 3, 12.3456)], rounding=False), small_context())
	text = result.to_json()
	assert '"UnitAmount":12.3456' in text
	parsed = json.loads(text, parse_float=Decimal)
	assert parsed["LineItems"][0]["Quantity"] == D("3")


def test_mapping_error_lists_every_problem():
	doc = invoice(
		[item("WIDGET-A", 1, 10.0), item("WIDGET-B", 1, 10.0)], rounding=False, customer="Nobody Ltd"
	)
	ctx = small_context(default_account_code=None)
	ctx.mappings.account_by_income_account = {}
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, ctx)
	kinds = [p.kind for p in caught.value.problems]
	assert kinds.count("unmapped_account") == 2 and "customer_not_found" in kinds
	text = str(caught.value)
	assert text.startswith("3 problems")
	assert "SINV-T-0001, row 2 (items.item_code = WIDGET-B)" in text


def test_cancelled_documents_still_map():
	doc = invoice([item("WIDGET-A", 1, 10.0)], docstatus=2)
	assert map_sales_invoice(doc, small_context()).expected_total == D("12.00")


def test_tax_on_tax_on_previous_row_amount():
	# a 10 % levy, then a 50 % surcharge on that levy ("On Previous Row Amount"): 15 % on each line in all
	doc = invoice([item("WIDGET-A", 1, 100.0), item("WIDGET-B", 1, 50.0)], rounding=False)
	doc["taxes"] = [
		{
			"idx": 1,
			"charge_type": "On Net Total",
			"account_head": "GST - AL",
			"rate": 10.0,
			"tax_amount_after_discount_amount": 15.0,
		},
		{
			"idx": 2,
			"charge_type": "On Previous Row Amount",
			"row_id": "1",
			"account_head": "GST - AL",
			"rate": 50.0,
			"tax_amount_after_discount_amount": 7.5,
		},
	]
	doc.update(total_taxes_and_charges=22.5, grand_total=172.5)
	result = map_sales_invoice(doc, small_context())
	assert [line["TaxType"] for line in lines_of(result)] == ["OUTPUT2", "OUTPUT2"]
	assert all("TaxAmount" not in line for line in lines_of(result))  # 15 % per line, as Xero's OUTPUT2
	totals = xero_totals(result.payload)
	assert totals["TotalTax"] == D("22.50")
	assert totals["Total"] == result.expected_total == D("172.50")


def test_totals_that_do_not_add_up_are_refused():
	doc = invoice([item("WIDGET-A", 1, 100.0)], rounding=False, grand_total=175.0)
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, small_context())
	(problem,) = caught.value.problems
	assert (problem.kind, problem.field) == ("inconsistent_totals", "grand_total")
	assert "come to 115.00 but the customer owes 175.00" in problem.message


# -- a context reused for many documents (the CLI, the demo, bulk pushes) ----------------------


def account_codes(result: XeroDocument) -> list[str]:
	return [line["AccountCode"] for line in item_lines(result)]


def test_a_reused_context_follows_a_replaced_mapping_table():
	ctx = small_context()
	doc = invoice([item("WIDGET-A", 1, 10.0)], rounding=False)
	assert account_codes(map_sales_invoice(doc, ctx)) == ["200"]
	ctx.mappings.account_by_item = {"WIDGET-A": "270"}
	assert account_codes(map_sales_invoice(doc, ctx)) == ["270"]


def test_a_reused_context_follows_a_mapping_added_in_place():
	ctx = small_context()
	doc = invoice([item("WIDGET-A", 1, 10.0)], rounding=False)
	assert account_codes(map_sales_invoice(doc, ctx)) == ["200"]
	ctx.mappings.account_by_item_group["Products"] = "260"
	assert account_codes(map_sales_invoice(doc, ctx)) == ["260"]


def test_a_reused_context_follows_changed_settings():
	ctx = small_context()
	ctx.mappings.account_by_income_account = {}
	doc = invoice([item("WIDGET-A", 1, 10.0)], rounding=False)
	assert account_codes(map_sales_invoice(doc, ctx)) == ["200"]  # the default account code
	ctx.settings.default_account_code = "260"
	assert account_codes(map_sales_invoice(doc, ctx)) == ["260"]
	ctx.settings.default_account_code = None
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, ctx)
	assert [p.kind for p in caught.value.problems] == ["unmapped_account"]


def test_refresh_picks_up_a_mapping_value_changed_in_place():
	ctx = small_context()
	doc = invoice([item("WIDGET-A", 1, 10.0)], rounding=False)
	assert account_codes(map_sales_invoice(doc, ctx)) == ["200"]
	ctx.mappings.account_by_income_account["Sales - AL"] = "270"  # same size: call refresh()
	ctx.refresh()
	assert account_codes(map_sales_invoice(doc, ctx)) == ["270"]


def test_the_payload_hash_is_the_sha256_of_the_canonical_json():
	import hashlib

	result = map_sales_invoice(invoice([item("WIDGET-A", 2, 19.99)]), small_context())
	text = result.to_json()
	assert hashlib.sha256(text.encode()).hexdigest() == result.payload_hash()
	# canonical: sorted keys, no spaces, Decimals as exact numbers, UTF-8 text unescaped
	assert text.startswith('{"Contact":{"Name":"Kiwi Retail Ltd"},"CurrencyCode":"NZD","Date":"2026-11-02"')
	assert '"Quantity":2,' in text and '"UnitAmount":19.99' in text
	assert json.loads(text)["LineItems"][0]["Quantity"] == 2
