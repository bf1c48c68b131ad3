"""Background jobs (Frappe RQ queues) that run the sync engine, and the one
place that queues them.

Every function RQ runs by dotted path lives in this module (the backfill's and the
quotations' too, as thin entry points), so that those paths, stored in Redis with
each queued job, stay the same when the code behind them moves: a job queued before
an upgrade still finds its function after it.

Queued by events.py (after the submit/cancel commits), the Sync Log's Resend,
api.py (Send to Xero, Pull Payments Now), tasks.py (scheduler) and webhook.py.
Each job builds a FrappeHost and a Xero client, serialises work on one document
with a Redis lock, and lets the engine write the Sync Log rows.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _
from frappe.utils import now_datetime

from xero_connector.constants import (
	JOB_ATTACH,
	JOB_PULL,
	JOB_PULL_IDS,
	JOB_PUSH,
	JOB_PUSH_ROUND,
	JOB_SEND_SELECTED,
	JOB_TIMEOUT,
	JOB_UPDATE,
	JOB_VOID,
	OP_ALLOCATE,
	OP_ATTACH,
	OP_PULL,
	OP_PUSH,
	OP_UPDATE,
	OP_VOID,
	QUEUE,
	STATUS_FAILED,
	STATUS_QUEUED,
	SYNC_LOG,
)
from xero_connector.exceptions import describe, is_expected, log_exception
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.settings_state import write_state
from xero_connector.xero_connector.permissions import require_manager
from xero_connector.xero_connector.sync import ledger
from xero_connector.xero_connector.sync.ledger import SALES_INVOICE

SYNC_METHOD = "xero_connector.xero_connector.jobs.sync_invoice"
PULL_METHOD = "xero_connector.xero_connector.jobs.pull_payments"
SEND_SELECTED_METHOD = "xero_connector.xero_connector.jobs.send_selected"
ROUND_METHOD = "xero_connector.xero_connector.jobs.push_round"
ROUND_LIMIT = 1000  # invoices a round sends (20 calls of 50); the rest wait for the next round
# which of the day's calls each operation spends (xero/budget.ACTIVITIES: all of them may
# spend the whole day, unlike backfill and the desk's look-ups)
ACTIVITY = {
	OP_PUSH: "push",
	OP_UPDATE: "push",
	OP_VOID: "void",
	OP_ALLOCATE: "allocate",
	OP_PULL: "payment_pull",
	OP_ATTACH: "attachment",
}
JOB_IDS = {
	OP_PUSH: JOB_PUSH,
	OP_UPDATE: JOB_UPDATE,
	OP_VOID: JOB_VOID,
	OP_ALLOCATE: JOB_PUSH,
	OP_ATTACH: JOB_ATTACH,
}


# -- queueing -------------------------------------------------------------------------------------


def enqueue_sync(
	name: str,
	operation: str = OP_PUSH,
	*,
	company: str | None = None,
	status_written: bool = False,
	wait_for_round: bool = False,
	doctype: str = SALES_INVOICE,
) -> str:
	"""Queue the sync of one Sales Invoice (or ``doctype`` Purchase Invoice, a bill) after the
	current transaction commits.

	A Queued Xero Sync Log row is written in the same transaction (so a submit that
	rolls back leaves none), and the job id de-duplicates: a second submit/resend
	while the first job waits reuses both. ``status_written``: the invoice's
	xero_sync_status is already Queued in this transaction (events.before_submit).
	``wait_for_round``: only the Queued row; the next push round sends it (Send Invoices
	"In Rounds", :func:`push_round`). ``company``: the invoice's (the submit has it; read
	from the invoice when not given). Returns the log row's name."""
	log = ledger.queue(name, operation, doctype, company=company, status_written=status_written)
	if wait_for_round:
		return log
	extra = {"doctype": doctype} if doctype != SALES_INVOICE else {}
	_enqueue(SYNC_METHOD, job_id(name, operation), name=name, operation=operation, queued_log=log, **extra)
	return log


def enqueue_selected(connection: str, waiting: dict[str, str]) -> None:
	"""Queue :func:`send_selected` for the invoices ``waiting`` ({invoice: its Queued row})
	of ``connection``'s company, for the user who chose them."""
	digest = hashlib.sha256(",".join(sorted(waiting)).encode()).hexdigest()[:16]
	job = JOB_SEND_SELECTED.format(site=frappe.local.site, key=registry.job_key(connection), digest=digest)
	_enqueue(SEND_SELECTED_METHOD, job, connection=connection, waiting=waiting, user=frappe.session.user)


