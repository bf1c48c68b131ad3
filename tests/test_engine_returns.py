"""Returns: the credit note, then its allocation to the original invoice as its own
idempotent, logged step — over HTTP against the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import engine_support
from tests.engine_support import sample

env = engine_support.env  # the fixture

pytestmark = pytest.mark.timeout(120)

ORIGINAL, RETURN = "ACC-SINV-2026-00018", "ACC-SINV-2026-00031"


def test_return_becomes_a_credit_note_allocated_to_the_original(env):
	env.add(sample("00018"), sample("00031"))
	outcomes = env.push(ORIGINAL, RETURN)

	pushed = env.by_name(outcomes, RETURN, "push")
	assert (pushed.status, pushed.kind) == ("Success", "credit_note")
	assert pushed.expected_total == pushed.xero_total == Decimal("144.00")
	allocated = env.by_name(outcomes, RETURN, "allocate")
	assert allocated.status == "Success" and "allocated 144.00" in allocated.reason
	(note,) = env.xero_credit_notes(RETURN)
	assert note["Type"] == "ACCRECCREDIT" and note["Status"] == "PAID"
	(invoice,) = env.xero_invoices(ORIGINAL)
	assert Decimal(invoice["AmountCredited"]) == Decimal("144.00")
	assert Decimal(invoice["AmountDue"]) == Decimal("668.00")
	state = env.host.get_state(RETURN)
	assert state.kind == "credit_note" and state.allocated == Decimal("144.00")
	row = env.host.last_log(RETURN, "allocate")
	assert row.status == "Success" and ":allocate:" in row.idempotency_key


def test_unsynced_original_is_pushed_first(env):
	env.add(sample("00018"), sample("00031"))
	outcomes = env.push(RETURN)  # only the return was asked for
	assert [(o.name, o.operation, o.status) for o in outcomes] == [
		(ORIGINAL, "push", "Success"),
		(RETURN, "push", "Success"),
		(RETURN, "allocate", "Success"),
	]


def test_return_whose_original_cannot_be_synced_fails_with_the_reason(env):
	env.add(sample("00031"))  # the host does not have 00018
	contacts = len(env.org.contacts)
	outcome = env.by_name(env.push(RETURN), RETURN)
	assert outcome.status == "Failed"
	assert f"the original invoice {ORIGINAL} is not in Xero yet: push it first" in outcome.reason
	assert env.xero_credit_notes(RETURN) == [] and env.host.get_state(RETURN) is None
	assert len(env.org.contacts) == contacts


def test_allocation_failure_is_retried_alone(env):
	env.add(sample("00018"), sample("00031"))
	env.push(ORIGINAL)
	env.sb.faults.add("error", when="before", status=503, count=3, method="PUT", path="/Allocations")
	outcomes = env.fresh_engine().push([RETURN])
	assert env.by_name(outcomes, RETURN, "push").status == "Success"
	assert env.by_name(outcomes, RETURN, "allocate").status == "Queued"
	assert env.host.get_state(RETURN).allocated is None
	env.sb.faults.clear()

	writes_before = len(env.org.credit_notes)
	outcomes = env.fresh_engine().allocate([RETURN])
	assert [(o.operation, o.status) for o in outcomes] == [("allocate", "Success")]
	assert len(env.org.credit_notes) == writes_before  # the credit note was not sent again
	assert env.host.get_state(RETURN).allocated == Decimal("144.00")
	assert [r.status for r in env.host.log_for(RETURN, "allocate")] == ["Queued", "Success"]
	assert [r.attempt for r in env.host.log_for(RETURN, "allocate")] == [1, 2]
	# Fully allocated now: nothing more to do.
	assert env.fresh_engine().allocate([RETURN])[0].status == "Skipped"


def test_allocation_is_capped_at_the_amount_due(env):
	env.add(sample("00018"), sample("00031"))
	env.push(ORIGINAL)
	invoice_id = env.host.get_state(ORIGINAL).xero_id
	(payment,) = env.port.create_payments(
		[
			{
				"Invoice": {"InvoiceID": invoice_id},
				"Account": {"Code": "090"},
				"Date": "2026-11-06",
				"Amount": Decimal("700.00"),
			}
		],
		"part-pay",
	)
	assert not payment.get("ValidationErrors")
	outcomes = env.fresh_engine().push([RETURN])
	allocated = env.by_name(outcomes, RETURN, "allocate")
	assert allocated.status == "Success" and "allocated 112.00" in allocated.reason
	(invoice,) = env.xero_invoices(ORIGINAL)
	assert invoice["Status"] == "PAID"
	assert env.host.get_state(RETURN).allocated == Decimal("112.00")


def test_foreign_currency_full_return(env):
	env.add(sample("00024"), sample("00032"))
	outcomes = env.push("ACC-SINV-2026-00024", "ACC-SINV-2026-00032")
	assert env.by_name(outcomes, "ACC-SINV-2026-00032", "allocate").status == "Success"
	(invoice,) = env.xero_invoices("ACC-SINV-2026-00024")
	assert invoice["CurrencyCode"] == "USD" and invoice["Status"] == "PAID"
