"""One ERPNext tax account (or template) used at several rates maps to several Xero tax types:
each line takes the one whose rate is the line's effective rate (from its Item Tax Template or
the row's rate), and when none fits pre-flight names the row to add, with a Xero tax type of
that rate from the organisation's tax rates. One-to-one mappings keep working as they were."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from fixtures.erpnext_calc import sales_invoice
from fixtures.gst_companies import AU, NZ, context, first_mapping, invoices, item_row
from fixtures.mapping_helpers import tax_overrides, xero_totals

from tests.engine_support import SAMPLES
from tests.test_cli import cli
from xero_connector.engine.context import Mappings, RatedTaxType
from xero_connector.engine.mapping import map_sales_invoice
from xero_connector.engine.mapping_file import MappingFileError, parse_mapping
from xero_connector.engine.preflight import preflight

D = Decimal


def rates_of(company) -> dict[str, Decimal]:
	return {t["TaxType"]: D(t["EffectiveRate"]) for t in company.xero_tax_rates}


def gst_row(company, rate) -> dict:
	return {"charge_type": "On Net Total", "account_head": company.gst_account, "rate": rate}


def without_sales_template(company, items: list[dict]) -> dict:
	"""No Sales Taxes and Charges Template: ERPNext added the items' GST row, at 0 %, and each
	item's Item Tax Template gives its rate."""
	return sales_invoice(
		f"{company.abbr}-R-1",
		items,
		[gst_row(company, 0.0)],
		customer=company.customers[0],
		company=company.name,
		currency=company.currency,
	)


def with_template(company, items: list[dict]) -> dict:
	return sales_invoice(
		f"{company.abbr}-R-2",
		items,
		[gst_row(company, company.gst)],
		customer=company.customers[0],
		company=company.name,
		currency=company.currency,
		taxes_and_charges=company.template("GST"),
	)


def account_only(company, rows) -> Mappings:
	"""Only the tax account mapped (the accountant's one row per account and rate)."""
	mappings = first_mapping(company)
	mappings.tax_by_item_tax_template = {}
	mappings.tax_by_sales_taxes_template = {}
	mappings.tax_by_tax_account = {company.gst_account: rows}
	return mappings


def tax_types(doc, ctx) -> list[str]:
	result = map_sales_invoice(doc, ctx)
	return [
		line["TaxType"]
		for line in result.payload["LineItems"]
		if line["Description"] != "Rounding adjustment"
	]


MIXED = [
	("PAINT-10L", 2, 189.99, "GST Standard"),
	("BOOK-GUIDE", 3, 42.5, "Exempt"),
	("HIRE-DAY", 1, 65.0, "GST Standard"),
]


@pytest.mark.parametrize(
	"rows",
	[
		{"15": "OUTPUT2", "0": "EXEMPTOUTPUT"},
		[RatedTaxType("OUTPUT2", D("15")), RatedTaxType("EXEMPTOUTPUT", D("0"))],
		[RatedTaxType("OUTPUT2"), RatedTaxType("EXEMPTOUTPUT")],  # no rates: Xero's own rates pick
	],
	ids=["by rate", "rows", "Xero's rates"],
)
def test_one_tax_account_at_two_rates_gives_each_line_its_type(rows):
	doc = without_sales_template(NZ, [item_row(NZ, *row) for row in MIXED])
	ctx = context(NZ, account_only(NZ, rows))
	assert preflight(doc, ctx) == []
	result = map_sales_invoice(doc, ctx)
	assert tax_types(doc, ctx) == ["OUTPUT2", "EXEMPTOUTPUT", "OUTPUT2"]
	totals = xero_totals(result.payload, rates_of(NZ))
	assert totals["Total"] == result.expected_total == D(str(doc["rounded_total"]))
	assert totals["TotalTax"] == D(str(doc["total_taxes_and_charges"]))
	assert max(tax_overrides(result.payload, rates_of(NZ)), default=D(0)) <= D("0.01")


