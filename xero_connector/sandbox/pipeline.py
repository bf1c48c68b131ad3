"""One Accounting API call, in Xero's order of checks:

1. bearer token (401), 2. ``xero-tenant-id`` (403), 3. rate limits (429, the
call is counted), 4. injected faults "before", 5. ``Idempotency-Key`` (replay
or 400), 6. the accounting backend, under the organisation's lock, 7. webhook
events and persistence, 8. injected faults "after" the commit. Each step is counted in ``Sandbox.stats``.

Every answer carries ``Xero-Correlation-Id`` and, once the tenant is known,
the ``X-*Limit-Remaining`` headers. Called by :mod:`.routes` for
``/api.xro/2.0/...``; returns an :class:`Outcome` the HTTP layer writes.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field

from xero_connector.sandbox import scopes, wire
from xero_connector.sandbox.contract import ApiRequest, ApiResponse
from xero_connector.sandbox.idempotency import (
	IDEMPOTENT_METHODS,
	IdempotencyConflict,
	IdempotencyKeyInvalid,
	Reservation,
	StoredResponse,
	fingerprint,
)
from xero_connector.sandbox.identity import ApiAuthError
from xero_connector.sandbox.limits import RETRY_AFTER_PROBLEMS, RateLimited
from xero_connector.sandbox.services import SandboxServices

log = logging.getLogger(__name__)


@dataclass
class Outcome:
	"""What the HTTP layer sends: a response, or ``drop`` to close the connection unanswered."""

	status: int = 200
	headers: dict[str, str] = field(default_factory=dict)
	body: bytes = b""
	drop: bool = False


def _json(status: int, payload, headers: dict[str, str]) -> Outcome:
	return Outcome(status, {"Content-Type": wire.JSON_TYPE, **headers}, wire.dumps(payload))


def _encode(response: ApiResponse) -> tuple[dict[str, str], bytes]:
	headers = dict(response.headers)
	if isinstance(response.body, bytes):
		headers.setdefault("Content-Type", "application/octet-stream")
		return headers, response.body
	if response.body is None:
		return headers, b""
	headers.setdefault("Content-Type", wire.JSON_TYPE)
	return headers, wire.dumps(response.body)


class ApiPipeline:
	def __init__(self, sandbox: SandboxServices):
		self.sandbox = sandbox

	def call(
		self, method: str, path: str, raw_query: str, query: dict, headers: dict, body: bytes
	) -> Outcome:
		"""``path`` is relative to ``/api.xro/2.0``; ``headers`` have lower-case names."""
		sandbox = self.sandbox
		common = {"Xero-Correlation-Id": str(uuid.uuid4())}
		try:
			token = sandbox.identity.authenticate(headers.get("authorization"))
			connection = sandbox.identity.check_tenant(token, headers.get("xero-tenant-id"))
		except ApiAuthError as error:
			extra = {"WWW-Authenticate": error.www_authenticate} if error.www_authenticate else {}
			extra.update(sandbox.limiter.headers(None))
			return _json(error.status, wire.problem_for(error.status, error.detail), {**common, **extra})
		tenant_id = connection.tenant_id
		granted, needed = scopes.allowed(token.scope, method, path)
		if not granted and "scopes" not in sandbox.config.loosen:
			# a token without the endpoint's scope is refused (sandbox/scopes.py gives the sources)
			extra = {
				"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(sorted(needed))}"',
				**sandbox.limiter.headers(None),
			}
			return _json(403, wire.problem_for(403, "AuthorizationUnsuccessful"), {**common, **extra})
		organisation = sandbox.organisations.get(tenant_id)
		if organisation is None:
			return _json(403, wire.problem_for(403, "AuthenticationUnsuccessful"), common)
		stats = sandbox.stats_counter
		stats.count("calls", tenant_id)
		try:
			admission = sandbox.limiter.admit(tenant_id)
		except RateLimited as error:
			stats.count("rate_limited", tenant_id)
			return _json(
				429,
				wire.problem_for(429, f"Rate limit exceeded: {error.problem}"),
				{**common, **error.headers},
			)
		try:
			outcome = self._admitted(
				method, path, raw_query, query, headers, body, token.client_id, tenant_id, organisation
			)
		finally:
			sandbox.limiter.release(admission)
		if not outcome.drop:
			outcome.headers = {**common, **sandbox.limiter.headers(tenant_id), **outcome.headers}
		return outcome

	def _admitted(
		self, method, path, raw_query, query, headers, body, client_id, tenant_id, organisation
	) -> Outcome:
		sandbox = self.sandbox
		fault = sandbox.faults.take("before", method, path, tenant_id)
		if fault:
			early = self._fault_before(fault)
			if early:
				if early.status == 429:
					sandbox.stats_counter.count("rate_limited", tenant_id)
				return early
		reservation: Reservation | None = None
		key = headers.get("idempotency-key")
		if key is not None and method in IDEMPOTENT_METHODS:
			try:
				found = sandbox.idempotency.begin(
					(client_id, tenant_id), key, fingerprint(method, path, raw_query, body)
				)
			except (IdempotencyKeyInvalid, IdempotencyConflict) as error:
				detail = getattr(error, "detail", str(error))
				return _json(400, wire.problem_for(400, detail), {})
			if isinstance(found, StoredResponse):
				sandbox.stats_counter.count("idempotent_replays", tenant_id)
				return self._after(
					Outcome(found.status, dict(found.headers), found.body), method, path, tenant_id
				)
			reservation = found
		request = ApiRequest(method, path, query, headers, body, tenant_id, sandbox.url, raw_query)
		try:
			with sandbox.organisation_lock(tenant_id):
				response = sandbox.backend.handle(organisation, request)
		except Exception:
			log.exception("sandbox accounting backend failed on %s %s", method, path)
			if reservation:
				sandbox.idempotency.abandon(reservation)
			return _json(500, wire.problem_for(500, "An error occurred in Xero."), {})
		response_headers, response_body = _encode(response)
		if reservation:
			sandbox.idempotency.complete(
				reservation, StoredResponse(response.status, response_headers, response_body)
			)
		for event in response.events:
			sandbox.webhooks.emit(tenant_id, event.category, event.resource_id, event.event_type, event.data)
		if method != "GET":
			sandbox.stats_counter.count("writes", tenant_id)
			sandbox.changed()
		return self._after(Outcome(response.status, response_headers, response_body), method, path, tenant_id)

	def _fault_before(self, fault) -> Outcome | None:
		if fault.kind == "slow":
			time.sleep(fault.delay)
			return None
		if fault.kind == "drop":
			return Outcome(drop=True)
		if fault.kind == "rate_limit":
			headers = {"X-Rate-Limit-Problem": fault.problem}
			if fault.problem in RETRY_AFTER_PROBLEMS:  # as the real limiter (limits.py)
				headers["Retry-After"] = str(fault.retry_after)
			return _json(429, wire.problem_for(429, f"Rate limit exceeded: {fault.problem}"), headers)
		return _json(fault.status, wire.problem_for(fault.status), {})

	def _after(self, outcome: Outcome, method: str, path: str, tenant_id: str) -> Outcome:
		fault = self.sandbox.faults.take("after", method, path, tenant_id)
		if not fault:
			return outcome
		if fault.kind == "slow":
			time.sleep(fault.delay)
			return outcome
		if fault.kind == "drop":
			return Outcome(drop=True)
		return _json(fault.status, wire.problem_for(fault.status), {})
