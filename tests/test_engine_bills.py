"""Purchase Invoices → Xero bills and supplier credit notes (issue 16), through the real client
against the sandbox: ERPNext's totals to the cent, exactly once, allocation, cancel, and the
buying side's pre-flight."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bill_support import as_bill, as_return, bill_env, buying_context  # noqa: F401  (bill_env: the env fixture)
from engine_support import sample as sample_invoice

from xero_connector.engine.preflight_bill import preflight_bill
from xero_connector.engine.rules import customer_owes

WRITE = {"method": "PUT", "path": "/Invoices"}


def bills(env, number: str) -> list[dict]:
	return [i for i in env.xero_invoices(number) if i["Type"] == "ACCPAY"]


@pytest.mark.parametrize("sample", ["00018", "00019", "00021", "00024"])
def test_a_bill_is_in_xero_with_erpnexts_total_to_the_cent(env, sample):
	"""exclusive GST, inclusive GST, a discount on the net total, USD"""
	doc = as_bill(sample, bill_no=f"PC-{sample}")
	env.add(doc)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Success", outcome.reason
	[stored] = bills(env, f"PC-{sample}")
	assert Decimal(stored["Total"]) == customer_owes(doc)
	assert stored["CurrencyCode"] == doc["currency"]
	assert all(line["AccountCode"] in ("310", "860") for line in stored["LineItems"])
	contact = env.org.contacts[stored["ContactID"]]
	assert contact["IsSupplier"] is True and contact["AccountNumber"] == "SUP-PAPER"
	assert env.host.get_state(doc["name"]).xero_number == f"PC-{sample}"


def test_a_bill_without_the_suppliers_number_carries_its_erpnext_name(env):
	doc = as_bill("00018", bill_no=None)
	env.add(doc)
	assert env.by_name(env.push(doc["name"]), doc["name"]).status == "Success"
	assert len(bills(env, "ACC-PINV-2026-00018")) == 1


@pytest.mark.parametrize("lose", ["drop", "503"])
def test_a_retried_push_after_a_lost_answer_leaves_one_bill(env, lose):
	doc = as_bill("00018")
	env.add(doc)
	env.sb.faults.add(
		"drop" if lose == "drop" else "error",
		when="after",
		count=5,
		**WRITE,
		**({} if lose == "drop" else {"status": 503}),
	)
	env.push(doc["name"])
	env.sb.faults.clear()
	assert len(bills(env, "PC-4471")) == 1  # written once, its answer lost
	assert env.host.get_state(doc["name"]).outcome_unknown
	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert outcome.status == "Success", outcome.reason
	assert len(bills(env, "PC-4471")) == 1
	assert env.host.get_state(doc["name"]).xero_id == bills(env, "PC-4471")[0]["InvoiceID"]


def test_another_suppliers_bill_with_the_same_number_is_not_taken_for_ours(env):
	other = as_bill("00018", supplier="Overseas Parts")
	other["name"] = "ACC-PINV-2026-90001"
	ours = as_bill("00018")
	env.add(other, ours)
	assert env.by_name(env.push(other["name"]), other["name"]).status == "Success"
	env.sb.faults.add("drop", when="after", count=5, **WRITE)
	env.push(ours["name"])
	env.sb.faults.clear()
	env.fresh_engine().push([ours["name"]])
	found = bills(env, "PC-4471")
	assert len(found) == 2  # one per supplier
	assert env.host.get_state(ours["name"]).xero_id != env.host.get_state(other["name"]).xero_id


def test_a_purchase_return_is_a_supplier_credit_note_allocated_to_its_bill(env):
	bill = as_bill("00018")
	ret = as_return(bill, "ACC-PINV-2026-00099")
	env.add(bill, ret)
	outcomes = env.push(bill["name"], ret["name"])
	assert env.by_name(outcomes, ret["name"], "allocate").status == "Success"
	[note] = [c for c in env.xero_credit_notes("PC-CN-9")]
	assert note["Type"] == "ACCPAYCREDIT" and Decimal(note["Total"]) == Decimal("812.00")
	[stored] = bills(env, "PC-4471")
	assert stored["Status"] == "PAID" and Decimal(stored["AmountCredited"]) == Decimal("812.00")


def test_a_cancelled_bill_is_voided_and_a_paid_one_is_refused_with_the_reason(env):
	paid, unpaid = as_bill("00018", "PAID-1"), as_bill("00019", "OPEN-1")
	env.add(paid, unpaid)
	env.push(paid["name"], unpaid["name"])
	xero_id = env.host.get_state(paid["name"]).xero_id
	payment = {
		"Invoice": {"InvoiceID": xero_id},
		"Account": {"Code": "090"},
		"Amount": Decimal("100.00"),
		"Date": "2026-11-20",
	}
	env.port.create_payments([payment], "pay-1")
	paid["docstatus"] = unpaid["docstatus"] = 2
	outcomes = env.fresh_engine().cancel([paid["name"], unpaid["name"]])
	assert bills(env, "OPEN-1")[0]["Status"] == "VOIDED"
	refused = env.by_name(outcomes, paid["name"])
	assert refused.status == "Failed"
	assert "has payments of NZD 100.00" in refused.reason and "remove them in Xero first" in refused.reason
	assert bills(env, "PAID-1")[0]["Status"] == "AUTHORISED"


def test_a_supplier_is_matched_to_an_existing_contact_by_account_number(env):
	existing = env.port.create_contacts(
		[{"Name": "Paper Company (old name)", "AccountNumber": "SUP-PAPER"}], "c-1"
	)
	doc = as_bill("00018")
	env.add(doc)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Success" and outcome.contact_rule == "account_number"
	row = env.host.last_log("Paper Co", "contact")
	assert row.reference_doctype == "Supplier" and row.status == "Success"
	assert bills(env, "PC-4471")[0]["ContactID"] == existing[0]["ContactID"]
	assert env.host.get_contact_id("Paper Co", doctype="Supplier") == existing[0]["ContactID"]
	assert env.host.get_contact_id("Paper Co") is None  # a customer of that name is another link


@pytest.fixture
def ctx_with_xero(env):
	from dataclasses import replace

	return replace(buying_context(), xero=env.engine.reference())


def kinds(problems):
	return {p.kind for p in problems}


def test_preflight_refuses_a_revenue_account_and_a_sales_tax_type_on_a_bill(ctx_with_xero):
	ctx = ctx_with_xero
	ctx.mappings.tax_by_purchase_taxes_template = {"New Zealand - AL": "OUTPUT2"}
	ctx.refresh()
	problems = preflight_bill(as_bill("00018"), ctx)
	assert kinds(problems) == {"tax_type_not_purchase"}
	assert "Purchase Taxes and Charges Template 'New Zealand - AL'" in problems[0].message
	ctx.mappings.tax_by_purchase_taxes_template = {"New Zealand - AL": "INPUT2"}
	ctx.mappings.account_by_expense_account = {"Cost of Goods Sold - AL": "200"}
	ctx.refresh()
	problems = preflight_bill(as_bill("00018"), ctx)
	assert kinds(problems) == {"account_not_purchase"}
	assert "Expense Account 'Cost of Goods Sold - AL'" in problems[0].message and "expense" in problems[0].fix


def test_preflight_of_a_ready_bill_is_empty_and_names_deducted_taxes(ctx_with_xero):
	assert preflight_bill(as_bill("00018"), ctx_with_xero) == []
	doc = as_bill("00018")
	doc["taxes"][0]["add_deduct_tax"] = "Deduct"
	assert "deducted_tax" in kinds(preflight_bill(doc, ctx_with_xero))
	doc = as_bill("00018")
	doc["supplier"] = "Nobody"
	assert "supplier_not_found" in kinds(preflight_bill(doc, ctx_with_xero))


def test_a_bill_refused_in_preflight_is_never_sent(env):
	env.host.context.mappings.account_by_expense_account = {"Cost of Goods Sold - AL": "200"}
	env.host.context.settings.default_purchase_account_code = None
	env.host.context.refresh()
	doc = as_bill("00018")
	env.add(doc)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Failed" and outcome.error_kind == "preflight"
	assert bills(env, "PC-4471") == []


def test_bill_payments_come_back_through_the_pull_as_payments_of_type_pay(env):
	from xero_connector.engine.payments import BankMapping, fetch_payments, plan_payments

	bill, sale = as_bill("00018"), sample_invoice("00018")
	env.add(bill, sale)
	env.push(bill["name"], sale["name"])
	for name, amount in ((bill["name"], "300.00"), (sale["name"], "12.00")):
		target = {"Invoice": {"InvoiceID": env.host.get_state(name).xero_id}}
		env.port.create_payments([{**target, "Account": {"Code": "090"}, "Amount": Decimal(amount)}], name)
	report = env.fresh_engine().pull()
	assert bill["name"] in report.updated
	state = env.host.get_state(bill["name"])
	assert (state.amount_paid, state.amount_due) == (Decimal("300.00"), Decimal("512.00"))
	payments = fetch_payments(env.port.client, None, page_size=1)  # paged, one a page
	intents = plan_payments(
		payments, env.host.find_by_xero_id, [BankMapping(account="Bank - AL", xero_account_code="090")], "NZD"
	)
	by_invoice = {i.invoice: i for i in intents}
	assert by_invoice[bill["name"]].payment_type == "Pay" and by_invoice[bill["name"]].action == "create"
	assert by_invoice[bill["name"]].amount == Decimal("300.00")
	assert by_invoice[sale["name"]].payment_type == "Receive"
	assert len({i.payment_id for i in intents}) == 2
