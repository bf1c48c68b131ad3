"""Purchase Orders → Xero purchase orders (issue 16): created once, kept up to date while open,
BILLED when ERPNext closes them, DELETED when they are cancelled, each only where Xero allows it.

Xero's rules (xero_accounting.yaml components/schemas/PurchaseOrder: Status DRAFT, SUBMITTED,
AUTHORISED, BILLED, DELETED; PurchaseOrderNumber "Unique alpha numeric code identifying purchase
order"; developer.xero.com/documentation/api/accounting/purchaseorders; the sandbox holds the
same, sandbox/purchase_orders.py):

- a purchase order is created DRAFT, SUBMITTED or AUTHORISED: a submitted ERPNext order is created
  AUTHORISED (``PUT /PurchaseOrders``, which never overwrites: the number is unique in Xero);
- its content (lines, dates, address) changes only while DRAFT, SUBMITTED or AUTHORISED;
- BILLED only from AUTHORISED; DELETED from DRAFT, SUBMITTED or AUTHORISED; BILLED and DELETED
  are final.

A submitted order (``SyncEngine.push`` sends Purchase Orders here): pre-flight, the supplier's
contact and the mapping (:mod:`.push_prepare`) → not in Xero: created under an Idempotency-Key
with the write-ahead mark, as bills are; a mark left by a lost answer: the number is looked up
first and the order found there linked when it is evidently this one (:mod:`.recovery`) → in
Xero and changed since: read, and updated where Xero's status allows → ERPNext status Closed or
Completed: marked BILLED where Xero's status is AUTHORISED. A cancelled order (docstatus 2): read,
and DELETED where Xero's status allows. Anything Xero would refuse is not sent: the row says why
and what to do. Rows are Purchase Order rows (operations push, update, void as on invoices).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xero_connector.engine.host import SyncState
from xero_connector.engine.log import explain, outcome_for_error
from xero_connector.engine.purchase_order_status import (
	EDITABLE,
	KIND,
	NOT_UPDATED,
	bill,
	cancel_order,
	order_state,
	read_order,
	refuse,
)
from xero_connector.engine.push import check_total, may_have_written, release, write_key
from xero_connector.engine.push_prepare import (
	Job,
	map_job,
	outcome,
	prepare,
	resolve_job_contacts,
)
from xero_connector.engine.records import dec, now
from xero_connector.engine.recovery import choose
from xero_connector.engine.rules import PURCHASE_ORDER
from xero_connector.engine.xero_port import element_errors
from xero_connector.xero.errors import XeroError

CLOSED = ("Closed", "Completed")  # ERPNext's statuses of an order that is done with


def sync_purchase_orders(engine, docs: list[dict]) -> None:
	"""Make Xero match these Purchase Orders (submitted ones and cancelled ones)."""
	for doc in docs:
		engine.recorder.doctypes[doc["name"]] = PURCHASE_ORDER
	jobs = [job for job in (prepare(engine, d) for d in docs if d.get("docstatus") == 1) if job]
	for job in resolve_job_contacts(engine, jobs):
		if map_job(engine, job):
			_sync(engine, job)
	for doc in docs:
		if doc.get("docstatus") == 2:
			cancel_order(engine, doc)


def is_closed(doc: dict) -> bool:
	return doc.get("status") in CLOSED


# ---- a submitted order ------------------------------------------------------------------------


def _sync(engine, job: Job) -> None:
	closed = is_closed(job.doc)
	linked = None
	if not job.xero_id:
		if job.previous and job.previous.outcome_unknown:
			looked, linked = _recover(engine, job)
			if not looked:  # whether the earlier create arrived is still unknown: nothing is sent
				return
		if linked is None:
			element = _create(engine, job)
			if element is not None and closed:
				bill(engine, job, element)
			return
	state = job.previous
	changed = state.payload_hash != job.digest or state.outcome_unknown
	if linked is None and not changed and (not closed or state.xero_status == "BILLED"):
		reason = "unchanged since the last sync: nothing sent"
		if closed:
			reason = "already BILLED in Xero: nothing sent"
		engine.recorder.record(outcome(job, "Skipped", reason, state, operation="push"))
		return
	element = linked or _read_own(engine, job)
	if element is None:
		return
	if changed:
		element = _update(engine, job, element)
	elif linked is not None:
		check_total(engine, job, job.previous, "linked to the Xero purchase order an earlier attempt created")
	if element is not None and closed:
		bill(engine, job, element)


def _recover(engine, job: Job) -> tuple[bool, dict | None]:
	"""An earlier create's answer was lost: (True, the purchase order holding the number, linked)
	when it is evidently this one (same contact, currency and total, not DELETED); (True, None)
	when it is not there; (False, None), recorded, when Xero could not be asked."""
	try:
		element = engine.port.find_purchase_order(job.xdoc.number)
	except XeroError as error:
		engine.recorder.record(outcome_for_error(job.name, job.operation, error))
		return False, None
	if element is None or choose(job, [element])[0] is None:
		return True, None
	# what the lost write sent is what Xero holds: its hash is the pending one
	job.previous = order_state(element, job.previous, payload_hash=job.previous.pending_hash)
	engine.host.save_state(job.name, job.previous)
	return True, element


def _create(engine, job: Job) -> dict | None:
	"""``PUT /PurchaseOrders`` (AUTHORISED) under the write-ahead mark; Xero's element, or None."""
	payload = dict(job.xdoc.payload)
	sent = _write(engine, job, payload, engine.port.create_purchase_orders)
	if sent is None:
		return None
	errors = element_errors(sent.element)
	if errors and any("must be unique" in m.lower() for m in errors):
		return _link_taken(engine, job, errors, sent)
	return _accepted(engine, job, sent, errors, "created in Xero")


