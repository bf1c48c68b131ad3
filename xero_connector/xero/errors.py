"""Typed exceptions of the Xero client.

Every exception carries the catalogue entries that explain it; ``str(exc)``
shows Xero's own message plus the plain-language cause and resolution, and never
a token or secret (messages pass through ``redact_text``). Callers branch on the
class or on ``exc.kind`` (transient / permanent / needs_reauthorisation /
rate_limited).
"""

from __future__ import annotations

from datetime import datetime, timezone

from xero_connector.xero import catalogue
from xero_connector.xero.catalogue import CatalogueEntry
from xero_connector.xero.redact import redact_text


class XeroError(Exception):
	"""Base of all client errors. ``message`` is Xero's text (or ours when Xero sent none)."""

	default_entry_key = "validation_unknown"

	def __init__(
		self,
		message: str,
		*,
		entries: list[CatalogueEntry] | None = None,
		status: int | None = None,
		response: dict | None = None,
	):
		self.message = redact_text(str(message))
		self.entries = list(entries or [catalogue.get(self.default_entry_key)])
		self.status = status
		# The redacted response body, for the Sync Log.
		self.response = response
		super().__init__(self.message)

	@property
	def entry(self) -> CatalogueEntry:
		return self.entries[0]

	@property
	def kind(self) -> str:
		return self.entry.kind

	@property
	def retryable(self) -> bool:
		return self.entry.retryable

	def explanation(self) -> str:
		"""Cause and resolution of every distinct entry, one per line."""
		seen, lines = set(), []
		for entry in self.entries:
			if entry.key in seen:
				continue
			seen.add(entry.key)
			lines.append(f"Cause: {entry.cause} Resolution: {entry.resolution}")
		return "\n".join(lines)

	def __str__(self) -> str:
		prefix = f"HTTP {self.status}: " if self.status else ""
		return f"{prefix}{self.message}\n{self.explanation()}"

	def __repr__(self) -> str:
		return f"{type(self).__name__}({self.message!r}, kind={self.kind!r}, status={self.status!r})"


class XeroValidationError(XeroError):
	"""Xero refused a document (400 ValidationException, or one element of a batch).
	``messages`` are Xero's texts verbatim, ``entries`` the matching catalogue entries."""

	def __init__(self, messages: list[str], entries: list[CatalogueEntry] | None = None, **kwargs):
		self.messages = [redact_text(m) for m in messages] or ["A validation exception occurred"]
		entries = entries or [catalogue.match_message(m) for m in self.messages]
		super().__init__("; ".join(self.messages), entries=entries, **kwargs)


class XeroRateLimited(XeroError):
	"""HTTP 429 that could not be absorbed by waiting. ``problem`` is X-Rate-Limit-Problem."""

	default_entry_key = "rate_limit_minute"

	def __init__(
		self, message: str, *, problem: str | None = None, retry_after: float | None = None, **kwargs
	):
		self.problem = problem
		self.retry_after = retry_after
		kwargs.setdefault("entries", [catalogue.for_http(429, problem=problem)])
		super().__init__(message, **kwargs)


class DayLimitReached(XeroRateLimited):
	"""The organisation's daily call budget is used up: defer the work until ``resume_at``
	(epoch seconds; ``resume_at_datetime`` in UTC) instead of failing it."""

	default_entry_key = "rate_limit_day"

	def __init__(self, resume_at: float, message: str | None = None, **kwargs):
		self.resume_at = resume_at
		kwargs.setdefault("problem", "day")
		text = message or (
			f"Xero's daily API limit for this organisation is used up; resume after "
			f"{self.resume_at_datetime.strftime('%Y-%m-%d %H:%M:%S')} UTC"
		)
		super().__init__(text, **kwargs)

	@property
	def resume_at_datetime(self) -> datetime:
		return datetime.fromtimestamp(self.resume_at, tz=timezone.utc)


class RateLimitWait(XeroRateLimited):
	"""A call must wait longer than the limiter's ``max_wait`` for Xero's minute, app-minute or
	concurrency limit (or a 429's Retry-After): raised instead of sleeping, so the caller puts
	the work back until ``resume_at`` (epoch seconds; ``resume_at_datetime`` in UTC) and frees
	the worker. ``problem`` names the limit when known ("minute", "appminute", "concurrent")."""

	default_entry_key = "rate_limit_wait"

	def __init__(self, resume_at: float, message: str | None = None, **kwargs):
		self.resume_at = resume_at
		whose = "this app" if kwargs.get("problem") == "appminute" else "this organisation"
		text = message or (
			f"Xero's limit for {whose} is reached; the call can go at "
			f"{self.resume_at_datetime.strftime('%H:%M:%S')} UTC"
		)
		kwargs.setdefault("entries", [catalogue.get(self.default_entry_key)])
		super().__init__(text, **kwargs)

	@property
	def resume_at_datetime(self) -> datetime:
		return datetime.fromtimestamp(self.resume_at, tz=timezone.utc)


class NeedsReauthorisation(XeroError):
	"""The connection must be authorised again by a person (invalid_grant, revoked,
	never connected). Raised without calling Xero once the connection is marked."""

	default_entry_key = "invalid_grant"


class XeroAuthError(XeroError):
	"""HTTP 401/403 that a token refresh did not cure (tenant not connected, scope missing)."""

	default_entry_key = "authentication_unsuccessful"


class XeroTransientError(XeroError):
	"""5xx, timeout or dropped connection, still failing after the retries allowed."""

	default_entry_key = "server_error"


class XeroNotFound(XeroError):
	"""HTTP 404: the record does not exist in this organisation."""

	default_entry_key = "not_found"


class XeroRequestTooLarge(XeroError):
	"""HTTP 413: the body is over Xero's 3.5 MB limit."""

	default_entry_key = "request_too_large"


class XeroBadRequest(XeroError):
	"""HTTP 400 without validation messages (malformed request)."""

	default_entry_key = "bad_request"


class OAuthError(XeroError):
	"""The identity service refused a request (invalid_client, invalid_scope, ...)."""

	default_entry_key = "bad_request"

	def __init__(self, message: str, *, error: str | None = None, **kwargs):
		self.error = error
		kwargs.setdefault("entries", [catalogue.for_oauth_error(error)])
		super().__init__(message, **kwargs)


class InvalidState(OAuthError):
	"""The OAuth callback's ``state`` is unknown, already used or expired."""

	def __init__(
		self, message: str = "The authorisation response does not match a pending request", **kwargs
	):
		kwargs.setdefault("entries", [catalogue.get("invalid_state")])
		super().__init__(message, error="invalid_state", **kwargs)
