"""A backfill's controls: which invoices it sends, the form's Start / Pause / Resume
buttons (Xero Manager only, whitelisted), queueing its run and the progress the form's
bar shows. The run itself, batch by batch, is backfill.py.

Called by the Xero Backfill form (xero_backfill.js) and by backfill.py.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from xero_connector.engine.xero_port import MAX_BATCH
from xero_connector.exceptions import XeroConnectorError
from xero_connector.xero_connector.permissions import require_manager

BACKFILL = "Xero Backfill"
SALES_INVOICE = "Sales Invoice"
RUN_METHOD = "xero_connector.xero_connector.jobs.run_backfill"  # the queue's door (jobs.py)
JOB_ID = "xero-backfill::{site}::{name}::{token}"
QUEUE = "long"
JOB_TIMEOUT = 6 * 3600
PROGRESS_EVENT = "xero_backfill_progress"

DRAFT, QUEUED, RUNNING, PAUSED, COMPLETED, FAILED = (
	"Draft",
	"Queued",
	"Running",
	"Paused",
	"Completed",
	"Failed",
)
ACTIVE = (QUEUED, RUNNING)


class BackfillStateError(XeroConnectorError):
	"""Start / Pause / Resume asked of a backfill in a status that does not allow it."""


# -- which invoices ---------------------------------------------------------------------------------


def invoice_filters(backfill) -> dict:
	"""Submitted Sales Invoices of the backfill's company and dates that Xero does not hold yet."""
	filters = {
		"company": backfill.company,
		"docstatus": 1,
		"posting_date": ("between", [backfill.from_date, backfill.to_date]),
		"xero_invoice_id": ("is", "not set"),
	}
	if not cint(backfill.include_returns):
		filters["is_return"] = 0
	return filters


def next_batch(backfill, after: str | None, size: int = MAX_BATCH) -> list[str]:
	"""The next ``size`` invoice names after ``after`` (name order), still to send."""
	filters = invoice_filters(backfill)
	if after:
		filters["name"] = (">", after)
	return frappe.get_all(SALES_INVOICE, filters=filters, order_by="name asc", limit=size, pluck="name")


def count_pending(backfill) -> int:
	return frappe.db.count(SALES_INVOICE, invoice_filters(backfill))


# -- buttons (whitelisted) ------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def start(name: str) -> dict:
	"""Start Backfill: count what is to send, reset the position and queue the job.
	Allowed from Draft, Completed and Failed."""
	doc = _for_change(name)
	if doc.status not in (DRAFT, COMPLETED, FAILED):
		frappe.throw(
			_("This backfill is {0}: pause it, or resume it, instead of starting it again.").format(
				_(doc.status)
			),
			BackfillStateError,
		)
	values = {
		"total": count_pending(doc),
		"processed": 0,
		"batches": 0,
		"synced": 0,
		"skipped": 0,
		"failed": 0,
		"last_position": None,
		"in_flight": None,
		"error": None,
		"completed_on": None,
		"resume_at": None,
		"status_message": None,
		"started_by": frappe.session.user,
		"started_on": now_datetime(),
	}
	frappe.db.set_value(BACKFILL, name, values)
	return queue_run(name)


@frappe.whitelist(methods=["POST"])
def pause(name: str) -> dict:
	"""Pause Backfill: the job stops after the batch it is sending (nothing is cut half-way)."""
	doc = _for_change(name)
	if doc.status not in ACTIVE:
		frappe.throw(_("Only a queued or running backfill can be paused."), BackfillStateError)
	frappe.db.set_value(BACKFILL, name, {"status": PAUSED, "resume_at": None, "status_message": None})
	publish(name)
	return {"status": PAUSED}


@frappe.whitelist(methods=["POST"])
def resume(name: str) -> dict:
	"""Resume Backfill: continue from the last processed position (Paused or Failed runs)."""
	doc = _for_change(name)
	if doc.status not in (PAUSED, FAILED):
		frappe.throw(_("Only a paused or failed backfill can be resumed."), BackfillStateError)
	return queue_run(name)


def _for_change(name: str):
	require_manager()
	doc = frappe.get_doc(BACKFILL, name)
	doc.check_permission("write")
	return doc


def queue_run(name: str) -> dict:
	"""A new run token and job for ``name``; the job runs after this request commits."""
	token = frappe.generate_hash(length=12)
	job_id = JOB_ID.format(site=frappe.local.site, name=name, token=token)
	frappe.db.set_value(
		BACKFILL,
		name,
		{
			"status": QUEUED,
			"run_token": token,
			"job_id": job_id,
			"heartbeat": now_datetime(),
			"error": None,
			"resume_at": None,
			"status_message": None,
		},
	)
	frappe.enqueue(
		RUN_METHOD,
		queue=QUEUE,
		timeout=JOB_TIMEOUT,
		enqueue_after_commit=True,
		job_id=job_id,
		deduplicate=True,
		name=name,
		token=token,
	)
	publish(name)
	return {"status": QUEUED, "job_id": job_id}


# -- progress ---------------------------------------------------------------------------------------


def progress(name: str) -> dict:
	"""What the progress bar shows: counts, percentage and status."""
	row = frappe.db.get_value(
		BACKFILL,
		name,
		[
			*("name", "status", "total", "processed", "synced", "skipped", "failed"),
			*("last_position", "error", "resume_at", "status_message"),
		],
		as_dict=True,
	)
	total = cint(row.total)
	percent = 100.0 if row.status == COMPLETED else (100.0 * cint(row.processed) / total if total else 0.0)
	return {**row, "percent": round(min(percent, 100.0), 1)}


def publish(name: str) -> None:
	"""Tell the desk (the users who have the backfill open) how far the run is."""
	frappe.publish_realtime(PROGRESS_EVENT, progress(name), doctype=BACKFILL, docname=name)


@frappe.whitelist()
def get_progress(name: str) -> dict:
	frappe.has_permission(BACKFILL, "read", name, throw=True)
	return progress(name)
