"""Text Xero would refuse as too long, named before anything is sent (issue 14): a line's
Description takes at most 4,000 characters (developer.xero.com/documentation/api/accounting/
invoices; the strict sandbox refuses more too). Nothing is cut off silently: an accountant's
invoice in Xero says what the ERPNext invoice says, or it is not sent and the row is named."""

from __future__ import annotations

import pytest
from fixtures.mapping_helpers import invoice, item, small_context

from xero_connector.engine.mapping import map_sales_invoice
from xero_connector.engine.preflight import preflight
from xero_connector.engine.problems import MappingError


def only(problems):
	assert len(problems) == 1, [str(p) for p in problems]
	return problems[0]


def with_description(text: str, row: int = 2) -> dict:
	doc = invoice([item("WIDGET-A", 3, 125.5), item("WIDGET-B", 2, 19.99)], name="ACC-SINV-2026-00118")
	doc["items"][row - 1]["description"] = text
	return doc


def test_a_description_of_10000_characters_is_refused_naming_the_row_and_the_limit():
	doc = with_description("Terms and conditions. " * 455)  # 10,010 characters
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field) == ("too_long", 2, "items.description")
	assert str(problem).startswith("ACC-SINV-2026-00118, row 2 (items.description = Terms and")
	assert "10,009 characters" in problem.message and "at most 4,000" in problem.message
	assert "row 2" in problem.fix and "4,000 characters or fewer" in problem.fix
	with pytest.raises(MappingError) as refused:  # the engine's mapping refuses it too: never cut
		map_sales_invoice(doc, small_context())
	assert [p.field for p in refused.value.problems] == ["items.description"]


def test_a_description_of_exactly_4000_characters_is_sent_whole():
	doc = with_description("d" * 4000)
	assert preflight(doc, small_context()) == []
	lines = map_sales_invoice(doc, small_context()).payload["LineItems"]
	assert lines[1]["Description"] == "d" * 4000


def test_html_is_counted_as_the_text_sent():
	"""ERPNext keeps descriptions as HTML; Xero gets the text, and only the text counts."""
	doc = with_description("<div><p><b>" + "x" * 3000 + "</b></p></div>" * 500)
	assert preflight(doc, small_context()) == []
	assert map_sales_invoice(doc, small_context()).payload["LineItems"][1]["Description"] == "x" * 3000


def test_a_description_the_quantity_note_takes_over_the_limit_is_refused():
	"""A quantity with more than 4 decimals is sent as 1 × amount with the original quantity and rate
	noted in the description; where that note takes it over 4,000 the fix says how short to make it."""
	doc = invoice([item("WIDGET-A", 1.23456, 10.0, amount=12.35, net_amount=12.35)], rounding=False)
	doc["items"][0]["description"] = "d" * 3990
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field) == ("too_long", 1, "items.description")
	assert "note of its quantity and rate" in problem.message
	room = 4000 - len(" (1.23456 × 10)")
	assert f"to {room:,} characters" in problem.fix


def test_a_charge_row_description_over_the_limit_names_the_taxes_row():
	doc = invoice([item("WIDGET-A", 1, 100.0)], rounding=False)
	doc["taxes"].append(
		{
			"idx": 2,
			"charge_type": "Actual",
			"account_head": "Freight Income - AL",
			"description": "F" * 4001,
			"tax_amount": 10.0,
			"tax_amount_after_discount_amount": 10.0,
			"total": 125.0,
			"rate": 0,
		}
	)
	doc.update(grand_total=125.0, total_taxes_and_charges=25.0)
	problem = only(preflight(doc, small_context()))
	assert (problem.kind, problem.row, problem.field) == ("too_long", 2, "taxes.description")


def test_the_contact_name_checked_is_the_one_a_new_contact_would_get():
	"""A customer without a Customer Name is created in Xero under its ID (engine/contacts.py):
	that is the text checked against Contact.Name's 255 (components/schemas/Contact)."""
	ctx = small_context()
	long_id = "K" * 256
	ctx.masters.customers[long_id] = {"name": long_id, "customer_name": None}
	doc = invoice([item("WIDGET-A", 1, 10.0)], rounding=False, customer=long_id, customer_name="Kiwi")
	problem = only(preflight(doc, ctx))
	assert problem.kind == "too_long" and "Contact Name takes at most 255" in problem.message
