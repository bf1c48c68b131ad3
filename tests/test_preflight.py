"""Pre-flight: every problem at once, each naming the document, the row, the field and the fix."""

from __future__ import annotations

import pytest
from fixtures.mapping_helpers import invoice, item, small_context

from xero_connector.engine.mapping import map_sales_invoice
from xero_connector.engine.preflight import preflight
from xero_connector.engine.problems import MappingError, Problem


def kinds(problems: list[Problem]) -> list[str]:
	return [p.kind for p in problems]


def only(problems: list[Problem]) -> Problem:
	assert len(problems) == 1, [str(p) for p in problems]
	return problems[0]


def clean_invoice(**extra) -> dict:
	return invoice(
		[item("WIDGET-A", 3, 125.5), item("WIDGET-B", 2, 19.99)], name="ACC-SINV-2026-00118", **extra
	)


def test_a_clean_invoice_has_no_problems():
	assert preflight(clean_invoice(), small_context()) == []
	assert preflight(clean_invoice(), small_context(with_xero=False)) == []


def test_unmapped_item_without_a_default():
	ctx = small_context(default_account_code=None)
	ctx.mappings.account_by_income_account = {}
	doc = invoice(
		[item("WIDGET-A", 1, 10.0), item("WIDGET-Z", 1, 10.0, item_group="Gadgets")], rounding=False
	)
	ctx.mappings.account_by_item = {"WIDGET-A": "200"}
	problem = only(preflight(doc, ctx))
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"unmapped_account",
		2,
		"items.item_code",
		"WIDGET-Z",
	)
	assert "Item 'WIDGET-Z'" in problem.fix and "Item Group 'Gadgets'" in problem.fix
	assert "Income Account 'Sales - AL'" in problem.fix and "Default Account Code" in problem.fix
	assert str(problem).startswith("SINV-T-0001, row 2 (items.item_code = WIDGET-Z): No Xero account")
	assert " Fix: Add a Xero Account Mapping" in str(problem)


@pytest.mark.parametrize(
	("code", "kind", "words"),
	[
		("999", "unknown_account", "does not exist"),
		("250", "archived_account", "is ARCHIVED in Xero"),
		("310", "account_not_revenue", "not a revenue account"),
		("090", "account_not_revenue", "BANK"),
	],
)
def test_xero_account_must_exist_be_active_and_revenue(code, kind, words):
	ctx = small_context()
	ctx.mappings.account_by_item = {"WIDGET-B": code}
	problem = only(preflight(clean_invoice(), ctx))
	assert (problem.kind, problem.row, problem.field, problem.value) == (kind, 2, "items.item_code", code)
	assert words in problem.message
	assert "Item 'WIDGET-B'" in problem.message and "Item 'WIDGET-B'" in problem.fix


def test_the_rounding_line_may_go_to_xeros_rounding_account():
	"""Xero takes its Rounding system account (860) on a line (engine/rules.py: line_account_refusal),
	so the rounding line may use it; the sandbox refuses 860 nowhere either."""
	doc = clean_invoice()
	assert doc["rounding_adjustment"]
	ctx = small_context(rounding_account_code="860")
	assert preflight(doc, ctx) == []
	rounding = [
		line for line in map_sales_invoice(doc, ctx).payload["LineItems"] if line["AccountCode"] == "860"
	]
	assert [line["Description"] for line in rounding] == ["Rounding adjustment"]


@pytest.mark.parametrize(
	("code", "kind", "words"),
	[
		("820", "system_account", "GST system account, which Xero keeps for its own entries"),
		("310", "account_not_revenue", "or Xero's Rounding account"),
		("090", "account_not_revenue", "BANK"),
	],
)
def test_the_rounding_line_refuses_other_system_and_non_revenue_accounts(code, kind, words):
	problem = only(preflight(clean_invoice(), small_context(rounding_account_code=code)))
	assert (problem.kind, problem.field, problem.value) == (kind, "rounding_adjustment", code)
	assert words in problem.message
	assert "the rounding account code on the Xero Connection" in problem.fix


def test_an_item_line_may_not_go_to_the_rounding_account():
	"""Sales go to a revenue account: 860 takes only the rounding line."""
	ctx = small_context()
	ctx.mappings.account_by_item = {"WIDGET-B": "860"}
	problem = only(preflight(clean_invoice(), ctx))
	assert (problem.kind, problem.row, problem.value) == ("system_account", 2, "860")
	assert "takes only the line carrying ERPNext's rounding adjustment" in problem.message
	assert "200 Sales" in problem.fix


def test_other_income_accounts_are_revenue():
	ctx = small_context()
	ctx.mappings.account_by_item = {"WIDGET-B": "270"}  # OTHERINCOME
	assert preflight(clean_invoice(), ctx) == []


def test_unmapped_tax_without_a_default():
	ctx = small_context(default_tax_type=None)
	ctx.mappings.tax_by_sales_taxes_template = {}
	ctx.mappings.tax_by_tax_account = {}
	problem = only(preflight(clean_invoice(), ctx))
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"unmapped_tax",
		1,
		"taxes.account_head",
		"GST - AL",
	)
	assert "Sales Taxes and Charges Template 'New Zealand - AL'" in problem.fix
	assert "Default Tax Type" in problem.fix


