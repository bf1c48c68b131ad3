"""Xero answers 200 to a write without saying what became of a document (issue 14).

An element without its InvoiceID, an element that is ``null``, a body that is JSON but not an
object, elements out of order (another document's number or ID): the write may well be in
Xero, so the write-ahead mark stays, the invoice stays Queued (never Failed, never linked to
another document's ID) and the next run finds it by number. The sandbox's number rule is
loosened (``number_unique``), so that Xero's "Invoice # must be unique." is no safety net:
only the engine's own mark keeps the invoice from being created twice.
"""

from __future__ import annotations

import json

import pytest

from tests.engine_support import garble, make_env, sample
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig

pytestmark = pytest.mark.timeout(120)

A, B = "ACC-SINV-2026-00018", "ACC-SINV-2026-00019"


@pytest.fixture
def loose():
	config = SandboxConfig(limits=LimitConfig(time_scale=1.0), loosen=frozenset({"number_unique"}))
	env = make_env(Sandbox(config).start())
	try:
		yield env
	finally:
		env.sb.stop()


def keep_only(*fields):
	"""Each invoice element of the answer cut down to ``fields`` (none: an empty object)."""

	def change(raw):
		body = json.loads(raw)
		body["Invoices"] = [{k: v for k, v in el.items() if k in fields} for el in body["Invoices"]]
		return json.dumps(body).encode()

	return change


ANSWERS = {
	"element without InvoiceID": keep_only("InvoiceNumber", "Status", "StatusAttributeString"),
	"empty element": keep_only(),
	"element is null": lambda _: b'{"Invoices": [null]}',
	"Invoices is not a list": lambda _: b'{"Invoices": "X"}',
	"body is a JSON list": lambda _: b"[]",
	"body is a JSON string": lambda _: b'"OK"',
}


@pytest.mark.parametrize("change", ANSWERS.values(), ids=ANSWERS.keys())
def test_a_200_without_the_invoice_keeps_the_mark_and_never_creates_twice(loose, monkeypatch, change):
	loose.add(sample("00018"))
	garble(monkeypatch, "/Invoices", change)
	outcome = loose.by_name(loose.push(A), A)
	assert outcome.status == "Queued", outcome.reason  # not Failed: it is in Xero
	assert len(loose.xero_invoices(A)) == 1
	state = loose.host.get_state(A)
	assert state.outcome_unknown and state.pending_hash and not state.xero_id  # the mark stays
	assert loose.host.last_log(A, "push").status == "Queued"

	monkeypatch.undo()
	outcome = loose.by_name(loose.fresh_engine().push([A]), A)
	assert outcome.status == "Success", outcome.reason
	(invoice,) = loose.xero_invoices(A)  # looked up by number and linked, not created again
	assert loose.host.get_state(A).xero_id == invoice["InvoiceID"]


def test_elements_answered_out_of_order_are_never_linked_to_each_other(loose, monkeypatch):
	"""A batch of two answered in the wrong order: each element names the other invoice.
	Linking by position would tie A to B's Xero invoice (and void the wrong one on cancel)."""
	loose.add(sample("00018"), sample("00019"))

	def swap(raw):
		body = json.loads(raw)
		body["Invoices"].reverse()
		return json.dumps(body).encode()

	garble(monkeypatch, "/Invoices", swap)
	outcomes = loose.push(A, B)
	assert [loose.by_name(outcomes, n).status for n in (A, B)] == ["Queued", "Queued"]
	assert "InvoiceNumber" in loose.by_name(outcomes, A).reason
	assert not loose.host.get_state(A).xero_id and loose.host.get_state(A).outcome_unknown

	monkeypatch.undo()
	outcomes = loose.fresh_engine().push([A, B])
	for name in (A, B):
		assert loose.by_name(outcomes, name).status == "Success"
		(invoice,) = loose.xero_invoices(name)
		assert loose.host.get_state(name).xero_id == invoice["InvoiceID"]


def test_a_contact_created_without_its_contact_id_leaves_the_invoice_queued(loose, monkeypatch):
	loose.add(sample("00018"))
	customer = sample("00018")["customer"]

	def no_id(raw):
		body = json.loads(raw)
		body["Contacts"] = [{k: v for k, v in c.items() if k != "ContactID"} for c in body["Contacts"]]
		return json.dumps(body).encode()

	garble(monkeypatch, "/Contacts", no_id)
	outcome = loose.by_name(loose.push(A), A)
	assert outcome.status == "Queued", outcome.reason
	assert "ContactID" in outcome.reason
	contact_row = loose.host.last_log(customer, "contact")  # this attempt's, said as it is
	assert contact_row.status == "Failed" and "ContactID" in contact_row.cause
	assert not loose.xero_invoices(A)

	monkeypatch.undo()
	outcome = loose.by_name(loose.fresh_engine().push([A]), A)
	assert outcome.status == "Success", outcome.reason
	named = [c for c in loose.org.contacts.values() if c.get("Name") == customer]
	assert len(named) == 1  # matched again, not created twice
	assert loose.host.get_contact_id(customer) == named[0]["ContactID"]
