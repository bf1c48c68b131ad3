"""Recovery after a write whose answer was lost — over HTTP against the sandbox.

The chaos soak's failure, reproduced deterministically: the first attempt of a create reaches
Xero and is committed, but its answer is lost (dropped connection, 503 or time-out after the
commit); the client's retry then gets a refusal that says nothing about the first attempt
(401 twice, a 429 storm, the day limit). The engine must keep its "outcome unknown" mark, so
that the next run links the invoice instead of failing forever with "Invoice # must be unique.".
And when a create does meet "Invoice # must be unique." / "Credit Note # must be unique.", the
engine links the Xero document that is evidently this one, or fails with the reason and
creates nothing.
"""

from __future__ import annotations

import copy

import pytest

from tests import engine_support
from tests.engine_support import sample
from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.host import SyncState
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.limits import RateLimiter as SandboxLimiter
from xero_connector.xero import catalogue
from xero_connector.xero.errors import XeroAuthError
from xero_connector.xero.limiter import RateLimiter
from xero_connector.xero.retry import RetryPolicy, no_sleep

env = engine_support.env  # the fixture

pytestmark = pytest.mark.timeout(120)

DOC, RETURN = "ACC-SINV-2026-00018", "ACC-SINV-2026-00031"
WRITE = {"method": "PUT", "path": "/Invoices"}


class FakeTime:
	"""Clock and sleep for the client's limiter: waiting for Retry-After takes no real time."""

	def __init__(self):
		self.now = 1_800_000_000.0

	def clock(self) -> float:
		return self.now

	def sleep(self, seconds: float) -> None:
		self.now += seconds


def lose_first_answer(env, how: str) -> None:
	"""The next create is committed in Xero but its answer never reaches the client."""
	if how == "drop":
		env.sb.faults.add("drop", when="after", **WRITE)
	elif how == "503":
		env.sb.faults.add("error", when="after", status=503, **WRITE)
	else:  # a client time-out while Xero answers slowly after committing
		env.port.client.timeout = (5.0, 0.3)
		env.sb.faults.add("slow", when="after", delay=0.8, **WRITE)


def then_refuse(env, refusal: str) -> None:
	"""Before the client retries, make the retry fail with ``refusal`` (Xero checks these
	before handling the request, so they prove nothing about the first attempt)."""
	client = env.port.client
	time = FakeTime()
	client.limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
	client.retry.max_rate_limit_waits = 2

	def before_retry(_seconds: float) -> None:
		if client.retry.sleep is not before_retry:
			return
		client.retry.sleep = no_sleep  # once
		if refusal == "401":
			env.sb.faults.add("error", when="before", status=401, count=2, **WRITE)
		elif refusal == "429":
			env.sb.faults.add("rate_limit", when="before", count=5, retry_after=1, **WRITE)
		else:
			env.sb.limiter.exhaust(env.port.tenant_id, "day")

	client.retry.sleep = before_retry


def reconnect(env) -> SyncEngine:
	"""The next background job, after the limits have reset: a new client and engine."""
	env.sb.faults.clear()
	env.sb.limiter = SandboxLimiter(env.sb.limiter.config, env.sb.clock)
	env.port = sandbox_port(env.sb, retry=RetryPolicy(attempts=3, sleep=no_sleep))
	env.engine = SyncEngine(env.host, env.port, env.engine._reference)
	return env.engine


@pytest.mark.parametrize("refusal", ["401", "429", "day"])
@pytest.mark.parametrize("lost", ["drop", "503", "timeout"])
def test_refusal_after_a_lost_answer_keeps_the_mark_and_the_next_run_links(env, lost, refusal):
	env.add(sample("00018"))
	env.engine.reference()
	lose_first_answer(env, lost)
	then_refuse(env, refusal)

	outcome = env.by_name(env.push(DOC), DOC)

	assert outcome.status == "Queued", outcome
	(invoice,) = env.xero_invoices(DOC)  # the first attempt did get there
	state = env.host.get_state(DOC)
	assert state.outcome_unknown and state.pending_hash and state.xero_id is None

	outcome = env.by_name(reconnect(env).push([DOC]), DOC)
	assert outcome.status == "Success" and "linked" in outcome.reason
	assert [i["InvoiceID"] for i in env.xero_invoices(DOC)] == [invoice["InvoiceID"]]
	state = env.host.get_state(DOC)
	assert state.xero_id == invoice["InvoiceID"] and not state.outcome_unknown
	assert env.by_name(env.fresh_engine().push([DOC]), DOC).status == "Skipped"


