"""Push through the real client over HTTP into the sandbox: create, skip unchanged,
update after a change, total check, bad input leaving nothing half-written,
Xero's own refusals explained, outcome-unknown recovery, transient and day-limit
deferral."""

from __future__ import annotations

import copy
import time
from decimal import Decimal

import pytest

from tests import engine_support
from tests.engine_support import sample

env = engine_support.env  # the fixture
from xero_connector.engine.host import SyncState

pytestmark = pytest.mark.timeout(120)


def test_push_creates_the_invoice_and_records_xero_ids(env):
	env.add(sample("00018"))
	outcome = env.by_name(env.push("ACC-SINV-2026-00018"), "ACC-SINV-2026-00018")

	assert (outcome.status, outcome.operation, outcome.xero_status) == ("Success", "push", "AUTHORISED")
	(invoice,) = env.xero_invoices("ACC-SINV-2026-00018")
	state = env.host.get_state("ACC-SINV-2026-00018")
	assert state.xero_id == invoice["InvoiceID"] == outcome.xero_id
	assert state.kind == "invoice" and not state.outcome_unknown and state.pending_hash is None
	assert state.total == Decimal("812.00") == outcome.expected_total == outcome.xero_total
	assert state.amount_due == Decimal("812.00") and state.amount_paid == Decimal("0")
	row = env.host.last_log("ACC-SINV-2026-00018", "push")
	assert row.status == "Success" and row.attempt == 1 and row.xero_ids == [invoice["InvoiceID"]]
	assert (
		row.idempotency_key.startswith("test-site:ACC-SINV-2026-00018:push:")
		and len(row.idempotency_key) <= 128
	)
	assert '"InvoiceNumber": "ACC-SINV-2026-00018"' in row.request


def test_the_rounding_line_goes_to_xeros_rounding_account(env):
	"""Rounding Account Code 860 (Xero's Rounding system account): pre-flight lets it through and the
	sandbox, as Xero, takes the line (sandbox/lines.py cites Xero's documents)."""
	env.host.context.settings.rounding_account_code = "860"
	env.add(sample("00018"))
	outcome = env.by_name(env.push("ACC-SINV-2026-00018"), "ACC-SINV-2026-00018")
	assert outcome.status == "Success", env.host.last_log("ACC-SINV-2026-00018").cause
	(invoice,) = env.xero_invoices("ACC-SINV-2026-00018")
	rounding = [line for line in invoice["LineItems"] if line["AccountCode"] == "860"]
	assert [(line["Description"], line["LineAmount"]) for line in rounding] == [
		("Rounding adjustment", "-0.48")
	]
	assert outcome.xero_total == Decimal("812.00")


def test_unchanged_document_is_skipped_without_calling_xero(env):
	env.add(sample("00018"))
	env.push("ACC-SINV-2026-00018")
	calls = env.port.calls
	outcome = env.by_name(env.fresh_engine().push(["ACC-SINV-2026-00018"]), "ACC-SINV-2026-00018")

	assert outcome.status == "Skipped" and "nothing sent" in outcome.reason
	assert env.port.calls == calls  # no call at all (reference data was already read)
	assert len(env.xero_invoices("ACC-SINV-2026-00018")) == 1


def test_changed_due_date_updates_the_same_xero_invoice(env):
	doc = sample("00018")
	env.add(doc)
	env.push(doc["name"])
	first = env.host.get_state(doc["name"])
	first_key = env.host.last_log(doc["name"], "push").idempotency_key

	changed = copy.deepcopy(doc)
	changed["due_date"] = "2026-12-24"
	env.add(changed)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])

	assert (outcome.status, outcome.operation) == ("Success", "update")
	(invoice,) = env.xero_invoices(doc["name"])
	assert invoice["InvoiceID"] == first.xero_id and invoice["DueDate"] == "2026-12-24"
	row = env.host.last_log(doc["name"], "update")
	assert row.idempotency_key != first_key and ":update:" in row.idempotency_key
	assert env.host.get_state(doc["name"]).payload_hash != first.payload_hash


def test_draft_is_skipped_and_nothing_is_sent(env):
	doc = sample("00018")
	doc["docstatus"] = 0
	env.add(doc)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Skipped" and "draft" in outcome.reason
	assert env.xero_invoices(doc["name"]) == [] and env.host.get_state(doc["name"]) is None


def _assert_nothing_written(env, name: str, before_contacts: int):
	assert env.xero_invoices(name) == [] and env.xero_credit_notes(name) == []
	assert env.host.get_state(name) is None
	assert len(env.org.contacts) == before_contacts
	row = env.host.last_log(name)
	assert row.status == "Failed" and row.cause and row.resolution


