"""Writing Xero Sync Log rows and per-document outcomes.

Every engine step ends with :meth:`Recorder.record`, which writes one
:class:`~.host.LogEntry` through the Host (request/response redacted) and returns
an :class:`Outcome` for the caller (the CLI and demo print them; the Frappe
shell shows them). :func:`explain` turns Xero's messages or a client error into
the error catalogue's cause and resolution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from xero_connector.engine.host import Host, LogEntry
from xero_connector.xero import catalogue
from xero_connector.xero.redact import redact

SALES_INVOICE = "Sales Invoice"


@dataclass
class Outcome:
	"""What happened to one document in one engine call (the last step that ran for it)."""

	name: str
	operation: str
	status: str  # Success | Failed | Skipped | Queued
	reason: str = ""
	xero_id: str | None = None
	xero_status: str | None = None
	kind: str | None = None
	currency: str | None = None
	expected_total: Decimal | None = None
	xero_total: Decimal | None = None
	messages: list[str] = field(default_factory=list)
	cause: str | None = None
	resolution: str | None = None
	error_kind: str | None = None  # the client error's kind, when one stopped the step
	http_status: int | None = None
	contact_rule: str | None = None  # stored | account_number | name | created
	resume_at: float | None = None  # deferred for Xero's day limit: epoch seconds it lifts

	@property
	def failed(self) -> bool:
		return self.status == "Failed"


def explain(
	messages: list[str] | None = None, error: Exception | None = None
) -> tuple[str | None, str | None]:
	"""The error catalogue's (cause, resolution) for a client error or for Xero's messages
	(the first message the catalogue knows; its generic "unknown" entry otherwise)."""
	entries = list(getattr(error, "entries", None) or [])
	if not entries and messages:
		matched = [catalogue.match_message(m) for m in messages]
		entries = [e for e in matched if e.key != catalogue.UNKNOWN_VALIDATION.key] or matched[:1]
	if not entries:
		return None, None
	causes = list(dict.fromkeys(e.cause for e in entries))
	fixes = list(dict.fromkeys(e.resolution for e in entries))
	return " ".join(causes), " ".join(fixes)


def dump(body) -> str | None:
	"""JSON text of a request/response body with secrets masked."""
	if body is None:
		return None
	return json.dumps(redact(body), default=str, sort_keys=True)


class Recorder:
	"""Writes log rows for one engine call and collects the outcomes."""

	def __init__(self, host: Host):
		self.host = host
		self.outcomes: list[Outcome] = []
		# the ERPNext doctype of a document that is not a Sales Invoice, by name (Purchase Orders
		# register theirs: engine/purchase_orders.py); rows of other names are Sales Invoice rows
		self.doctypes: dict[str, str] = {}

	def record(
		self,
		outcome: Outcome,
		*,
		doctype: str | None = None,
		idempotency_key: str | None = None,
		request=None,
		response=None,
		keep: bool = True,
	) -> Outcome:
		"""Write the log row for ``outcome`` and (with ``keep``) add it to :attr:`outcomes`.
		``doctype``: the row's reference doctype (else the one registered for the name in
		:attr:`doctypes`, else Sales Invoice)."""
		doctype = doctype or self.doctypes.get(outcome.name, SALES_INVOICE)
		attempt = self.host.count_attempts(outcome.name, outcome.operation) + 1
		cause, resolution = outcome.cause, outcome.resolution
		if (
			outcome.status in ("Failed", "Queued")
			and outcome.reason
			and not outcome.messages
			and outcome.error_kind != "preflight"
			and cause
			and outcome.reason not in cause
		):
			# what happened (the app's words) before why it happens (the catalogue's), once
			said = outcome.reason[0].upper() + outcome.reason[1:]
			cause = said if cause in said else f"{said.rstrip('.')}. {cause}"
		self.host.write_log(
			LogEntry(
				reference_doctype=doctype,
				reference_name=outcome.name,
				operation=outcome.operation,
				status=outcome.status,
				attempt=attempt,
				idempotency_key=idempotency_key,
				xero_ids=[outcome.xero_id] if outcome.xero_id else [],
				request=dump(request),
				response=dump(response),
				# Xero's own messages only; where Xero said nothing (pre-flight, a lost answer)
				# the app's sentence is the cause, never passed off as Xero's
				messages=list(outcome.messages)
				or ([outcome.reason] if outcome.reason and outcome.status in ("Success", "Skipped") else []),
				cause=cause or (outcome.reason if outcome.status != "Success" else None),
				resolution=resolution,
				error_kind=outcome.error_kind,
				http_status=outcome.http_status,
				contact_rule=outcome.contact_rule,
			)
		)
		if keep:
			self.outcomes.append(outcome)
		return outcome


def outcome_for_error(name: str, operation: str, error: Exception, **fields) -> Outcome:
	"""The outcome of a step stopped by a client error: permanent errors fail the document
	(until a person fixes it); transient errors, rate and day limits and a lost connection
	leave it Queued for the next run."""
	from xero_connector.xero import errors

	messages = list(getattr(error, "messages", None) or [getattr(error, "message", str(error))])
	cause, resolution = explain(messages, error)
	if isinstance(error, errors.DayLimitReached):
		status = "Queued"
		fields["resume_at"] = error.resume_at
		reason = (
			f"deferred: Xero's daily limit is used up until {error.resume_at_datetime:%Y-%m-%d %H:%M} UTC"
		)
	elif isinstance(error, errors.XeroTransientError | errors.XeroRateLimited):
		status, reason = "Queued", f"queued for the next run: {messages[0]}"
	elif isinstance(error, errors.NeedsReauthorisation | errors.XeroAuthError):
		status, reason = "Queued", f"waiting for the Xero connection: {messages[0]}"
	else:
		status, reason = "Failed", "; ".join(messages)
	return Outcome(
		name=name,
		operation=operation,
		status=status,
		reason=reason,
		messages=messages,
		cause=cause,
		resolution=resolution,
		error_kind=getattr(error, "kind", None),
		http_status=getattr(error, "status", None),
		**fields,
	)


def outcome_unknown(error: Exception) -> bool:
	"""True when a write may have reached Xero although no answer came back."""
	from xero_connector.xero import errors

	return isinstance(error, errors.XeroTransientError)