@pytest.mark.parametrize(
	("tax_type", "kind", "words"),
	[
		("GST99", "unknown_tax_type", "does not exist"),
		("TAX001", "archived_tax_type", "is ARCHIVED in Xero"),
		("INPUT2", "tax_type_not_revenue", "CanApplyToRevenue"),
	],
)
def test_xero_tax_type_must_exist_be_active_and_for_revenue(tax_type, kind, words):
	ctx = small_context(default_tax_type=None)
	ctx.mappings.tax_by_sales_taxes_template = {"New Zealand - AL": tax_type}
	ctx.mappings.tax_by_tax_account = {}  # nothing else for the line to take
	problems = [p for p in preflight(clean_invoice(), ctx) if p.kind != "tax_rate_mismatch"]
	problem = only(problems)
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		kind,
		1,
		"taxes_and_charges",
		tax_type,
	)
	assert words in problem.message
	assert "Sales Taxes and Charges Template 'New Zealand - AL'" in problem.fix


def test_tax_type_rate_must_match_erpnext():
	ctx = small_context(default_tax_type=None)
	ctx.mappings.tax_by_sales_taxes_template = {"New Zealand - AL": "ZERORATEDOUTPUT"}
	ctx.mappings.tax_by_tax_account = {}
	problem = only(preflight(clean_invoice(), ctx))
	assert problem.kind == "tax_rate_mismatch"
	assert "is 0% in Xero but ERPNext taxes this line at 15%" in problem.message


def test_currency_not_enabled_in_xero():
	doc = clean_invoice(currency="JPY", conversion_rate=0.0095)
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"currency_not_enabled",
		None,
		"currency",
		"JPY",
	)
	assert "Settings → Currencies" in problem.fix


def test_base_currency_mismatch():
	ctx = small_context()
	ctx.xero.base_currency = "AUD"
	ctx.xero.currencies = [{"Code": "NZD"}]
	problem = only(preflight(clean_invoice(), ctx))
	assert problem.kind == "base_currency_mismatch"


def test_customer_must_have_a_match_key():
	ctx = small_context()
	ctx.masters.customers["Kiwi Retail Ltd"]["customer_name"] = ""
	doc = clean_invoice(customer_name="")
	problem = only(preflight(doc, ctx))
	assert (problem.kind, problem.field, problem.value) == (
		"customer_without_match_key",
		"customer",
		"Kiwi Retail Ltd",
	)
	assert "xero_account_number" in problem.fix
	# a billing account code is enough on its own
	ctx.masters.customers["Kiwi Retail Ltd"]["xero_account_number"] = "KIWI01"
	assert preflight(doc, ctx) == []


def test_customer_missing_from_masters():
	problem = only(preflight(clean_invoice(customer="Ghost Ltd"), small_context()))
	assert (problem.kind, problem.field, problem.value) == ("customer_not_found", "customer", "Ghost Ltd")


def test_empty_invoice():
	doc = clean_invoice()
	doc["items"] = []
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field) == ("empty_invoice", None, "items")


def test_negative_quantity_on_an_invoice():
	doc = invoice([item("WIDGET-A", 3, 10.0), item("WIDGET-B", -1, 10.0)], rounding=False)
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"negative_quantity",
		2,
		"items.qty",
		"-1",
	)
	assert "return" in problem.fix


def test_negative_total_on_an_invoice_that_is_not_a_return():
	"""Positive quantities, a negative rate (e.g. a credit keyed as a line): the total is below zero,
	which Xero refuses on an invoice. Refused before sending, naming the invoice, the field and the fix."""
	doc = invoice([item("WIDGET-A", 1, 10.0), item("WIDGET-B", 1, -50.0)], rounding=False)
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"negative_total",
		None,
		"grand_total",
		"-46.00",
	)
	assert str(problem).startswith("SINV-T-0001 (grand_total = -46.00): The invoice's total is -46.00 NZD")
	assert "not a return" in problem.message
	assert "return (credit note)" in problem.fix
	with pytest.raises(MappingError):
		map_sales_invoice(doc, small_context())
	# zero is a total Xero takes
	zero = invoice([item("WIDGET-A", 1, 10.0), item("WIDGET-B", 1, -10.0)], rounding=False)
	assert preflight(zero, small_context()) == []


def test_positive_total_on_a_return():
	doc = invoice([item("WIDGET-A", 1, 125.5)], rounding=False)
	doc.update(is_return=1, return_against="ACC-SINV-2026-00018")
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.field) == ("negative_total", "grand_total")
	assert "above zero" in problem.message and "negative" in problem.fix


@pytest.mark.parametrize(("docstatus", "words"), [(0, "a draft"), (2, "cancelled")])
def test_only_submitted_documents_are_pushed(docstatus, words):
	problem = only(preflight(clean_invoice(docstatus=docstatus), small_context()))
	assert (problem.kind, problem.field, problem.value) == ("not_submitted", "docstatus", str(docstatus))
	assert words in problem.message


