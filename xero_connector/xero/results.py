"""What a batch write gives back per element: Xero's data, or its messages with the
catalogue's entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from xero_connector.xero.catalogue import CatalogueEntry
from xero_connector.xero.errors import XeroValidationError


@dataclass
class ElementResult:
	"""The outcome of one element of a batch write, in the caller's input order."""

	index: int
	ok: bool
	data: dict = field(default_factory=dict)
	messages: list[str] = field(default_factory=list)
	entries: list[CatalogueEntry] = field(default_factory=list)
	warnings: list[str] = field(default_factory=list)

	@property
	def entry(self) -> CatalogueEntry | None:
		return self.entries[0] if self.entries else None

	def error(self) -> XeroValidationError | None:
		"""The failure as an exception (for callers that prefer raising)."""
		return None if self.ok else XeroValidationError(self.messages, self.entries)
