"""Push: make Xero hold each submitted Sales Invoice, as an Invoice or (returns) a Credit Note.

Per document: pre-flight and mapping (bad input fails here, before any call) →
contact → payload hash (unchanged since the last accepted write → Skipped) →
if an earlier write's outcome is unknown, look the number up in Xero and link
instead of creating twice → send in batches of ≤50 with one idempotency key
per request → record Xero's IDs, status and totals, or the failure with Xero's
messages and the catalogue's cause and fix. A mismatch between Xero's computed
Total and ERPNext's is recorded as Failed.

The write-ahead mark stays whenever the write may have reached Xero: after a
time-out or 5xx, and also after a 401, 429 or day limit that followed such an
attempt within the same call (the client's ``maybe_committed``), and after a 200 whose
element does not show this document written (no ID, or another document's number:
:func:`.recovery.unclear_answer`; the document stays Queued). It is removed
only when Xero's answer is definitive, and only if no other run changed the
state meanwhile. Should a create still find its number taken ("Invoice # must
be unique."), the number is read back and linked when it is evidently this
document (:mod:`.recovery`), else Failed with the reason.

Called by :meth:`xero_connector.engine.sync.SyncEngine.push` with documents of one kind. The
steps before the write (pre-flight, contact, mapping, unchanged?) are :mod:`.push_prepare`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from xero_connector.engine.archived_contacts import refusal as contact_refusal
from xero_connector.engine.host import SyncState
from xero_connector.engine.keys import batch_key, idempotency_key
from xero_connector.engine.log import explain, outcome_for_error, outcome_unknown
from xero_connector.engine.push_prepare import (  # Job: its import path stays push.Job
	Job,
	map_job,
	outcome,
	prepare,
	resolve_job_contacts,
	unchanged,
)
from xero_connector.engine.records import KINDS, read_documents, state_from_element
from xero_connector.engine.recovery import LABEL, choose, number_taken, taken_reason, unclear_answer
from xero_connector.engine.rules import is_purchase
from xero_connector.engine.xero_port import chunks, element_errors
from xero_connector.xero.errors import XeroError


def push_documents(engine, docs: list[dict], kind: str) -> list[str]:
	"""Push documents of one kind; returns the names now in Xero with their current payload."""
	jobs = [job for job in (prepare(engine, doc) for doc in docs) if job]
	jobs = resolve_job_contacts(engine, jobs)
	jobs = [job for job in jobs if map_job(engine, job) and not unchanged(engine, job)]
	jobs = _recover_unknown(engine, jobs, kind)
	jobs = [job for job in jobs if not _linked_meanwhile(engine, job)]
	done = []
	creates = [job for job in jobs if not job.xero_id]
	updates = _own_documents(engine, [job for job in jobs if job.xero_id], kind)
	for group in (creates, updates):
		for part in chunks(group):
			done += _send(engine, part, kind)
	return done


def _recover_unknown(engine, jobs: list[Job], kind: str) -> list[Job]:
	"""Documents whose last write may have reached Xero: find them by number and link them."""
	unsure = [j for j in jobs if j.previous and j.previous.outcome_unknown and not j.previous.xero_id]
	if not unsure:
		return jobs
	from xero_connector.engine import bill_lookup

	sales = [j for j in unsure if not is_purchase(j.doc)]
	try:
		found = read_documents(engine, kind, numbers=[j.xdoc.number for j in sales], live_only=True)
		# a bill's number is not unique in Xero: the one that is evidently this bill (bill_lookup.py)
		bills = bill_lookup.written(engine, kind, [j for j in unsure if is_purchase(j.doc)])
	except XeroError as error:
		for job in unsure:
			engine.recorder.record(outcome_for_error(job.name, job.operation, error))
		return [j for j in jobs if j not in unsure]
	remaining = []
	for job in jobs:
		if job not in unsure:
			element = None
		else:
			element = bills.get(job.name) if is_purchase(job.doc) else found.get(job.xdoc.number)
		if element is None:
			remaining.append(job)
			continue
		linked = state_from_element(element, kind, job.previous)
		if job.previous.pending_hash == job.digest:
			linked = replace(linked, payload_hash=job.digest, pending_hash=None, outcome_unknown=False)
			engine.host.save_state(job.name, linked)
			check_total(engine, job, linked, "linked to the Xero document an earlier attempt created")
		else:
			job.previous = replace(linked, pending_hash=job.previous.pending_hash, outcome_unknown=True)
			engine.host.save_state(job.name, job.previous)
			remaining.append(job)
	return remaining


def _own_documents(engine, jobs: list[Job], kind: str) -> list[Job]:
	"""Updates go by Xero ID, and Xero would renumber whatever document that ID names: read
	the targets first (one call per 100) and refuse, logged, where the stored ID points at a
	document with another number."""
	from xero_connector.engine.cancel import number_matches, wrong_document

	if not jobs:
		return jobs
	try:
		found = read_documents(engine, kind, ids=[job.xero_id for job in jobs])
	except XeroError as error:
		for job in jobs:
			engine.recorder.record(outcome_for_error(job.name, job.operation, error))
		return []
	own = []
	for job in jobs:
		element = found.get(job.xero_id)
		if element is not None and not number_matches(element, kind, job.xdoc.number):
			engine.recorder.record(wrong_document(job.name, job.operation, kind, element, job.xero_id))
			continue
		own.append(job)  # missing: the update itself says so
	return own


def _linked_meanwhile(engine, job: Job) -> bool:
	"""Another run (worker) linked the document since it was read: adopt its state, so that
	it is updated or skipped rather than created again. True when it is now skipped."""
	current = engine.host.get_state(job.name)
	if job.xero_id or not (current and current.xero_id):
		return False
	job.previous = current
	return unchanged(engine, job)


def may_have_written(error: XeroError) -> bool:
	"""The failed request may have reached Xero: keep the write-ahead mark."""
	return outcome_unknown(error) or bool(getattr(error, "maybe_committed", False))


def release(engine, job: Job, mark: SyncState, *, refused: bool = False) -> None:
	"""Xero's answer was definitive (nothing written): put the state back as it was, unless
	another run changed it since the mark was written. An older mark goes too: the number was
	looked up before this write (:func:`_recover_unknown`) and that earlier write was not there.
	``refused``: Xero refused this very write; the count goes into the next write's key."""
	current = engine.host.get_state(job.name)
	if (
		current is not None
		and current.outcome_unknown
		and current.pending_hash == mark.pending_hash
		and current.xero_id == mark.xero_id
	):
		previous = job.previous and replace(job.previous, pending_hash=None, outcome_unknown=False)
		if refused:
			base = previous or SyncState(kind=mark.kind)
			previous = replace(base, refusals=base.refusals + 1)
		engine.host.save_state(job.name, previous)