def enqueue_pull(connection, ids: list[str] | None = None, queued: str | None = None) -> None:
	"""Queue a payment pull of ``connection``: everything changed since its watermark, or
	(webhooks) only ``ids``."""
	key = registry.job_key(connection.name)
	if ids:
		digest = hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()[:16]
		job = JOB_PULL_IDS.format(site=frappe.local.site, key=key, digest=digest)
	else:
		job = JOB_PULL.format(site=frappe.local.site, key=key)
	_enqueue(PULL_METHOD, job, ids=ids or None, queued_log=queued, connection=connection.name)


def enqueue_round(connection) -> None:
	"""Queue a push round of ``connection`` (tasks.push_round_if_due)."""
	key = registry.job_key(connection.name)
	_enqueue(ROUND_METHOD, JOB_PUSH_ROUND.format(site=frappe.local.site, key=key), connection=connection.name)


def _enqueue(method: str, job: str, **kwargs) -> None:
	"""Queue after the commit, once: RQ's deduplication only sees jobs already in Redis,
	and jobs queued after commit reach Redis together, so a second request for the same
	job in one transaction (a submit and a resend) is dropped here."""
	pending = frappe.local.flags.setdefault("xero_jobs_this_transaction", set())
	if job in pending:
		return
	if not pending:
		forget = lambda: frappe.local.flags.pop("xero_jobs_this_transaction", None)  # noqa: E731
		frappe.db.after_commit.add(forget)
		frappe.db.after_rollback.add(forget)
	pending.add(job)
	from redis.exceptions import RedisError

	try:
		frappe.enqueue(
			method,
			queue=QUEUE,
			timeout=JOB_TIMEOUT,
			enqueue_after_commit=True,
			job_id=job,
			deduplicate=True,
			**kwargs,
		)
	except RedisError:
		# the queue (Redis) is down: the submit still succeeds; the Queued row written in
		# this transaction stays, and tasks.requeue_stuck sends it once the queue is back
		frappe.msgprint(
			_(
				"The background queue is not reachable right now, so this will be sent to Xero"
				" automatically once it is back (the Xero Sync Log shows it as Queued)."
			),
			title=_("Xero: queued for later"),
			indicator="orange",
			alert=True,
		)


def job_id(name: str, operation: str) -> str:
	return JOB_IDS.get(operation, JOB_PUSH).format(name=name)


