"""What every write in one request shares: the organisation, the request's time and options, and the outcome.

:class:`Ctx` is created by :class:`.accounting.AccountingAPI` for each request
and passed to the resource modules; :class:`Outcome` is what a resource
returns for each element of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import Organisation

# which collection a record belongs to, by the first id key it carries (a payment also
# names its invoice, a document its contact)
_COLLECTION_OF = (
	("PaymentID", "payments"),
	("AllocationID", "allocations"),
	("QuoteID", "quotes"),
	("PurchaseOrderID", "purchase_orders"),
	("InvoiceID", "invoices"),
	("CreditNoteID", "credit_notes"),
	("ContactID", "contacts"),
)


@dataclass
class Ctx:
	org: Organisation
	now: str  # stored timestamp of this request (UpdatedDateUTC of everything it writes)
	today: str  # YYYY-MM-DD, the default document date
	unitdp: int = 2
	events: list[tuple[str, str, str]] = field(default_factory=list)
	wrote: bool = False
	loosened: frozenset[str] = frozenset()  # rules.RULES a test chose to loosen

	def strict(self, rule: str) -> bool:
		"""True unless the sandbox was started with ``rule`` loosened (see :mod:`.rules`)."""
		return rule not in self.loosened

	def touch(self, record: dict) -> None:
		"""Record a change: bump UpdatedDateUTC, remember that state changed, and move the record
		to the end of its collection's change log (If-Modified-Since reads only the changes)."""
		record["UpdatedDateUTC"] = self.now
		self.wrote = True
		for id_key, collection in _COLLECTION_OF:
			if record.get(id_key):
				self.org.mark_modified(collection, record[id_key], self.now)
				break

	def event(self, resource: str, resource_id: str, kind: str) -> None:
		if (resource, resource_id, kind) not in self.events:
			self.events.append((resource, resource_id, kind))


@dataclass
class Outcome:
	"""One element's result: the rendered record (or the echoed request) and its messages."""

	element: dict
	errors: list[str] = field(default_factory=list)
	warnings: list[str] = field(default_factory=list)

	@property
	def ok(self) -> bool:
		return not self.errors


class Refused(Exception):
	"""Raised inside a resource to reject one element with Xero's messages."""

	def __init__(self, *messages: str):
		super().__init__("; ".join(messages))
		self.messages = list(messages)