def write_key(engine, job: Job) -> str:
	"""The Idempotency-Key of this write: the same for a retry of the same write (a lost
	answer is replayed by Xero, never applied twice), new once Xero refused it."""
	refusals = job.previous.refusals if job.previous else 0
	digest = job.digest if not refusals else f"{job.digest[:16]}r{refusals}{job.digest[16:]}"
	return idempotency_key(engine.site_id, job.name, job.operation, digest)


def _send(engine, jobs: list[Job], kind: str) -> list[str]:
	"""One request: creates (PUT, never overwriting a number that exists) or updates (POST by ID)."""
	update_method, id_field, _, create_method = KINDS[kind]
	method = update_method if jobs[0].xero_id else create_method
	elements, keys, marks = [], [], []
	for job in jobs:
		payload = dict(job.xdoc.payload)
		if job.xero_id:
			payload[id_field] = job.xero_id
		elements.append(payload)
		keys.append(write_key(engine, job))
		mark = replace(job.previous or SyncState(kind=kind), pending_hash=job.digest, outcome_unknown=True)
		engine.host.save_state(job.name, mark)
		marks.append(mark)
	key = batch_key(engine.site_id, jobs[0].operation, keys) if len(jobs) > 1 else keys[0]
	try:
		results = getattr(engine.port, method)(elements, key)
	except XeroError as error:
		unknown = may_have_written(error)
		refused = not unknown and getattr(error, "kind", None) == "permanent"
		for job, mark in zip(jobs, marks, strict=True):
			if not unknown:
				release(engine, job, mark, refused=refused)
			engine.recorder.record(outcome_for_error(job.name, job.operation, error), idempotency_key=key)
		return []
	done, taken = [], []
	for job, mark, element, payload in zip(jobs, marks, results, elements, strict=True):
		errors = element_errors(element)
		if errors and not job.xero_id and number_taken(errors):
			taken.append((job, mark, errors, payload, element))
			continue
		unclear = None if errors else unclear_answer(element, kind, job)
		if unclear:  # the write-ahead mark stays: a look-up by number comes before any resend
			engine.recorder.record(
				outcome(job, "Queued", unclear, job.previous, error_kind="transient", http_status=200),
				idempotency_key=key,
				request=payload,
				response=element,
			)
			continue
		if errors:
			release(engine, job, mark, refused=True)
			party = job.doc.get("customer") or job.doc.get("supplier") or ""
			found = contact_refusal(engine.port, party, job.contact_id, errors)
			cause, fix = found or explain(errors)
			reason = "; ".join(errors)
			engine.recorder.record(
				outcome(job, "Failed", reason, job.previous, messages=errors, cause=cause, resolution=fix),
				idempotency_key=key,
				request=payload,
				response=element,
			)
			continue
		state = replace(state_from_element(element, kind, job.previous), payload_hash=job.digest)
		engine.host.save_state(job.name, state)
		if check_total(engine, job, state, "sent", key=key, request=payload, response=element):
			done.append(job.name)
	if taken:
		done += _link_taken(engine, taken, kind, key)
	return done