def resend_logs(names: list[str]) -> dict:
	"""Resend from Xero Sync Log rows (form button and list action). Xero Manager /
	System Manager only, and only rows of companies the user may see (User Permissions on
	Company): one row of another company refuses the whole selection, before anything is
	queued. Returns ``{"queued": n}``."""
	require_manager()
	names = list(dict.fromkeys(names))
	hidden = [name for name in names if not frappe.has_permission(SYNC_LOG, "read", name)]
	if hidden:
		frappe.throw(
			_("You may not resend {0}: it is of a company you cannot see. Nothing was resent.").format(
				", ".join(hidden)
			),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	queued = 0
	pulls = {}
	for name in dict.fromkeys(names):
		row = frappe.db.get_value(
			SYNC_LOG, name, ["reference_doctype", "reference_name", "operation"], as_dict=True
		)
		if not row:
			continue
		if row.operation == OP_PULL:
			connection = registry.named(row.reference_name)
			pulls[connection.name] = connection
			continue
		if row.reference_doctype not in ledger.INVOICE_DOCTYPES or not frappe.db.exists(
			row.reference_doctype, row.reference_name
		):
			continue
		operation = {"delete": OP_VOID, "contact": OP_PUSH}.get(row.operation, row.operation)
		enqueue_sync(row.reference_name, operation, doctype=row.reference_doctype)
		queued += 1
	for connection in pulls.values():
		enqueue_pull(connection)
		queued += 1
	return {"queued": queued}


# -- jobs -----------------------------------------------------------------------------------------


def sync_invoice(
	name: str, operation: str = OP_PUSH, queued_log: str | None = None, doctype: str = SALES_INVOICE
):
	"""RQ job: make Xero match one Sales Invoice (create, update, void or delete it;
	for a return, the credit note and its allocation), or one Purchase Invoice (``doctype``:
	a bill, a supplier credit note). The engine decides from the document's docstatus;
	``operation`` only names the log row to complete."""
	from xero_connector.xero_connector.connection.redis_backends import RedisLock
	from xero_connector.xero_connector.connection.sync_session import document_lock

	with RedisLock(lease_seconds=JOB_TIMEOUT).hold(document_lock(name), timeout=JOB_TIMEOUT / 2):
		run_engine(
			lambda engine: _STEPS.get(operation, _push)(engine, name),
			connection=registry.for_document(doctype, name),
			name=name,
			operation=operation,
			queued=queued_log,
			doctype=doctype,
		)


def _push(engine, name: str):
	return engine.push([name])


def _attach_pdf(engine, name: str):
	from xero_connector.xero_connector.features import invoice_pdf

	return invoice_pdf.attach(engine.host, engine.port, name)


# what a job of each operation does (any other: the engine makes Xero match the invoice)
_STEPS = {OP_ALLOCATE: lambda engine, name: engine.allocate([name]), OP_ATTACH: _attach_pdf}


def push_round(connection: str | None = None) -> dict:
	"""RQ job, queued by tasks.push_round_if_due every Push Round Interval when the
	connection's Send Invoices is "In Rounds": send its company's Sales Invoices waiting
	Queued for their push, up to 50 to a call. Returns the counts."""
	connection = registry.named(connection)
	rows = frappe.get_all(
		SYNC_LOG,
		filters={
			"status": STATUS_QUEUED,
			"operation": OP_PUSH,
			"reference_doctype": "Sales Invoice",
			"company": connection.company,
		},
		fields=["name", "reference_name"],
		order_by="creation asc",
		limit=ROUND_LIMIT,
	)
	waiting: dict[str, str] = {}
	for row in rows:
		waiting.setdefault(row.reference_name, row.name)
	return {"waiting": len(waiting), "sent": push_in_batches(connection, waiting)}


def push_in_batches(connection, waiting: dict[str, str], progress=None) -> int:
	"""Push the Sales Invoices ``waiting`` ({invoice: its Queued row}) of the connection's
	company, up to 50 to a call (the engine batches them, contacts included), each under its
	document lock (one another worker holds is left to it). ``progress(done, total)`` is
	called after each batch. Returns how many were sent (their rows say how it went)."""
	from xero_connector.engine.xero_port import MAX_BATCH
	from xero_connector.xero_connector.connection.sync_session import locked_documents

	names, sent = list(waiting), 0
	for start in range(0, len(names), MAX_BATCH):
		with locked_documents(names[start : start + MAX_BATCH]) as held:
			if held:
				run_engine(
					lambda engine, batch=held: engine.push(batch),
					connection=connection,
					name=held,
					operation=OP_PUSH,
					queued={name: waiting[name] for name in held},
				)
				sent += len(held)
		if progress:
			progress(min(start + MAX_BATCH, len(names)), len(names))
	return sent


def send_selected(connection: str, waiting: dict[str, str], user: str | None = None) -> dict:
	"""RQ job, queued by api.send_selected (the Sales Invoice list's Send to Xero): push the
	chosen invoices of one company in batches, with a progress bar for ``user`` and, at the
	end, a summary of how each went. Returns the summary's counts."""
	connection = registry.named(connection)
	title = _("Sending to Xero ({0})").format(connection.company)

	def progress(done: int, total: int):
		frappe.publish_progress(done * 100 / max(total, 1), title=title, description=f"{done} / {total}")

	push_in_batches(connection, waiting, progress)
	statuses = dict(
		frappe.get_all(
			"Sales Invoice",
			filters={"name": ("in", list(waiting) or [""])},
			fields=["name", "xero_sync_status"],
			as_list=True,
		)
	)
	counts = {"Synced": 0, "Failed": 0, "Queued": 0}
	for status in statuses.values():
		counts[status if status in counts else "Queued"] += 1
	message = _(
		"{0}: {1} sent to Xero, {2} failed, {3} still waiting. The Xero Sync Log has each one."
	).format(connection.company, counts["Synced"], counts["Failed"], counts["Queued"])
	if user:
		frappe.publish_realtime(
			"msgprint", {"message": message, "title": _("Sent to Xero"), "indicator": "green"}, user=user
		)
	return counts


def pull_payments(ids: list[str] | None = None, queued_log: str | None = None, connection: str | None = None):
	"""RQ job: bring Xero's payment status back to ``connection``'s company (scheduler,
	Pull Payments Now, webhooks; a job queued before connections had names: the default).

	``ids`` (from a webhook) only distinguish the job: Xero's events arrive after the
	change, so the pull since the watermark already includes those documents."""
	connection = registry.named(connection)
	write_state(connection, {"last_payment_pull": now_datetime()})

	def pull(engine):
		report = engine.pull()
		if not report.error and (report.updated or report.voided_in_xero or engine.host.queued_log):
			record_pull(engine.host, report)
		if not report.error:
			from xero_connector.xero_connector.sync.payment_entries import pull_if_enabled

			pull_if_enabled(engine)  # optional Payment Entries from Xero payments (issue 6)
		return report

	return run_engine(pull, connection=connection, name=connection.name, operation=OP_PULL, queued=queued_log)


def record_pull(host, report) -> None:
	"""A Success row saying what a payment pull changed."""
	from xero_connector.engine.host import LogEntry

	lines = [f"Read {report.seen} changed document(s) from Xero."]
	if report.updated:
		lines.append("Updated: " + ", ".join(report.updated))
	if report.voided_in_xero:
		lines.append("Voided or deleted in Xero: " + ", ".join(report.voided_in_xero))
	host.write_log(
		LogEntry(
			reference_doctype=host.connection.doctype,
			reference_name=host.connection.name,
			operation=OP_PULL,
			status="Success",
			attempt=1,
			messages=lines,
		)
	)


def run_engine(
	step,
	*,
	connection,
	name: str | list[str],
	operation: str,
	queued: str | dict[str, str] | None,
	doctype: str = SALES_INVOICE,
):
	"""Open the engine for ``connection`` (sync_session.open_engine: organisation guard,
	limiter, budget) and run ``step(engine)``; record anything the engine could not (an
	error before it ran, or a bug) as a row with the reason, for ``name`` (a push round:
	each of its documents). ``queued``: the Queued row the job completes (a round: each
	document's)."""
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.sync.host import FrappeHost

	if frappe.session.user == "Guest":
		# queued by Xero's webhook (a guest request): the pull creates Payment Entries,
		# which a guest may not; the scheduler's jobs run as Administrator too
		frappe.set_user("Administrator")
	names = name if isinstance(name, list) else [name]
	by_document = queued if isinstance(queued, dict) else None
	host = FrappeHost(
		connection,
		commit=True,
		queued_log=None if by_document else queued,
		queued_logs=by_document,
		job_id=_current_job_id(),
		doctype=doctype,
	)
	try:
		with open_engine(host, ACTIVITY.get(operation, "push")) as (engine, _client):
			return step(engine)
	except Exception as exc:
		frappe.db.rollback()
		if not is_expected(exc):
			log_exception(
				_("Xero sync failed: {0}").format(", ".join(names)), exc, reference_doctype=SYNC_LOG
			)
		for document in names:
			record_failure(host, document, operation, exc)
	finally:
		host.finish_queued()
		for document in dict.fromkeys(host.new_versions):  # the invoice's PDF in Xero, next
			enqueue_sync(document, OP_ATTACH, company=host.company, doctype=host.doctype)
		frappe.db.commit()


def record_failure(host, name: str, operation: str, exc: BaseException) -> None:
	"""The row for an error the engine did not record itself. A client error gets the
	status the engine gives it (transient, rate and day limits, a connection that needs
	authorising again: Queued, retried; the rest Failed); anything else is Failed."""
	from xero_connector.engine.host import LogEntry
	from xero_connector.engine.log import outcome_for_error
	from xero_connector.xero import XeroError

	described = describe(exc)
	status = STATUS_FAILED
	if isinstance(exc, XeroError):
		status = outcome_for_error(name, operation, exc).status
	entry = LogEntry(
		reference_doctype=host.connection.doctype if operation == OP_PULL else host.doctype,
		reference_name=name,
		operation=operation,
		status=status,
		attempt=host.count_attempts(name, operation) + 1,
		messages=described.messages,
		cause=described.cause,
		resolution=described.resolution,
		error_kind=described.kind,
		http_status=described.http_status,
	)
	host.write_log(entry)


def _current_job_id() -> str | None:
	try:
		from rq import get_current_job

		job = get_current_job()
		return job.id if job else None
	except Exception:
		return None


# -- entry points of the features' jobs -------------------------------------------------------------


def run_backfill(name: str, token: str) -> str | None:
	"""RQ job (long queue), queued by sync/backfill.py: see backfill.run."""
	from xero_connector.xero_connector.sync import backfill

	return backfill.run(name, token)


def sync_quotation(name: str) -> dict:
	"""RQ job, queued by features/quotations.py: see quotations.sync_quotation."""
	from xero_connector.xero_connector.features import quotations

	return quotations.sync_quotation(name)
