"""Payload preview: the payload matches what a push sends to the sandbox, and the
field-level diff against the last accepted request names exactly what changed."""

import json
from decimal import Decimal

from tests import engine_support
from xero_connector.engine.preview import build_preview, diff_payloads, flatten, pretty

env = engine_support.env  # the fixture
sample = engine_support.sample


def last_request(env, name):
	entry = next(e for e in reversed(env.host.log_for(name)) if e.status == "Success" and e.request)
	return json.loads(entry.request)


def preview_of(env, name, with_last=True):
	doc = env.host.load_invoice(name)
	state = env.host.get_state(name)
	contact_id = env.host.get_contact_id(doc["customer"])
	return build_preview(
		doc, env.engine.context(doc), state, contact_id, last_request(env, name) if with_last else None
	)


def test_first_preview_is_the_payload_a_push_then_sends(env):
	(name,) = env.add(sample("00018"))
	doc = env.host.load_invoice(name)
	before = build_preview(doc, env.engine.context(doc))
	assert before.problems == []
	assert (before.method, before.endpoint, before.kind) == ("PUT", "/Invoices", "invoice")
	assert before.changes is None and not before.unchanged
	env.push(name)
	sent = last_request(env, name)
	# same fields as sent, except the contact (resolved during the push)
	assert [c.path for c in diff_payloads(sent, before.payload)] == ["Contact.Name", "Contact.ContactID"]
	assert {c.path: c.change for c in diff_payloads(sent, before.payload)} == {
		"Contact.Name": "added",
		"Contact.ContactID": "removed",
	}


def test_resend_without_changes_shows_no_difference(env):
	(name,) = env.add(sample("00018"))
	env.push(name)
	preview = preview_of(env, name)
	assert preview.method == "POST"
	assert preview.payload["InvoiceID"] == env.host.get_state(name).xero_id
	assert preview.unchanged is True
	assert [c.to_dict() for c in preview.changes] == [
		{"path": "InvoiceID", "change": "added", "old": None, "new": env.host.get_state(name).xero_id}
	]


def test_changed_due_date_is_the_only_difference(env):
	(name,) = env.add(sample("00018"))
	env.push(name)
	env.host.invoices[name]["due_date"] = "2031-01-31"
	preview = preview_of(env, name)
	changes = {c.path: c.to_dict() for c in preview.changes if c.path != "InvoiceID"}
	assert list(changes) == ["DueDate"]
	assert changes["DueDate"]["old"] != "2031-01-31" and changes["DueDate"]["new"] == "2031-01-31"
	assert not preview.unchanged
	# the resend Xero accepts is the payload previewed
	env.fresh_engine().push([name])
	assert diff_payloads(last_request(env, name), preview.payload) == []
	assert env.xero_invoices(name)[0]["DueDate"].startswith("2031-01-31")


def test_unmappable_document_lists_its_problems_and_no_payload(env):
	doc = sample("00018")
	doc["docstatus"] = 0  # a draft: pre-flight says only submitted invoices go to Xero
	(name,) = env.add(doc)
	preview = build_preview(env.host.load_invoice(name), env.engine.context(env.host.load_invoice(name)))
	assert preview.payload is None and preview.problems
	assert preview.to_dict()["payload_json"] is None


def test_numbers_stored_as_text_equal_decimals():
	old = {"LineItems": [{"Quantity": "2.0000", "UnitAmount": "100.00", "Description": "2"}]}
	new = {"LineItems": [{"Quantity": Decimal("2"), "UnitAmount": Decimal("100"), "Description": "2"}]}
	assert diff_payloads(old, new) == []
	new["LineItems"][0]["Description"] = Decimal("2")  # not a numeric field: text "2" differs
	assert [c.path for c in diff_payloads(old, new)] == ["LineItems[0].Description"]


def test_added_and_removed_lines_and_fields():
	old = {"Reference": "PO-1", "LineItems": [{"Quantity": "1"}]}
	new = {"LineItems": [{"Quantity": "1"}, {"Quantity": "3"}], "DueDate": "2030-01-01"}
	assert [c.to_dict() for c in diff_payloads(old, new)] == [
		{"path": "LineItems[1].Quantity", "change": "added", "old": None, "new": "3"},
		{"path": "DueDate", "change": "added", "old": None, "new": "2030-01-01"},
		{"path": "Reference", "change": "removed", "old": "PO-1", "new": None},
	]


def test_flatten_and_pretty_keep_decimals_exact():
	value = {"A": [{"B": Decimal("0.1000")}], "C": [], "D": True}
	assert flatten(value) == {"A[0].B": Decimal("0.1000"), "C": [], "D": True}
	text = pretty(value)
	assert '"B": 0.1000' in text
	assert json.loads(text, parse_float=Decimal) == value