@pytest.mark.parametrize(
	"spoil, kind, field",
	[
		(lambda d, c: d["items"][0].update(income_account="Nowhere - AL", item_code="NEW-ITEM"), None, None),
		(
			lambda d, c: c.mappings.account_by_income_account.update({"Sales - AL": "310"}),
			"account_not_revenue",
			"items.",
		),
		(
			lambda d, c: c.mappings.account_by_income_account.update({"Sales - AL": "250"}),
			"archived_account",
			"items.",
		),
		(
			lambda d, c: c.mappings.account_by_income_account.update({"Sales - AL": "999"}),
			"unknown_account",
			"items.",
		),
		(
			lambda d, c: c.mappings.tax_by_sales_taxes_template.update({"New Zealand - AL": "INPUT2"}),
			"tax_type_not_revenue",
			None,
		),
		(
			# TAX001 is 12.5 %: the only mapping left for the 15 % lines (none other has their rate)
			lambda d, c: (
				c.mappings.tax_by_sales_taxes_template.update({"New Zealand - AL": "TAX001"}),
				c.mappings.tax_by_tax_account.clear(),
				setattr(c.settings, "default_tax_type", None),
			),
			"archived_tax_type",
			None,
		),
		(lambda d, c: d.update(currency="JPY", conversion_rate=0.01), "currency_not_enabled", "currency"),
		(lambda d, c: d.update(items=[]), "empty_invoice", "items"),
		(lambda d, c: d.update(customer="Nobody Ltd"), "customer_not_found", "customer"),
		(lambda d, c: d.update(customer=None), "missing_customer", "customer"),
	],
	ids=[
		"unmapped-item",
		"account-not-revenue",
		"archived-account",
		"unknown-account",
		"tax-type-not-revenue",
		"archived-tax-type",
		"currency-not-enabled",
		"empty-invoice",
		"unknown-customer",
		"no-customer",
	],
)
def test_each_preflight_problem_fails_the_document_before_any_write(env, spoil, kind, field):
	doc = sample("00018")
	ctx = env.host.context
	ctx.mappings = copy.deepcopy(ctx.mappings)
	if kind is None:  # unmapped item: no mapping and no default either
		ctx.settings.default_account_code = None
	spoil(doc, ctx)
	env.add(doc)
	contacts = len(env.org.contacts)

	outcome = env.by_name(env.push(doc["name"]), doc["name"])

	assert outcome.status == "Failed"
	_assert_nothing_written(env, doc["name"], contacts)
	row = env.host.last_log(doc["name"])
	problems = row.cause.splitlines()
	assert problems and all(doc["name"] in p for p in problems)  # each problem names the document...
	if field:
		assert any(f"({field}" in p for p in problems), problems  # ...and the field
	assert row.resolution and "Fix:" not in row.cause  # the fix once, in its own field
	assert row.messages == []  # nothing here came from Xero


def test_every_problem_of_a_document_is_reported_at_once(env):
	doc = sample("00018")
	doc["currency"], doc["conversion_rate"] = "JPY", 0.01
	env.host.context.mappings.account_by_income_account = {
		"Sales - AL": "310",
		"Consulting Income - AL": "250",
	}
	env.add(doc)
	env.push(doc["name"])
	messages = env.host.last_log(doc["name"]).cause.splitlines()
	assert len(messages) >= 3
	assert (
		any("JPY" in m for m in messages)
		and any("310" in m for m in messages)
		and any("250" in m for m in messages)
	)


def test_xero_refusal_is_recorded_with_its_message_and_the_catalogue_fix(env):
	"""An account archived in Xero after the reference data was read: pre-flight passes, Xero refuses."""
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	account = next(a for a in env.org.accounts.values() if a["Code"] == "260")
	account["Status"] = "ARCHIVED"
	contacts_before = len(env.org.contacts)

	outcome = env.by_name(env.push(doc["name"]), doc["name"])

	assert outcome.status == "Failed"
	assert "Account code '260' has been archived" in outcome.messages[0]
	row = env.host.last_log(doc["name"], "push")
	assert "archived" in row.cause.lower() and row.resolution
	assert env.xero_invoices(doc["name"]) == []
	state = env.host.get_state(doc["name"])  # the write-ahead mark was removed again
	assert not state.outcome_unknown and not state.pending_hash and not state.xero_id
	assert len(env.org.contacts) == contacts_before + 1  # the contact itself was fine


def test_resend_after_a_refusal_reaches_xero_afresh_and_creates_one_invoice(env):
	"""The cause fixed in Xero (the account active again) within Xero's six-minute replay
	window: the resend is not answered with the stored refusal, and nothing is doubled."""
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	account = next(a for a in env.org.accounts.values() if a["Code"] == "260")
	account["Status"] = "ARCHIVED"
	assert env.by_name(env.push(doc["name"]), doc["name"]).status == "Failed"
	account["Status"] = "ACTIVE"

	env.fresh_engine()
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Success", outcome.reason
	assert len(env.xero_invoices(doc["name"])) == 1
	# and a plain retry of that successful write changes nothing
	env.fresh_engine()
	env.push(doc["name"])
	assert len(env.xero_invoices(doc["name"])) == 1


