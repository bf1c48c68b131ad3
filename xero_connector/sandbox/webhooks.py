"""Xero webhooks: subscriptions with a signing key, Intent to Receive, and
delivery of CONTACT, INVOICE and CREDITNOTE events with redelivery.

- Each request carries ``x-xero-signature``: base64 of HMAC-SHA256 of the raw
  body with the subscription's signing key.
- Intent to Receive: before any event is sent, the URL gets a few empty
  payloads (``events: []``, sequences 0), some correctly signed and some not; it
  must answer 200 to the first and 401 to the others, with no body, within the
  time-out. Only then is the subscription ``OK``.
- A delivery that is not answered 200 within the time-out is sent again, with
  the same body, after the next delay in ``retry_delays``; when those run out
  the subscription becomes ``DISABLED`` (Xero: retries for 24 hours) and keeps
  its events until it is verified again.

Webhooks are per app (developer.xero.com/documentation/webhooks/overview: "Webhooks are
configured on a per-app basis and we will send you events for every Xero organisation
connected to the app"): a subscription made with the app's ``client_id`` gets only the events
of organisations that app is connected to, signed with that app's key. One made without a
client id gets every organisation's events (the sandbox's single-app setups).

The accounting side reports changes through :meth:`WebhookHub.emit`; delivery
runs on a background thread started by the server. Each signed POST is sent by
:mod:`.webhook_post`.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from xero_connector.sandbox.clock import Clock
from xero_connector.sandbox.webhook_post import send, sign

CATEGORIES = ("CONTACT", "INVOICE", "CREDITNOTE")
RESOURCE_PATHS = {"CONTACT": "Contacts", "INVOICE": "Invoices", "CREDITNOTE": "CreditNotes"}
DEFAULT_RETRY_DELAYS = (1.0, 5.0, 30.0, 120.0, 600.0) + (900.0,) * 95  # about 24 hours in all
MAX_EVENTS_PER_DELIVERY = 100


class WebhookError(ValueError):
	"""A subscription request that cannot be accepted (answered 400 by the admin endpoint)."""


def _entropy() -> str:
	return "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))


def _event_time(epoch: float) -> str:
	moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
	return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


@dataclass
class Delivery:
	"""One attempt to POST to a subscription (kept for inspection)."""

	at: float
	kind: str  # "event" or "intent"
	events: int
	status: int | None
	elapsed: float
	outcome: str


@dataclass
class Subscription:
	id: str
	url: str
	key: str = field(repr=False)
	categories: tuple[str, ...] = CATEGORIES
	status: str = "PENDING"
	intent: dict | None = None
	sequence: int = 0
	pending: list[dict] = field(default_factory=list, repr=False)
	batch: bytes | None = field(default=None, repr=False)
	batch_size: int = 0
	attempts: int = 0
	next_attempt_at: float = 0.0
	deliveries: list[Delivery] = field(default_factory=list, repr=False)
	client_id: str | None = None  # the app whose organisations' events it gets; None: all

	def public(self) -> dict:
		"""Admin view; the signing key is not shown again."""
		return {
			"id": self.id,
			"clientId": self.client_id,
			"url": self.url,
			"categories": list(self.categories),
			"status": self.status,
			"intentToReceive": self.intent,
			"pendingEvents": len(self.pending) + self.batch_size,
			"deliveries": [d.__dict__ for d in self.deliveries[-20:]],
		}


class WebhookHub:
	"""Subscriptions and their delivery queue."""

	def __init__(
		self,
		clock: Clock | None = None,
		base_url: Callable[[], str] | str = "https://api.xero.com",
		timeout: float = 5.0,
		retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
		intent_checks: int = 4,
		connected: Callable[[str, str], bool] | None = None,
	):
		self.clock = clock or Clock()
		self._base_url = base_url
		self.timeout = timeout
		self.retry_delays = tuple(retry_delays)
		self.intent_checks = max(2, intent_checks)
		# (client_id, tenant_id) -> is that app connected to that organisation (the identity's)
		self.connected = connected or (lambda _client_id, _tenant_id: False)
		self._lock = threading.Condition()
		self.subscriptions: dict[str, Subscription] = {}
		self._thread: threading.Thread | None = None
		self._stopping = False

	@property
	def base_url(self) -> str:
		return self._base_url() if callable(self._base_url) else self._base_url

	# ----- subscriptions --------------------------------------------------------

	def subscribe(
		self,
		url: str,
		key: str | None = None,
		categories=None,
		verify: bool = True,
		client_id: str | None = None,
	) -> tuple[Subscription, str]:
		"""Register a delivery URL; returns the subscription and its signing key
		(generated when not given). Runs Intent to Receive unless ``verify`` is false. With
		``client_id`` it is that app's webhook: only its organisations' events come."""
		if not url or not url.lower().startswith(("http://", "https://")):
			raise WebhookError("url must be an http(s) URL")
		chosen = tuple(c.upper() for c in (categories or CATEGORIES))
		bad = [c for c in chosen if c not in CATEGORIES]
		if bad:
			raise WebhookError(f"unknown event categories: {', '.join(bad)}")
		key = key or base64.b64encode(secrets.token_bytes(48)).decode()
		subscription = Subscription(uuid.uuid4().hex, url, key, chosen, client_id=client_id or None)
		with self._lock:
			self.subscriptions[subscription.id] = subscription
		if verify:
			self.verify(subscription.id)
		return subscription, key

	def unsubscribe(self, subscription_id: str) -> bool:
		with self._lock:
			return self.subscriptions.pop(subscription_id, None) is not None

	def verify(self, subscription_id: str) -> dict:
		"""Run Intent to Receive; the subscription becomes ``OK`` or ``FAILED``."""
		subscription = self.subscriptions[subscription_id]
		checks = []
		for index in range(self.intent_checks):
			correctly_signed = index % 2 == 0
			body = json.dumps(
				{"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": _entropy()},
				separators=(",", ":"),
			).encode()
			signing_key = (
				subscription.key if correctly_signed else base64.b64encode(secrets.token_bytes(48)).decode()
			)
			status, elapsed, answer, error, headers = self._post(
				subscription.url, body, sign(signing_key, body), with_headers=True
			)
			expected = 200 if correctly_signed else 401
			# developer.xero.com/documentation/guides/webhooks/configuring-your-server: Intent to
			# Receive expects 200 (401 when the signature is wrong) within 5 seconds, with no body
			# and no cookie headers; anything else fails it
			if error:
				reason = error
			elif elapsed > self.timeout:
				reason = f"answered after {elapsed:.1f}s (the limit is {self.timeout:g}s)"
			elif status != expected:
				reason = f"expected {expected} for a {'correctly' if correctly_signed else 'incorrectly'} signed payload, got {status}"
			elif answer:
				reason = "the response must have no body"
			elif any(name.lower() == "set-cookie" for name in headers):
				reason = "the response must set no cookie"
			else:
				reason = None
			checks.append(
				{
					"correctlySigned": correctly_signed,
					"status": status,
					"ok": reason is None,
					"reason": reason,
				}
			)
			self._record(subscription, "intent", 0, status, elapsed, reason or "ok")
		passed = all(c["ok"] for c in checks)
		with self._lock:
			subscription.intent = {"passed": passed, "checks": checks}
			subscription.status = "OK" if passed else "FAILED"
			subscription.attempts = 0
			subscription.next_attempt_at = 0.0
			self._lock.notify_all()
		return subscription.intent

	# ----- events ---------------------------------------------------------------

	def emit(
		self, tenant_id: str, category: str, resource_id: str, event_type: str, data: dict | None = None
	) -> None:
		"""Queue one event for every subscription of its category whose app is connected to
		``tenant_id`` (or that has no app). Called by the accounting side after a create
		(``CREATE``) or change (``UPDATE``)."""
		category = category.upper()
		if category not in CATEGORIES:
			raise WebhookError(f"unknown event category {category}")
		event = {
			"resourceUrl": f"{self.base_url}/api.xro/2.0/{RESOURCE_PATHS[category]}/{resource_id}",
			"resourceId": resource_id,
			"tenantId": tenant_id,
			"tenantType": "ORGANISATION",
			"eventCategory": category,
			"eventType": event_type.upper(),
			"eventDateUtc": _event_time(self.clock.now()),
		}
		if data is not None:
			event["data"] = data
		with self._lock:
			for subscription in self.subscriptions.values():
				if category not in subscription.categories:
					continue
				# "we will send you events for every Xero organisation connected to the app"
				# (developer.xero.com/documentation/webhooks/overview): no other organisation's
				if subscription.client_id is None or self.connected(subscription.client_id, tenant_id):
					subscription.pending.append(dict(event))
			self._lock.notify_all()

	def deliver_due(self) -> int:
		"""Send every batch that is due now; returns how many were answered 200.
		Called by the delivery thread, and directly by tests."""
		sent = 0
		for subscription in list(self.subscriptions.values()):
			with self._lock:
				due = (
					subscription.status == "OK"
					and (subscription.batch or subscription.pending)
					and time.monotonic() >= subscription.next_attempt_at
				)
				if not due:
					continue
				if subscription.batch is None:
					events = subscription.pending[:MAX_EVENTS_PER_DELIVERY]
					del subscription.pending[: len(events)]
					first = subscription.sequence + 1
					subscription.sequence += len(events)
					subscription.batch = json.dumps(
						{
							"events": events,
							"firstEventSequence": first,
							"lastEventSequence": subscription.sequence,
							"entropy": _entropy(),
						},
						separators=(",", ":"),
					).encode()
					subscription.batch_size = len(events)
				body = subscription.batch
			status, elapsed, _answer, error = self._post(subscription.url, body, sign(subscription.key, body))
			if not error and elapsed > self.timeout:  # a 200 after the time-out is no answer for Xero
				error = f"answered after {elapsed:.1f}s (the limit is {self.timeout:g}s)"
			with self._lock:
				if status == 200 and not error:
					self._record(subscription, "event", subscription.batch_size, status, elapsed, "ok")
					subscription.batch, subscription.batch_size, subscription.attempts = None, 0, 0
					subscription.next_attempt_at = 0.0
					sent += 1
					continue
				self._record(
					subscription,
					"event",
					subscription.batch_size,
					status,
					elapsed,
					error or f"status {status}",
				)
				if subscription.attempts >= len(self.retry_delays):
					subscription.status = "DISABLED"
					continue
				subscription.next_attempt_at = time.monotonic() + self.retry_delays[subscription.attempts]
				subscription.attempts += 1
		return sent

	def _record(
		self, subscription: Subscription, kind: str, events: int, status, elapsed: float, outcome: str
	):
		subscription.deliveries.append(
			Delivery(self.clock.now(), kind, events, status, round(elapsed, 3), outcome)
		)
		del subscription.deliveries[:-200]

	def _post(self, url: str, body: bytes, signature: str, with_headers: bool = False) -> tuple:
		"""POST ``body``; returns (status, seconds, response body, error), and the response's
		header names when ``with_headers``. A time-out or refused connection is an error with no
		status."""
		status, elapsed, answer, error, headers = send(url, body, signature, self.timeout)
		return (status, elapsed, answer, error, headers) if with_headers else (status, elapsed, answer, error)

	# ----- background delivery ----------------------------------------------------

	def start(self) -> None:
		if self._thread:
			return
		self._stopping = False
		self._thread = threading.Thread(target=self._run, name="xero-sandbox-webhooks", daemon=True)
		self._thread.start()

	def stop(self) -> None:
		with self._lock:
			self._stopping = True
			self._lock.notify_all()
		if self._thread:
			self._thread.join(timeout=self.timeout + 2)
			self._thread = None

	def _run(self) -> None:
		while True:
			with self._lock:
				if self._stopping:
					return
				self._lock.wait(timeout=self._idle_wait())
				if self._stopping:
					return
			self.deliver_due()

	def _idle_wait(self) -> float:
		now = time.monotonic()
		waits = [
			max(0.0, s.next_attempt_at - now)
			for s in self.subscriptions.values()
			if s.status == "OK" and (s.batch or s.pending)
		]
		return min(waits, default=1.0) or 0.001

	def wait_idle(self, timeout: float = 10.0) -> bool:
		"""Block until no OK subscription has undelivered events (tests, demo)."""
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			with self._lock:
				busy = any(s.status == "OK" and (s.batch or s.pending) for s in self.subscriptions.values())
			if not busy:
				return True
			time.sleep(0.01)
		return False

	# ----- persistence ------------------------------------------------------------

	def to_dict(self) -> dict:
		with self._lock:
			return {
				"subscriptions": [
					{
						"id": s.id,
						"clientId": s.client_id,
						"url": s.url,
						"key": s.key,
						"categories": list(s.categories),
						"status": s.status,
						"sequence": s.sequence,
						"pending": (json.loads(s.batch)["events"] if s.batch else []) + s.pending,
					}
					for s in self.subscriptions.values()
				]
			}

	def load_dict(self, data: dict) -> None:
		with self._lock:
			self.subscriptions = {}
			for row in data.get("subscriptions", []):
				subscription = Subscription(
					row["id"],
					row["url"],
					row["key"],
					tuple(row["categories"]),
					row["status"],
					None,
					row["sequence"],
				)
				subscription.pending = list(row.get("pending", []))
				subscription.client_id = row.get("clientId")
				self.subscriptions[subscription.id] = subscription