def test_cancel_after_a_lost_answer_and_an_auth_refusal_voids_the_invoice(env):
	"""The soak's "wrong status": a cancelled document whose push ended that way is voided."""
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	lose_first_answer(env, "drop")
	then_refuse(env, "401")
	assert env.by_name(env.push(DOC), DOC).status == "Queued"

	env.add({**copy.deepcopy(doc), "docstatus": 2})
	outcome = env.by_name(reconnect(env).push([DOC]), DOC)
	assert (outcome.operation, outcome.status) == ("void", "Success")
	(invoice,) = env.xero_invoices(DOC)
	assert invoice["Status"] == "VOIDED"


def test_client_marks_an_error_maybe_committed_only_after_an_unanswered_attempt(env):
	client = env.port.client
	env.sb.faults.add("error", when="before", status=401, count=2)
	with pytest.raises(XeroAuthError) as refused:
		client.organisation()
	assert refused.value.maybe_committed is False  # Xero refused before handling anything

	env.sb.faults.add("drop", when="after", count=1)  # the answer of the first attempt is lost

	def before_retry(_seconds: float) -> None:
		client.retry.sleep = no_sleep
		env.sb.faults.add("error", when="before", status=401, count=2)

	client.retry.sleep = before_retry
	with pytest.raises(XeroAuthError) as refused:
		client.organisation()
	assert refused.value.maybe_committed is True
	assert refused.value.status == 401


def test_token_expiring_twice_during_one_call_is_refreshed_twice(env):
	"""A long call (retries, 429 waits) can outlive a refreshed token: refresh again, once per
	expiry, instead of giving up with 401 while a committed write's answer is still owed."""
	env.add(sample("00018"))
	env.engine.reference()
	client = env.port.client
	time = FakeTime()
	client.limiter = RateLimiter(clock=time.clock, sleep=time.sleep)
	lose_first_answer(env, "503")

	def before_retry(_seconds: float) -> None:
		client.retry.sleep = no_sleep
		env.sb.expire_tokens()
		env.sb.faults.add("rate_limit", when="before", count=1, **WRITE)
		env.sb.faults.add("error", when="before", status=401, count=1, **WRITE)

	client.retry.sleep = before_retry
	outcome = env.by_name(env.push(DOC), DOC)

	assert outcome.status == "Success" and outcome.reason == "sent"
	assert client.tokens.refresh_count == 2 and client.outcomes[401] == 2
	(invoice,) = env.xero_invoices(DOC)
	assert env.host.get_state(DOC).xero_id == invoice["InvoiceID"]


def test_number_already_in_xero_for_this_document_is_linked(env):
	"""ERPNext lost the link (e.g. an earlier version cleared the mark): the create meets
	"Invoice # must be unique." and links the invoice that is evidently this one."""
	env.add(sample("00018"))
	env.push(DOC)
	(invoice,) = env.xero_invoices(DOC)
	env.host.save_state(DOC, None)
	replay_window_passed(env)

	outcome = env.by_name(env.fresh_engine().push([DOC]), DOC)

	assert outcome.status == "Success"
	assert outcome.reason.startswith("already in Xero: linked to the existing Xero invoice " + DOC)
	assert outcome.xero_id == invoice["InvoiceID"]
	assert len(env.xero_invoices(DOC)) == 1
	state = env.host.get_state(DOC)
	assert state.xero_id == invoice["InvoiceID"] and state.payload_hash and not state.outcome_unknown
	row = env.host.last_log(DOC, "push")
	assert row.status == "Success" and "already in Xero" in row.messages[0]
	assert env.by_name(env.fresh_engine().push([DOC]), DOC).status == "Skipped"


