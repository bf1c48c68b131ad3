"""Tracking categories (issue 17): the sandbox's /TrackingCategories with Xero's rules, a line's
Tracking validated as Xero does, and the engine putting each item row's dimension (cost center,
project, any accounting dimension) on its Xero line, with pre-flight naming the row whose option
Xero lacks or has archived."""

from __future__ import annotations

import copy

import pytest
from fixtures.mapping_helpers import invoice, item, small_context

from tests import engine_support
from tests.engine_support import sample
from xero_connector.engine.context import Mappings
from xero_connector.engine.mapping import map_sales_invoice
from xero_connector.engine.mapping_file import MappingFileError, parse_mapping
from xero_connector.engine.preflight import preflight
from xero_connector.engine.readiness import check_readiness
from xero_connector.engine.tracking import create_missing_options
from xero_connector.engine.tracking_readiness import missing_options
from xero_connector.sandbox import tracking as sandbox_tracking

env = engine_support.env  # the fixture
pytestmark = pytest.mark.timeout(120)


def messages(body: dict) -> list[str]:
	return [m["Message"] for e in body.get("Elements", []) for m in e.get("ValidationErrors", [])]


def region(xero, *options: str, name: str = "Region") -> dict:
	category = xero.put("/TrackingCategories", json={"Name": name}).json()["TrackingCategories"][0]
	if options:
		answer = xero.put(
			f"/TrackingCategories/{category['TrackingCategoryID']}/Options",
			json={"Options": [{"Name": o} for o in options]},
		)
		assert answer.status_code == 200, answer.text
	return category


def archive_option(xero, category: dict, option: str) -> None:
	found = xero.get(f"/TrackingCategories/{category['TrackingCategoryID']}").json()
	option_id = next(
		o["TrackingOptionID"] for o in found["TrackingCategories"][0]["Options"] if o["Name"] == option
	)
	answer = xero.post(
		f"/TrackingCategories/{category['TrackingCategoryID']}/Options/{option_id}",
		json={"Status": "ARCHIVED"},
	)
	assert answer.status_code == 200, answer.text


