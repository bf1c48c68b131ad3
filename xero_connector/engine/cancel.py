"""Cancel: a cancelled Sales Invoice (docstatus 2) voids or deletes its Xero document.

Xero's rules, applied to the document's current state read from Xero (not to
what ERPNext last saw): DRAFT/SUBMITTED → DELETED; AUTHORISED with no payments
and no credit allocated → VOIDED; anything paid, part-paid or credited is
refused with the reason, because Xero will not void it until a person removes
the payments or allocations there. A document that never reached Xero is Skipped.

Called by :meth:`xero_connector.engine.sync.SyncEngine.push` (for docstatus 2
documents) and :meth:`~xero_connector.engine.sync.SyncEngine.cancel`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from xero_connector.engine.keys import batch_key, idempotency_key, payload_hash
from xero_connector.engine.log import Outcome, explain, outcome_for_error
from xero_connector.engine.records import KINDS, dec, read_documents, state_from_element
from xero_connector.engine.rules import document_number, is_purchase, void_blocked_by
from xero_connector.engine.xero_port import chunks, element_errors
from xero_connector.xero.errors import XeroError

ZERO = Decimal("0")
LABEL = {"invoice": "Xero invoice", "credit_note": "Xero credit note"}


def kind_of(doc: dict) -> str:
	return "credit_note" if doc.get("is_return") else "invoice"


def cancel_documents(engine, docs: list[dict]) -> None:
	"""Void or delete the Xero documents of cancelled Sales Invoices (all of one kind or mixed)."""
	for kind in ("invoice", "credit_note"):
		group = [d for d in docs if kind_of(d) == kind]
		if group:
			_cancel_kind(engine, group, kind)


def _cancel_kind(engine, docs: list[dict], kind: str) -> None:
	numbers = {doc["name"]: document_number(doc) for doc in docs}  # a bill's: the supplier's
	linked = _linked(engine, docs, kind)
	if not linked:
		return
	try:
		current = read_documents(engine, kind, ids=[state.xero_id for _, state in linked])
	except XeroError as error:
		for name, _ in linked:
			engine.recorder.record(outcome_for_error(name, "void", error))
		return
	writes = []
	for name, state in linked:
		element = current.get(state.xero_id)
		if element is None:
			engine.recorder.record(
				Outcome(name, "void", "Failed", f"{LABEL[kind]} {state.xero_id} no longer exists in Xero")
			)
			continue
		if not number_matches(element, kind, numbers[name]):
			engine.recorder.record(wrong_document(name, "void", kind, element, state.xero_id))
			continue
		state = state_from_element(element, kind, state)
		engine.host.save_state(name, state)
		target = _decide(engine, name, kind, element, state)
		if target:
			writes.append((name, state, target))
	for part in chunks(writes):
		_write(engine, kind, part)


def _linked(engine, docs: list[dict], kind: str) -> list[tuple[str, object]]:
	"""(name, state) of the documents that are (or may be) in Xero; Skipped for the rest."""
	linked, unsure = [], []
	for doc in docs:
		state = engine.host.get_state(doc["name"])
		if state and state.xero_id:
			linked.append((doc["name"], state))
		elif state and state.outcome_unknown:
			unsure.append((doc["name"], state))
		else:
			engine.recorder.record(
				Outcome(doc["name"], "void", "Skipped", "never synced to Xero: nothing to cancel there")
			)
	if unsure:
		from xero_connector.engine import bill_lookup

		by_name = {doc["name"]: doc for doc in docs}
		numbers = {name: document_number(by_name[name]) for name, _ in unsure}
		try:
			found = bill_lookup.candidates(engine, kind, list(numbers.values()))
		except XeroError as error:
			for name, _ in unsure:
				engine.recorder.record(outcome_for_error(name, "void", error))
			return linked
		for name, state in unsure:
			doc = by_name[name]
			element = next(
				(
					e
					for e in found.get(numbers[name], [])
					if not is_purchase(doc) or bill_lookup.is_this_bill(engine, kind, doc, e)
				),
				None,
			)
			if element and element.get("Status") != "DELETED":
				state = state_from_element(element, kind, state)
				engine.host.save_state(name, state)
				linked.append((name, state))
			else:
				engine.host.save_state(name, None)
				engine.recorder.record(
					Outcome(name, "void", "Skipped", "never reached Xero: nothing to cancel there")
				)
	return linked


def _decide(engine, name: str, kind: str, element: dict, state) -> str | None:
	"""VOIDED / DELETED, or None after recording why nothing is sent."""
	status = element.get("Status")
	number = element.get(KINDS[kind][2]) or state.xero_id
	currency = element.get("CurrencyCode", "")
	operation = "delete" if status in ("DRAFT", "SUBMITTED") else "void"
	if status in ("VOIDED", "DELETED"):
		engine.recorder.record(
			_done(name, operation, "Skipped", f"{LABEL[kind]} {number} is already {status}", state)
		)
		return None
	paid = dec(element.get("AmountPaid"), ZERO)
	if kind == "invoice":
		credited = dec(element.get("AmountCredited"), ZERO)
	else:
		credited = dec(element.get("Total"), ZERO) - dec(element.get("RemainingCredit"), ZERO) - paid
	blocked = void_blocked_by(paid, credited)
	if "payments" in blocked:
		return _refuse(engine, name, kind, f"{LABEL[kind]} {number} has payments of {currency} {paid}", state)
	if "credit" in blocked:
		what = "credit notes allocated" if kind == "invoice" else "allocations"
		return _refuse(
			engine, name, kind, f"{LABEL[kind]} {number} has {what} of {currency} {credited}", state
		)
	if status in ("DRAFT", "SUBMITTED"):
		return "DELETED"
	if status == "AUTHORISED":
		return "VOIDED"
	return _refuse(engine, name, kind, f"{LABEL[kind]} {number} is {status}", state)


def _refuse(engine, name: str, kind: str, fact: str, state) -> None:
	reason = f"{fact}: remove them in Xero first, then cancel again"
	engine.recorder.record(
		_done(
			name,
			"void",
			"Failed",
			reason,
			state,
			cause=f"{fact}, and Xero only voids documents without payments or allocations.",
			resolution="In Xero, remove the payments (or credit allocations) on the document, then cancel again.",
		)
	)
	return None


def _done(name: str, operation: str, status: str, reason: str, state, **fields) -> Outcome:
	return Outcome(
		name,
		operation,
		status,
		reason,
		xero_id=state.xero_id,
		xero_status=state.xero_status,
		kind=state.kind,
		xero_total=state.total,
		**fields,
	)


def _write(engine, kind: str, writes: list) -> None:
	method, id_field, _, _ = KINDS[kind]
	elements = [{id_field: state.xero_id, "Status": target} for _, state, target in writes]
	keys = [
		idempotency_key(engine.site_id, name, target.lower(), payload_hash(element))
		for (name, _, target), element in zip(writes, elements, strict=True)
	]
	key = keys[0] if len(keys) == 1 else batch_key(engine.site_id, "cancel", keys)
	try:
		results = getattr(engine.port, method)(elements, key)
	except XeroError as error:
		for name, _, target in writes:
			operation = "delete" if target == "DELETED" else "void"
			engine.recorder.record(outcome_for_error(name, operation, error), idempotency_key=key)
		return
	for (name, state, target), element, request in zip(writes, results, elements, strict=True):
		operation = "delete" if target == "DELETED" else "void"
		errors = element_errors(element)
		if errors:
			cause, fix = explain(errors)
			engine.recorder.record(
				_done(
					name,
					operation,
					"Failed",
					"; ".join(errors),
					state,
					messages=errors,
					cause=cause,
					resolution=fix,
				),
				idempotency_key=key,
				request=request,
				response=element,
			)
			continue
		state = replace(state_from_element(element, kind, state), xero_status=element.get("Status") or target)
		engine.host.save_state(name, state)
		engine.recorder.record(
			_done(name, operation, "Success", f"{target.lower()} in Xero", state),
			idempotency_key=key,
			request=request,
			response=element,
		)


def number_matches(element: dict, kind: str, name: str) -> bool:
	"""The Xero document carries this document's number (``name``: a Sales Invoice's name, a
	Purchase Invoice's rules.document_number): anything else means the stored Xero ID points at
	another document."""
	return (element.get(KINDS[kind][2]) or "") == name


def wrong_document(name: str, operation: str, kind: str, element: dict, xero_id: str) -> Outcome:
	"""Refuse to touch a Xero document that is not this invoice's (a wrong stored ID)."""
	other = element.get(KINDS[kind][2]) or "(no number)"
	return Outcome(
		name,
		operation,
		"Failed",
		f"the stored Xero ID {xero_id} belongs to {LABEL[kind]} {other}, not to {name}: nothing was changed in Xero",
		cause=f"ERPNext's link to Xero for {name} points at another Xero document ({other}).",
		resolution=(
			f"Find {name} in Xero and correct the link (Xero Reconciliation → Link), then resend; "
			f"{other} was left as it is."
		),
	)
