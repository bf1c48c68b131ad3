"""Payment pull: bring Xero's status, amount due, amount paid and fully-paid date back.

One watermark per organisation and resource: ``GET /Invoices`` with
``If-Modified-Since`` = watermark, ``pageSize=1000``, paging until a short page,
so a poll costs ⌈changed/1000⌉ + 1 calls at most and nothing past a page is
skipped. The watermark advances to the newest ``UpdatedDateUTC`` seen — never
to "now", whose clock may run ahead of Xero's. Documents voided or deleted in
Xero are reported. Credit notes are pulled the same way when asked.

Called by :meth:`xero_connector.engine.sync.SyncEngine.pull` (the Frappe shell's
scheduled job, ``xero-connector pull`` and the demo).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from xero_connector.engine.log import Outcome, outcome_for_error
from xero_connector.engine.records import KINDS, parse_xero_datetime, state_from_element
from xero_connector.engine.xero_port import MAX_PAGE
from xero_connector.xero.errors import XeroError

RESOURCES = {"invoice": "Invoices", "credit_note": "CreditNotes"}


@dataclass
class PullReport:
	"""What one poll saw."""

	seen: int = 0
	updated: list[str] = field(default_factory=list)  # ERPNext names whose state changed
	voided_in_xero: list[str] = field(default_factory=list)  # names voided/deleted in Xero
	watermarks: dict[str, datetime] = field(default_factory=dict)
	error: str | None = None


def pull_changes(engine, kinds=("invoice", "credit_note"), page_size: int = MAX_PAGE) -> PullReport:
	"""Poll each resource since its watermark and update the documents we know."""
	report = PullReport()
	for kind in kinds:
		try:
			_pull_kind(engine, kind, page_size, report)
		except XeroError as error:
			outcome = outcome_for_error(RESOURCES[kind], "pull", error)
			report.error = outcome.reason
			engine.recorder.record(outcome, doctype="Xero Settings")
			break
	return report


def _pull_kind(engine, kind: str, page_size: int, report: PullReport) -> None:
	resource = RESOURCES[kind]
	read = engine.port.get_invoices if kind == "invoice" else engine.port.get_credit_notes
	tenant = engine.port.tenant_id
	watermark = engine.host.get_watermark(tenant, resource)
	newest = watermark
	for element in read(modified_since=watermark, page_size=page_size):
		report.seen += 1
		stamp = element.get("UpdatedDateUTC")
		if stamp:
			moment = parse_xero_datetime(stamp)
			newest = moment if newest is None or moment > newest else newest
		_apply(engine, kind, element, report)
	if newest is not None and newest != watermark:
		engine.host.set_watermark(tenant, resource, newest)
		report.watermarks[resource] = newest


def _apply(engine, kind: str, element: dict, report: PullReport) -> None:
	_, id_field, _, _ = KINDS[kind]
	name = engine.host.find_by_xero_id(element.get(id_field) or "")
	if not name:
		return
	before = engine.host.get_state(name)
	after = state_from_element(element, kind, before)
	changed = _view(before) != _view(after)
	engine.host.save_state(name, after)
	if changed:
		report.updated.append(name)
	if after.xero_status in ("VOIDED", "DELETED") and (
		before is None or before.xero_status != after.xero_status
	):
		doc = engine.host.load_invoice(name) or {}
		if doc.get("docstatus") != 2:
			report.voided_in_xero.append(name)
			engine.recorder.record(
				Outcome(
					name,
					"pull",
					"Failed",
					f"{after.xero_number} was {after.xero_status.lower()} in Xero but is not cancelled in ERPNext",
					xero_id=after.xero_id,
					xero_status=after.xero_status,
					kind=kind,
					cause="Someone voided or deleted the document in Xero directly.",
					resolution="Cancel the Sales Invoice in ERPNext too (or re-issue it), so both ledgers agree.",
				)
			)
			return
	if changed:
		engine.recorder.record(
			Outcome(
				name,
				"pull",
				"Success",
				pulled_summary(after, kind),
				xero_id=after.xero_id,
				xero_status=after.xero_status,
				kind=kind,
				xero_total=after.total,
			)
		)


def _view(state) -> tuple:
	if state is None:
		return ()
	return (
		state.xero_status,
		state.amount_due,
		state.amount_paid,
		state.amount_credited,
		state.fully_paid_on,
	)


def pulled_summary(state, kind: str) -> str:
	"""What the pull found, in the words Xero uses for the document: an invoice is due
	and paid; a credit note has credit remaining and credit allocated."""
	if kind == "credit_note":
		parts = [state.xero_status, f"remaining credit {_amount(state.amount_due)}"]
		if state.allocated is not None or state.amount_credited is not None:
			parts.append(
				f"allocated {state.allocated if state.allocated is not None else state.amount_credited}"
			)
		return ", ".join(str(p) for p in parts)
	return f"{state.xero_status}, due {_amount(state.amount_due)}, paid {_amount(state.amount_paid)}"


def _amount(value) -> str:
	return str(value) if value is not None else "0"
