"""The Xero operations the sync engine uses, and nothing else.

:class:`XeroPort` is what the engine modules call; :func:`xero_connector.engine.xero_adapter.port_for`
adapts the real client (:class:`xero_connector.xero.client.XeroClient`) to it. Everything crossing it is Xero's
JSON (PascalCase dicts) so the engine is independent of the SDK's models.

Errors are the client's typed exceptions (see :mod:`xero_connector.xero`): a permanent
validation error of a whole request, a transient error the client already retried, the
day limit, or a connection that needs re-authorising. Batch writes are sent with
``summarizeErrors=false`` so one bad element does not sink the others: each returned
element carries ``ValidationErrors`` (and ``HasErrors``/``StatusAttributeString``) itself.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

MAX_BATCH = 50  # elements per write request (Xero's documented limit)
MAX_PAGE = 1000  # pageSize ceiling for paged reads


class XeroPort(Protocol):
	tenant_id: str

	# -- reference data (once per run) ---------------------------------------------------------
	def get_organisation(self) -> dict: ...
	def get_accounts(self) -> list[dict]: ...
	def get_tax_rates(self) -> list[dict]: ...
	def get_currencies(self) -> list[dict]: ...
	def get_items(self) -> list[dict]: ...

	# -- invoices and credit notes -------------------------------------------------------------
	def create_invoices(self, invoices: list[dict], idempotency_key: str) -> list[dict]:
		"""``PUT /Invoices?summarizeErrors=false&unitdp=4``: create only (an existing number is
		refused, never overwritten). Returns Xero's elements in request order."""

	def save_invoices(self, invoices: list[dict], idempotency_key: str) -> list[dict]:
		"""``POST /Invoices?summarizeErrors=false&unitdp=4`` of elements carrying their
		``InvoiceID``: updates, including ``Status`` VOIDED/DELETED."""

	def create_credit_notes(self, credit_notes: list[dict], idempotency_key: str) -> list[dict]:
		"""``PUT /CreditNotes?summarizeErrors=false&unitdp=4``, like :meth:`create_invoices`."""

	def save_credit_notes(self, credit_notes: list[dict], idempotency_key: str) -> list[dict]:
		"""``POST /CreditNotes?summarizeErrors=false&unitdp=4``, like :meth:`save_invoices`."""

	def get_invoices(
		self,
		*,
		numbers: list[str] | None = None,
		ids: list[str] | None = None,
		modified_since: datetime | None = None,
		page_size: int | None = None,
	) -> list[dict]:
		"""``GET /Invoices`` (``InvoiceNumbers``/``IDs`` filters, ``If-Modified-Since``, ordered by
		``UpdatedDateUTC``), following pages of ``page_size`` (≤1000) to the end."""

	def get_credit_notes(
		self,
		*,
		numbers: list[str] | None = None,
		ids: list[str] | None = None,
		modified_since: datetime | None = None,
		page_size: int | None = None,
	) -> list[dict]:
		"""``GET /CreditNotes`` like :meth:`get_invoices` (the filters go in a ``where`` clause)."""

	def allocate_credit_note(
		self, credit_note_id: str, invoice_id: str, amount: Decimal, date: str, idempotency_key: str
	) -> dict:
		"""``PUT /CreditNotes/{id}/Allocations``; returns the allocation Xero stored."""

	# -- purchase orders (issue 16) ------------------------------------------------------------
	def create_purchase_orders(self, orders: list[dict], idempotency_key: str) -> list[dict]:
		"""``PUT /PurchaseOrders?summarizeErrors=false``: create only (a number Xero holds is
		refused). Returns Xero's elements in request order."""

	def save_purchase_orders(self, orders: list[dict], idempotency_key: str) -> list[dict]:
		"""``POST /PurchaseOrders?summarizeErrors=false`` of elements carrying their
		``PurchaseOrderID``: updates, including ``Status`` BILLED/DELETED."""

	def get_purchase_order(self, purchase_order_id: str) -> dict | None:
		"""``GET /PurchaseOrders/{PurchaseOrderID}``; None when Xero has no such purchase order."""

	def find_purchase_order(self, number: str) -> dict | None:
		"""``GET /PurchaseOrders/{PurchaseOrderNumber}``; None when no purchase order has it."""

	# -- contacts and payments -----------------------------------------------------------------
	def find_contacts(self, account_numbers: list[str], names: list[str]) -> list[dict]:
		"""Contacts (archived included) whose ``AccountNumber`` or ``Name`` is one of those given:
		``GET /Contacts?where=AccountNumber=="A" OR Name=="B"…&includeArchived=true``."""

	def list_contacts(self) -> list[dict]:
		"""Every contact, archived included, ``pageSize=1000`` paged to the end (cheaper than
		:meth:`find_contacts` when many customers are unknown)."""

	def create_contacts(self, contacts: list[dict], idempotency_key: str) -> list[dict]:
		"""``PUT /Contacts?summarizeErrors=false`` (≤50); elements in request order."""

	def create_payments(self, payments: list[dict], idempotency_key: str) -> list[dict]:
		"""``PUT /Payments?summarizeErrors=false`` (used by the demo, not by the sync path)."""

	def get_contact(self, contact_id: str) -> dict:
		"""``GET /Contacts/{id}`` (carries ``MergedToContactID`` for a merged contact)."""

	# -- tracking, attachments, online invoice (issue 17) ------------------------------------------
	def get_tracking_categories(self) -> list[dict]:
		"""``GET /TrackingCategories?includeArchived=true``, options inside."""

	def create_tracking_options(
		self, tracking_category_id: str, names: list[str], idempotency_key: str
	) -> list[dict]:
		"""``PUT /TrackingCategories/{id}/Options``, one option a call; the options created."""

	def attach_pdf(
		self, invoice_id: str, file_name: str, content: bytes, idempotency_key: str, include_online: bool
	) -> dict:
		"""``PUT /Invoices/{id}/Attachments/{FileName}?IncludeOnline=…``; the attachment stored."""

	def get_invoice_attachments(self, invoice_id: str) -> list[dict]:
		"""``GET /Invoices/{id}/Attachments``."""

	def get_online_invoice_url(self, invoice_id: str) -> str:
		"""``GET /Invoices/{id}/OnlineInvoice``: the OnlineInvoiceUrl."""


def chunks(items: list, size: int = MAX_BATCH):
	"""Consecutive slices of at most ``size`` items (Xero's per-request element limit)."""
	for start in range(0, len(items), size):
		yield items[start : start + size]


def element_errors(element: dict) -> list[str]:
	"""Xero's validation messages on one returned element (empty when it was saved)."""
	return [e.get("Message", "") for e in element.get("ValidationErrors") or [] if e.get("Message")]
