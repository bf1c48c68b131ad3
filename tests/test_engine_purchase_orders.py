"""Purchase Orders → Xero purchase orders (issue 16), through the real client against the
sandbox: created once (AUTHORISED) with ERPNext's total to the cent, updated while Xero allows,
BILLED when ERPNext closes the order, DELETED when it is cancelled, and every step Xero would
refuse explained instead of sent."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from bill_support import DELIVERY, as_order, bill_env, buying_context  # noqa: F401  (bill_env: the env fixture)

from xero_connector.engine.preflight_purchase_order import preflight_purchase_order
from xero_connector.engine.rules import customer_owes

WRITE = {"method": "PUT", "path": "/PurchaseOrders"}


def orders(env, number: str) -> list[dict]:
	"""Every purchase order (any status) with that number, straight from the sandbox's state."""
	return [o for o in env.org.purchase_orders.values() if o.get("PurchaseOrderNumber") == number]


def push(env, doc: dict, fresh: bool = True):
	"""Send ``doc`` as it is now (the next background job) and return its outcomes."""
	env.add(doc)
	engine = env.fresh_engine() if fresh else env.engine
	return [o for o in engine.push([doc["name"]]) if o.name == doc["name"]]


def only(outcomes, operation: str | None = None):
	found = [o for o in outcomes if operation in (None, o.operation)]
	assert len(found) == 1, found
	return found[0]


@pytest.mark.parametrize("sample", ["00018", "00019", "00021", "00024"])
def test_a_purchase_order_is_in_xero_authorised_with_erpnexts_total_to_the_cent(env, sample):
	"""exclusive GST, inclusive GST, a discount on the net total, USD"""
	doc = as_order(sample)
	outcome = only(push(env, doc))
	assert (outcome.status, outcome.operation) == ("Success", "push"), outcome.reason
	[stored] = orders(env, doc["name"])
	assert stored["Status"] == "AUTHORISED"
	assert Decimal(stored["Total"]) == customer_owes(doc)
	assert stored["CurrencyCode"] == doc["currency"]
	assert stored["Date"] == doc["transaction_date"] and stored["DeliveryDate"] == DELIVERY
	assert stored["DeliveryAddress"] == "12 Wharf Rd\nAuckland 1010\nNew Zealand"
	assert all(line["AccountCode"] in ("310", "860") for line in stored["LineItems"])
	contact = env.org.contacts[stored["ContactID"]]
	assert contact["AccountNumber"] == "SUP-PAPER" and contact["Name"] == "Paper Co Ltd"
	state = env.host.get_state(doc["name"])
	assert (state.kind, state.xero_id, state.total) == (
		"purchase_order",
		stored["PurchaseOrderID"],
		customer_owes(doc),
	)
	row = env.host.last_log(doc["name"])
	assert (row.reference_doctype, row.operation, row.status) == ("Purchase Order", "push", "Success")
	assert row.idempotency_key and json.loads(row.request)["PurchaseOrderNumber"] == doc["name"]


def test_the_suppliers_confirmation_number_is_the_reference(env):
	doc = as_order("00018")
	doc["order_confirmation_no"] = "PC-CONF-77"
	push(env, doc)
	assert orders(env, doc["name"])[0]["Reference"] == "PC-CONF-77"


def test_a_unit_price_of_four_decimals_keeps_the_total_to_the_cent(env):
	"""Xero keeps a purchase order's unit amounts to 2 decimals (no unitdp on /PurchaseOrders):
	3 × 33.3333 sent as such would be 3 × 33.33 = 99.99 in Xero."""
	doc = as_order("00018")
	item = doc["items"][0]
	doc["items"] = [item]
	item.update(qty=3.0, rate=33.3333, net_rate=33.3333, amount=100.0, net_amount=100.0, description="Paper")
	doc["taxes"][0].update(tax_amount=15.0, tax_amount_after_discount_amount=15.0, total=115.0)
	doc["taxes"][0]["item_wise_tax_detail"] = json.dumps({item["item_code"]: [15.0, 15.0]})
	doc.update(net_total=100.0, total=100.0, total_taxes_and_charges=15.0, grand_total=115.0)
	doc.update(rounded_total=115.0, rounding_adjustment=0.0)
	outcome = only(push(env, doc))
	assert outcome.status == "Success", outcome.reason
	[stored] = orders(env, doc["name"])
	assert Decimal(stored["Total"]) == Decimal("115.00")
	[line] = stored["LineItems"]
	assert Decimal(line["LineAmount"]) == Decimal("100.00")
	assert "3 × 33.3333" in line["Description"]


