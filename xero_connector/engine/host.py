"""The Host: everything the sync engine needs from the system that owns the
ERPNext documents, and nothing more.

The Frappe shell implements it over doctypes (Sales Invoice custom fields,
Customer custom fields, Xero Sync Log, Xero Settings); :class:`MemoryHost` in
:mod:`.memory_host` implements it over dicts for the tests, the CLI and the demo.
The engine (:mod:`.push`, :mod:`.cancel`, :mod:`.returns`, :mod:`.pull`) calls
it; it never calls Xero and never raises for a missing record (it returns None).

Records crossing this boundary are the plain dataclasses below.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from decimal import Decimal
from typing import Protocol

from xero_connector.engine.context import MappingContext

OPERATIONS = ("push", "update", "void", "delete", "allocate", "pull", "contact")
STATUSES = ("Success", "Failed", "Skipped", "Queued")


@dataclass
class SyncState:
	"""What ERPNext remembers about one Sales Invoice in Xero (the read-only custom fields).

	``pending_hash`` + ``outcome_unknown`` form the write-ahead mark: set just before a
	write is sent, cleared when its outcome is known; a document still marked at the
	next run is looked up in Xero by number before anything is created."""

	xero_id: str | None = None  # InvoiceID or CreditNoteID
	kind: str | None = None  # "invoice" | "credit_note"
	xero_number: str | None = None
	xero_status: str | None = None  # DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED, DELETED
	total: Decimal | None = None
	amount_due: Decimal | None = None
	amount_paid: Decimal | None = None
	amount_credited: Decimal | None = None  # invoices: credited by notes; notes: allocated
	fully_paid_on: str | None = None  # YYYY-MM-DD
	payload_hash: str | None = None  # hash of the last payload Xero accepted
	pending_hash: str | None = None  # hash of a write whose outcome is not known yet
	outcome_unknown: bool = False
	allocated: Decimal | None = None  # credit notes: amount this app allocated to the original
	last_synced_at: datetime | None = None
	attempts: int = 0
	# writes Xero refused outright: part of the next write's idempotency key, so a resend
	# after the cause is fixed reaches Xero afresh instead of replaying the refusal
	refusals: int = 0

	def to_dict(self) -> dict:
		"""JSON-safe dict (Decimal and datetime as strings)."""
		out = {}
		for key, value in asdict(self).items():
			if isinstance(value, Decimal):
				value = str(value)
			elif isinstance(value, datetime):
				value = value.isoformat()
			out[key] = value
		return out

	@classmethod
	def from_dict(cls, data: dict) -> SyncState:
		names = {f.name for f in fields(cls)}
		kwargs = {k: v for k, v in data.items() if k in names}
		for key in ("total", "amount_due", "amount_paid", "amount_credited", "allocated"):
			if kwargs.get(key) is not None:
				kwargs[key] = Decimal(str(kwargs[key]))
		if kwargs.get("last_synced_at"):
			kwargs["last_synced_at"] = datetime.fromisoformat(kwargs["last_synced_at"])
		return cls(**kwargs)


@dataclass
class LogEntry:
	"""One row of the Xero Sync Log: one attempt at one operation on one document."""

	reference_doctype: str
	reference_name: str
	operation: str  # one of OPERATIONS
	status: str  # one of STATUSES
	attempt: int = 1
	idempotency_key: str | None = None
	xero_ids: list[str] = field(default_factory=list)
	request: str | None = None  # JSON, secrets redacted (see log.redact)
	response: str | None = None
	messages: list[str] = field(default_factory=list)  # Xero's validation messages, verbatim
	cause: str | None = None
	resolution: str | None = None
	error_kind: str | None = None  # transient | permanent | needs_reauthorisation | rate_limited | preflight
	http_status: int | None = None  # Xero's HTTP status, when Xero answered
	contact_rule: str | None = None  # how the customer's Xero contact was found (contacts.Resolution.rule)
	created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

	def to_dict(self) -> dict:
		out = asdict(self)
		out["created_at"] = self.created_at.isoformat()
		return out


class Host(Protocol):
	"""Implemented by the Frappe shell and by :class:`~.memory_host.MemoryHost`.

	Document names are ERPNext ``Sales Invoice`` names; customers are ``Customer`` names."""

	site_id: str  # stable id of this ERPNext site, part of every idempotency key
	tenant_id: str  # the connected Xero organisation

	def load_invoice(self, name: str) -> dict | None:
		"""The Sales Invoice as ``doc.as_dict()`` (with ``items`` and ``taxes``), or None."""

	def mapping_context(self, doc: dict) -> MappingContext:
		"""Settings, mappings and the masters the document uses. ``xero`` may be None:
		the engine then reads the organisation's accounts, tax rates and currencies itself."""

	def get_state(self, name: str) -> SyncState | None: ...

	def save_state(self, name: str, state: SyncState | None) -> None:
		"""Store (or, with None, clear) the document's sync state."""

	def get_contact_id(self, customer: str) -> str | None:
		"""The Customer's stored ContactID. For a Supplier (issue 16) the engine calls
		``get_contact_id(supplier, doctype="Supplier")``; a Host that syncs Purchase Invoices takes it."""

	def save_contact_id(self, customer: str, contact_id: str) -> None:
		"""Store the Customer's ContactID (``doctype="Supplier"``: a Supplier's, as above)."""

	def write_log(self, entry: LogEntry) -> None: ...

	def count_attempts(self, name: str, operation: str) -> int:
		"""How many log rows this document already has for ``operation`` (for ``LogEntry.attempt``)."""

	def get_watermark(self, tenant_id: str, resource: str) -> datetime | None:
		"""Newest ``UpdatedDateUTC`` already pulled for ``resource`` ("Invoices", "CreditNotes")."""

	def set_watermark(self, tenant_id: str, resource: str, value: datetime) -> None: ...

	def find_by_xero_id(self, xero_id: str) -> str | None:
		"""The Sales Invoice linked to this InvoiceID/CreditNoteID, if any."""

	# Optional: ``hold_documents(names)``, a context manager that keeps every other worker of
	# this host from syncing these documents until it exits (the engine holds them from the
	# first read of their state to the last write). A host whose callers already hold them
	# (the Frappe shell: RedisLock on ``document:NAME``) need not have it.
	# Optional: ``hold_customers(customers)``, likewise for Customers: the engine holds the
	# customers whose Xero contact is not stored from its look-up in Xero to the contact's
	# creation and stored ContactID (:mod:`.contacts`), so that two workers sending invoices of
	# one new customer never create two contacts. It may raise ``TimeoutError`` (the engine then
	# leaves the invoices Queued). Always taken after ``hold_documents``, never before.
