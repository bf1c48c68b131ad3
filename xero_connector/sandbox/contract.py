"""The seam between the sandbox's server and its accounting rules.

The server (:mod:`xero_connector.sandbox.server`) owns HTTP, OAuth, tenants,
rate limits, idempotency, faults, webhooks delivery and persistence. Everything
about Xero's accounting resources (seed data, Contacts, Invoices, CreditNotes,
Payments, validation, the web page's content) sits behind
:class:`AccountingBackend`. The server calls it with plain dataclasses, one call
at a time per organisation (it holds a per-organisation lock), after
authentication, tenant checks, rate limiting and idempotency have passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from xero_connector.sandbox.clock import Clock


@dataclass
class ResourceEvent:
	"""A change the accounting side made, turned into a webhook event by the server.

	``category`` is CONTACT, INVOICE or CREDITNOTE; ``event_type`` CREATE or UPDATE;
	``data`` is only used for CREDITNOTE (``{"Type": ..., "Status": ...}``).
	"""

	category: str
	resource_id: str
	event_type: str
	data: dict | None = None


@dataclass
class ApiRequest:
	"""One Accounting API call, already authenticated and admitted.

	``path`` is relative to ``/api.xro/2.0`` (e.g. ``/Invoices/9b1c...``);
	``query`` keeps the names as sent (use :meth:`param` for Xero's
	case-insensitive lookup); ``headers`` has lower-case names.
	"""

	method: str
	path: str
	query: dict[str, str]
	headers: dict[str, str]
	body: bytes
	tenant_id: str
	base_url: str = ""
	raw_query: str = ""

	def param(self, name: str, default: str | None = None) -> str | None:
		lowered = name.lower()
		for key, value in self.query.items():
			if key.lower() == lowered:
				return value
		return default

	def json(self) -> Any:
		"""The body parsed as JSON (numbers with a fraction as Decimal); raises ValueError."""
		from decimal import Decimal

		return json.loads(self.body.decode("utf-8") or "null", parse_float=Decimal)


@dataclass
class ApiResponse:
	"""The accounting side's answer. ``body`` is JSON-serialisable (Decimal allowed),
	or bytes sent as they are; ``events`` become webhook deliveries."""

	status: int
	body: Any = None
	headers: dict[str, str] = field(default_factory=dict)
	events: list[ResourceEvent] = field(default_factory=list)


@runtime_checkable
class AccountingBackend(Protocol):
	"""What the server needs from the accounting side."""

	def new_organisation(self, tenant_id: str, name: str, clock: Clock, base_currency: str = "NZD") -> Any:
		"""A seeded organisation; ``tenant_id`` is what ``xero-tenant-id`` names."""

	def handle(self, organisation: Any, request: ApiRequest) -> ApiResponse:
		"""Answer one Accounting API call for ``organisation``."""

	def dump(self, organisation: Any) -> dict:
		"""JSON-ready state for the ``--data`` file."""

	def load(self, data: dict, clock: Clock) -> Any:
		"""Rebuild an organisation from :meth:`dump`'s output."""

	def render_page(self, organisations: list[Any]) -> str:
		"""The read-only HTML page served at ``/``."""