def test_rates_written_in_the_mapping_pick_without_xeros_reference_data():
	doc = without_sales_template(NZ, [item_row(NZ, *row) for row in MIXED])
	ctx = context(NZ, account_only(NZ, {"15": "OUTPUT2", "0": "EXEMPTOUTPUT"}), with_xero=False)
	assert tax_types(doc, ctx) == ["OUTPUT2", "EXEMPTOUTPUT", "OUTPUT2"]


def test_a_row_for_the_rate_wins_over_the_row_for_any_rate():
	doc = with_template(
		NZ, [item_row(NZ, "PAINT-10L", 1, 189.99), item_row(NZ, "EXPORT-KIT", 1, 1249.0, "Zero Rated")]
	)
	ctx = context(NZ, account_only(NZ, {"any": "OUTPUT2", "0": "ZERORATEDOUTPUT"}))
	assert tax_types(doc, ctx) == ["OUTPUT2", "ZERORATEDOUTPUT"]


def test_a_record_mapped_at_another_rate_gives_way_to_the_next_that_fits():
	# the template is mapped one-to-one at 15 %; the exempt item's 0 % is found on the tax account
	doc = with_template(
		NZ, [item_row(NZ, "PAINT-10L", 1, 189.99), item_row(NZ, "BOOK-GUIDE", 1, 42.5, "Exempt")]
	)
	mappings = first_mapping(NZ)
	mappings.tax_by_item_tax_template = {}
	mappings.tax_by_tax_account = {NZ.gst_account: {"0": "EXEMPTOUTPUT", "15": "OUTPUT2"}}
	ctx = context(NZ, mappings)
	result = map_sales_invoice(doc, ctx)
	lines = result.payload["LineItems"]
	assert [line["TaxType"] for line in lines[:2]] == ["OUTPUT2", "EXEMPTOUTPUT"]
	assert xero_totals(result.payload, rates_of(NZ))["Total"] == result.expected_total


def test_the_one_to_one_mapping_written_first_still_sends_every_kind_of_invoice():
	for company in (NZ, AU):
		ctx = context(company)  # one Xero tax type per template and per tax account
		for doc in invoices(company, 45):
			assert preflight(doc, ctx) == [], doc["name"]


@pytest.mark.parametrize(
	("company", "suggested"), [(NZ, "ZERORATEDOUTPUT (Zero Rated)"), (AU, "EXEMPTOUTPUT (GST Free Income)")]
)
def test_a_line_no_row_fits_is_refused_naming_the_row_to_add(company, suggested):
	# a standard item without an Item Tax Template on an invoice whose GST row is 0 % (in Australia
	# with Xero Settings' zero tax type BASEXCLUDED, which is not GST Free and so not taken)
	doc = without_sales_template(
		company,
		[item_row(company, "PAINT-10L", 1, 189.99), item_row(company, "HIRE-DAY", 2, 65.0, "GST Standard")],
	)
	ctx = context(company, account_only(company, company.standard_type))  # the one-to-one row
	(problem,) = preflight(doc, ctx)
	assert (problem.kind, problem.row, problem.value) == ("tax_rate_mismatch", 1, company.standard_type)
	assert f"is {company.gst:g}% in Xero but ERPNext taxes this line at 0%" in problem.message
	assert (
		problem.fix
		== f"Add a Xero Tax Mapping row for Tax Account '{company.gst_account}' at 0% with Xero tax type {suggested}."
	)
	# adding that row is enough
	code = suggested.split()[0]
	ctx = context(company, account_only(company, {f"{company.gst:g}": company.standard_type, "0": code}))
	assert preflight(doc, ctx) == []


def test_an_exempt_items_template_suggests_the_exempt_type():
	doc = with_template(
		NZ, [item_row(NZ, "PAINT-10L", 1, 189.99), item_row(NZ, "BOOK-GUIDE", 1, 42.5, "Exempt")]
	)
	mappings = first_mapping(NZ)
	mappings.tax_by_item_tax_template = {}
	(problem,) = preflight(doc, context(NZ, mappings))
	assert (problem.kind, problem.row, problem.field) == ("unmapped_tax", 2, "items.item_tax_template")
	assert problem.fix == (
		"Add a Xero Tax Mapping row for Tax Account 'GST - KS' at 0% with Xero tax type EXEMPTOUTPUT "
		"(GST Exempt), or map Item Tax Template 'Exempt - KS' to EXEMPTOUTPUT."
	)


