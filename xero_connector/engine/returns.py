"""Returns: allocate a return's Credit Note to the invoice it returns.

After :mod:`.push` has created the credit note, the original invoice is read
from Xero; when it is AUTHORISED with an amount due, ``PUT
/CreditNotes/{id}/Allocations`` applies min(credit left, amount due) to it. The
allocation is its own step: its own idempotency key (credit note, invoice,
amount), its own log row (operation "allocate"), retried alone by
:meth:`xero_connector.engine.sync.SyncEngine.allocate`.

Called by :meth:`~xero_connector.engine.sync.SyncEngine.push` after credit notes
were pushed, and by ``SyncEngine.allocate``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from xero_connector.engine.keys import idempotency_key, payload_hash
from xero_connector.engine.log import Outcome, outcome_for_error
from xero_connector.engine.records import dec
from xero_connector.engine.xero_port import chunks
from xero_connector.xero.errors import XeroError

ZERO = Decimal("0")


def allocate_returns(engine, docs: list[dict]) -> None:
	"""Allocate the credit note of each return in ``docs`` that still has credit to apply."""
	work = []
	for doc in docs:
		state = engine.host.get_state(doc["name"])
		if not (state and state.xero_id and state.kind == "credit_note"):
			engine.recorder.record(
				Outcome(
					doc["name"], "allocate", "Failed", "the credit note is not in Xero yet: push it first"
				)
			)
			continue
		original = engine.host.get_state(doc.get("return_against") or "")
		if not (original and original.xero_id):
			engine.recorder.record(
				Outcome(
					doc["name"],
					"allocate",
					"Failed",
					f"the original invoice {doc.get('return_against')} is not in Xero: push it first",
				)
			)
			continue
		work.append((doc, state, original))
	if not work:
		return
	try:
		invoices = {}
		for part in chunks(work):
			for element in engine.port.get_invoices(ids=[o.xero_id for _, _, o in part]):
				invoices[element["InvoiceID"]] = element
	except XeroError as error:
		for doc, _, _ in work:
			engine.recorder.record(outcome_for_error(doc["name"], "allocate", error))
		return
	for doc, state, original in work:
		_allocate_one(engine, doc, state, invoices.get(original.xero_id))


def _allocate_one(engine, doc: dict, state, invoice: dict | None) -> None:
	name = doc["name"]
	base = {"xero_id": state.xero_id, "kind": "credit_note", "xero_status": state.xero_status}
	if invoice is None:
		engine.recorder.record(
			Outcome(name, "allocate", "Failed", "the original invoice no longer exists in Xero", **base)
		)
		return
	credit_left = (state.total or ZERO) - (state.allocated or ZERO)
	due = dec(invoice.get("AmountDue"), ZERO)
	number = invoice.get("InvoiceNumber")
	if credit_left <= ZERO:
		engine.recorder.record(
			Outcome(name, "allocate", "Skipped", "the credit note is fully allocated", **base)
		)
		return
	if invoice.get("Status") != "AUTHORISED" or due <= ZERO:
		reason = (
			f"invoice {number} is {invoice.get('Status')} with {due} due: the credit stays unallocated in Xero "
			"(refund it or allocate it there)"
		)
		engine.recorder.record(Outcome(name, "allocate", "Skipped", reason, **base))
		return
	amount = min(credit_left, due)
	date = doc.get("posting_date")
	request = {"Amount": amount, "Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Date": str(date)}
	key = idempotency_key(
		engine.site_id, name, "allocate", payload_hash([state.xero_id, invoice["InvoiceID"], str(amount)])
	)
	try:
		response = engine.port.allocate_credit_note(
			state.xero_id, invoice["InvoiceID"], amount, str(date), key
		)
	except XeroError as error:
		fields = {"xero_id": state.xero_id, "kind": "credit_note"}
		engine.recorder.record(
			outcome_for_error(name, "allocate", error, **fields), idempotency_key=key, request=request
		)
		return
	allocated = (state.allocated or ZERO) + amount
	engine.host.save_state(name, replace(state, allocated=allocated, amount_due=credit_left - amount))
	engine.recorder.record(
		Outcome(
			name,
			"allocate",
			"Success",
			f"allocated {amount} to invoice {number}",
			xero_id=state.xero_id,
			kind="credit_note",
			xero_status=state.xero_status,
			xero_total=state.total,
			currency=invoice.get("CurrencyCode"),
		),
		idempotency_key=key,
		request=request,
		response=response,
	)