@pytest.mark.parametrize("lose", ["drop", "503"])
def test_a_retried_push_after_a_lost_answer_leaves_one_purchase_order(env, lose):
	doc = as_order("00018")
	env.sb.faults.add(
		"drop" if lose == "drop" else "error",
		when="after",
		count=5,
		**WRITE,
		**({} if lose == "drop" else {"status": 503}),
	)
	outcome = only(push(env, doc))
	env.sb.faults.clear()
	assert outcome.status == "Queued"
	assert len(orders(env, doc["name"])) == 1  # written once, its answer lost
	assert env.host.get_state(doc["name"]).outcome_unknown
	outcome = only(push(env, doc))
	assert outcome.status == "Success", outcome.reason
	assert "earlier attempt" in outcome.reason
	[stored] = orders(env, doc["name"])
	state = env.host.get_state(doc["name"])
	assert state.xero_id == stored["PurchaseOrderID"] and not state.outcome_unknown
	assert only(push(env, doc)).status == "Skipped"  # and nothing is sent a third time
	assert len(orders(env, doc["name"])) == 1


def test_nothing_is_created_while_xero_cannot_say_whether_a_lost_create_arrived(env):
	doc = as_order("00018")
	env.sb.faults.add("drop", when="after", count=5, **WRITE)
	push(env, doc)
	env.sb.faults.clear()
	env.sb.faults.add("error", when="before", count=5, method="GET", path="/PurchaseOrders", status=503)
	outcome = only(push(env, doc))
	env.sb.faults.clear()
	assert outcome.status == "Queued"
	assert env.host.get_state(doc["name"]).outcome_unknown
	assert only(push(env, doc)).status == "Success"
	assert len(orders(env, doc["name"])) == 1


def test_a_number_xero_holds_for_another_supplier_is_refused_with_the_reason(env):
	other = as_order("00018", supplier="Overseas Parts")
	push(env, other)
	env.host.states.clear()  # as if this order had never been linked
	ours = as_order("00018")
	outcome = only(push(env, ours))
	assert outcome.status == "Failed"
	assert "not this one" in outcome.reason and "its contact is" in outcome.reason
	assert "change the number" in outcome.resolution
	assert len(orders(env, ours["name"])) == 1


def test_an_open_order_changed_in_erpnext_is_updated_in_xero(env):
	doc = as_order("00018")
	push(env, doc)
	[before] = orders(env, doc["name"])
	assert only(push(env, doc)).status == "Skipped"  # unchanged: nothing sent
	changed = as_order("00019", name=doc["name"])  # other lines, another total
	changed["schedule_date"] = "2027-01-20"
	outcome = only(push(env, changed))
	assert (outcome.operation, outcome.status) == ("update", "Success"), outcome.reason
	[after] = orders(env, doc["name"])
	assert after["PurchaseOrderID"] == before["PurchaseOrderID"]
	assert after["DeliveryDate"] == "2027-01-20" and after["Status"] == "AUTHORISED"
	assert Decimal(after["Total"]) == customer_owes(changed) != customer_owes(doc)
	assert env.host.get_state(doc["name"]).total == customer_owes(changed)


def test_a_closed_order_is_billed_in_xero_and_not_billed_twice(env):
	doc = as_order("00018")
	push(env, doc)
	doc["status"] = "Closed"
	outcome = only(push(env, doc))
	assert (outcome.operation, outcome.status) == ("update", "Success"), outcome.reason
	assert "BILLED" in outcome.reason
	assert orders(env, doc["name"])[0]["Status"] == "BILLED"
	assert env.host.get_state(doc["name"]).xero_status == "BILLED"
	again = only(push(env, doc))
	assert again.status == "Skipped" and "already BILLED" in again.reason


def test_a_completed_order_never_sent_is_created_then_billed(env):
	doc = as_order("00019")
	doc["status"] = "Completed"
	outcomes = push(env, doc)
	assert [(o.operation, o.status) for o in outcomes] == [("push", "Success"), ("update", "Success")]
	[stored] = orders(env, doc["name"])
	assert stored["Status"] == "BILLED" and Decimal(stored["Total"]) == customer_owes(doc)


def test_a_cancelled_order_is_deleted_in_xero(env):
	doc = as_order("00018")
	push(env, doc)
	doc["docstatus"] = 2
	doc["status"] = "Cancelled"
	outcome = only(push(env, doc))
	assert (outcome.operation, outcome.status) == ("void", "Success"), outcome.reason
	assert orders(env, doc["name"])[0]["Status"] == "DELETED"
	assert env.host.last_log(doc["name"]).reference_doctype == "Purchase Order"
	again = only(env.fresh_engine().cancel([doc["name"]]))
	assert again.status == "Skipped" and "already DELETED" in again.reason