def test_return_without_return_against():
	doc = invoice([item("WIDGET-A", -1, 125.5, amount=-125.5, net_amount=-125.5)], rounding=False)
	doc["taxes"][0].update(tax_amount=-18.83, tax_amount_after_discount_amount=-18.83)
	doc.update(is_return=1, grand_total=-144.33)
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.field) == ("return_without_original", "return_against")
	assert "Return Against" in problem.fix
	doc["return_against"] = "ACC-SINV-2026-00018"
	assert preflight(doc, small_context()) == []


def test_several_problems_at_once_and_the_same_from_the_mapper():
	ctx = small_context(default_account_code=None)
	ctx.mappings.account_by_income_account = {}
	ctx.mappings.account_by_item = {"WIDGET-A": "250"}
	doc = invoice(
		[item("WIDGET-A", 1, 10.0), item("WIDGET-Z", -2, 10.0)],
		rounding=False,
		docstatus=0,
		currency="JPY",
		conversion_rate=0.0095,
		customer="Ghost Ltd",
	)
	problems = preflight(doc, ctx)
	assert sorted(kinds(problems)) == sorted(
		[
			"not_submitted",
			"negative_quantity",
			"customer_not_found",
			"currency_not_enabled",
			"unmapped_account",
			"archived_account",
		]
	)
	for problem in problems:
		text = str(problem)
		assert text.startswith("SINV-T-0001") and f"({problem.field}" in text and " Fix: " in text
		assert problem.fix and problem.message
	# the mapper refuses with the same list, less the docstatus (the engine decides what to push)
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, ctx)
	assert sorted(kinds(caught.value.problems)) == sorted(k for k in kinds(problems) if k != "not_submitted")


def test_without_xero_reference_data_xero_side_checks_are_skipped():
	ctx = small_context(with_xero=False)
	ctx.mappings.account_by_item = {"WIDGET-B": "250"}
	ctx.mappings.tax_by_sales_taxes_template = {"New Zealand - AL": "TAX001"}
	assert preflight(clean_invoice(currency="JPY", conversion_rate=0.0095), ctx) == []


def test_problem_text_without_a_row():
	problem = Problem(
		"ACC-SINV-2026-00018", None, "currency", "Currency JPY is not enabled.", "Enable it.", "JPY"
	)
	assert (
		str(problem) == "ACC-SINV-2026-00018 (currency = JPY): Currency JPY is not enabled. Fix: Enable it."
	)
	assert problem.as_dict()["field"] == "currency"


def test_numbers_that_are_not_numbers_are_problems_not_crashes():
	doc = clean_invoice()
	doc["items"][1]["qty"] = "three"
	doc["taxes"][0]["rate"] = "15%"
	problems = preflight(doc, small_context())
	assert kinds(problems) == ["not_a_number", "not_a_number"]
	qty, rate = problems
	assert (qty.row, qty.field, qty.value) == (2, "items.qty", "three")
	assert qty.message == "Quantity (items.qty) 'three' on row 2 is not a number."
	assert "Correct Quantity in ERPNext" in qty.fix
	assert (rate.row, rate.field, rate.value) == (1, "taxes.rate", "15%")
	with pytest.raises(MappingError) as caught:
		map_sales_invoice(doc, small_context())
	assert kinds(caught.value.problems) == ["not_a_number", "not_a_number"]


def test_a_text_exchange_rate_is_named_and_customer_problems_still_reported():
	doc = clean_invoice(currency="USD", conversion_rate="abc", customer="Nobody Ltd")
	problems = preflight(doc, small_context())
	assert kinds(problems) == ["not_a_number", "customer_not_found"]
	assert problems[0].field == "conversion_rate" and problems[0].row is None


def test_numbers_written_as_text_still_map():
	doc = clean_invoice()
	as_text = clean_invoice()
	for row in as_text["items"]:
		row["qty"], row["rate"] = str(row["qty"]), str(row["rate"])
	assert preflight(as_text, small_context()) == []
	assert (
		map_sales_invoice(as_text, small_context()).to_json()
		== map_sales_invoice(doc, small_context()).to_json()
	)


def test_a_reference_longer_than_xero_takes_is_named_in_preflight():
	"""Xero refuses a Reference over 255 characters (the strict sandbox too: issue 12); pre-flight
	names the document, the field and the fix instead of a push that fails."""
	problem = only(preflight(clean_invoice(po_no="P" * 256), small_context()))
	assert problem.kind == "too_long" and problem.field == "po_no"
	assert "Reference takes at most 255" in problem.message and "Shorten 'po_no'" in problem.fix
	assert problem.document == "ACC-SINV-2026-00118"


def test_a_billing_code_longer_than_an_account_number_is_named_in_preflight():
	"""Contact AccountNumber ≤ 50 (components/schemas/Contact/properties/AccountNumber/maxLength)."""
	ctx = small_context()
	customer = clean_invoice()["customer"]
	ctx.masters.customers[customer][ctx.settings.billing_code_field] = "C" * 51
	problem = only(preflight(clean_invoice(), ctx))
	assert problem.kind == "too_long" and "AccountNumber takes at most 50" in problem.message