def test_hand_entered_copy_with_the_same_contact_and_total_is_linked(env):
	"""Entered in Xero by hand (contact given by name, other line text): same type, contact,
	currency and total, so it is this invoice."""
	doc = sample("00018")
	env.add(doc)
	env.engine.reference()
	payload = env.engine.map(doc, env.engine.context(doc), None).payload
	hand = {**copy.deepcopy(payload), "Reference": "typed in Xero"}
	for line in hand["LineItems"]:
		line["Description"] = "entered by hand"
	env.port.save_invoices([hand], "manual-entry-same")
	(existing,) = env.xero_invoices(DOC)

	outcome = env.by_name(env.push(DOC), DOC)

	assert outcome.status == "Success" and "already in Xero" in outcome.reason
	assert env.host.get_state(DOC).xero_id == existing["InvoiceID"]
	assert len(env.xero_invoices(DOC)) == 1


def test_credit_note_number_already_in_xero_is_linked_and_allocated(env):
	env.add(sample("00018"), sample("00031"))
	env.push(DOC, RETURN)
	(note,) = env.xero_credit_notes(RETURN)
	env.host.save_state(RETURN, None)
	replay_window_passed(env)

	outcomes = env.fresh_engine().push([RETURN])

	pushed = env.by_name(outcomes, RETURN, "push")
	assert pushed.status == "Success" and "already in Xero: linked to the existing Xero credit note" in (
		pushed.reason
	)
	assert env.host.get_state(RETURN).xero_id == note["CreditNoteID"]
	assert len(env.xero_credit_notes(RETURN)) == 1


def replay_window_passed(env) -> None:
	"""Xero remembers an Idempotency-Key's answer for 6 minutes; after that the same request
	is handled again (here: refused, the number being taken)."""
	env.sb.idempotency.window = 0.0


def manual_invoice(env, number: str, *, contact: str | None = None, total_delta: str = "0", **extra):
	"""An invoice typed into Xero by hand with ``number``: the document's own payload, with
	another contact or total when asked."""
	doc = env.host.load_invoice(number)
	payload = copy.deepcopy(env.engine.map(doc, env.engine.context(doc), None).payload)
	if contact:
		payload["Contact"] = {"Name": contact}
	if total_delta != "0":
		payload["LineItems"].append(
			{"Description": "extra", "Quantity": 1, "UnitAmount": total_delta, "AccountCode": "200"}
		)
	payload.update(extra)
	(element,) = env.port.save_invoices([payload], f"manual-{number}-{contact}-{total_delta}")
	assert not element.get("ValidationErrors"), element
	return element


@pytest.mark.parametrize(
	"change, detail",
	[
		({"contact": "Someone Else"}, "its contact is Someone Else"),
		({"total_delta": "10.00"}, "its total is"),
	],
)
def test_number_held_by_a_different_document_fails_with_the_reason(env, change, detail):
	env.add(sample("00018"))
	env.engine.reference()
	existing = manual_invoice(env, DOC, **change)
	before = len(env.org.invoices)

	outcome = env.by_name(env.push(DOC), DOC)

	assert outcome.status == "Failed"
	assert outcome.messages[0] == "Invoice # must be unique."
	assert f"A different Xero invoice already holds number {DOC}" in outcome.reason
	assert detail in outcome.reason and "nothing was created" in outcome.reason
	entry = catalogue.get("invoice_number_not_unique")
	assert (outcome.cause, outcome.resolution) == (entry.cause, entry.resolution)
	row = env.host.last_log(DOC, "push")
	assert row.status == "Failed" and row.cause == entry.cause and row.resolution == entry.resolution
	assert len(env.org.invoices) == before
	assert [i["InvoiceID"] for i in env.xero_invoices(DOC)] == [existing["InvoiceID"]]
	assert env.host.get_state(DOC) is None  # not linked, no mark left behind


