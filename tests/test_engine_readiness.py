"""engine.readiness: pre-flight problems grouped into issues with their one-click fix,
customers checked against Xero's contacts by the engine's rules, and the CSV export."""

from __future__ import annotations

import csv
import io

from fixtures.mapping_helpers import invoice, item, small_context

from xero_connector.engine.readiness import (
	CSV_HEADER,
	ERROR,
	WARNING,
	check_readiness,
	contact_issues,
	to_csv,
)

KIWI = "Kiwi Retail Ltd"
HARBOUR = "Harbour Cafe"


def contact(name, contact_id, number=None, status="ACTIVE"):
	row = {"Name": name, "ContactID": contact_id, "ContactStatus": status}
	if number:
		row["AccountNumber"] = number
	return row


def with_codes(ctx, **codes):
	for customer, code in codes.items():
		ctx.masters.customers[customer]["xero_account_number"] = code
	return ctx


def run(docs, ctx, contacts=(), stored=None):
	return check_readiness(docs, lambda doc: ctx, list(contacts), stored or {})


def by_kind(report, kind):
	return [issue for issue in report.issues if issue.kind == kind]


def test_a_ready_period_has_no_issues():
	ctx = with_codes(small_context(), **{KIWI: "KIWI01"})
	docs = [invoice([item("WIDGET-A", 1, 10)], name=f"SINV-{i}", customer=KIWI) for i in range(3)]
	report = run(docs, ctx, [contact(KIWI, "c-1", "KIWI01")])
	assert report.issues == []
	assert report.ready
	assert (report.invoices_checked, report.customers_checked) == (3, 1)


def test_an_unmapped_item_is_one_issue_listing_every_invoice_it_holds_back():
	ctx = with_codes(small_context(default_account_code=None), **{KIWI: "KIWI01"})
	ctx.mappings.account_by_income_account = {}
	ctx.mappings.account_by_item_group = {}
	docs = [
		invoice([item("WIDGET-Z", 1, 10, item_group="Gadgets")], name=name, customer=KIWI)
		for name in ("SINV-1", "SINV-2")
	]
	report = run(docs, ctx, [contact(KIWI, "c-1", "KIWI01")])
	(issue,) = by_kind(report, "unmapped_account")
	assert (issue.severity, issue.subject_type, issue.subject) == (ERROR, "Item", "WIDGET-Z")
	assert issue.invoices == ["SINV-1", "SINV-2"]
	assert issue.action == "map_account"
	assert issue.action_args["options"] == {
		"Item": "WIDGET-Z",
		"Item Group": "Gadgets",
		"Income Account": "Sales - AL",
	}
	assert "No Xero account" in issue.message
	assert not report.ready


def test_a_mapping_to_an_archived_account_offers_a_new_mapping():
	ctx = with_codes(small_context(), **{KIWI: "KIWI01"})
	ctx.mappings.account_by_item = {"WIDGET-B": "250"}
	report = run([invoice([item("WIDGET-B", 1, 10)], customer=KIWI)], ctx, [contact(KIWI, "c-1", "KIWI01")])
	(issue,) = report.issues
	assert (issue.kind, issue.subject_type, issue.subject) == ("archived_account", "Xero Account", "250")
	assert issue.action == "map_account"
	assert issue.action_args["options"]["Item"] == "WIDGET-B"


def test_an_unmapped_tax_offers_the_template_and_the_tax_account():
	ctx = with_codes(small_context(default_tax_type=None), **{KIWI: "KIWI01"})
	ctx.mappings.tax_by_sales_taxes_template = {}
	ctx.mappings.tax_by_tax_account = {}
	doc = invoice([item("WIDGET-A", 1, 10)], customer=KIWI)
	report = run([doc], ctx, [contact(KIWI, "c-1", "KIWI01")])
	(issue,) = by_kind(report, "unmapped_tax")
	assert issue.action == "map_tax"
	assert issue.action_args["options"] == {
		"Sales Taxes and Charges Template": doc["taxes_and_charges"],
		"Tax Account": "GST - AL",
	}
	assert (issue.subject_type, issue.subject) == (
		"Sales Taxes and Charges Template",
		doc["taxes_and_charges"],
	)


