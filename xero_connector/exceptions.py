"""Typed errors of the Frappe shell, and the one place that turns an error from
the pure core (or from Xero through it) into what the user is told.

Controllers and whitelisted methods raise these with ``frappe.throw(msg, exc=...)``;
jobs use :func:`describe` to fill a Xero Sync Log row with a cause and a fix.
"""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe import _


class XeroConnectorError(frappe.ValidationError):
	"""Base of every error this app raises on purpose."""


class XeroNotConfigured(XeroConnectorError):
	"""Xero Settings lack what the action needs (client id, sandbox URL, ...)."""


class XeroNotConnected(XeroConnectorError):
	"""No organisation is connected, or the connection needs re-authorising."""


class WrongConnection(XeroConnectorError):
	"""A document reached the Xero connection of another company (the last guard against
	sending one company's invoice to another's organisation)."""


class MappingInvalid(XeroConnectorError):
	"""A mapping or default names a Xero account or tax type Xero would refuse."""


class PreflightFailed(XeroConnectorError):
	"""A Sales Invoice would be rejected by Xero (raised only when blocking is on)."""


class XeroHasPayments(XeroConnectorError):
	"""The invoice has payments in Xero, so it cannot be voided from ERPNext."""


class OAuthStateInvalid(frappe.PermissionError):
	"""The OAuth callback carried a state this site did not issue, or one already used."""


class WebhookSignatureInvalid(frappe.AuthenticationError):
	"""A webhook delivery whose x-xero-signature does not match its body."""


@dataclass
class Described:
	"""A failure as the Sync Log and the user see it."""

	kind: str
	cause: str
	resolution: str
	messages: list[str]
	http_status: int | None = None


def describe(exc: BaseException) -> Described:
	"""Map any exception met while talking to Xero to a kind, a cause and a fix.

	Called by jobs.py when an engine call raises. Errors from the core's catalogue
	carry ``kind``, ``cause`` and ``resolution`` (and Xero's messages); anything
	else is reported as an unexpected error with its type only (never its
	arguments, which might hold a secret).
	"""
	from xero_connector.constants import KIND_NEEDS_REAUTH, KIND_PERMANENT, KIND_TRANSIENT
	from xero_connector.xero import XeroError

	if isinstance(exc, XeroError):
		# the client's own errors (raised before or inside the engine: organisation check,
		# token refresh, day limit, re-authorisation): their catalogue entry explains them
		messages = list(getattr(exc, "messages", None) or [exc.message])
		return Described(
			kind=_kind_name(exc.kind),
			cause=" ".join(dict.fromkeys(e.cause for e in exc.entries)),
			resolution=" ".join(dict.fromkeys(e.resolution for e in exc.entries)),
			messages=[str(m) for m in messages],
			http_status=_int_or_none(exc.status),
		)
	kind = _attr(exc, "kind")
	cause = _attr(exc, "cause")
	resolution = _attr(exc, "resolution")
	messages = _attr(exc, "messages") or _attr(exc, "validation_errors") or []
	if isinstance(messages, str):
		messages = [messages]
	status = _attr(exc, "status") or _attr(exc, "http_status") or _attr(exc, "status_code")
	if kind and cause:
		return Described(
			kind=_kind_name(kind),
			cause=str(cause),
			resolution=str(resolution or ""),
			messages=[str(m) for m in messages],
			http_status=_int_or_none(status),
		)
	if isinstance(exc, XeroNotConnected):
		return Described(KIND_NEEDS_REAUTH, str(exc), _("Open Xero Settings and click Connect."), [])
	if isinstance(exc, XeroConnectorError):
		return Described(KIND_PERMANENT, str(exc), "", [])
	if isinstance(exc, OSError | TimeoutError):
		return Described(
			KIND_TRANSIENT,
			_("Xero could not be reached ({0}).").format(type(exc).__name__),
			_("Nothing to do: the work is retried automatically."),
			[],
		)
	return Described(
		KIND_PERMANENT,
		_("Unexpected error: {0}. See the Error Log for details.").format(type(exc).__name__),
		_("Report this to your administrator with the Error Log entry."),
		[],
	)


def throw_for_user(exc: BaseException) -> None:
	"""Tell the user waiting on a desk request why Xero's call did not go through: the
	cause, the fix and Xero's own words (frappe.throw, so a message and never a traceback).
	A failure nobody expected goes to the Error Log first."""
	from xero_connector.xero import XeroError

	described = describe(exc)
	if not isinstance(exc, XeroError):
		log_exception(_("Xero: unexpected error"), exc)
	parts = [described.cause, described.resolution]
	parts += [m for m in described.messages if m not in parts]
	exc_class = XeroNotConnected if described.kind == "needs_reauthorisation" else XeroConnectorError
	frappe.throw(" ".join(p for p in parts if p), exc_class, title=_("Xero"))


def shows_xero_errors(fn):
	"""For whitelisted methods and reports that call Xero while the user waits: any error
	of the client (Xero's refusal, a day budget kept for invoices, a connection to authorise
	again) reaches the user as :func:`throw_for_user` says it. Frappe's own errors pass."""
	import functools

	from xero_connector.xero import XeroError

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		try:
			return fn(*args, **kwargs)
		except XeroError as exc:
			throw_for_user(exc)

	return wrapper


def is_expected(exc: BaseException) -> bool:
	"""A failure the connector knows how to explain (Xero's answer or our own check),
	as opposed to a bug: only the unexpected ones go to the Error Log with a traceback."""
	from xero_connector.xero import XeroError

	return isinstance(exc, XeroError | XeroConnectorError)


def _attr(exc, name):
	value = getattr(exc, name, None)
	return None if callable(value) else value


def _kind_name(kind) -> str:
	value = getattr(kind, "value", kind)
	return str(value).lower()


def _int_or_none(value):
	try:
		return int(value) if value is not None else None
	except (TypeError, ValueError):
		return None


def log_exception(title: str, exc: BaseException, **kwargs) -> None:
	"""Record ``exc`` in the Error Log with a plain traceback (no local variables)
	passed through the core's redaction, so no token or secret can reach it.
	Called wherever this app logs an unexpected error."""
	import traceback

	from xero_connector.xero.redact import redact_text

	text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
	frappe.log_error(title=title, message=redact_text(text), **kwargs)