def test_a_cancelled_order_that_never_reached_xero_is_skipped(env):
	doc = as_order("00018")
	doc["docstatus"] = 2
	outcome = only(push(env, doc))
	assert outcome.status == "Skipped" and orders(env, doc["name"]) == []


def test_a_billed_order_is_neither_deleted_nor_changed_and_the_row_says_why(env):
	doc = as_order("00018")
	push(env, doc)
	doc["status"] = "Closed"
	push(env, doc)
	reopened = as_order("00019", name=doc["name"])  # re-opened in ERPNext, its lines changed
	outcome = only(push(env, reopened))
	assert (outcome.operation, outcome.status) == ("update", "Failed")
	assert "not updated" in outcome.reason and "BILLED is final" in outcome.reason
	assert outcome.resolution and "bill" in outcome.resolution
	cancelled = copy.deepcopy(reopened)
	cancelled["docstatus"] = 2
	outcome = only(push(env, cancelled))
	assert (outcome.operation, outcome.status) == ("void", "Failed")
	assert "not deleted" in outcome.reason and "BILLED" in outcome.reason
	[stored] = orders(env, doc["name"])
	assert stored["Status"] == "BILLED" and Decimal(stored["Total"]) == customer_owes(doc)


def test_an_order_xero_holds_as_draft_is_not_billed_and_the_row_says_why(env):
	doc = as_order("00018")
	push(env, doc)
	[stored] = orders(env, doc["name"])
	stored["Status"] = "DRAFT"  # someone in Xero sent it back for approval
	doc["status"] = "Closed"
	outcome = only(push(env, doc))
	assert (outcome.operation, outcome.status) == ("update", "Failed")
	assert "only an AUTHORISED purchase order" in outcome.reason
	assert "Approve the purchase order in Xero" in outcome.resolution
	assert orders(env, doc["name"])[0]["Status"] == "DRAFT"


def test_an_order_deleted_in_xero_is_not_updated_and_the_row_says_why(env):
	doc = as_order("00018")
	push(env, doc)
	orders(env, doc["name"])[0]["Status"] = "DELETED"
	changed = as_order("00019", name=doc["name"])
	outcome = only(push(env, changed))
	assert outcome.status == "Failed" and "deleted in Xero" in outcome.reason
	assert "cancel and amend" in outcome.resolution


@pytest.fixture
def ctx_with_xero(env):
	from dataclasses import replace

	return replace(buying_context(), xero=env.engine.reference())


def test_preflight_names_the_order_the_row_the_field_and_the_fix(ctx_with_xero):
	ctx = ctx_with_xero
	assert preflight_purchase_order(as_order("00018"), ctx) == []
	ctx.mappings.account_by_expense_account = {}
	ctx.settings.default_purchase_account_code = None
	ctx.refresh()
	doc = as_order("00018")
	problems = preflight_purchase_order(doc, ctx)
	first = problems[0]
	assert (first.document, first.row, first.field, first.kind) == (
		doc["name"],
		1,
		"items.item_code",
		"unmapped_account",
	)
	assert "buying Xero Account Mapping" in first.fix
	draft = as_order("00018")
	draft.update(docstatus=0, supplier=None, items=[])
	kinds = {p.kind: p for p in preflight_purchase_order(draft, ctx)}
	assert {"not_submitted", "missing_supplier", "empty_invoice"} <= set(kinds)
	assert kinds["missing_supplier"].fix == "Set the Supplier on the Purchase Order."
	assert kinds["empty_invoice"].message.startswith("The purchase order has no items")
	every = " ".join(p.message + p.fix for p in preflight_purchase_order(draft, ctx))
	assert "Invoice" not in every and "bill" not in every


def test_an_order_refused_in_preflight_is_never_sent(env):
	env.host.context.mappings.account_by_expense_account = {"Cost of Goods Sold - AL": "200"}
	env.host.context.refresh()
	doc = as_order("00018")
	outcome = only(push(env, doc))
	assert outcome.status == "Failed" and outcome.error_kind == "preflight"
	assert "expense or asset account" in outcome.reason
	assert orders(env, doc["name"]) == []
	row = env.host.last_log(doc["name"])
	assert row.reference_doctype == "Purchase Order" and row.status == "Failed" and row.cause