def test_a_currency_xero_does_not_have_is_reported_and_never_fixed_silently():
	ctx = with_codes(small_context(), **{KIWI: "KIWI01"})
	doc = invoice([item("WIDGET-A", 1, 10)], customer=KIWI, currency="JPY", conversion_rate=0.0095)
	report = run([doc], ctx, [contact(KIWI, "c-1", "KIWI01")])
	(issue,) = by_kind(report, "currency_not_enabled")
	assert (issue.subject_type, issue.subject, issue.severity) == ("Currency", "JPY", ERROR)
	assert issue.action is None
	assert "Settings → Currencies" in issue.fix


def test_customer_without_a_contact_gets_a_create_action():
	ctx = with_codes(small_context(), **{KIWI: "KIWI01"})
	report = run([invoice([item("WIDGET-A", 1, 10)], customer=KIWI, name="SINV-9")], ctx, [])
	(issue,) = report.issues
	assert (issue.kind, issue.severity, issue.subject) == ("contact_missing", WARNING, KIWI)
	assert issue.action == "create_contact"
	assert issue.action_args == {"customer": KIWI}
	assert issue.invoices == ["SINV-9"]
	assert "account number KIWI01" in issue.message
	assert report.ready, "a missing contact is created by the first push: a warning, not an error"


def test_contact_rules_follow_the_engine():
	customers = {
		"A": ("Alpha Ltd", "A01"),  # matched by account number: fine
		"B": ("Beta Ltd", "B01"),  # only a contact of the same name: link it
		"C": ("Gamma Ltd", None),  # stored id Xero does not have
		"D": ("Delta Ltd", "D01"),  # account number matches an archived contact
		"E": ("Echo Ltd", None),  # stored id, active: fine
	}
	contacts = [
		contact("Alpha Ltd", "id-a", "A01"),
		contact("Beta Ltd", "id-b", "OTHER"),
		contact("Delta Ltd", "id-d", "D01", status="ARCHIVED"),
		contact("Echo Ltd", "id-e"),
	]
	issues = {i.subject: i for i in contact_issues(customers, contacts, {"C": "gone", "E": "id-e"})}
	assert set(issues) == {"B", "C", "D"}
	assert issues["B"].kind == "contact_matched_by_name"
	assert issues["B"].action == "link_contact"
	assert issues["B"].action_args == {"customer": "B", "contact_id": "id-b", "contact_name": "Beta Ltd"}
	assert "its account number is OTHER" in issues["B"].message
	assert (issues["C"].kind, issues["C"].severity) == ("contact_not_in_xero", ERROR)
	assert (issues["D"].kind, issues["D"].action) == ("contact_archived", None)


def test_an_active_contact_wins_over_an_archived_one_of_the_same_name():
	customers = {"B": ("Beta Ltd", None)}
	contacts = [contact("Beta Ltd", "old", status="ARCHIVED"), contact("Beta Ltd", "new")]
	(issue,) = contact_issues(customers, contacts, {})
	assert issue.action_args["contact_id"] == "new"


def test_csv_export_has_one_row_per_issue():
	ctx = with_codes(small_context(default_account_code=None), **{KIWI: "KIWI01"})
	ctx.mappings.account_by_income_account = {}
	ctx.mappings.account_by_item_group = {}
	docs = [invoice([item("WIDGET-Z", 1, 10)], name="SINV-1", customer=KIWI)]
	report = run(docs, ctx, [])
	rows = list(csv.reader(io.StringIO(to_csv(report))))
	assert tuple(rows[0]) == CSV_HEADER
	assert len(rows) == 1 + len(report.issues) == 3
	first = dict(zip(rows[0], rows[1], strict=True))
	assert first["Severity"] == "error"
	assert first["Subject"] == "WIDGET-Z"
	assert first["Example Invoices"] == "SINV-1"
	assert first["One-Click Fix"] == "Create account mapping"
	assert rows[2][CSV_HEADER.index("One-Click Fix")] == "Create contact in Xero"
