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
		"""The invoice (``kind="invoices"``) or credit note with that number, ignoring DELETED ones
		(numbers compare trimmed and case-insensitively). Looked up in an index, so duplicate-number
		checks stay fast in organisations with tens of thousands of documents."""
		if not number:
			return None
		docs, by_number, _ = self._numbers(kind)
		ids = by_number.get(_number_key(number), ())
		return next((docs[i] for i in ids if i in docs and docs[i]["Status"] != "DELETED"), None)

	def index_document(self, kind: str, doc: dict) -> None:
		"""Keep the number index current after a document is stored in its collection (called by the
		documents resource for every create and update)."""
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
		"""(the collection, number → ids, id → number). Built on first use and rebuilt when the
		collection was replaced or changed size without index_document; not persisted."""
		cache = self.__dict__.setdefault("_number_index", {})
		docs = getattr(self, kind)
		entry = cache.get(kind)
		if entry is None or entry[0] is not docs or len(entry[2]) != len(docs):
			number_key = _NUMBER_KEYS[kind]
			by_number: dict[str, set[str]] = {}
			number_of: dict[str, str] = {}
			for doc_id, doc in docs.items():
				number = _number_key(doc.get(number_key))
				by_number.setdefault(number, set()).add(doc_id)
				number_of[doc_id] = number
			entry = cache[kind] = (docs, by_number, number_of)
		return entry

	def applied_to(self, doc_id: str) -> tuple[list[dict], list[dict]]:
		"""The payments (any status) and allocations touching a document, via an index kept per
		collection size (payments and allocations are only ever added, never removed)."""
		sizes = (len(self.payments), len(self.allocations))
		cache = self.__dict__.get("_applied_index")
		if cache is None or cache[0] != sizes:
			by_doc: dict[str, tuple[list, list]] = {}
			for payment in self.payments.values():
				target = payment.get("InvoiceID") or payment.get("CreditNoteID")
				by_doc.setdefault(target, ([], []))[0].append(payment)
			for allocation in self.allocations.values():
				for target in (allocation["InvoiceID"], allocation["CreditNoteID"]):
					by_doc.setdefault(target, ([], []))[1].append(allocation)
			cache = (sizes, by_doc)
			self.__dict__["_applied_index"] = cache
		return cache[1].get(doc_id, ([], []))

	def next_number(self, prefix: str) -> str:
		"""Xero's automatic numbering: INV-0001, CN-0001, … skipping numbers already used."""
		kind = "invoices" if prefix == "INV" else "credit_notes"
		while True:
			self.counters[prefix] = self.counters.get(prefix, 0) + 1
			candidate = f"{prefix}-{self.counters[prefix]:04d}"
			if self.document_by_number(kind, candidate) is None:
				return candidate
