"""A Xero purchase order's status, as ERPNext's Purchase Order moves on (issue 16): BILLED when
the order is closed or completed, DELETED when it is cancelled, each only from the statuses Xero
allows (xero_accounting.yaml components/schemas/PurchaseOrder/properties/Status; BILLED only from
AUTHORISED, DELETED from DRAFT, SUBMITTED or AUTHORISED, BILLED and DELETED final: the sandbox
holds the same, sandbox/purchase_orders.py). Anything Xero would refuse is not sent: the row says
why and what to do. Also the reading of an order's Xero purchase order, shared with
:mod:`.purchase_orders` (creates and updates).
"""

from __future__ import annotations

from dataclasses import replace

from xero_connector.engine.host import SyncState
from xero_connector.engine.keys import idempotency_key, payload_hash
from xero_connector.engine.log import Outcome, explain, outcome_for_error
from xero_connector.engine.push_prepare import Job, outcome
from xero_connector.engine.records import dec, now
from xero_connector.engine.xero_port import element_errors
from xero_connector.xero.errors import XeroError

KIND = "purchase_order"
EDITABLE = ("DRAFT", "SUBMITTED", "AUTHORISED")


def order_state(element: dict, previous: SyncState | None = None, **changes) -> SyncState:
	"""A SyncState from Xero's PurchaseOrder JSON (clears the write-ahead mark)."""
	base = previous or SyncState()
	return replace(
		base,
		xero_id=element.get("PurchaseOrderID") or base.xero_id,
		kind=KIND,
		xero_number=element.get("PurchaseOrderNumber") or base.xero_number,
		xero_status=element.get("Status") or base.xero_status,
		total=dec(element.get("Total"), base.total),
		pending_hash=None,
		outcome_unknown=False,
		last_synced_at=now(),
		**changes,
	)


def read_order(engine, name: str, operation: str, xero_id: str, number: str) -> dict | None:
	try:
		element = engine.port.get_purchase_order(xero_id)
	except XeroError as error:
		engine.recorder.record(outcome_for_error(name, operation, error))
		return None
	if element is None:
		engine.recorder.record(
			Outcome(
				name,
				operation,
				"Failed",
				f"Xero purchase order {xero_id} no longer exists in Xero",
				kind=KIND,
				cause="The purchase order this Purchase Order was linked to is not in Xero any more.",
				resolution="Check the Xero organisation the connection points at; then cancel and amend the "
				"Purchase Order in ERPNext to send it as a new purchase order.",
			)
		)
		return None
	if element.get("PurchaseOrderNumber") != number:
		engine.recorder.record(
			Outcome(
				name,
				operation,
				"Failed",
				f"refused: the stored Xero ID {xero_id} names purchase order "
				f"{element.get('PurchaseOrderNumber')!r}, not {number}: nothing was sent",
				xero_id=xero_id,
				kind=KIND,
				cause="The Xero ID stored on this Purchase Order belongs to another purchase order in Xero.",
				resolution="Clear the stored Xero ID of this Purchase Order (or correct it), then resend.",
			)
		)
		return None
	return element


# ---- status changes: BILLED and DELETED ----------------------------------------------------------

NOT_UPDATED = {
	"BILLED": (
		"it was billed in Xero, and Xero changes a purchase order only while it is DRAFT, SUBMITTED "
		"or AUTHORISED (BILLED is final)",
		"Change the bill made from it instead (in ERPNext and Xero), or create a new Purchase Order "
		"for what changed.",
	),
	"DELETED": (
		"it was deleted in Xero, and a deleted purchase order stays deleted",
		"If the order still stands, cancel and amend the Purchase Order in ERPNext: the amendment "
		"goes to Xero as a new purchase order.",
	),
}
_NOT_BILLED = {
	"DRAFT": (
		"it is DRAFT in Xero, and Xero marks only an AUTHORISED purchase order BILLED",
		"Approve the purchase order in Xero, then resend the Purchase Order.",
	),
	"DELETED": NOT_UPDATED["DELETED"],
}
_NOT_BILLED["SUBMITTED"] = (
	"it is SUBMITTED (awaiting approval) in Xero, and Xero marks only an AUTHORISED purchase order BILLED",
	_NOT_BILLED["DRAFT"][1],
)
_NOT_DELETED = {
	"BILLED": (
		"it is BILLED in Xero, and Xero deletes only a DRAFT, SUBMITTED or AUTHORISED purchase order "
		"(BILLED is final)",
		"The billed purchase order stays in Xero as the record of the purchase; void or credit the bill "
		"made from it in Xero if the purchase is off.",
	),
}


