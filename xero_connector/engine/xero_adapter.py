"""The real Xero client seen through the engine's :class:`~.xero_port.XeroPort`.

``ClientPort(client)`` wraps a :class:`xero_connector.xero.client.XeroClient`
(OAuth, rate limits, retries, idempotency keys, typed errors) and hands the
engine plain Xero JSON: batch writes come back as one element per input, in
order, with Xero's ``ValidationErrors`` on the ones that failed.

Built by :mod:`.connection` (CLI, demo, tests) and by the Frappe shell.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from xero_connector.engine.xero_port import MAX_PAGE
from xero_connector.xero.errors import XeroNotFound

ORDER = "UpdatedDateUTC ASC"


def quote(value: str) -> str:
	"""A string literal for Xero's ``where`` clause."""
	return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(field: str, values: list[str], guid: bool = False) -> str:
	"""``field=="a" OR field=="b"`` (``Guid("…")`` literals for ID fields)."""
	literal = (lambda v: f"Guid({quote(v)})") if guid else quote
	return " OR ".join(f"{field}=={literal(v)}" for v in values)


def as_elements(results) -> list[dict]:
	"""The client's per-element results as Xero elements (errors put back as ``ValidationErrors``)."""
	out = []
	for result in results:
		element = dict(result.data or {})
		if not result.ok:
			element["HasErrors"] = True
			element["ValidationErrors"] = [{"Message": m} for m in result.messages]
		out.append(element)
	return out


class ClientPort:
	"""XeroPort over XeroClient; ``calls`` counts HTTP requests (the client's counter)."""

	def __init__(self, client):
		self.client = client
		self.tenant_id = client.tenant_id

	def __repr__(self) -> str:
		return f"ClientPort({self.client!r})"

	@property
	def calls(self) -> int:
		return self.client.calls

	# -- reference data -----------------------------------------------------------------------------
	def get_organisation(self) -> dict:
		return self.client.organisation()

	def get_accounts(self) -> list[dict]:
		return self.client.accounts()

	def get_tax_rates(self) -> list[dict]:
		return self.client.tax_rates()

	def get_currencies(self) -> list[dict]:
		return self.client.currencies()

	def get_items(self) -> list[dict]:
		return self.client.items()

	# -- invoices and credit notes ----------------------------------------------------------------
	def create_invoices(self, invoices: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.create_invoices(invoices, idempotency_key))

	def create_credit_notes(self, credit_notes: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.create_credit_notes(credit_notes, idempotency_key))

	def save_invoices(self, invoices: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.update_invoices(invoices, idempotency_key))

	def save_credit_notes(self, credit_notes: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.update_credit_notes(credit_notes, idempotency_key))

	def get_invoices(self, *, numbers=None, ids=None, modified_since: datetime | None = None, page_size=None):
		if numbers is not None or ids is not None:
			return self.client.list_invoices(
				invoice_numbers=numbers, ids=ids, page_size=page_size or MAX_PAGE
			)
		return self.client.list_invoices(
			if_modified_since=modified_since, order=ORDER, page_size=page_size or MAX_PAGE
		)

	def get_credit_notes(
		self, *, numbers=None, ids=None, modified_since: datetime | None = None, page_size=None
	):
		if numbers is not None:
			where = any_of("CreditNoteNumber", numbers)
		elif ids is not None:
			where = any_of("CreditNoteID", ids, guid=True)
		else:
			where = None
		if where == "":
			return []
		return self.client.list_credit_notes(
			if_modified_since=modified_since, where=where, order=ORDER, page_size=page_size or MAX_PAGE
		)

	def allocate_credit_note(
		self, credit_note_id: str, invoice_id: str, amount: Decimal, date: str, idempotency_key: str
	) -> dict:
		return self.client.allocate_credit_note(
			credit_note_id, invoice_id, Decimal(amount), idempotency_key, on_date=date
		)

	# -- purchase orders ---------------------------------------------------------------------------
	def create_purchase_orders(self, orders: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.create_purchase_orders(orders, idempotency_key))

	def save_purchase_orders(self, orders: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.update_purchase_orders(orders, idempotency_key))

	def get_purchase_order(self, purchase_order_id: str) -> dict | None:
		try:
			return self.client.get_purchase_order(purchase_order_id)
		except XeroNotFound:
			return None

	def find_purchase_order(self, number: str) -> dict | None:
		return self.client.find_purchase_order(number)

	# -- contacts and payments ---------------------------------------------------------------------
	def find_contacts(self, account_numbers: list[str], names: list[str]) -> list[dict]:
		terms = [any_of("AccountNumber", list(account_numbers)), any_of("Name", list(names))]
		where = " OR ".join(t for t in terms if t)
		if not where:
			return []
		return self.client.list_contacts(where=where, include_archived=True, page_size=MAX_PAGE)

	def list_contacts(self) -> list[dict]:
		return self.client.list_contacts(include_archived=True, page_size=MAX_PAGE)

	def create_contacts(self, contacts: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.create_contacts(contacts, idempotency_key))

	def create_payments(self, payments: list[dict], idempotency_key: str) -> list[dict]:
		return as_elements(self.client.create_payments(payments, idempotency_key))

	def get_contact(self, contact_id: str) -> dict:
		return self.client.get_contact(contact_id)

	# -- tracking, attachments, online invoice (issue 17) ----------------------------------------------
	def get_tracking_categories(self) -> list[dict]:
		return self.client.tracking_categories(include_archived=True)

	def create_tracking_options(
		self, tracking_category_id: str, names: list[str], idempotency_key: str
	) -> list[dict]:
		return [
			self.client.create_tracking_option(tracking_category_id, name, f"{idempotency_key}:{position}")
			for position, name in enumerate(names)
		]

	def attach_pdf(
		self,
		invoice_id: str,
		file_name: str,
		content: bytes,
		idempotency_key: str,
		include_online: bool = False,
	) -> dict:
		return self.client.attach_to_invoice(
			invoice_id, file_name, content, idempotency_key, include_online=include_online
		)

	def get_invoice_attachments(self, invoice_id: str) -> list[dict]:
		return self.client.invoice_attachments(invoice_id)

	def get_online_invoice_url(self, invoice_id: str) -> str:
		return self.client.online_invoice_url(invoice_id)
