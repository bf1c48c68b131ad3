"""The Accounting API's endpoints the connector uses, as methods of the client.

Mixed into :class:`xero_connector.xero.client.XeroClient`, whose pipeline
(``call``, ``_batch``, ``_single``, ``_pages``, ``_filters``) each method goes through:
callers outside this package never name an SDK method.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from xero_connector.xero.errors import XeroNotFound
from xero_connector.xero.keys import fit_key
from xero_connector.xero.results import ElementResult


def _quote(value: str) -> str:
	"""A string literal for Xero's ``where`` filter."""
	return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class AccountingResources:
	"""Invoices, credit notes, contacts, payments, quotes, purchase orders and the reference data."""

	# ----- invoices ----------------------------------------------------------------

	def create_invoices(
		self, invoices: list[dict], idempotency_key: str, *, unitdp: int = 4
	) -> list[ElementResult]:
		"""PUT /Invoices in chunks of 50 (new invoices only)."""
		return self._batch("create_invoices", "Invoices", invoices, idempotency_key, unitdp=unitdp)

	def update_invoices(
		self, invoices: list[dict], idempotency_key: str, *, unitdp: int = 4
	) -> list[ElementResult]:
		"""POST /Invoices in chunks of 50 (create or update by InvoiceID/InvoiceNumber)."""
		return self._batch("update_or_create_invoices", "Invoices", invoices, idempotency_key, unitdp=unitdp)

	def update_invoice(
		self, invoice_id: str, changes: dict, idempotency_key: str, *, unitdp: int = 4
	) -> dict:
		"""POST /Invoices/{id}; raises XeroValidationError when Xero refuses."""
		invoice = {"InvoiceID": invoice_id, **changes}
		body = self.call(
			"update_invoice",
			invoice_id,
			{"Invoices": [invoice]},
			unitdp=unitdp,
			idempotency_key=fit_key(idempotency_key),
		)
		return self._single("Invoices", body)

	def void_invoice(self, invoice_id: str, idempotency_key: str) -> dict:
		"""Set an AUTHORISED invoice without payments to VOIDED."""
		return self.update_invoice(invoice_id, {"Status": "VOIDED"}, idempotency_key)

	def delete_invoice(self, invoice_id: str, idempotency_key: str) -> dict:
		"""Set a DRAFT or SUBMITTED invoice to DELETED."""
		return self.update_invoice(invoice_id, {"Status": "DELETED"}, idempotency_key)

	def get_invoice(self, invoice_id: str, *, unitdp: int = 4) -> dict:
		body = self.call("get_invoice", invoice_id, unitdp=unitdp)
		items = body.get("Invoices") or []
		if not items:
			raise XeroNotFound(f"Invoice {invoice_id} not found", status=404)
		return items[0]

	def iter_invoices(
		self,
		*,
		if_modified_since=None,
		statuses=None,
		ids=None,
		invoice_numbers=None,
		contact_ids=None,
		where: str | None = None,
		order: str | None = None,
		summary_only: bool | None = None,
		page_size: int | None = None,
	) -> Iterator[dict]:
		"""GET /Invoices with Xero's filters, every page (pageSize 1,000)."""
		params = self._filters(
			if_modified_since=if_modified_since,
			statuses=statuses,
			i_ds=ids,
			invoice_numbers=invoice_numbers,
			contact_i_ds=contact_ids,
			where=where,
			order=order,
			summary_only=("true" if summary_only else None),
		)
		yield from self._pages("get_invoices", "Invoices", page_size, unitdp=4, **params)

	def list_invoices(self, **filters) -> list[dict]:
		return list(self.iter_invoices(**filters))

	def invoices_page(
		self,
		page: int,
		page_size: int,
		*,
		contact_ids=None,
		where: str | None = None,
		order: str | None = None,
	) -> tuple[list[dict], bool]:
		"""One page of GET /Invoices (amounts to the cent, as Xero shows them): the invoices,
		and whether another page follows."""
		params = self._filters(contact_i_ds=contact_ids, where=where, order=order)
		body = self.call("get_invoices", page=page, page_size=page_size, unitdp=2, **params)
		invoices = body.get("Invoices") or []
		page_count = (body.get("pagination") or {}).get("pageCount")
		has_more = page < page_count if page_count is not None else len(invoices) == page_size
		return invoices, bool(has_more)

	def find_invoices_by_number(self, invoice_numbers: list[str]) -> dict[str, dict]:
		"""Existing invoices by InvoiceNumber (for link-instead-of-create)."""
		found = {}
		numbers = list(dict.fromkeys(invoice_numbers))
		for start in range(0, len(numbers), 100):
			for inv in self.iter_invoices(invoice_numbers=numbers[start : start + 100]):
				if inv.get("Status") != "DELETED":
					found[inv.get("InvoiceNumber")] = inv
		return found

	# ----- credit notes ------------------------------------------------------------

	def create_credit_notes(
		self, credit_notes: list[dict], idempotency_key: str, *, unitdp: int = 4
	) -> list[ElementResult]:
		"""PUT /CreditNotes in chunks of 50."""
		return self._batch("create_credit_notes", "CreditNotes", credit_notes, idempotency_key, unitdp=unitdp)

	def update_credit_notes(
		self, credit_notes: list[dict], idempotency_key: str, *, unitdp: int = 4
	) -> list[ElementResult]:
		"""POST /CreditNotes in chunks of 50 (create or update by CreditNoteID/CreditNoteNumber),
		one result per credit note. Called by the engine's adapter to push returns."""
		return self._batch(
			"update_or_create_credit_notes", "CreditNotes", credit_notes, idempotency_key, unitdp=unitdp
		)

	def get_credit_note(self, credit_note_id: str) -> dict:
		body = self.call("get_credit_note", credit_note_id, unitdp=4)
		items = body.get("CreditNotes") or []
		if not items:
			raise XeroNotFound(f"Credit note {credit_note_id} not found", status=404)
		return items[0]

	def iter_credit_notes(
		self, *, if_modified_since=None, where: str | None = None, order: str | None = None, page_size=None
	) -> Iterator[dict]:
		params = self._filters(if_modified_since=if_modified_since, where=where, order=order)
		yield from self._pages("get_credit_notes", "CreditNotes", page_size, unitdp=4, **params)

	def list_credit_notes(self, **filters) -> list[dict]:
		return list(self.iter_credit_notes(**filters))

	def allocate_credit_note(
		self,
		credit_note_id: str,
		invoice_id: str,
		amount: Decimal,
		idempotency_key: str,
		*,
		on_date: date | str | None = None,
	) -> dict:
		"""PUT /CreditNotes/{id}/Allocations: allocate ``amount`` to the invoice."""
		allocation = {"Invoice": {"InvoiceID": invoice_id}, "Amount": Decimal(amount)}
		if on_date is not None:
			allocation["Date"] = on_date.isoformat() if isinstance(on_date, date) else on_date
		body = self.call(
			"create_credit_note_allocation",
			credit_note_id,
			{"Allocations": [allocation]},
			idempotency_key=fit_key(idempotency_key),
		)
		return self._single("Allocations", body)

	# ----- contacts ----------------------------------------------------------------

	def create_contacts(self, contacts: list[dict], idempotency_key: str) -> list[ElementResult]:
		"""PUT /Contacts in chunks of 50."""
		return self._batch("create_contacts", "Contacts", contacts, idempotency_key)

	def update_contact(self, contact_id: str, changes: dict, idempotency_key: str) -> dict:
		body = self.call(
			"update_contact",
			contact_id,
			{"Contacts": [{"ContactID": contact_id, **changes}]},
			idempotency_key=fit_key(idempotency_key),
		)
		return self._single("Contacts", body)

	def iter_contacts(
		self,
		*,
		if_modified_since=None,
		where: str | None = None,
		ids=None,
		include_archived: bool = False,
		search_term: str | None = None,
		order: str | None = None,
		page_size=None,
	) -> Iterator[dict]:
		params = self._filters(
			if_modified_since=if_modified_since,
			where=where,
			i_ds=ids,
			include_archived=("true" if include_archived else None),
			search_term=search_term,
			order=order,
		)
		yield from self._pages("get_contacts", "Contacts", page_size, **params)

	def list_contacts(self, **filters) -> list[dict]:
		return list(self.iter_contacts(**filters))

	def find_contact_by_account_number(
		self, account_number: str, include_archived: bool = True
	) -> dict | None:
		"""The contact whose AccountNumber equals ``account_number`` exactly, or None."""
		if not account_number:
			return None
		rows = self.list_contacts(
			where=f"AccountNumber=={_quote(account_number)}", include_archived=include_archived
		)
		return next((c for c in rows if c.get("AccountNumber") == account_number), None)

	def find_contact_by_name(self, name: str, include_archived: bool = False) -> dict | None:
		"""The contact named exactly ``name`` (active ones first), or None."""
		if not name:
			return None
		rows = self.list_contacts(where=f"Name=={_quote(name)}", include_archived=include_archived)
		exact = [c for c in rows if c.get("Name") == name]
		exact.sort(key=lambda c: c.get("ContactStatus") != "ACTIVE")
		return exact[0] if exact else None

	# ----- payments ----------------------------------------------------------------

	def create_payments(self, payments: list[dict], idempotency_key: str) -> list[ElementResult]:
		"""PUT /Payments in chunks of 50."""
		return self._batch("create_payments", "Payments", payments, idempotency_key)

	def iter_payments(
		self, *, if_modified_since=None, where: str | None = None, order: str | None = None, page_size=None
	) -> Iterator[dict]:
		params = self._filters(if_modified_since=if_modified_since, where=where, order=order)
		yield from self._pages("get_payments", "Payments", page_size, **params)

	def list_payments(self, **filters) -> list[dict]:
		return list(self.iter_payments(**filters))

	def delete_payment(self, payment_id: str, idempotency_key: str) -> dict:
		"""POST /Payments/{id} with Status DELETED."""
		body = self.call(
			"delete_payment", payment_id, {"Status": "DELETED"}, idempotency_key=fit_key(idempotency_key)
		)
		return self._single("Payments", body)

	# ----- quotes ------------------------------------------------------------------

	def find_quotes(self, number: str) -> list[dict]:
		"""GET /Quotes?QuoteNumber=…"""
		return self.call("get_quotes", quote_number=number).get("Quotes") or []

	def send_quote(self, quote: dict, idempotency_key: str) -> dict:
		"""PUT (a new quote) or POST (one that carries its QuoteID) with
		``summarizeErrors=false``; returns Xero's element (``ValidationErrors`` when refused)."""
		method = "update_or_create_quotes" if quote.get("QuoteID") else "create_quotes"
		answer = self.call(
			method, {"Quotes": [quote]}, summarize_errors="false", idempotency_key=fit_key(idempotency_key)
		)
		return (answer.get("Quotes") or [{}])[0]

	# ----- purchase orders (issue 16) ----------------------------------------------
	# No ``unitdp`` on these endpoints (xero_accounting.yaml: createPurchaseOrders and
	# updateOrCreatePurchaseOrders take summarizeErrors and Idempotency-Key only): Xero keeps a
	# purchase order's unit amounts to 2 decimals, and the engine's mapping sends them so.

	def create_purchase_orders(self, orders: list[dict], idempotency_key: str) -> list[ElementResult]:
		"""PUT /PurchaseOrders in chunks of 50 (new purchase orders only)."""
		return self._batch("create_purchase_orders", "PurchaseOrders", orders, idempotency_key)

	def update_purchase_orders(self, orders: list[dict], idempotency_key: str) -> list[ElementResult]:
		"""POST /PurchaseOrders in chunks of 50: elements carrying their PurchaseOrderID are updated
		(content, or Status BILLED / DELETED)."""
		return self._batch("update_or_create_purchase_orders", "PurchaseOrders", orders, idempotency_key)

	def get_purchase_order(self, purchase_order_id: str) -> dict:
		"""GET /PurchaseOrders/{PurchaseOrderID}; raises XeroNotFound."""
		rows = self.call("get_purchase_order", purchase_order_id).get("PurchaseOrders") or []
		if not rows:
			raise XeroNotFound(f"Purchase order {purchase_order_id} not found", status=404)
		return rows[0]

	def find_purchase_order(self, number: str) -> dict | None:
		"""GET /PurchaseOrders/{PurchaseOrderNumber}: the purchase order with that number, or None."""
		try:
			rows = self.call("get_purchase_order_by_number", number).get("PurchaseOrders") or []
		except XeroNotFound:
			return None
		return rows[0] if rows else None

	# ----- settings / reference data -------------------------------------------------

	def accounts(self, where: str | None = None) -> list[dict]:
		return self.call("get_accounts", **self._filters(where=where)).get("Accounts") or []

	def tax_rates(self, where: str | None = None) -> list[dict]:
		return self.call("get_tax_rates", **self._filters(where=where)).get("TaxRates") or []

	def currencies(self) -> list[dict]:
		return self.call("get_currencies").get("Currencies") or []

	def items(self, where: str | None = None) -> list[dict]:
		return self.call("get_items", **self._filters(where=where)).get("Items") or []

	def organisation(self) -> dict:
		rows = self.call("get_organisations").get("Organisations") or []
		if not rows:
			raise XeroNotFound("No organisation returned", status=404)
		return rows[0]
