"""Contact resolution over HTTP against the sandbox's seeded contacts (Boom FM BOOM01,
City Agency CITY01, Marine Systems without a number, Hamilton Smith Ltd HAMSMITH archived)."""

from __future__ import annotations

import pytest

from tests import engine_support
from tests.engine_support import sample

env = engine_support.env  # the fixture

pytestmark = pytest.mark.timeout(120)


def invoice_for(env, customer: str, code: str | None, number: str) -> str:
	env.host.context.masters.customers[customer] = {
		"name": customer,
		"customer_name": customer,
		"xero_account_number": code,
	}
	doc = sample("00018")
	doc["name"], doc["customer"], doc["customer_name"] = number, customer, customer
	env.add(doc)
	return number


def contact_row(env, customer: str):
	rows = env.host.log_for(customer, "contact")
	assert rows, f"no contact log row for {customer}"
	return rows[-1]


def test_each_rule_is_applied_in_order_and_recorded(env):
	seeded = {c["Name"]: c for c in env.org.contacts.values()}
	invoice_for(env, "Boom Radio (ERPNext name)", "BOOM01", "INV-A")  # by account number
	invoice_for(env, "City Agency", "NOT-IN-XERO", "INV-B")  # by exact name
	invoice_for(env, "Brand New Customer", "NEW001", "INV-C")  # created
	invoice_for(env, "Stored Customer", "STORED1", "INV-D")
	env.host.save_contact_id("Stored Customer", seeded["Marine Systems"]["ContactID"])
	before = len(env.org.contacts)

	outcomes = env.push("INV-A", "INV-B", "INV-C", "INV-D")

	assert {o.name: o.status for o in outcomes} == dict.fromkeys(
		["INV-A", "INV-B", "INV-C", "INV-D"], "Success"
	)
	assert env.host.get_contact_id("Boom Radio (ERPNext name)") == seeded["Boom FM"]["ContactID"]
	assert env.host.get_contact_id("City Agency") == seeded["City Agency"]["ContactID"]
	assert contact_row(env, "Boom Radio (ERPNext name)").messages == ["matched by rule account_number"]
	assert contact_row(env, "City Agency").messages == ["matched by rule name"]
	assert contact_row(env, "Brand New Customer").messages == ["matched by rule created"]
	assert env.host.log_for("Stored Customer", "contact") == []  # stored: nothing to decide, no row
	assert len(env.org.contacts) == before + 1
	created = env.org.contacts[env.host.get_contact_id("Brand New Customer")]
	assert created["Name"] == "Brand New Customer" and created["AccountNumber"] == "NEW001"
	by_number = {i["InvoiceNumber"]: i for i in env.org.invoices.values()}
	assert by_number["INV-D"]["ContactID"] == seeded["Marine Systems"]["ContactID"]


def test_archived_contact_fails_only_its_invoice_with_cause_and_fix(env):
	invoice_for(env, "Hamilton Smith", "HAMSMITH", "INV-ARCH")
	invoice_for(env, "Fine Customer", "FINE01", "INV-FINE")
	outcomes = env.push("INV-ARCH", "INV-FINE")

	assert env.by_name(outcomes, "INV-FINE").status == "Success"
	failed = env.by_name(outcomes, "INV-ARCH")
	assert failed.status == "Failed" and "archived" in failed.reason
	assert "Restore the contact in Xero" in failed.resolution
	assert env.host.get_contact_id("Hamilton Smith") is None
	assert env.xero_invoices("INV-ARCH") == [] and env.host.get_state("INV-ARCH") is None
	assert contact_row(env, "Hamilton Smith").status == "Failed"


def test_the_fix_given_for_an_archived_contact_works_a_new_billing_code_then_resend(env):
	"""The Sync Log says: restore the contact in Xero, or give the Customer another billing
	account code, then resend. The second must work too: the new code matches no contact,
	so the archived namesake is not taken again; a new contact is made (Xero's names are
	unique among ACTIVE contacts only) and the invoice goes; nothing piles up."""
	invoice_for(env, "Hamilton Smith Ltd", "HAMSMITH", "INV-ARCH2")
	assert env.by_name(env.push("INV-ARCH2"), "INV-ARCH2").status == "Failed"
	row = env.host.last_log("INV-ARCH2", "push")
	assert row.messages == [] and "archived" in row.cause  # the app's words, not passed off as Xero's
	assert row.contact_rule == "account_number"

	env.host.context.masters.customers["Hamilton Smith Ltd"]["xero_account_number"] = "HAMSMITH-2"
	outcome = env.by_name(env.fresh_engine().push(["INV-ARCH2"]), "INV-ARCH2")
	assert outcome.status == "Success", outcome.reason
	contact = env.org.contacts[env.host.get_contact_id("Hamilton Smith Ltd")]
	assert (contact["Name"], contact["AccountNumber"], contact["ContactStatus"]) == (
		"Hamilton Smith Ltd",
		"HAMSMITH-2",
		"ACTIVE",
	)
	assert env.host.last_log("INV-ARCH2", "push").contact_rule == "created"
	assert len(env.xero_invoices("INV-ARCH2")) == 1
	assert [r.status for r in env.host.log_for("INV-ARCH2", "push")] == ["Failed", "Success"]


def test_duplicate_name_clash_is_explained_by_the_catalogue(env):
	"""Xero compares names without case; ERPNext's 'marine systems' is not an exact match, so the
	connector creates it and Xero refuses the duplicate name."""
	invoice_for(env, "marine systems", "MARINE77", "INV-DUP")
	outcome = env.by_name(env.push("INV-DUP"), "INV-DUP")
	assert outcome.status == "Failed"
	assert any("already assigned to another contact" in m for m in outcome.messages)
	row = contact_row(env, "marine systems")
	assert row.status == "Failed" and row.cause and row.resolution
	assert "name" in row.cause.lower()
	assert env.xero_invoices("INV-DUP") == []


def test_account_number_clash_is_explained_by_the_catalogue(env):
	invoice_for(env, "Boom Lowercase", "boom01", "INV-NUM")
	"""'boom01' is not BOOM01 exactly (the documented contract), but Xero keeps account numbers
	unique without case: the create is refused and explained."""
	outcome = env.by_name(env.push("INV-NUM"), "INV-NUM")
	assert outcome.status == "Failed"
	assert any("The Account Number already exists" in m for m in outcome.messages)
	row = contact_row(env, "Boom Lowercase")
	assert row.cause and "account number" in row.cause.lower() and row.resolution


def test_few_unknown_customers_are_looked_up_in_one_call(env):
	for n in range(3):
		invoice_for(env, f"Small {n}", f"S{n}", f"INV-S{n}")
	env.engine.reference()
	before = env.port.calls
	assert {o.status for o in env.push("INV-S0", "INV-S1", "INV-S2")} == {"Success"}
	assert env.port.calls - before == 1 + 1 + 1  # where-clause look-up, one create, one write


def test_many_new_customers_cost_few_calls(env):
	names = []
	for n in range(60):
		names.append(invoice_for(env, f"Customer {n:03d}", f"C{n:03d}", f"INV-{n:03d}"))
	env.engine.reference()
	before = env.port.calls
	outcomes = env.push(*names)
	assert {o.status for o in outcomes} == {"Success"}
	# one paged read of all contacts (more than 40 unknown) + ⌈60/50⌉ creates + ⌈60/50⌉ invoice writes
	assert env.port.calls - before == 1 + 2 + 2
	assert len({env.host.get_contact_id(f"Customer {n:03d}") for n in range(60)}) == 60