def test_voided_invoice_with_the_number_is_not_linked(env):
	env.add(sample("00018"))
	env.push(DOC)
	(invoice,) = env.xero_invoices(DOC)
	env.port.client.void_invoice(invoice["InvoiceID"], "void-by-hand")
	env.host.save_state(DOC, SyncState(kind="invoice"))
	replay_window_passed(env)

	outcome = env.by_name(env.fresh_engine().push([DOC]), DOC)

	assert outcome.status == "Failed" and "it is VOIDED" in outcome.reason
	assert len(env.xero_invoices(DOC)) == 1
	assert not env.host.get_state(DOC).xero_id


class Unheld:
	"""The host as seen by a worker that does not wait for the documents' hold (in the Frappe
	shell: one whose lock lease ran out): the engine's checks after the hold must still stand."""

	hold_documents = None

	def __init__(self, host):
		self._host = host

	def __getattr__(self, name):
		return getattr(self._host, name)


class MeanwhileOtherWorker:
	"""A port whose next invoice create first lets another worker push the same documents."""

	def __init__(self, port, other_push):
		self.port, self.other_push = port, other_push

	def __getattr__(self, name):
		return getattr(self.port, name)

	def create_invoices(self, invoices, idempotency_key):
		self.other_push()
		return self.port.create_invoices(invoices, idempotency_key)


def test_refusal_does_not_undo_a_link_another_worker_made_meanwhile(env):
	env.add(sample("00018"))
	env.engine.reference()
	other = SyncEngine(Unheld(env.host), env.port, env.engine._reference)

	def other_worker_pushes_then_token_is_refused():
		assert env.by_name(other.push([DOC]), DOC).status == "Success"
		env.sb.faults.add("error", when="before", status=401, count=2, **WRITE)

	env.engine.port = MeanwhileOtherWorker(env.port, other_worker_pushes_then_token_is_refused)
	outcome = env.by_name(env.push(DOC), DOC)

	assert outcome.status == "Queued"  # this worker's own request was refused (401)
	(invoice,) = env.xero_invoices(DOC)
	state = env.host.get_state(DOC)
	assert state.xero_id == invoice["InvoiceID"] and not state.outcome_unknown  # the link stands


def test_document_linked_by_another_worker_since_it_was_read_is_not_created_again(env):
	env.add(sample("00018"))
	env.engine.reference()
	other = SyncEngine(Unheld(env.host), env.port, env.engine._reference)
	real_get_state = env.host.get_state
	reads = []

	def get_state(name):
		reads.append(name)
		if len(reads) == 1:  # this worker read the state before the other one pushed
			state = real_get_state(name)
			assert env.by_name(other.push([DOC]), DOC).status == "Success"
			return state
		return real_get_state(name)

	env.host.get_state = get_state
	before = env.port.calls
	outcome = env.by_name(env.push(DOC), DOC)

	assert outcome.status == "Skipped"
	assert len(env.xero_invoices(DOC)) == 1
	# The other worker's contact look-up, contact create and invoice create; none from this one.
	assert env.port.calls - before == 3


def _garble_invoice_writes(monkeypatch, answer: bytes, times: int = 1):
	"""Xero (or a proxy) answers the next ``times`` invoice writes with HTTP 200 and
	``answer``, after the write was applied."""
	engine_support.garble(monkeypatch, "/Invoices", lambda _: answer, times)


@pytest.mark.parametrize(
	"answer", [b"<html>Service Unavailable</html>", b'{"Invoices": []}'], ids=["not JSON", "no element"]
)
def test_a_200_that_does_not_say_what_happened_keeps_the_mark_and_the_next_run_links(
	env, monkeypatch, answer
):
	doc = sample("00018")
	env.add(doc)
	_garble_invoice_writes(monkeypatch, answer)
	outcome = env.by_name(env.push(doc["name"]), doc["name"])
	assert outcome.status == "Queued", outcome.reason  # not Failed: it may well be in Xero
	state = env.host.get_state(doc["name"])
	assert state.outcome_unknown and state.pending_hash  # the write-ahead mark is kept
	assert env.host.last_log(doc["name"], "push").status == "Queued"

	outcome = env.by_name(env.fresh_engine().push([doc["name"]]), doc["name"])
	assert outcome.status == "Success", outcome.reason
	assert len(env.xero_invoices(doc["name"])) == 1  # looked up by number, never sent twice