def line_invoice(xero, tracking) -> dict:
	contact = xero.get("/Contacts", params={"where": 'Name=="Boom FM"'}).json()["Contacts"][0]
	line = {"Description": "Consulting", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
	line["TaxType"] = "OUTPUT2"
	return {
		"Type": "ACCREC",
		"Contact": {"ContactID": contact["ContactID"]},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineItems": [{**line, "Tracking": tracking}],
	}


# ---- the sandbox ------------------------------------------------------------------------------


def test_categories_list_with_options_and_archived_ones_only_when_asked(xero):
	category = region(xero, "North", "South")
	archive_option(xero, category, "South")
	shown = xero.get("/TrackingCategories").json()["TrackingCategories"]
	assert [(c["Name"], [o["Name"] for o in c["Options"]]) for c in shown] == [("Region", ["North"])]
	everything = xero.get("/TrackingCategories", params={"includeArchived": "true"}).json()
	options = {o["Name"]: o["Status"] for o in everything["TrackingCategories"][0]["Options"]}
	assert options == {"North": "ACTIVE", "South": "ARCHIVED"}


def test_at_most_two_active_categories(xero):
	region(xero)
	second = region(xero, name="Department")
	third = xero.put("/TrackingCategories", json={"Name": "Project"})
	assert third.status_code == 400
	assert messages(third.json()) == [sandbox_tracking.TOO_MANY_ACTIVE]
	# archiving one makes room
	archived = xero.post(f"/TrackingCategories/{second['TrackingCategoryID']}", json={"Status": "ARCHIVED"})
	assert archived.json()["TrackingCategories"][0]["Status"] == "ARCHIVED"
	assert xero.put("/TrackingCategories", json={"Name": "Project"}).status_code == 200
	# and restoring it is then refused
	again = xero.post(f"/TrackingCategories/{second['TrackingCategoryID']}", json={"Status": "ACTIVE"})
	assert messages(again.json()) == [sandbox_tracking.TOO_MANY_ACTIVE]


def test_an_option_name_is_unique_in_its_category(xero):
	category = region(xero, "North")
	again = xero.put(f"/TrackingCategories/{category['TrackingCategoryID']}/Options", json={"Name": "north"})
	assert again.status_code == 400 and messages(again.json()) == [sandbox_tracking.name_taken("north")]


def test_a_line_tracked_by_name_is_stored_with_both_ids(xero):
	category = region(xero, "North")
	answer = xero.put(
		"/Invoices", json={"Invoices": [line_invoice(xero, [{"Name": "region", "Option": "NORTH"}])]}
	)
	assert answer.status_code == 200, answer.text
	(tracked,) = answer.json()["Invoices"][0]["LineItems"][0]["Tracking"]
	assert tracked["Name"] == "Region" and tracked["Option"] == "North"
	assert tracked["TrackingCategoryID"] == category["TrackingCategoryID"] and tracked["TrackingOptionID"]


@pytest.mark.parametrize(
	("tracking", "expected"),
	[
		([{"Name": "Region", "Option": "West"}], sandbox_tracking.option_not_found("Region", "West")),
		([{"Name": "Region", "Option": "South"}], sandbox_tracking.option_archived("Region", "South")),
		([{"Name": "Colour", "Option": "Red"}], sandbox_tracking.category_not_found("Colour")),
		(
			[{"Name": "Region", "Option": "North"}, {"Name": "Region", "Option": "North"}],
			sandbox_tracking.category_twice("Region"),
		),
	],
)
def test_a_line_with_tracking_xero_lacks_is_refused(xero, tracking, expected):
	category = region(xero, "North", "South")
	archive_option(xero, category, "South")
	answer = xero.put("/Invoices", json={"Invoices": [line_invoice(xero, tracking)]})
	assert answer.status_code == 400 and messages(answer.json()) == [expected]


# ---- the mapping -------------------------------------------------------------------------------


def tracked_context(options=None, categories=None):
	ctx = small_context()
	ctx.mappings.tracking_by_field = {"cost_center": "Region"}
	ctx.mappings.tracking_options = {"Region": {"Main - AL": "North"}}
	ctx.xero.tracking_categories = categories
	return ctx


def category_json(**options: str) -> list[dict]:
	return [
		{
			"TrackingCategoryID": "c1",
			"Name": "Region",
			"Status": "ACTIVE",
			"Options": [{"TrackingOptionID": n, "Name": n, "Status": s} for n, s in options.items()],
		}
	]


def test_no_tracking_mapping_sends_no_tracking():
	doc = invoice([item("WIDGET-A", 1, 10.0, cost_center="Main - AL")])
	payload = map_sales_invoice(doc, small_context()).payload
	assert all("Tracking" not in line for line in payload["LineItems"])


def test_each_item_line_carries_its_mapped_option_and_unlisted_values_their_own_name():
	doc = invoice(
		[item("WIDGET-A", 1, 10.0, cost_center="Main - AL"), item("WIDGET-B", 1, 5.0, cost_center="South")]
	)
	ctx = tracked_context(categories=category_json(North="ACTIVE", South="ACTIVE"))
	lines = map_sales_invoice(doc, ctx).payload["LineItems"]
	assert lines[0]["Tracking"] == [{"Name": "Region", "Option": "North"}]
	assert lines[1]["Tracking"] == [{"Name": "Region", "Option": "South"}]


def test_preflight_names_the_row_and_value_of_an_archived_option():
	doc = invoice([item("WIDGET-A", 1, 10.0), item("WIDGET-B", 1, 5.0, cost_center="Main - AL")])
	(problem,) = preflight(doc, tracked_context(categories=category_json(North="ARCHIVED")))
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"tracking_option_archived",
		2,
		"items.cost_center",
		"Main - AL",
	)
	assert "'North'" in problem.message and "archived" in problem.message
	assert "Restore the option 'North'" in problem.fix


def test_preflight_says_a_missing_option_can_be_created():
	doc = invoice([item("WIDGET-A", 1, 10.0, cost_center="Main - AL")])
	(problem,) = preflight(doc, tracked_context(categories=category_json(South="ACTIVE")))
	assert problem.kind == "tracking_option_missing" and problem.row == 1
	assert "does not exist" in problem.message and "can create it" in problem.fix


def test_without_xeros_categories_nothing_is_checked_but_tracking_is_sent():
	doc = invoice([item("WIDGET-A", 1, 10.0, cost_center="Main - AL")])
	ctx = tracked_context(categories=None)
	assert preflight(doc, ctx) == []
	assert map_sales_invoice(doc, ctx).payload["LineItems"][0]["Tracking"][0]["Option"] == "North"


def test_readiness_lists_the_missing_option_once_with_its_fix():
	docs = [invoice([item("WIDGET-A", 1, 10.0, cost_center="Main - AL")], name=f"SINV-{n}") for n in (1, 2)]
	ctx = tracked_context(categories=category_json(South="ACTIVE"))
	report = check_readiness(docs, lambda doc: ctx, [], {})
	(issue,) = [i for i in report.issues if i.kind == "tracking_option_missing"]
	assert (issue.subject_type, issue.subject, issue.action) == (
		"Tracking Option",
		"Region: North",
		"create_tracking_option",
	)
	assert issue.invoices == ["SINV-1", "SINV-2"]
	assert missing_options(docs, ctx) == {"Region": ["North"]}


