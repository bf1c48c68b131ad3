"""One Xero organisation (tenant) and everything in it, as plain JSON-safe dicts.

Records are stored close to Xero's own field names, with money as strings
(``"115.00"``), dates as ``YYYY-MM-DD`` and timestamps as ISO UTC strings with
milliseconds; :mod:`.render` turns them into Xero's wire format. The server
persists an organisation with :meth:`Organisation.to_dict` (``--data FILE``).
Resource modules read and write these collections; nothing here talks HTTP.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields

COLLECTIONS = (
	"accounts",
	"tax_rates",
	"items",
	"contacts",
	"invoices",
	"credit_notes",
	"payments",
	"allocations",
)


_ID_KEYS = {"invoices": "InvoiceID", "credit_notes": "CreditNoteID"}
_NUMBER_KEYS = {"invoices": "InvoiceNumber", "credit_notes": "CreditNoteNumber"}


def _number_key(number) -> str:
	"""How document numbers compare: trimmed, case-insensitive."""
	return str(number or "").strip().casefold()


@dataclass
class Organisation:
	"""A tenant: its profile (the ``/Organisation`` fields), settings and records keyed by their Xero ids."""

	tenant_id: str
	name: str
	base_currency: str = "NZD"
	short_code: str = "!demo"
	profile: dict = field(default_factory=dict)  # extra Organisation endpoint fields
	currencies: list[dict] = field(default_factory=list)  # [{"Code": "USD", "Description": ...}]
	default_rates: dict[str, str] = field(default_factory=dict)  # "USD" → units of USD per 1 base unit
	accounts: dict[str, dict] = field(default_factory=dict)  # AccountID → account
	tax_rates: dict[str, dict] = field(default_factory=dict)  # TaxType → tax rate
	items: dict[str, dict] = field(default_factory=dict)  # ItemID → item
	contacts: dict[str, dict] = field(default_factory=dict)  # ContactID → contact
	invoices: dict[str, dict] = field(default_factory=dict)  # InvoiceID → invoice
	credit_notes: dict[str, dict] = field(default_factory=dict)  # CreditNoteID → credit note
	payments: dict[str, dict] = field(default_factory=dict)  # PaymentID → payment
	allocations: dict[str, dict] = field(default_factory=dict)  # AllocationID → allocation
	quotes: dict[str, dict] = field(default_factory=dict)  # QuoteID → quote (sandbox/quotes.py)
	# PurchaseOrderID → purchase order (sandbox/purchase_orders.py)
	purchase_orders: dict[str, dict] = field(default_factory=dict)
	# TrackingCategoryID → category with its Options (sandbox/tracking.py)
	tracking_categories: dict[str, dict] = field(default_factory=dict)
	attachments: dict[str, list[dict]] = field(default_factory=dict)  # InvoiceID → files (attachments.py)
	counters: dict[str, int] = field(default_factory=dict)  # next automatic numbers ("INV", "CN")

	# ---- persistence -------------------------------------------------------

	def to_dict(self) -> dict:
		"""A deep, JSON-safe copy (called by the platform's persistence)."""
		return {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self)}

	@classmethod
	def from_dict(cls, data: dict) -> Organisation:
		known = {f.name for f in fields(cls)}
		return cls(**{k: copy.deepcopy(v) for k, v in data.items() if k in known})

	# ---- look-ups used by the resources ------------------------------------

	def account_by_code(self, code: str | None) -> dict | None:
		if not code:
			return None
		wanted = str(code).strip().casefold()
		return next((a for a in self.accounts.values() if str(a.get("Code", "")).casefold() == wanted), None)

	def item_by_code(self, code: str | None) -> dict | None:
		if not code:
			return None
		wanted = str(code).strip().casefold()
		return next((i for i in self.items.values() if i["Code"].casefold() == wanted), None)

	def currency_codes(self) -> set[str]:
		return {c["Code"] for c in self.currencies}

	def document_by_number(self, kind: str, number: str | None) -> dict | None:
		"""The invoice (``kind="invoices"``) or credit note holding that number, whatever its status:
		in Xero a voided or deleted document keeps its number (numbers compare trimmed and
		case-insensitively). Looked up in an index, so it costs the same at 100 and at 100,000
		documents."""
		if not number:
			return None
		docs, by_number, _ = self._numbers(kind)
		ids = by_number.get(_number_key(number), ())
		found = [docs[i] for i in ids if i in docs]
		# the live document first, when a lenient test let a number be used twice
		return next(
			(d for d in found if d["Status"] not in ("DELETED", "VOIDED")), found[0] if found else None
		)

	def documents_numbered(self, kind: str, number: str | None) -> list[dict]:
		"""Every document of ``kind`` holding ``number`` (any status), from the index."""
		if not number:
			return []
		docs, by_number, _ = self._numbers(kind)
		return [docs[i] for i in by_number.get(_number_key(number), ()) if i in docs]

	def store_document(self, kind: str, doc: dict) -> None:
		"""Put ``doc`` in its collection and keep the number index current (called by the
		documents resource for every create and update): O(1), the index is never rebuilt."""
		self.index_document(kind, doc)
		getattr(self, kind)[doc[_ID_KEYS[kind]]] = doc

	def index_document(self, kind: str, doc: dict) -> None:
		"""Keep the number index current for ``doc`` (stored or about to be stored)."""
		_, by_number, number_of = self._numbers(kind)
		doc_id = doc[_ID_KEYS[kind]]
		number = _number_key(doc.get(_NUMBER_KEYS[kind]))
		old = number_of.get(doc_id)
		if old == number:
			return
		if old is not None:
			ids = by_number.get(old)
			if ids is not None:
				ids.discard(doc_id)
				if not ids:
					del by_number[old]
		by_number.setdefault(number, set()).add(doc_id)
		number_of[doc_id] = number

	def _numbers(self, kind: str) -> tuple[dict[str, dict], dict[str, set[str]], dict[str, str]]:
		"""(the collection, number → ids, id → number). Built on first use, and again only when the
		collection was replaced or written to without :meth:`store_document` (tests, a loaded
		state file); not persisted."""
		cache = self.__dict__.setdefault("_number_index", {})
		docs = getattr(self, kind)
		entry = cache.get(kind)
		if entry is None or entry[0] is not docs or len(entry[2]) < len(docs):
			number_key = _NUMBER_KEYS[kind]
			by_number: dict[str, set[str]] = {}
			number_of: dict[str, str] = {}
			for doc_id, doc in docs.items():
				number = _number_key(doc.get(number_key))
				by_number.setdefault(number, set()).add(doc_id)
				number_of[doc_id] = number
			entry = cache[kind] = (docs, by_number, number_of)
		return entry

	# ---- what changed when (If-Modified-Since without reading every record) ----

	def mark_modified(self, kind: str, record_id: str, stamp: str | None = None) -> None:
		"""Move ``record_id`` to the end of ``kind``'s change log (records in the order of their
		last change, so a list with If-Modified-Since reads only what changed since). Called by
		``Ctx.touch`` for every change."""
		log = self._change_log(kind, record_id)
		log.pop(record_id, None)
		log[record_id] = None
		latest = self.__dict__.setdefault("_latest_stamp", {})
		if stamp is not None:
			if stamp < latest.get(kind, ""):  # the clock went back: the log is no longer in order
				self.__dict__.setdefault("_unordered", set()).add(kind)
			latest[kind] = max(stamp, latest.get(kind, ""))

	def changed_since(self, kind: str, since_stamp) -> list[dict] | None:
		"""The records of ``kind`` changed after ``since_stamp`` (a function stamp → bool says
		"later"), newest last; None when the change log cannot answer (then read everything)."""
		records = getattr(self, kind)
		log = self._change_log(kind)
		if len(log) != len(records) or kind in self.__dict__.get("_unordered", ()):
			return None
		found = []
		for record_id in reversed(log):
			record = records.get(record_id)
			if record is None:
				return None
			if not since_stamp(record["UpdatedDateUTC"]):
				break
			found.append(record)
		found.reverse()
		return found

	def _change_log(self, kind: str, adding: str | None = None) -> dict[str, None]:
		"""``kind``'s change log; rebuilt (sorted by UpdatedDateUTC) only when records were added
		without :meth:`mark_modified` (``adding``: the record about to be logged)."""
		logs = self.__dict__.setdefault("_change_logs", {})
		records = getattr(self, kind)
		entry = logs.get(kind)
		new = 1 if adding is not None and adding in records and adding not in (entry or ((), {}))[1] else 0
		if entry is None or entry[0] is not records or len(entry[1]) + new < len(records):
			ordered = sorted(records, key=lambda i: records[i].get("UpdatedDateUTC") or "")
			entry = logs[kind] = (records, dict.fromkeys(ordered))
			self.__dict__.get("_unordered", set()).discard(kind)
		return entry[1]

	# ---- contacts by name, account number and contact number ----

	def contacts_named(self, name: str | None) -> list[dict]:
		"""Contacts whose trimmed name equals ``name`` case-insensitively (any status)."""
		return self._contact_lookup("name", name)

	def contacts_with_account_number(self, number: str | None) -> list[dict]:
		return self._contact_lookup("account", number)

	def contacts_with_contact_number(self, number: str | None) -> list[dict]:
		return self._contact_lookup("contact", number, fold=False)

	def store_contact(self, record: dict) -> None:
		"""Put ``record`` in the contacts and keep the contact indexes current."""
		self._index_contact(record)
		self.contacts[record["ContactID"]] = record

	def _contact_lookup(self, which: str, value, fold: bool = True) -> list[dict]:
		if not value:
			return []
		key = str(value).strip().casefold() if fold else str(value)
		ids = self._contact_index()[which].get(key, ())
		return [self.contacts[i] for i in ids if i in self.contacts]

	def _contact_keys(self, record: dict) -> dict[str, str]:
		return {
			"name": str(record.get("Name") or "").strip().casefold(),
			"account": str(record.get("AccountNumber") or "").strip().casefold(),
			"contact": str(record.get("ContactNumber") or ""),
		}

	def _index_contact(self, record: dict, index: dict | None = None) -> None:
		index = index if index is not None else self._contact_index()
		contact_id = record["ContactID"]
		old = index["of"].get(contact_id, {})
		new = self._contact_keys(record)
		for which, key in old.items():
			ids = index[which].get(key)
			if ids is not None:
				ids.discard(contact_id)
		for which, key in new.items():
			if key:
				index[which].setdefault(key, set()).add(contact_id)
		index["of"][contact_id] = new

	def _contact_index(self) -> dict:
		entry = self.__dict__.get("_contacts_by")
		if entry is None or entry[0] is not self.contacts or len(entry[1]["of"]) < len(self.contacts):
			index: dict = {"name": {}, "account": {}, "contact": {}, "of": {}}
			entry = (self.contacts, index)
			self.__dict__["_contacts_by"] = entry
			for record in self.contacts.values():
				self._index_contact(record, index)
		return entry[1]

	def reindex_contact(self, record: dict) -> None:
		"""After a contact changed in place (name, numbers, status)."""
		self._index_contact(record)

	# ---- payments and allocations by document ----

	def applied_to(self, doc_id: str) -> tuple[list[dict], list[dict]]:
		"""The payments (any status) and allocations touching a document, from an index kept
		current by :meth:`add_payment` and :meth:`add_allocation`."""
		return self._applied_index().get(doc_id, ([], []))

	def add_payment(self, record: dict) -> None:
		index = self._applied_index()
		self.payments[record["PaymentID"]] = record
		target = record.get("InvoiceID") or record.get("CreditNoteID")
		index.setdefault(target, ([], []))[0].append(record)
		self.__dict__["_applied_sizes"] = (len(self.payments), len(self.allocations))

	def add_allocation(self, record: dict) -> None:
		index = self._applied_index()
		self.allocations[record["AllocationID"]] = record
		for target in (record["InvoiceID"], record["CreditNoteID"]):
			index.setdefault(target, ([], []))[1].append(record)
		self.__dict__["_applied_sizes"] = (len(self.payments), len(self.allocations))

	def _applied_index(self) -> dict[str, tuple[list, list]]:
		sizes = (len(self.payments), len(self.allocations))
		by_doc = self.__dict__.get("_applied_by")
		if by_doc is None or self.__dict__.get("_applied_sizes") != sizes:
			by_doc = {}
			for payment in self.payments.values():
				target = payment.get("InvoiceID") or payment.get("CreditNoteID")
				by_doc.setdefault(target, ([], []))[0].append(payment)
			for allocation in self.allocations.values():
				for target in (allocation["InvoiceID"], allocation["CreditNoteID"]):
					by_doc.setdefault(target, ([], []))[1].append(allocation)
			self.__dict__["_applied_by"] = by_doc
			self.__dict__["_applied_sizes"] = sizes
		return by_doc

	def next_number(self, prefix: str) -> str:
		"""Xero's automatic numbering: INV-0001, CN-0001, … skipping numbers already used."""
		kind = "invoices" if prefix == "INV" else "credit_notes"
		while True:
			self.counters[prefix] = self.counters.get(prefix, 0) + 1
			candidate = f"{prefix}-{self.counters[prefix]:04d}"
			if self.document_by_number(kind, candidate) is None:
				return candidate