def refuse(engine, job_or_name, operation: str, status: str, table: dict) -> None:
	"""Record that Xero would refuse this step for the order's Xero status; nothing is sent."""
	why, fix = table.get(status) or (f"its status in Xero is {status}", "Check the purchase order in Xero.")
	verb = {"update": "not updated", "bill": "not marked BILLED", "void": "not deleted"}[operation]
	fields = dict(cause=f"The Xero purchase order is {status}.", resolution=fix, xero_status=status)
	reason = f"{verb}: {why}"
	operation = "update" if operation == "bill" else operation
	if isinstance(job_or_name, Job):
		state = job_or_name.previous
		fields.pop("xero_status")
		engine.recorder.record(outcome(job_or_name, "Failed", reason, state, operation=operation, **fields))
	else:
		engine.recorder.record(Outcome(job_or_name, operation, "Failed", reason, kind=KIND, **fields))


def _set_status(engine, name: str, operation: str, element: dict, status: str) -> dict | None:
	"""``POST /PurchaseOrders`` with the new Status; Xero's element, or None (recorded)."""
	xero_id = element["PurchaseOrderID"]
	change = {"PurchaseOrderID": xero_id, "Status": status}
	key = idempotency_key(engine.site_id, name, f"{operation}-{status.lower()}", payload_hash(change))
	try:
		[answer] = engine.port.save_purchase_orders([change], key)
	except XeroError as error:
		engine.recorder.record(outcome_for_error(name, operation, error), idempotency_key=key, request=change)
		return None
	errors = element_errors(answer)
	if errors:
		cause, fix = explain(errors)
		engine.recorder.record(
			Outcome(
				name,
				operation,
				"Failed",
				"; ".join(errors),
				xero_id=xero_id,
				kind=KIND,
				messages=errors,
				cause=cause,
				resolution=fix,
			),
			idempotency_key=key,
			request=change,
			response=answer,
		)
		return None
	state = order_state(answer, engine.host.get_state(name))
	engine.host.save_state(name, state)
	return answer


def bill(engine, job: Job, element: dict) -> None:
	"""ERPNext closed (or completed) the order: BILLED in Xero, from AUTHORISED only."""
	status = element.get("Status")
	if status == "BILLED":
		engine.recorder.record(
			outcome(job, "Skipped", "already BILLED in Xero: nothing sent", job.previous, operation="update")
		)
		return
	if status != "AUTHORISED":
		refuse(engine, job, "bill", status, _NOT_BILLED)
		return
	answer = _set_status(engine, job.name, "update", element, "BILLED")
	if answer is not None:
		state = engine.host.get_state(job.name)
		reason = f"marked BILLED in Xero (the Purchase Order is {job.doc.get('status')} in ERPNext)"
		engine.recorder.record(outcome(job, "Success", reason, state, operation="update"))


# ---- a cancelled order -------------------------------------------------------------------------


def cancel_order(engine, doc: dict) -> None:
	"""A cancelled Purchase Order: its Xero purchase order DELETED, where Xero allows it."""
	name = doc["name"]
	state = engine.host.get_state(name)
	if state and not state.xero_id and state.outcome_unknown:
		state = _find_written(engine, doc, state)
		if state is None:  # Xero could not be asked (recorded): nothing is sent
			return
	if not (state and state.xero_id):
		engine.recorder.record(
			Outcome(name, "void", "Skipped", "never reached Xero: nothing to delete", kind=KIND)
		)
		return
	element = read_order(engine, name, "void", state.xero_id, name)
	if element is None:
		return
	status = element.get("Status")
	engine.host.save_state(name, order_state(element, state))
	if status == "DELETED":
		engine.recorder.record(
			Outcome(
				name,
				"void",
				"Skipped",
				"already DELETED in Xero: nothing sent",
				xero_id=state.xero_id,
				xero_status=status,
				kind=KIND,
			)
		)
		return
	if status not in EDITABLE:
		refuse(engine, name, "void", status, _NOT_DELETED)
		return
	answer = _set_status(engine, name, "void", element, "DELETED")
	if answer is not None:
		engine.recorder.record(
			Outcome(
				name,
				"void",
				"Success",
				"deleted in Xero (the Purchase Order was cancelled)",
				xero_id=state.xero_id,
				xero_status=answer.get("Status"),
				kind=KIND,
			)
		)


def _find_written(engine, doc: dict, state: SyncState) -> SyncState | None:
	"""A create whose answer was lost: the state linked to the purchase order with the order's
	number when it is the supplier's (its contact is the Supplier's stored one), else ``state``;
	None (recorded) when Xero could not be asked."""
	try:
		element = engine.port.find_purchase_order(doc["name"])
	except XeroError as error:
		engine.recorder.record(outcome_for_error(doc["name"], "void", error))
		return None
	stored = engine.host.get_contact_id(doc.get("supplier") or "", doctype="Supplier")
	contact = ((element or {}).get("Contact") or {}).get("ContactID")
	if element is None or not stored or contact != stored:
		return state
	linked = order_state(element, state)
	engine.host.save_state(doc["name"], linked)
	return linked
