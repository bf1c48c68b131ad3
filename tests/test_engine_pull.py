"""Payment pull: payments recorded in Xero (PUT /Payments) come back to the documents;
one watermark per organisation, advanced to the newest UpdatedDateUTC seen; paging
to the end; invoices voided in Xero reported."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from tests import engine_support
from tests.engine_support import sample

env = engine_support.env  # the fixture
from xero_connector.engine.records import parse_xero_datetime

pytestmark = pytest.mark.timeout(300)


def pay(env, name: str, amount: str, day: str = "2026-11-20") -> None:
	invoice_id = env.host.get_state(name).xero_id
	(element,) = env.port.create_payments(
		[
			{
				"Invoice": {"InvoiceID": invoice_id},
				"Account": {"Code": "090"},
				"Date": day,
				"Amount": Decimal(amount),
			}
		],
		f"pay-{name}-{amount}",
	)
	assert not element.get("ValidationErrors"), element


def test_full_and_part_payments_come_back(env):
	env.add(sample("00018"), sample("00019"))
	env.push("ACC-SINV-2026-00018", "ACC-SINV-2026-00019")
	pay(env, "ACC-SINV-2026-00018", "812.00", "2026-11-21")
	pay(env, "ACC-SINV-2026-00019", "300.00")

	report = env.fresh_engine().pull()

	full = env.host.get_state("ACC-SINV-2026-00018")
	assert (full.xero_status, full.amount_due, full.amount_paid, full.fully_paid_on) == (
		"PAID",
		Decimal("0.00"),
		Decimal("812.00"),
		"2026-11-21",
	)
	part = env.host.get_state("ACC-SINV-2026-00019")
	assert (part.xero_status, part.amount_due, part.amount_paid, part.fully_paid_on) == (
		"AUTHORISED",
		Decimal("540.00"),
		Decimal("300.00"),
		None,
	)
	assert set(report.updated) == {"ACC-SINV-2026-00018", "ACC-SINV-2026-00019"}
	assert env.host.last_log("ACC-SINV-2026-00018", "pull").status == "Success"


def test_watermark_is_the_newest_updated_date_seen_not_now(env):
	env.add(sample("00018"))
	env.push("ACC-SINV-2026-00018")
	pay(env, "ACC-SINV-2026-00018", "12.00")
	engine = env.fresh_engine()
	engine.pull(kinds=("invoice",))
	watermark = env.host.get_watermark(env.port.tenant_id, "Invoices")
	newest = max(
		parse_xero_datetime(i["UpdatedDateUTC"])
		for i in env.port.get_invoices(numbers=["ACC-SINV-2026-00018"])
	)
	assert watermark == newest

	# Nothing changed since: one call, nothing updated, watermark unchanged.
	calls = env.port.calls
	report = env.fresh_engine().pull(kinds=("invoice",))
	assert env.port.calls - calls == 1
	assert report.updated == [] and env.host.get_watermark(env.port.tenant_id, "Invoices") == watermark

	# A later payment is seen by the next poll.
	pay(env, "ACC-SINV-2026-00018", "100.00")
	report = env.fresh_engine().pull(kinds=("invoice",))
	assert report.updated == ["ACC-SINV-2026-00018"]
	assert env.host.get_state("ACC-SINV-2026-00018").amount_paid == Decimal("112.00")
	assert env.host.get_watermark(env.port.tenant_id, "Invoices") > watermark


def test_invoice_voided_in_xero_is_reported(env):
	env.add(sample("00018"))
	env.push("ACC-SINV-2026-00018")
	xero_id = env.host.get_state("ACC-SINV-2026-00018").xero_id
	env.port.save_invoices([{"InvoiceID": xero_id, "Status": "VOIDED"}], "voided-in-xero")
	report = env.fresh_engine().pull()
	assert report.voided_in_xero == ["ACC-SINV-2026-00018"]
	row = env.host.last_log("ACC-SINV-2026-00018", "pull")
	assert row.status == "Failed" and "voided in Xero but is not cancelled in ERPNext" in row.cause
	assert env.host.get_state("ACC-SINV-2026-00018").xero_status == "VOIDED"


def test_credit_note_status_is_pulled_too(env):
	env.add(sample("00018"), sample("00031"))
	env.push("ACC-SINV-2026-00018", "ACC-SINV-2026-00031")
	report = env.fresh_engine().pull()
	assert "CreditNotes" in report.watermarks
	assert env.host.get_state("ACC-SINV-2026-00031").xero_status == "PAID"


def test_more_than_a_thousand_changed_invoices_are_paged_to_the_end(env):
	count = 1003
	docs = []
	for n in range(count):
		doc = sample("00029")
		doc["name"] = f"PAGE-{n:05d}"
		docs.append(doc)
	env.add(*docs)
	outcomes = env.push(*[d["name"] for d in docs])
	assert sum(o.status == "Success" for o in outcomes) == count

	# Make ERPNext's copy stale so that every invoice on every page must be applied.
	for doc in docs:
		env.host.states[doc["name"]].xero_status = None

	calls = env.port.calls
	report = env.fresh_engine().pull(kinds=("invoice",))
	polls = env.port.calls - calls

	assert polls <= math.ceil(count / 1000) + 1 and polls == 2
	assert set(report.updated) == {d["name"] for d in docs}  # none skipped past page 1
	assert all(env.host.get_state(d["name"]).xero_status == "AUTHORISED" for d in docs)
	newest = max(parse_xero_datetime(i["UpdatedDateUTC"]) for i in env.port.get_invoices())
	assert env.host.get_watermark(env.port.tenant_id, "Invoices") == newest


def test_a_pulled_credit_note_is_described_in_credit_note_words():
	from xero_connector.engine.host import SyncState
	from xero_connector.engine.pull import pulled_summary

	note = SyncState(xero_status="PAID", amount_due=Decimal("0.00"), amount_credited=Decimal("23.00"))
	text = pulled_summary(note, "credit_note")
	assert "None" not in text and "remaining credit 0.00" in text and "allocated 23.00" in text
	invoice = SyncState(xero_status="AUTHORISED", amount_due=Decimal("60.00"), amount_paid=None)
	assert pulled_summary(invoice, "invoice") == "AUTHORISED, due 60.00, paid 0"
