"""Quotations as Xero Quotes against the sandbox: the mapped quote is accepted with the
same total as ERPNext's, a second send updates it by number, an answered quote is left alone."""

from decimal import Decimal

from tests import engine_support
from xero_connector.engine.quotes import find_quotes, plan_quote, quote_payload, send_quote

env = engine_support.env  # the fixture


def quotation(name="SAL-QTN-2026-00001"):
	doc = engine_support.sample("00018")
	doc.update(
		name=name,
		doctype="Quotation",
		quotation_to="Customer",
		party_name=doc.pop("customer"),
		transaction_date=doc.pop("posting_date"),
		valid_till=doc.pop("due_date"),
	)
	return doc


def contact(env, doc):
	from xero_connector.engine.contacts import customer_key, resolve_contacts

	ctx = env.engine.context(doc | {"customer": doc["party_name"]})
	resolved = resolve_contacts(env.engine, {doc["party_name"]: customer_key(doc["party_name"], ctx)})
	return ctx, resolved[doc["party_name"]].contact_id


def test_quotation_becomes_a_sent_quote_with_erpnexts_total(env):
	doc = quotation()
	ctx, contact_id = contact(env, doc)
	payload = quote_payload(doc, ctx, contact_id)
	assert (payload["QuoteNumber"], payload["Status"], payload["LineAmountTypes"]) == (
		doc["name"],
		"SENT",
		"EXCLUSIVE",
	)
	assert payload["ExpiryDate"] == doc["valid_till"] and payload["Date"] == doc["transaction_date"]
	client = env.port.client
	plan = plan_quote(find_quotes(client, doc["name"]))
	assert plan.action == "create"
	element = send_quote(client, payload, plan, "site:quote:1")
	assert not element.get("ValidationErrors"), element
	assert Decimal(str(element["Total"])) == Decimal(str(doc["rounded_total"] or doc["grand_total"]))
	assert element["Contact"]["ContactID"] == contact_id


def test_second_send_updates_the_quote_with_that_number(env):
	doc = quotation("SAL-QTN-2026-00002")
	ctx, contact_id = contact(env, doc)
	client = env.port.client
	first = send_quote(client, quote_payload(doc, ctx, contact_id), plan_quote([]), "site:quote:2a")
	doc["valid_till"] = "2031-06-30"
	plan = plan_quote(find_quotes(client, doc["name"]))
	assert (plan.action, plan.quote_id) == ("update", first["QuoteID"])
	second = send_quote(client, quote_payload(doc, ctx, contact_id), plan, "site:quote:2b")
	assert second["QuoteID"] == first["QuoteID"]
	assert second["ExpiryDateString"].startswith("2031-06-30")
	assert len(find_quotes(client, doc["name"])) == 1


def test_answered_or_deleted_quotes():
	assert plan_quote([{"QuoteID": "q1", "Status": "ACCEPTED"}]).action == "skip"
	assert "already DECLINED" in plan_quote([{"QuoteID": "q1", "Status": "DECLINED"}]).reason
	assert plan_quote([{"QuoteID": "q1", "Status": "DELETED"}]).action == "create"
