"""Cancelling in ERPNext: void, delete, refuse when Xero has payments or allocations, skip
what never reached Xero — deciding from Xero's current state, over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import engine_support
from tests.engine_support import sample

env = engine_support.env  # the fixture

pytestmark = pytest.mark.timeout(120)


def cancelled(doc: dict) -> dict:
	return {**doc, "docstatus": 2}


def pay(env, invoice_id: str, amount: str) -> None:
	(element,) = env.port.create_payments(
		[
			{
				"Invoice": {"InvoiceID": invoice_id},
				"Account": {"Code": "090"},
				"Date": "2026-11-20",
				"Amount": Decimal(amount),
			}
		],
		f"pay-{invoice_id}-{amount}",
	)
	assert not element.get("ValidationErrors"), element


def test_authorised_invoice_without_payments_is_voided(env):
	doc = sample("00033")
	env.add({**doc, "docstatus": 1})
	env.push(doc["name"])
	env.add(cancelled(doc))
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])

	assert (outcome.operation, outcome.status, outcome.xero_status) == ("void", "Success", "VOIDED")
	(invoice,) = env.xero_invoices(doc["name"])
	assert invoice["Status"] == "VOIDED"
	assert env.host.get_state(doc["name"]).xero_status == "VOIDED"
	row = env.host.last_log(doc["name"], "void")
	assert row.idempotency_key and ":voided:" in row.idempotency_key


def test_draft_invoice_in_xero_is_deleted(env):
	doc = sample("00033")
	env.host.context.settings.invoice_status = "DRAFT"
	env.add({**doc, "docstatus": 1})
	env.push(doc["name"])
	assert env.xero_invoices(doc["name"])[0]["Status"] == "DRAFT"
	env.add(cancelled(doc))
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert (outcome.operation, outcome.status, outcome.xero_status) == ("delete", "Success", "DELETED")
	assert env.xero_invoices(doc["name"])[0]["Status"] == "DELETED"


def test_part_paid_invoice_is_refused_with_the_reason(env):
	doc = sample("00033")
	env.add({**doc, "docstatus": 1})
	env.push(doc["name"])
	state = env.host.get_state(doc["name"])
	pay(env, state.xero_id, "100.00")  # paid in Xero after our last look

	env.add(cancelled(doc))
	outcome = env.by_name(env.fresh_engine().cancel([doc["name"]]), doc["name"])
	assert outcome.status == "Failed"
	assert outcome.reason == (
		f"Xero invoice {doc['name']} has payments of NZD 100.00: remove them in Xero first, then cancel again"
	)
	assert env.xero_invoices(doc["name"])[0]["Status"] == "AUTHORISED"
	assert env.host.get_state(doc["name"]).amount_paid == Decimal("100.00")  # refreshed from Xero
	assert env.host.last_log(doc["name"], "void").resolution


def test_invoice_with_a_credit_note_allocated_is_refused(env):
	env.add(sample("00018"), sample("00031"))
	env.push("ACC-SINV-2026-00018", "ACC-SINV-2026-00031")
	env.add(cancelled(sample("00018")))
	outcome = env.by_name(env.fresh_engine().cancel(["ACC-SINV-2026-00018"]), "ACC-SINV-2026-00018")
	assert outcome.status == "Failed"
	assert "has credit notes allocated of NZD 144.00: remove them in Xero first" in outcome.reason
	assert env.xero_invoices("ACC-SINV-2026-00018")[0]["Status"] == "AUTHORISED"


def test_never_synced_document_is_skipped(env):
	doc = sample("00033")
	env.add(doc)
	calls = env.port.calls
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert (outcome.operation, outcome.status) == ("void", "Skipped")
	assert env.port.calls == calls
	assert env.host.last_log(doc["name"], "void").status == "Skipped"


def test_already_voided_in_xero_is_skipped_and_state_refreshed(env):
	doc = sample("00033")
	env.add({**doc, "docstatus": 1})
	env.push(doc["name"])
	xero_id = env.host.get_state(doc["name"]).xero_id
	env.port.save_invoices([{"InvoiceID": xero_id, "Status": "VOIDED"}], "voided-by-hand")
	env.add(cancelled(doc))
	outcome = env.by_name(env.fresh_engine().cancel([doc["name"]]), doc["name"])
	assert outcome.status == "Skipped" and "already VOIDED" in outcome.reason
	assert env.host.get_state(doc["name"]).xero_status == "VOIDED"


def test_cancelled_return_voids_its_credit_note_only_when_unallocated(env):
	# The original is paid in full first, so the credit note stays unallocated.
	env.add(sample("00018"))
	env.push("ACC-SINV-2026-00018")
	pay(env, env.host.get_state("ACC-SINV-2026-00018").xero_id, "812.00")
	env.add(sample("00031"))
	outcomes = env.fresh_engine().push(["ACC-SINV-2026-00031"])
	assert env.by_name(outcomes, "ACC-SINV-2026-00031", "allocate").status == "Skipped"

	env.add(cancelled(sample("00031")))
	outcome = env.by_name(env.fresh_engine().push(["ACC-SINV-2026-00031"]), "ACC-SINV-2026-00031")
	assert (outcome.operation, outcome.status) == ("void", "Success")
	assert env.xero_credit_notes("ACC-SINV-2026-00031")[0]["Status"] == "VOIDED"


def test_unknown_outcome_is_looked_up_before_cancelling(env):
	doc = sample("00033")
	env.add({**doc, "docstatus": 1})
	env.engine.reference()
	env.sb.faults.add("drop", when="after", count=3, method="PUT", path="/Invoices")
	assert env.by_name(env.push(doc["name"]), doc["name"]).status == "Queued"
	env.sb.faults.clear()
	env.add(cancelled(doc))
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert (outcome.operation, outcome.status) == ("void", "Success")
	assert [i["Status"] for i in env.xero_invoices(doc["name"])] == ["VOIDED"]


def _two_invoices_with_b_pointing_at_a(env):
	"""A and B both in Xero; B's stored Xero ID then wrongly names A's invoice."""
	from dataclasses import replace

	a, b = sample("00033"), sample("00018")
	env.add({**a, "docstatus": 1}, {**b, "docstatus": 1})
	env.push(a["name"], b["name"])
	a_state = env.host.get_state(a["name"])
	env.host.save_state(b["name"], replace(env.host.get_state(b["name"]), xero_id=a_state.xero_id))
	return a, b


def test_cancel_never_voids_another_invoice_that_a_wrong_stored_id_names(env):
	a, b = _two_invoices_with_b_pointing_at_a(env)
	env.add(cancelled(b))
	outcome = env.by_name(env.fresh_engine().push([b["name"]]), b["name"])
	assert outcome.status == "Failed" and a["name"] in outcome.reason
	assert env.xero_invoices(a["name"])[0]["Status"] == "AUTHORISED"  # A untouched
	row = env.host.last_log(b["name"], "void")
	assert "points at another Xero document" in row.cause and row.resolution


def test_an_update_never_renumbers_another_invoice_that_a_wrong_stored_id_names(env):
	a, b = _two_invoices_with_b_pointing_at_a(env)
	changed = {**b, "docstatus": 1, "due_date": "2026-12-31"}
	env.add(changed)
	outcome = env.by_name(env.fresh_engine().push([b["name"]]), b["name"])
	assert outcome.status == "Failed" and a["name"] in outcome.reason
	(still_a,) = env.xero_invoices(a["name"])
	assert still_a["InvoiceNumber"] == a["name"]
