"""The readiness check of a period proposes the Tax Mapping rows from what its invoices actually
use: each tax account and effective rate, with a Xero tax type of that rate from the
organisation (and a row per Item Tax Template where templates at one rate want different
types), so that an accountant can set the mapping up from the check; and a line no row fits is
one issue per account and rate, carrying the row to add."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fixtures.gst_companies import AU, NZ, context, first_mapping, invoices

from xero_connector.engine.context import Mappings, RatedTaxType
from xero_connector.engine.preflight import preflight
from xero_connector.engine.readiness import check_readiness
from xero_connector.engine.readiness_taxes import ITEM_TAX_TEMPLATE, TAX_ACCOUNT

D = Decimal


def contacts(company) -> list[dict]:
	return [
		{"Name": name, "ContactID": f"c-{n}", "ContactStatus": "ACTIVE", "AccountNumber": f"C{n:03d}"}
		for n, name in enumerate(company.customers, start=1)
	]


def check(company, docs, ctx):
	return check_readiness(docs, lambda doc: ctx, contacts(company), {})


def nothing_mapped(company) -> Mappings:
	mappings = first_mapping(company)
	mappings.tax_by_item_tax_template = {}
	mappings.tax_by_sales_taxes_template = {}
	mappings.tax_by_tax_account = {}
	return mappings


def apply(rows, mappings: Mappings) -> Mappings:
	"""What an accountant does from the check: create each proposed row."""
	for proposed in rows:
		add = proposed.row
		table = (
			mappings.tax_by_tax_account
			if add.mapping_type == TAX_ACCOUNT
			else mappings.tax_by_item_tax_template
		)
		table.setdefault(add.reference_name, []).append(RatedTaxType(add.xero_tax_type, add.rate))
	return mappings


def test_a_period_with_no_tax_mapping_gets_the_rows_it_needs_and_they_are_enough():
	docs = invoices(NZ, 90)
	ctx = context(NZ, nothing_mapped(NZ))
	report = check(NZ, docs, ctx)
	assert not report.ready and {issue.kind for issue in report.issues} == {"unmapped_tax"}
	proposed = [
		(r.row.mapping_type, r.row.reference_name, r.row.rate, r.row.xero_tax_type, r.needed)
		for r in report.tax_rows
	]
	assert proposed == [
		(TAX_ACCOUNT, "GST - KS", D(15), "OUTPUT2", True),
		(TAX_ACCOUNT, "GST - KS", D(0), "EXEMPTOUTPUT", True),
		(ITEM_TAX_TEMPLATE, "Zero Rated - KS", D(0), "ZERORATEDOUTPUT", True),
	]
	standard, exempt, zero = report.tax_rows
	assert standard.row.xero_tax_name == "GST on Income" and exempt.row.xero_tax_name == "GST Exempt"
	assert standard.lines > exempt.lines > 0 and zero.invoices
	assert report.as_dict()["tax_rows"][1] == {
		"mapping_type": "Tax Account",
		"reference_name": "GST - KS",
		"rate": "0",
		"xero_tax_type": "EXEMPTOUTPUT",
		"xero_tax_name": "GST Exempt",
		"needed": True,
		"covered_by": [],
		"lines": exempt.lines,
		"invoices": exempt.invoices,
	}

	ctx = context(NZ, apply(report.tax_rows, nothing_mapped(NZ)))
	again = check(NZ, docs, ctx)
	assert again.issues == [] and again.ready
	assert [row.needed for row in again.tax_rows] == [False, False, False]
	assert again.tax_rows[1].covered_by == ["tax account 'GST - KS' at 0%"]
	assert all(preflight(doc, ctx) == [] for doc in docs)


def test_an_australian_period_is_proposed_australian_tax_types():
	docs = invoices(AU, 45)
	report = check(AU, docs, context(AU, nothing_mapped(AU)))
	assert [(r.row.reference_name, r.row.rate, r.row.xero_tax_type) for r in report.tax_rows] == [
		("GST - WT", D(10), "OUTPUT"),
		("GST - WT", D(0), "EXEMPTOUTPUT"),
	]


def test_rows_already_mapped_say_what_covers_them():
	report = check(NZ, invoices(NZ, 45), context(NZ))  # one type per template and per tax account
	assert report.ready
	rows = {(r.row.mapping_type, r.row.reference_name, r.row.rate): r for r in report.tax_rows}
	standard = rows[(TAX_ACCOUNT, "GST - KS", D(15))]
	assert (standard.row.xero_tax_type, standard.needed) == ("OUTPUT2", False)
	assert "Sales Taxes and Charges Template 'GST - KS'" in standard.covered_by
	assert rows[(TAX_ACCOUNT, "GST - KS", D(0))].covered_by == ["Item Tax Template 'Exempt - KS'"]


@pytest.mark.parametrize("company", [NZ, AU], ids=["NZ", "AU"])
def test_lines_no_row_fits_are_one_issue_per_account_and_rate_with_the_row_to_add(company):
	# standard items without an Item Tax Template on invoices whose GST row is 0 %
	docs = [doc for doc in invoices(company, 90) if doc["remarks"] == "from_items"]
	for doc in docs:
		doc["items"][0].update(item_tax_template=None, item_tax_rate="{}")
	mappings = first_mapping(company)
	ctx = context(company, mappings)
	report = check(company, docs, ctx)
	(issue,) = [i for i in report.issues if i.kind == "tax_rate_mismatch"]
	assert (issue.subject_type, issue.subject) == (TAX_ACCOUNT, f"{company.gst_account} at 0%")
	assert issue.action == "map_tax"
	row = issue.action_args["row"]
	assert (row["mapping_type"], row["reference_name"], row["rate"]) == (
		TAX_ACCOUNT,
		company.gst_account,
		"0",
	)
	assert row["xero_tax_type"] in (company.zero_type, company.exempt_type)
	assert set(issue.invoices) <= {doc["name"] for doc in docs} and len(issue.invoices) > 1
	# the row it offers is enough
	mappings.tax_by_tax_account[company.gst_account] = [
		RatedTaxType(company.standard_type, D(str(company.gst))),
		RatedTaxType(row["xero_tax_type"], D(0)),
	]
	assert check(company, docs, context(company, mappings)).issues == []