def test_the_mapping_file_takes_a_tracking_section():
	mappings, _ = parse_mapping(
		{"tracking": {"fields": {"project": "Project"}, "options": {"Project": {"PROJ-1": "Alpha"}}}}
	)
	assert mappings.tracking_by_field == {"project": "Project"}
	assert mappings.tracking_options == {"Project": {"PROJ-1": "Alpha"}}
	with pytest.raises(MappingFileError):
		parse_mapping({"tracking": {"field": {"project": "Project"}}})
	assert Mappings.from_dict({"tracking_by_field": {"project": "Project"}}).tracking_by_field


# ---- through the engine into the sandbox ---------------------------------------------------------


def with_tracking(env, options=None):
	env.host.context.mappings.tracking_by_field = {"cost_center": "Region"}
	env.host.context.mappings.tracking_options = {"Region": options or {}}


def test_a_line_with_a_cost_center_arrives_in_xero_with_its_option(env):
	client = env.port.client
	category = client.call("create_tracking_category", {"Name": "Region"})["TrackingCategories"][0]
	client.create_tracking_option(category["TrackingCategoryID"], "Main", "k1")
	with_tracking(env, {"Main - AL": "Main"})
	env.add(sample("00018"))
	outcome = env.by_name(env.push("ACC-SINV-2026-00018"), "ACC-SINV-2026-00018")
	assert outcome.status == "Success", outcome.reason
	(stored,) = env.xero_invoices("ACC-SINV-2026-00018")
	tracked = [line["Tracking"] for line in stored["LineItems"] if line["Tracking"]]
	assert tracked and all(t[0]["Option"] == "Main" and t[0]["Name"] == "Region" for t in tracked)


def test_a_missing_option_is_refused_before_sending_then_created_and_sent(env):
	client = env.port.client
	client.call("create_tracking_category", {"Name": "Region"})
	with_tracking(env)
	doc = copy.deepcopy(sample("00018"))
	env.add(doc)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Failed" and "Main - AL" in outcome.reason
	assert env.xero_invoices(doc["name"]) == []
	ctx = env.engine.context(doc)
	missing = missing_options([doc], ctx)
	assert missing == {"Region": ["Main - AL"]}
	created = create_missing_options(env.port, ctx.xero, missing, "test-site:tracking")
	assert [o["Name"] for o in created] == ["Main - AL"]
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert outcome.status == "Success", outcome.reason


def test_more_than_two_tracked_dimensions_on_a_row_is_a_problem():
	ctx = tracked_context(categories=category_json(North="ACTIVE"))
	ctx.mappings.tracking_by_field = {"cost_center": "Region", "project": "Project", "branch": "Branch"}
	doc = invoice([item("WIDGET-A", 1, 10.0, cost_center="Main - AL", project="P1", branch="B1")])
	kinds = [p.kind for p in preflight(doc, ctx)]
	assert "too_many_tracking" in kinds


def test_without_a_tracking_mapping_the_push_never_reads_tracking_categories(env, monkeypatch):
	def refuse():
		raise AssertionError("GET /TrackingCategories without a tracking mapping")

	monkeypatch.setattr(env.port, "get_tracking_categories", refuse)
	env.add(sample("00018"))
	outcome = env.by_name(env.push("ACC-SINV-2026-00018"), "ACC-SINV-2026-00018")
	assert outcome.status == "Success"
	(stored,) = env.xero_invoices("ACC-SINV-2026-00018")
	assert all(line["Tracking"] == [] for line in stored["LineItems"])


def freight_split_over_two_rates():
	from fixtures.gst_companies import NZ, context, item_row
	from test_tax_charges import charge, gst, invoice_of

	doc = invoice_of(
		NZ,
		[item_row(NZ, "HIRE-DAY", 1.5, 65.0, "GST Standard"), item_row(NZ, "FLOUR-25", 7, 29.64, "Exempt")],
		[
			charge(NZ, "Freight Income", 25.0, "Freight"),
			gst(NZ, charge_type="On Previous Row Total", row_id="1"),
		],
	)
	doc["taxes"][0]["cost_center"] = "Depot"
	ctx = context(NZ)
	ctx.mappings.tracking_by_field = {"cost_center": "Region"}
	return doc, ctx


def test_a_charge_rows_cost_center_tracks_each_of_its_lines():
	doc, ctx = freight_split_over_two_rates()
	ctx.xero.tracking_categories = category_json(Depot="ACTIVE")
	freight = [
		r for r in map_sales_invoice(doc, ctx).payload["LineItems"] if r["Description"].startswith("Freight")
	]
	assert len(freight) == 2
	assert all(r["Tracking"] == [{"Name": "Region", "Option": "Depot"}] for r in freight)


def test_a_charge_rows_archived_option_is_one_problem_naming_the_taxes_row():
	doc, ctx = freight_split_over_two_rates()
	ctx.xero.tracking_categories = category_json(Depot="ARCHIVED")
	(problem,) = preflight(doc, ctx)
	assert (problem.kind, problem.row, problem.field, problem.value) == (
		"tracking_option_archived",
		1,
		"taxes.cost_center",
		"Depot",
	)