def _update(engine, job: Job, element: dict) -> dict | None:
	"""``POST /PurchaseOrders`` of the changed order, where Xero's status allows a change."""
	status = element.get("Status")
	if status not in EDITABLE:
		refuse(engine, job, "update", status, NOT_UPDATED)
		return None
	payload = {**job.xdoc.payload, "PurchaseOrderID": job.xero_id}
	sent = _write(engine, job, payload, engine.port.save_purchase_orders)
	if sent is None:
		return None
	return _accepted(engine, job, sent, element_errors(sent.element), "updated in Xero")


@dataclass
class Sent:
	"""One write and Xero's answer to it."""

	payload: dict
	element: dict
	key: str
	mark: SyncState


def _write(engine, job: Job, payload: dict, send) -> Sent | None:
	"""One element sent under the write-ahead mark and the write's Idempotency-Key; what Xero
	answered, or None when the request failed (recorded; the mark stays if the write may have
	arrived)."""
	key = write_key(engine, job)
	mark = replace(job.previous or SyncState(kind=KIND), pending_hash=job.digest, outcome_unknown=True)
	engine.host.save_state(job.name, mark)
	try:
		[element] = send([payload], key)
	except XeroError as error:
		if not may_have_written(error):
			release(engine, job, mark, refused=getattr(error, "kind", None) == "permanent")
		engine.recorder.record(
			outcome_for_error(job.name, job.operation, error), idempotency_key=key, request=payload
		)
		return None
	return Sent(payload, element, key, mark)


def _accepted(engine, job: Job, sent: Sent, errors: list[str], verb: str) -> dict | None:
	"""Xero's element for a create or update: recorded, and the state saved; the element, or None
	when Xero refused it or its answer does not show this order written."""
	element, key, payload = sent.element, sent.key, sent.payload
	if errors:
		release(engine, job, sent.mark, refused=True)
		cause, fix = explain(errors)
		engine.recorder.record(
			outcome(
				job, "Failed", "; ".join(errors), job.previous, messages=errors, cause=cause, resolution=fix
			),
			idempotency_key=key,
			request=payload,
			response=element,
		)
		return None
	number = element.get("PurchaseOrderNumber")
	if not element.get("PurchaseOrderID") or (number and number != job.xdoc.number):
		said = f"purchase order {number}" if number else "no PurchaseOrderID"
		reason = (
			f"Xero answered with {said}, so whether this order was written is unknown: queued, the "
			"next run looks its number up before sending it again"
		)
		engine.recorder.record(
			outcome(job, "Queued", reason, job.previous, error_kind="transient", http_status=200),
			idempotency_key=key,
			request=payload,
			response=element,
		)
		return None
	state = order_state(element, job.previous, payload_hash=job.digest)
	engine.host.save_state(job.name, state)
	ok = check_total(engine, job, state, verb, key=key, request=payload, response=element)
	job.previous = engine.host.get_state(job.name)
	return element if ok else None


def _link_taken(engine, job: Job, errors: list[str], sent: Sent) -> dict | None:
	"""The create was refused because Xero holds the number: link to it when it is this order."""
	try:
		found = engine.port.find_purchase_order(job.xdoc.number)
	except XeroError as error:
		release(engine, job, sent.mark)
		engine.recorder.record(outcome_for_error(job.name, job.operation, error), request=sent.payload)
		return None
	element, reasons = choose(job, [found] if found else [])
	if element is not None:
		linked = replace(sent, element=element)
		return _accepted(engine, job, linked, [], "already in Xero: linked instead of created again")
	release(engine, job, sent.mark)
	reason = f"Xero already has a purchase order {job.xdoc.number} that is not this one: {'; '.join(reasons)}"
	engine.recorder.record(
		outcome(
			job,
			"Failed",
			reason,
			job.previous,
			messages=[*errors, reason],
			cause="The Purchase Order's name is the number of another purchase order in Xero.",
			resolution=(
				f"In Xero, change the number of the purchase order {job.xdoc.number} (or delete it if it "
				"is a mistake), then resend."
			),
		),
		idempotency_key=sent.key,
		request=sent.payload,
	)
	return None


def _read_own(engine, job: Job) -> dict | None:
	"""The order's Xero purchase order, read now; None (recorded) when it cannot be used."""
	element = read_order(engine, job.name, job.operation, job.xero_id, job.xdoc.number)
	if element is not None:  # what Xero shows now; the marks of this order's writes stay
		job.previous = replace(
			job.previous,
			xero_status=element.get("Status") or job.previous.xero_status,
			total=dec(element.get("Total"), job.previous.total),
			last_synced_at=now(),
		)
		engine.host.save_state(job.name, job.previous)
	return element
