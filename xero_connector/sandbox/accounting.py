"""Xero's Accounting API (``/api.xro/2.0``) for one organisation: routing, batches, reads and envelopes.

The platform's HTTP server calls :meth:`AccountingAPI.handle` (holding the
organisation's lock) after authentication, limits and idempotency. Writes
are delegated to :mod:`.contacts`, :mod:`.documents`, :mod:`.payments` and
:mod:`.allocations`; list reads use :mod:`.query`; JSON shapes come from
:mod:`.render`.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from decimal import Decimal

from . import attachments, purchase_orders, quotes, render, tracking
from . import messages as msg
from .allocations import write_allocation
from .answers import ApiResponse, BadRequest, not_found, validation_body
from .common import Ctx, Outcome
from .contacts import find as find_contact
from .contacts import write_contact
from .documents import CREDIT_NOTE, INVOICE, Kind, find, write_document
from .payments import delete_payment, write_payment
from .query import BadQuery, filtered_and_ordered, first, id_list, modified_since, page_of, paging
from .state import Organisation
from .xerodates import BadDate, ms_date, parse_if_modified_since, stamp, utc_now

log = logging.getLogger(__name__)

PROVIDER_NAME = "xero_connector sandbox"

MAX_ELEMENTS = 50


class AccountingAPI:
	"""Xero's Accounting API for one organisation. The server calls handle() while holding that
	organisation's lock, so handle() needn't be thread-safe itself."""

	def __init__(
		self,
		org: Organisation,
		clock,
		emit_event: Callable[[str, str, str], None] | None = None,
		loosened: frozenset[str] = frozenset(),
	) -> None:
		self.org = org
		self.clock = clock
		self.emit_event = emit_event
		self.loosened = loosened
		self._wrote = False

	@property
	def wrote(self) -> bool:
		"""True if the last handle() call changed state (the platform persists then)."""
		return self._wrote

	def handle(
		self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
	) -> ApiResponse:
		now = utc_now(self.clock)
		unitdp = 4 if first(query, "unitdp") == "4" else 2
		ctx = Ctx(self.org, stamp(now), now.date().isoformat(), unitdp, loosened=self.loosened)
		self._wrote = False
		try:
			response = self._route(ctx, method.upper(), path, query, headers, body)
		except BadRequest as bad:
			response = ApiResponse(400, bad.body)
		except (BadQuery, BadDate) as bad:
			response = ApiResponse(
				400, {"ErrorNumber": 16, "Type": "QueryParseException", "Message": str(bad)}
			)
		self._wrote = ctx.wrote
		self._emit(ctx)
		return response

	# ---- plumbing -------------------------------------------------------------

	def _emit(self, ctx: Ctx) -> None:
		if not self.emit_event:
			return
		for resource, resource_id, kind in ctx.events:
			try:
				self.emit_event(resource, resource_id, kind)
			except Exception:  # a webhook problem must never fail the API call
				log.exception("emit_event failed for %s %s", resource, resource_id)

	def _ok(self, payload: dict) -> ApiResponse:
		envelope = {
			"Id": str(uuid.uuid4()),
			"Status": "OK",
			"ProviderName": PROVIDER_NAME,
			"DateTimeUTC": ms_date(stamp(utc_now(self.clock))).replace("+0000", ""),
		}
		return ApiResponse(200, {**envelope, **payload}, {"Content-Type": "application/json; charset=utf-8"})

	def _route(self, ctx: Ctx, method: str, path: str, query, headers, body: bytes) -> ApiResponse:
		parts = [p for p in path.split("?")[0].strip("/").split("/") if p]
		if not parts:
			return not_found()
		resource, rest = parts[0].lower(), parts[1:]
		handler = {
			"invoices": self._invoices,
			"creditnotes": self._credit_notes,
			"contacts": self._contacts,
			"payments": self._payments,
			"accounts": self._accounts,
			"taxrates": self._tax_rates,
			"currencies": self._currencies,
			"items": self._items,
			"organisation": self._organisation,
			"quotes": lambda *args: quotes.handle(self, *args),  # issue 6: sandbox/quotes.py
			"purchaseorders": lambda *args: purchase_orders.handle(self, *args),  # issue 16
			"trackingcategories": lambda *args: tracking.handle(self, *args),  # issue 17
		}.get(resource)
		if handler is None or len(rest) > (3 if resource in ("trackingcategories", "invoices") else 2):
			return not_found()
		return handler(ctx, method, rest, query, headers, body)

	# ---- writes ---------------------------------------------------------------

	@staticmethod
	def _elements(body: bytes, key: str) -> list:
		"""The elements of a write: ``{"Invoices": [...]}``, a single object, or a bare list."""
		if not body or not body.strip():
			raise BadRequest(
				{
					"ErrorNumber": 14,
					"Type": "PostDataInvalidException",
					"Message": "The request body is empty",
				}
			)
		try:
			data = json.loads(body, parse_float=Decimal)
		except (ValueError, UnicodeDecodeError) as error:
			raise BadRequest(
				{
					"ErrorNumber": 14,
					"Type": "PostDataInvalidException",
					"Message": f"Invalid Json data: {error}",
				}
			)
		if isinstance(data, dict):
			wrapped = next((v for k, v in data.items() if k.lower() == key.lower()), None)
			if isinstance(wrapped, list):
				data = wrapped
			elif isinstance(wrapped, dict):
				data = [wrapped]
			else:
				data = [data]
		if not isinstance(data, list):
			raise BadRequest(
				{"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": "Invalid Json data"}
			)
		if len(data) > MAX_ELEMENTS:
			raise BadRequest(
				validation_body([{"ValidationErrors": [{"Message": msg.too_many_elements(key)}]}])
			)
		return data

	def _batch(self, key: str, outcomes: list[Outcome], query, error_flag: str | None) -> ApiResponse:
		"""Xero's two answers to a batch: summarised (400 if any element failed, the valid ones
		still saved) or, with ``summarizeErrors=false``, 200 with a status per element."""
		summarize = (first(query, "summarizeErrors") or "true").lower() != "false"
		if summarize and any(not o.ok for o in outcomes):
			return ApiResponse(
				400, validation_body([self._marked(o, error_flag) for o in outcomes if not o.ok])
			)
		return self._ok({key: [self._marked(o, error_flag) for o in outcomes]})

	@staticmethod
	def _marked(outcome: Outcome, error_flag: str | None) -> dict:
		element = dict(outcome.element)
		if outcome.errors:
			element["StatusAttributeString"] = "ERROR"
			element["ValidationErrors"] = [{"Message": m} for m in outcome.errors]
			if error_flag:
				element[error_flag] = True
		elif outcome.warnings:
			element["StatusAttributeString"] = "WARNING"
			element["Warnings"] = [{"Message": m} for m in outcome.warnings]
		else:
			element["StatusAttributeString"] = "OK"
		return element

	# ---- invoices and credit notes ---------------------------------------------

	def _invoices(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if len(rest) >= 2 and rest[1].lower() in ("attachments", "onlineinvoice"):  # issue 17
			doc = find(ctx, INVOICE, rest[0])
			return attachments.handle(self, ctx, doc, method, rest, query, body) if doc else not_found()
		return self._documents(ctx, INVOICE, "Invoices", method, rest, query, headers, body)

	def _credit_notes(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if len(rest) == 2 and rest[1].lower() == "allocations" and method in ("PUT", "POST"):
			note = find(ctx, CREDIT_NOTE, rest[0])
			if note is None:
				return not_found()
			elements = self._elements(body, "Allocations")
			outcomes = [write_allocation(ctx, note, element) for element in elements]
			return self._batch("Allocations", outcomes, query, None)
		return self._documents(ctx, CREDIT_NOTE, "CreditNotes", method, rest, query, headers, body)

	def _documents(self, ctx, kind: Kind, key, method, rest, query, headers, body) -> ApiResponse:
		if len(rest) > 1:
			return not_found()
		if method == "GET" and rest:
			doc = find(ctx, kind, rest[0])
			return self._ok({key: [kind.render(ctx, doc)]}) if doc else not_found()
		if method == "GET":
			return self._list_documents(ctx, kind, key, query, headers)
		if method not in ("PUT", "POST"):
			return not_found()
		elements = self._elements(body, key)
		path_key = rest[0] if rest else None
		outcomes = [
			write_document(ctx, kind, element, path_key if i == 0 else None, create_only=method == "PUT")
			for i, element in enumerate(elements)
		]
		return self._batch(key, outcomes, query, "HasErrors")

	def _list_documents(self, ctx, kind: Kind, key, query, headers) -> ApiResponse:
		collection = getattr(ctx.org, kind.collection)
		ids = id_list(query, "IDs")
		numbers = id_list(query, "InvoiceNumbers" if kind is INVOICE else "CreditNoteNumbers")
		# IDs and numbers are looked up, not searched for: a list costs the same at any store size
		if ids is not None:
			found = (collection.get(i) for i in dict.fromkeys(i.lower() for i in ids))
			docs = [d for d in found if d is not None]
		elif numbers is not None:
			by_id = {
				d[kind.id_key]: d for n in numbers for d in ctx.org.documents_numbered(kind.collection, n)
			}
			docs = list(by_id.values())
		else:
			docs = self._since(ctx, kind.collection, headers)
		if ids is not None and numbers is not None:
			wanted = {n.strip().casefold() for n in numbers}
			docs = [d for d in docs if str(d.get(kind.number_key) or "").strip().casefold() in wanted]
		contact_ids = id_list(query, "ContactIDs")
		if contact_ids is not None:
			wanted = {c.lower() for c in contact_ids}
			docs = [d for d in docs if d["ContactID"] in wanted]
		statuses = id_list(query, "Statuses")
		if statuses is not None:
			wanted = {s.upper() for s in statuses}
			docs = [d for d in docs if d["Status"] in wanted]
		term = first(query, "searchTerm")
		if term:
			folded = term.casefold()
			docs = [
				d
				for d in docs
				if folded in f"{d.get(kind.number_key) or ''} {d.get('Reference') or ''}".casefold()
			]
		paged = paging(query) is not None
		return self._list(
			key, docs, query, headers, lambda d: kind.render(ctx, d, with_lines=paged), can_page=True
		)

	# ---- the generic read ------------------------------------------------------

	@staticmethod
	def _since(ctx, collection: str, headers) -> list[dict]:
		"""The collection's records, or with If-Modified-Since only those changed since, read from
		the organisation's change log (no scan of the whole collection)."""
		since = headers.get("if-modified-since")
		if since:
			moment = parse_if_modified_since(since)
			changed = ctx.org.changed_since(collection, lambda s: modified_since(s, moment))
			if changed is not None:
				return changed
		return list(getattr(ctx.org, collection).values())

	def _list(self, key, records, query, headers, render_one, can_page: bool) -> ApiResponse:
		since = headers.get("if-modified-since")
		if since:
			moment = parse_if_modified_since(since)
			records = [r for r in records if modified_since(r["UpdatedDateUTC"], moment)]
		where = first(query, "where")
		pages = paging(query) if can_page else None
		if pages is not None and not where and not first(query, "order"):
			items, pagination = page_of(records, *pages)  # render only the page asked for
			return self._ok({"pagination": pagination, key: [render_one(r) for r in items]})
		rendered = filtered_and_ordered([render_one(r) for r in records], query, self._case_sensitive)
		if pages is None:
			return self._ok({key: rendered})
		items, pagination = page_of(rendered, *pages)
		return self._ok({"pagination": pagination, key: items})

	# ---- contacts and payments ---------------------------------------------------

	def _contacts(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if len(rest) > 1:
			return not_found()
		if method == "GET" and rest:
			contact = find_contact(ctx, rest[0])
			return self._ok({"Contacts": [render.contact(contact)]}) if contact else not_found()
		if method == "GET":
			ids = id_list(query, "IDs")
			if ids is not None:
				found = (ctx.org.contacts.get(i) for i in dict.fromkeys(i.lower() for i in ids))
				contacts = [c for c in found if c is not None]
			else:
				contacts = self._since(ctx, "contacts", headers)
			if (
				ids is None
				and (first(query, "includeArchived") or "").lower() != "true"
				and "contactstatus" not in (first(query, "where") or "").lower()
			):
				contacts = [c for c in contacts if c["ContactStatus"] != "ARCHIVED"]
			term = first(query, "searchTerm")
			if term:
				contacts = [c for c in contacts if _contact_matches(c, term)]
			paged = paging(query) is not None
			render_one = lambda c: render.contact(c, with_merge=paged)  # noqa: E731
			return self._list("Contacts", contacts, query, headers, render_one, can_page=True)
		if method not in ("PUT", "POST"):
			return not_found()
		elements = self._elements(body, "Contacts")
		path_key = rest[0] if rest else None
		outcomes = [
			write_contact(ctx, element, path_key if i == 0 else None, create_only=method == "PUT")
			for i, element in enumerate(elements)
		]
		return self._batch("Contacts", outcomes, query, "HasValidationErrors")

	def _payments(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if len(rest) > 1:
			return not_found()
		if method == "GET" and rest:
			record = ctx.org.payments.get(rest[0].lower())
			return self._ok({"Payments": [render.payment(ctx.org, record)]}) if record else not_found()
		if method == "GET":
			records = self._since(ctx, "payments", headers)
			return self._list("Payments", records, query, headers, lambda p: render.payment(ctx.org, p), True)
		if method == "POST" and rest:
			if rest[0].lower() not in ctx.org.payments:
				return not_found()
			elements = self._elements(body, "Payments")
			outcomes = [delete_payment(ctx, rest[0], element) for element in elements[:1]]
			return self._batch("Payments", outcomes, query, "HasValidationErrors")
		if method not in ("PUT", "POST"):
			return not_found()
		elements = self._elements(body, "Payments")
		outcomes = [write_payment(ctx, element) for element in elements]
		return self._batch("Payments", outcomes, query, "HasValidationErrors")

	# ---- reference data ----------------------------------------------------------

	def _accounts(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if method != "GET" or len(rest) > 1:
			return not_found()
		accounts = list(ctx.org.accounts.values())
		if rest:
			found = [a for a in accounts if a["AccountID"] == rest[0].lower()]
			return self._ok({"Accounts": [render.account(found[0])]}) if found else not_found()
		return self._list("Accounts", accounts, query, headers, render.account, can_page=False)

	def _tax_rates(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if method != "GET" or rest:
			return not_found()
		records = [render.tax_rate(t) for t in ctx.org.tax_rates.values()]
		return self._static("TaxRates", records, query)

	def _currencies(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if method != "GET" or rest:
			return not_found()
		return self._static("Currencies", [dict(c) for c in ctx.org.currencies], query)

	def _items(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if method != "GET" or len(rest) > 1:
			return not_found()
		items = list(ctx.org.items.values())
		render_one = lambda i: render.item(i, ctx.unitdp)  # noqa: E731
		if rest:
			found = ctx.org.items.get(rest[0].lower()) or ctx.org.item_by_code(rest[0])
			return self._ok({"Items": [render_one(found)]}) if found else not_found()
		return self._list("Items", items, query, headers, render_one, can_page=False)

	def _organisation(self, ctx, method, rest, query, headers, body) -> ApiResponse:
		if method != "GET" or rest:
			return not_found()
		return self._ok({"Organisations": [render.organisation(ctx.org)]})

	def _static(self, key: str, records: list[dict], query) -> ApiResponse:
		"""Lists without UpdatedDateUTC (tax rates, currencies): where and order only."""
		return self._ok({key: filtered_and_ordered(records, query, self._case_sensitive)})

	@property
	def _case_sensitive(self) -> bool:
		return "where_case" not in self.loosened


def _contact_matches(contact: dict, term: str) -> bool:
	fields = ("Name", "FirstName", "LastName", "ContactNumber", "CompanyNumber", "EmailAddress")
	text = " ".join(str(contact.get(f) or "") for f in fields).casefold()
	return term.casefold() in text
