"""XeroClient: the Accounting API calls the connector makes, safely.

Every call goes through one pipeline: the per-tenant RateLimiter admits it, the
TokenManager supplies a fresh access token, the official SDK's ``AccountingApi``
builds the request, and the outcome is classified with the error catalogue —
401 refreshes once, 429 waits for ``Retry-After`` (or raises DayLimitReached, or
RateLimitWait when the wait is longer than the limiter's ``max_wait``),
5xx/timeouts/dropped connections are retried with jittered backoff using the
same ``Idempotency-Key``, and everything else becomes a typed exception.

Every exception raised by :meth:`XeroClient.call` carries ``maybe_committed``:
True when an earlier attempt of the same call ended without a definitive answer
(time-out, dropped connection or 5xx — Xero may have committed the write), so
that a later 401, 429 or day limit does not make the caller believe nothing was
written. Writers (the engine's push) keep their "outcome unknown" mark then.

Called by the engine (push, void, allocate, payment pull), the CLI and the
Frappe shell's jobs. Plain dicts in Xero's JSON shape (PascalCase) in and out;
money is parsed as Decimal.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator

import urllib3
from xero_python.accounting import AccountingApi
from xero_python.exceptions import HTTPStatusException

from xero_connector.xero import catalogue
from xero_connector.xero.endpoints import Endpoints
from xero_connector.xero.errors import (
	XeroAuthError,
	XeroBadRequest,
	XeroError,
	XeroNotFound,
	XeroRateLimited,
	XeroRequestTooLarge,
	XeroTransientError,
	XeroValidationError,
)
from xero_connector.xero.keys import chunk_key
from xero_connector.xero.limiter import RateLimiter
from xero_connector.xero.payloads import (
	BATCH_BODY_BYTES,
	BATCH_SIZE,
	MAX_BODY_BYTES,
	MONEY_KEYS,
	_detail,
	_element_result,
	_modified_since,
	_money,
	_validation_messages,
	retry_after_seconds,
	size_chunks,
)
from xero_connector.xero.redact import redact
from xero_connector.xero.resources import AccountingResources
from xero_connector.xero.resources_extra import ExtraResources
from xero_connector.xero.results import ElementResult
from xero_connector.xero.retry import RetryPolicy
from xero_connector.xero.tokens import TokenManager
from xero_connector.xero.transport import decode_json, encode_json, make_api_client

__all__ = [
	"BATCH_BODY_BYTES",
	"BATCH_SIZE",
	"MAX_BODY_BYTES",
	"MAX_REFRESHES_PER_CALL",
	"MONEY_KEYS",
	"PAGE_SIZE",
	"TRANSIENT_STATUSES",
	"XeroClient",
	"retry_after_seconds",
	"size_chunks",
]

log = logging.getLogger(__name__)

PAGE_SIZE = 1000
MAX_REFRESHES_PER_CALL = 3
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


class XeroClient(AccountingResources, ExtraResources):
	"""Accounting API client for one connected organisation (tenant): the pipeline every call
	goes through (tokens, limiter, retries, typed errors); the endpoints themselves are
	:class:`xero_connector.xero.resources.AccountingResources`."""

	def __init__(
		self,
		tokens: TokenManager,
		tenant_id: str,
		*,
		endpoints: Endpoints | None = None,
		limiter: RateLimiter | None = None,
		retry: RetryPolicy | None = None,
		timeout: tuple[float, float] = (10.0, 60.0),
		page_size: int = PAGE_SIZE,
	):
		self.tokens = tokens
		self.tenant_id = tenant_id
		self.endpoints = endpoints or Endpoints()
		self.limiter = limiter or RateLimiter()
		self.retry = retry or RetryPolicy()
		self.timeout = timeout
		self.page_size = page_size
		self._api_client, self._bearer = make_api_client(timeout=timeout)
		self.api = AccountingApi(self._api_client, base_url=self.endpoints.api_url)
		self.calls = 0  # HTTP requests sent
		self.outcomes: Counter = Counter()  # HTTP status (or "timeout"/"connection_dropped") -> count

	def __repr__(self) -> str:
		return f"XeroClient(tenant_id={self.tenant_id!r}, api_url={self.endpoints.api_url!r})"

	# ----- the pipeline ------------------------------------------------------------

	def call(self, sdk_method: str, *args, **kwargs) -> dict:
		"""Call ``AccountingApi.<sdk_method>(tenant_id, *args, **kwargs)`` through the
		pipeline and return the decoded JSON body ({} for an empty body)."""
		attempts = {"ambiguous": False}
		# bodies go to the SDK already encoded: its serializer would turn every Decimal into
		# a float (xero_python.api_client.serializer.serialize_float); bytes pass through it
		args = tuple(encode_json(a) if isinstance(a, dict | list) else a for a in args)
		try:
			return self._call(sdk_method, attempts, *args, **kwargs)
		except XeroError as error:
			error.maybe_committed = attempts["ambiguous"] or isinstance(error, XeroTransientError)
			raise

	def _call(self, sdk_method: str, attempts: dict, *args, **kwargs) -> dict:
		"""The retry loop of :meth:`call`; sets ``attempts["ambiguous"]`` once an attempt may
		have reached Xero without a definitive answer."""
		fn = getattr(self.api, sdk_method)
		retries = rate_waits = refreshes = 0
		refreshed_last = False  # the previous attempt was a 401 answered by a refresh
		while True:
			lease = self.limiter.acquire(self.tenant_id)
			headers, status, body, failure = {}, None, None, None
			token = None
			try:
				token = self.tokens.access_token()
				self._bearer.set(token)
				self.calls += 1
				response, status, raw_headers = fn(
					self.tenant_id,
					*args,
					_return_http_data_only=False,
					_preload_content=False,
					_request_timeout=self.timeout,
					**kwargs,
				)
				headers = dict(raw_headers or {})
				try:
					body = decode_json(response.data)
				except ValueError:
					failure = "not_json"
				if not isinstance(body, dict | None):  # JSON, but not the object Xero always sends
					failure = "not_json"
			except HTTPStatusException as exc:
				status = exc.http_resp.status
				headers = dict(exc.http_resp.getheaders() or {})
				try:
					body = decode_json(exc.http_resp.data)
				except ValueError:
					body = None
			except urllib3.exceptions.TimeoutError:
				failure = "timeout"
			except (urllib3.exceptions.HTTPError, OSError):
				failure = "connection_dropped"
			finally:
				self._bearer.set(None)
				self.limiter.release(lease)
				self.limiter.observe(self.tenant_id, headers)
			self.outcomes[status or failure] += 1
			log.debug(
				"Xero %s tenant=%s -> %s (retry %d)", sdk_method, self.tenant_id, status or failure, retries
			)
			if failure is None and 200 <= status < 300:
				return _money(body) if body is not None else {}
			if failure == "not_json":
				# Xero (or something in between) answered 2xx with a body we cannot read: a
				# write may have been applied, so the caller keeps its write-ahead mark
				attempts["ambiguous"] = True
				raise XeroTransientError(
					f"Xero answered {sdk_method} with HTTP {status} and a body that is not a JSON object",
					entries=[catalogue.for_http(502)],
					status=status,
				)

			refreshed_last, was_refreshed = False, refreshed_last
			# ----- transient: retry with backoff and the same Idempotency-Key
			if failure or status in TRANSIENT_STATUSES:
				attempts["ambiguous"] = True
				entry = catalogue.get(failure) if failure else catalogue.for_http(status)
				retries += 1
				if retries >= self.retry.attempts:
					raise XeroTransientError(
						f"Xero {sdk_method} failed after {retries} attempts: {entry.key}",
						entries=[entry],
						status=status,
					)
				delay = self.retry.wait(retries - 1)
				log.info("Xero %s: %s, retry %d in %.2f s", sdk_method, entry.key, retries, delay)
				continue
			lower = {k.lower(): v for k, v in headers.items()}
			detail = _detail(body)
			if status == 401:
				# Refresh once per expiry: again only if the token worked (or another answer
				# came) since the last refresh — a token can expire again during a long call.
				if not was_refreshed and refreshes < MAX_REFRESHES_PER_CALL:
					refreshes += 1
					refreshed_last = True
					self.tokens.refresh(stale_access_token=token)
					continue
				raise XeroAuthError(
					detail or "AuthenticationUnsuccessful",
					entries=[catalogue.for_http(401, detail)],
					status=401,
				)
			if status == 429:
				problem = lower.get("x-rate-limit-problem")
				retry_after = retry_after_seconds(lower.get("retry-after"))
				wait = self.limiter.rate_limited(self.tenant_id, problem, retry_after)  # raises for "day"
				rate_waits += 1
				if rate_waits > self.retry.max_rate_limit_waits:
					raise XeroRateLimited(
						f"Xero rate limit ({problem or 'unknown'}) persisted after {rate_waits} waits",
						problem=problem,
						retry_after=wait,
						status=429,
					)
				continue
			raise self._failure(status, body, detail)

	def _failure(self, status: int, body, detail: str | None) -> XeroError:
		safe = redact(body) if isinstance(body, dict | list) else None
		if status == 400:
			messages, elements = _validation_messages(body)
			known = any(catalogue.match_message(m) is not catalogue.UNKNOWN_VALIDATION for m in messages)
			if messages and (elements or known or "Validation" in str(body.get("Type") or "")):
				err = XeroValidationError(messages, status=400, response=safe)
				err.elements = elements
				return err
			return XeroBadRequest(detail or "Bad request", status=400, response=safe)
		if status == 403:
			return XeroAuthError(
				detail or "Forbidden", entries=[catalogue.for_http(403, detail)], status=403, response=safe
			)
		if status == 404:
			return XeroNotFound(detail or "The resource you're looking for cannot be found", status=404)
		if status == 413:
			return XeroRequestTooLarge(detail or "Request too large", status=413)
		return XeroError(
			detail or f"HTTP {status}",
			entries=[catalogue.for_http(status, detail)],
			status=status,
			response=safe,
		)

	# ----- building blocks ---------------------------------------------------------

	def _batch(self, sdk_method: str, collection: str, items: list[dict], idempotency_key: str, **kwargs):
		"""Send ``items`` in chunks of ≤50 with summarizeErrors=false; one result per item."""
		items = list(items)
		if not items:
			return []
		chunks, too_large = size_chunks(items)
		results: list[ElementResult] = [
			ElementResult(
				index,
				False,
				{},
				[
					f"This document is too large for Xero: {size:,} bytes as JSON, over Xero's 3.5 MB request limit."
				],
				[catalogue.get("request_too_large")],
			)
			for index, size in too_large
		]
		for number, (offset, chunk) in enumerate(chunks):
			key = chunk_key(idempotency_key, number, len(chunks))
			try:
				body = self.call(
					sdk_method, {collection: chunk}, summarize_errors="false", idempotency_key=key, **kwargs
				)
				elements = body.get(collection) or []
			except XeroValidationError as exc:
				elements = getattr(exc, "elements", None) or []
				if len(elements) != len(chunk) or not all(isinstance(e, dict) for e in elements):
					results += [
						ElementResult(offset + i, False, {}, list(exc.messages), list(exc.entries))
						for i in range(len(chunk))
					]
					continue
			readable = isinstance(elements, list) and all(isinstance(e, dict) for e in elements)
			if not readable or len(elements) != len(chunk):
				# an answer that does not say what became of each element: some may be written
				said = f"{len(elements)} {collection}" if readable else f"{collection} it cannot read"
				error = XeroTransientError(
					f"Xero answered {said} for {len(chunk)} sent",
					entries=[catalogue.for_http(502)],
					status=200,
				)
				error.maybe_committed = True
				raise error
			results += [_element_result(offset + i, el) for i, el in enumerate(elements)]
		return sorted(results, key=lambda r: r.index)

	def _single(self, collection: str, body: dict) -> dict:
		items = body.get(collection) or []
		if not items:
			raise XeroBadRequest(f"Xero returned no {collection}")
		result = _element_result(0, items[0])
		if not result.ok:
			raise XeroValidationError(result.messages, result.entries, status=200)
		return items[0]

	def _pages(
		self, sdk_method: str, collection: str, page_size: int | None = None, **params
	) -> Iterator[dict]:
		"""Every item of a paged list, following pages to the end."""
		size = page_size or self.page_size
		page = 1
		while True:
			body = self.call(sdk_method, page=page, page_size=size, **params)
			items = body.get(collection) or []
			yield from items
			pagination = body.get("pagination") or {}
			page_count = pagination.get("pageCount")
			if len(items) < size or (page_count is not None and page >= page_count):
				return
			page += 1

	@staticmethod
	def _filters(**params) -> dict:
		out = {}
		for name, value in params.items():
			if value is None:
				continue
			if name == "if_modified_since":
				value = _modified_since(value)
			elif isinstance(value, list | tuple | set):
				value = [str(v) for v in value]
				if not value:
					continue
			out[name] = value
		return out