def test_one_bad_document_does_not_stop_the_rest_of_the_batch(env):
	good, bad = sample("00018"), sample("00019")
	env.add(good, bad)
	env.engine.reference()
	# An invoice with 00019's number already exists in Xero (entered there by hand).
	env.port.save_invoices(
		[
			{
				"Type": "ACCREC",
				"Contact": {"Name": "Someone Else"},
				"InvoiceNumber": bad["name"],
				"LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}],
				"Status": "AUTHORISED",
			}
		],
		"manual-entry-1",
	)
	outcomes = env.push(good["name"], bad["name"])

	assert env.by_name(outcomes, good["name"]).status == "Success"
	failed = env.by_name(outcomes, bad["name"])
	assert failed.status == "Failed" and failed.messages
	assert failed.cause and "unique" in (failed.messages[0] + failed.cause).lower()
	assert env.host.get_state(bad["name"]) is None
	assert len(env.xero_invoices(bad["name"])) == 1  # only the hand-made one


def test_total_mismatch_is_recorded_as_failed(env):
	"""Xero's GST rate changed after the reference data was read: Xero computes another total."""
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	env.org.tax_rates["OUTPUT2"]["EffectiveRate"] = "10.0000"
	env.org.tax_rates["OUTPUT2"]["DisplayTaxRate"] = "10.0000"
	for component in env.org.tax_rates["OUTPUT2"].get("TaxComponents") or []:
		component["Rate"] = "10.0000"
	outcome = env.by_name(env.push(doc["name"]), doc["name"])

	assert outcome.status == "Failed"
	assert "differs from ERPNext's 812.00" in outcome.reason and outcome.xero_total != Decimal("812.00")
	state = env.host.get_state(doc["name"])
	assert state.xero_id and state.payload_hash is None  # linked (no duplicate later), resent next time


def test_drop_after_commit_then_next_run_links_instead_of_duplicating(env):
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	env.engine.push([])  # nothing
	# Every attempt of this run reaches Xero but loses the answer (the client retries 3 times).
	env.sb.faults.add("drop", when="after", count=3, method="PUT", path="/Invoices")
	outcome = env.by_name(env.push(doc["name"]), doc["name"])

	assert outcome.status == "Queued"
	state = env.host.get_state(doc["name"])
	assert state.outcome_unknown and state.xero_id is None and state.pending_hash
	assert len(env.xero_invoices(doc["name"])) == 1  # it did get there

	env.sb.faults.clear()
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert outcome.status == "Success" and "linked" in outcome.reason
	(invoice,) = env.xero_invoices(doc["name"])
	state = env.host.get_state(doc["name"])
	assert state.xero_id == invoice["InvoiceID"] and not state.outcome_unknown
	# Linked, not re-sent: a third run skips.
	assert env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"]).status == "Skipped"


def test_unknown_outcome_that_never_reached_xero_is_created_on_the_next_run(env):
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	env.sb.faults.add("error", when="before", status=503, count=3, method="PUT", path="/Invoices")
	assert env.by_name(env.push(doc["name"]), doc["name"]).status == "Queued"
	assert env.host.get_state(doc["name"]).outcome_unknown and env.xero_invoices(doc["name"]) == []
	row = env.host.last_log(doc["name"], "push")
	assert row.status == "Queued" and row.cause

	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert outcome.status == "Success" and len(env.xero_invoices(doc["name"])) == 1


def test_day_limit_defers_the_document_without_failing_it(env):
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	env.sb.limiter.exhaust(env.port.tenant_id, "day")
	before = time.time()
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Queued" and "deferred" in outcome.reason
	# the time the limit lifts travels as a number (the backfill pauses until then), not as prose
	assert outcome.resume_at is not None and outcome.resume_at > before + 60, outcome
	assert env.host.get_state(doc["name"]) is None  # known not written: no unknown-outcome mark
	assert env.xero_invoices(doc["name"]) == []


def test_batch_push_sends_one_write_per_fifty_invoices(env):
	docs = []
	for n in range(120):
		doc = sample("00018")
		doc["name"] = f"BULK-{n:04d}"
		docs.append(doc)
	env.add(*docs)
	env.engine.reference()
	env.engine.push([])
	before = env.port.calls
	outcomes = env.push(*[d["name"] for d in docs])
	assert {o.status for o in outcomes} == {"Success"}
	# one contact look-up + one contact create + ⌈120/50⌉ writes
	assert env.port.calls - before == 2 + 3
	assert len(env.org.invoices) >= 120


def test_stale_unknown_mark_with_a_changed_document_updates_after_linking(env):
	doc = sample("00018")
	env.add(doc)
	env.push(doc["name"])
	invoice_id = env.host.get_state(doc["name"]).xero_id
	# Pretend the last write's answer was lost before we saw its ID, and the doc changed since.
	env.host.save_state(doc["name"], SyncState(kind="invoice", pending_hash="0" * 64, outcome_unknown=True))
	changed = copy.deepcopy(doc)
	changed["due_date"] = "2026-12-31"
	env.add(changed)
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert (outcome.status, outcome.operation) == ("Success", "update")
	(invoice,) = env.xero_invoices(doc["name"])
	assert invoice["InvoiceID"] == invoice_id and invoice["DueDate"] == "2026-12-31"