def _link_taken(engine, taken: list[tuple], kind: str, key: str) -> list[str]:
	"""Creates refused because the number is in Xero already: read the numbers back and link
	each document to the Xero one that is evidently it; fail the rest with the reason."""
	_, _, number_field, _ = KINDS[kind]
	read = engine.port.get_invoices if kind == "invoice" else engine.port.get_credit_notes
	found: dict[str, list[dict]] = {}
	try:
		for part in chunks(taken):
			for element in read(numbers=[job.xdoc.number for job, *_ in part]):
				found.setdefault(element.get(number_field), []).append(element)
	except XeroError as error:
		for job, mark, _, payload, _ in taken:
			release(engine, job, mark)  # nothing was created; the next run tries (and looks) again
			engine.recorder.record(
				outcome_for_error(job.name, job.operation, error), idempotency_key=key, request=payload
			)
		return []
	done = []
	for job, mark, errors, payload, response in taken:
		element, reasons = choose(job, found.get(job.xdoc.number, []))
		if element is not None:
			state = replace(state_from_element(element, kind, job.previous), payload_hash=job.digest)
			engine.host.save_state(job.name, state)
			verb = (
				f"already in Xero: linked to the existing Xero {LABEL[kind]} {job.xdoc.number} "
				"instead of creating it again"
			)
			if check_total(engine, job, state, verb, key=key, request=payload, response=element):
				done.append(job.name)
			continue
		release(engine, job, mark)
		cause, fix = explain(errors)
		reason = taken_reason(kind, job.xdoc.number, errors[0], reasons)
		engine.recorder.record(
			outcome(
				job, "Failed", reason, job.previous, messages=[*errors, reason], cause=cause, resolution=fix
			),
			idempotency_key=key,
			request=payload,
			response=response,
		)
	return done


def check_total(engine, job: Job, state: SyncState, verb: str, **log) -> bool:
	"""Record Success, or Failed when Xero's computed total differs from ERPNext's."""
	expected = abs(Decimal(job.xdoc.expected_total))
	key = log.pop("key", None)
	if state.total is not None and state.total != expected:
		engine.host.save_state(job.name, replace(state, payload_hash=None))
		reason = (
			f"Xero's total {state.total} {job.xdoc.currency} differs from ERPNext's {expected}: "
			"check the tax and rounding mappings, then resend"
		)
		engine.recorder.record(outcome(job, "Failed", reason, state), idempotency_key=key, **log)
		return False
	engine.recorder.record(outcome(job, "Success", verb, state), idempotency_key=key, **log)
	return True
