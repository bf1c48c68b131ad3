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
		"""The invoice (``kind="invoices"``) or credit note with that number, ignoring DELETED ones."""
		if not number:
			return None
		docs = getattr(self, kind)
		ids = self._numbers(kind).get(str(number).strip().casefold(), ())
		return next((docs[i] for i in ids if i in docs and docs[i]["Status"] != "DELETED"), None)

	def index_document(self, kind: str, doc: dict) -> None:
		"""Keep the number index current after a document is stored (called by the documents resource)."""
		numbers = self._numbers(kind)
		id_key = "InvoiceID" if kind == "invoices" else "CreditNoteID"
		for ids in numbers.values():
			ids.discard(doc[id_key])
		number = str(doc.get("InvoiceNumber" if kind == "invoices" else "CreditNoteNumber") or "")
		numbers.setdefault(number.strip().casefold(), set()).add(doc[id_key])

	def _numbers(self, kind: str) -> dict[str, set[str]]:
		"""number → ids, built on first use; not persisted (rebuilt after ``from_dict``)."""
		cache = self.__dict__.setdefault("_number_index", {})
		if kind not in cache:
			key = "InvoiceNumber" if kind == "invoices" else "CreditNoteNumber"
			index: dict[str, set[str]] = {}
			for doc_id, doc in getattr(self, kind).items():
				index.setdefault(str(doc.get(key) or "").strip().casefold(), set()).add(doc_id)
			cache[kind] = index
		return cache[kind]

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