def test_a_rate_the_organisation_has_no_tax_type_for_says_to_create_one():
	doc = with_template(NZ, [item_row(NZ, "PAINT-10L", 1, 189.99)])
	doc["items"][0]["item_tax_rate"] = '{"GST - KS": 12.5}'
	doc["taxes"][0]["tax_amount"] = doc["taxes"][0]["tax_amount_after_discount_amount"] = 23.75
	doc.update(grand_total=213.74, rounded_total=214.0, rounding_adjustment=0.26)
	(problem,) = preflight(doc, context(NZ))
	assert problem.kind == "tax_rate_mismatch"
	assert problem.fix.startswith(
		"Add a Xero Tax Mapping row for Tax Account 'GST - KS' at 12.5% with a Xero tax type of 12.5%"
	)
	assert "the Xero organisation has none" in problem.fix


# -- the mapping file --------------------------------------------------------------------------


def test_the_mapping_file_takes_a_tax_type_per_rate():
	mappings, _ = parse_mapping(
		{
			"taxes": {
				"tax_account": {"GST - KS": {"15": "OUTPUT2", "0": "EXEMPTOUTPUT", "any": "NONE"}},
				"sales_taxes_template": {"GST - KS": "OUTPUT2"},
			}
		}
	)
	assert mappings.tax_by_tax_account["GST - KS"] == [
		RatedTaxType("OUTPUT2", D("15")),
		RatedTaxType("EXEMPTOUTPUT", D("0")),
		RatedTaxType("NONE", None),
	]
	assert mappings.tax_by_sales_taxes_template == {"GST - KS": "OUTPUT2"}  # one-to-one: unchanged


@pytest.mark.parametrize(
	("rows", "message"),
	[
		({"fifteen": "OUTPUT2"}, "'fifteen' is not a rate"),
		({"15": "OUTPUT2", "15.0": "OUTPUT"}, "maps the rate '15.0' twice"),
		({"15": None}, "must be a Xero code"),
		({}, "maps no rate"),
	],
)
def test_mapping_file_rates_that_make_no_sense_are_refused(rows, message):
	with pytest.raises(MappingFileError) as raised:
		parse_mapping({"taxes": {"tax_account": {"GST - KS": rows}}})
	assert message in str(raised.value) and "taxes.tax_account['GST - KS']" in str(raised.value)


# -- the CLI that loads it ---------------------------------------------------------------------


def test_the_cli_sends_with_a_tax_account_mapped_per_rate(tmp_path):
	sample = json.loads((SAMPLES / "mapping.json").read_text())
	sample["taxes"] = {"tax_account": {"GST - AL": {"15": "OUTPUT2", "0": "EXEMPTOUTPUT"}}}
	mapping = tmp_path / "mapping.json"
	mapping.write_text(json.dumps(sample))
	# an exempt item beside taxable ones, with no template mapped: the account's 0 % row takes it
	files = [SAMPLES / "invoices" / f"ACC-SINV-2026-{n}.json" for n in ("00018", "00026")]
	result = cli("push", *files, "--mapping", mapping)
	assert result.returncode == 0, result.stdout + result.stderr
	assert "erpnext=812.00 NZD xero=812.00" in result.stdout
	assert "erpnext=736.00 NZD xero=736.00" in result.stdout

	sample["taxes"]["tax_account"]["GST - AL"]["zero"] = "NONE"
	mapping.write_text(json.dumps(sample))
	refused = cli("push", *files, "--mapping", mapping)
	assert refused.returncode == 2 and refused.stdout == ""
	assert "taxes.tax_account['GST - AL']: 'zero' is not a rate" in refused.stderr
