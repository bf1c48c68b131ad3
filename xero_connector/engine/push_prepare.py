"""A document's way up to its write: pre-flight, its party's Xero contact, the mapping, and
the check that nothing changed since Xero last accepted it. What is left is a :class:`Job`
ready to be sent.

Shared by :mod:`.push` (invoices, credit notes, bills) and :mod:`.purchase_orders`; each step
records the outcome of the documents it stops (Failed, Queued or Skipped) and returns the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from xero_connector.engine.contacts import resolve_contacts
from xero_connector.engine.context import MappingContext
from xero_connector.engine.host import SyncState
from xero_connector.engine.log import Outcome, outcome_for_error
from xero_connector.engine.party import party_key, party_of
from xero_connector.xero.errors import XeroError


@dataclass
class Job:
	"""One document on its way to Xero."""

	name: str
	doc: dict
	ctx: MappingContext
	previous: SyncState | None = None
	xdoc: object = None  # mapping.XeroDocument
	digest: str | None = None
	contact_id: str | None = None
	contact_rule: str | None = None

	@property
	def xero_id(self) -> str | None:
		return self.previous.xero_id if self.previous else None

	@property
	def operation(self) -> str:
		return "update" if self.xero_id else "push"


def fail(engine, job: Job, reason: str, **fields) -> None:
	fields.setdefault("contact_rule", job.contact_rule)
	engine.recorder.record(Outcome(job.name, job.operation, "Failed", reason, **fields))


def prepare(engine, doc: dict) -> Job | None:
	"""Pre-flight and a first mapping: every problem of the document, before any Xero call."""
	ctx = engine.context(doc)
	job = Job(doc["name"], doc, ctx, engine.host.get_state(doc["name"]))
	try:
		problems = engine.preflight(doc, ctx)
	except ValueError as error:  # a value no ERPNext document holds (NaN, Infinity, 1e300)
		fail(engine, job, f"not sent: {error}", messages=[str(error)], error_kind="preflight")
		return None
	if problems:
		fail(
			engine,
			job,
			"not sent: " + "; ".join(p.message for p in problems),
			cause="\n".join(p.what() for p in problems),
			resolution="\n".join(dict.fromkeys(p.fix for p in problems)),
			error_kind="preflight",
		)
		return None
	return job


def resolve_job_contacts(engine, jobs: list[Job]) -> list[Job]:
	"""Each job's Xero contact: its Customer's or (a Purchase Invoice) its Supplier's."""
	by_doctype: dict[str, list[Job]] = {}
	for job in jobs:
		by_doctype.setdefault(party_of(job.doc)[0], []).append(job)
	return [
		ready for doctype, group in by_doctype.items() for ready in _resolve_party(engine, group, doctype)
	]


def _resolve_party(engine, jobs: list[Job], doctype: str) -> list[Job]:
	keys = {party_of(job.doc)[1]: party_key(job.doc, job.ctx) for job in jobs}
	try:
		resolved = resolve_contacts(engine, keys, doctype)
	except XeroError as error:
		for job in jobs:
			engine.recorder.record(outcome_for_error(job.name, job.operation, error))
		return []
	except TimeoutError as error:  # the host's hold on a customer (another worker creates its contact)
		for job in jobs:
			reason = f"queued: another worker is creating this customer's Xero contact ({error})"
			engine.recorder.record(Outcome(job.name, job.operation, "Queued", reason, error_kind="transient"))
		return []
	ready = []
	for job in jobs:
		party = party_of(job.doc)[1]
		result = resolved[party]
		job.contact_rule = result.rule
		if result.ok:
			job.contact_id = result.contact_id
			ready.append(job)
		elif result.unknown:
			engine.recorder.record(
				Outcome(
					job.name, job.operation, "Queued", result.cause, error_kind="transient", http_status=200
				)
			)
		else:
			reason = (
				f"no Xero contact for {doctype.lower()} {party}: {result.cause or '; '.join(result.messages)}"
			)
			fail(
				engine,
				job,
				reason,
				messages=result.messages,
				cause=result.cause,
				resolution=result.resolution,
			)
	return ready


def map_job(engine, job: Job) -> bool:
	try:
		job.xdoc = engine.map(job.doc, job.ctx, job.contact_id)
	except engine.MappingError as error:
		fail(engine, job, str(error), messages=[str(p) for p in error.problems])
		return False
	except ValueError as error:  # a value no ERPNext document holds (NaN, Infinity, 1e300)
		fail(engine, job, f"not sent: {error}", messages=[str(error)], error_kind="preflight")
		return False
	job.digest = job.xdoc.payload_hash()
	return True


def unchanged(engine, job: Job) -> bool:
	state = job.previous
	if not (state and state.xero_id and state.payload_hash == job.digest and not state.outcome_unknown):
		return False
	engine.recorder.record(
		outcome(job, "Skipped", "unchanged since the last sync: nothing sent", state, operation="push")
	)
	return True


def outcome(job: Job, status: str, reason: str, state: SyncState | None, **fields) -> Outcome:
	fields.setdefault("operation", job.operation)
	fields.setdefault("contact_rule", job.contact_rule)
	return Outcome(
		name=job.name,
		status=status,
		reason=reason,
		xero_id=state.xero_id if state else None,
		xero_status=state.xero_status if state else None,
		kind=job.xdoc.kind,
		currency=job.xdoc.currency,
		expected_total=job.xdoc.expected_total,
		xero_total=state.total if state else None,
		**fields,
	)
