"""What is wrong with a document before it can go to Xero, said so that a person
can fix it: which document, which row, which field (and its value), what is
wrong and what to do.

Raised by mapping.map_sales_invoice (as MappingError) and returned by
preflight.preflight; the engine copies them into the sync log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
	from xero_connector.engine.tax_mapping import RowToAdd


@dataclass
class Problem:
	document: str  # e.g. "ACC-SINV-2026-00018"
	row: int | None  # items/taxes row idx (1-based, as ERPNext shows) or None
	field: str  # e.g. "items.item_code", "taxes.account_head", "currency", "customer"
	message: str  # what is wrong, naming the value
	fix: str  # what to do, concretely
	value: str | None = None  # the offending value, shown as "field = value"
	kind: str = ""  # a stable code for the kind of problem, e.g. "unmapped_account"
	# a tax line no mapping row fits: the Tax Mapping row that would make it fit (readiness offers it)
	row_to_add: RowToAdd | None = None

	def __str__(self) -> str:
		return f"{self.what()} Fix: {self.fix}"

	def what(self) -> str:
		"""Where and what, without the fix: "ACC-SINV-1, row 2 (items.item_code = X): ..."."""
		where = self.document or "(unnamed document)"
		if self.row is not None:
			where += f", row {self.row}"
		subject = self.field if self.value in (None, "") else f"{self.field} = {self.value}"
		return f"{where} ({subject}): {self.message}"

	def as_dict(self) -> dict:
		return {
			"document": self.document,
			"row": self.row,
			"field": self.field,
			"value": self.value,
			"kind": self.kind,
			"message": self.message,
			"fix": self.fix,
			**({"row_to_add": self.row_to_add.as_dict()} if self.row_to_add is not None else {}),
		}


class MappingError(Exception):
	"""A document cannot be mapped to Xero; ``problems`` lists every reason at once."""

	def __init__(self, problems: list[Problem]):
		self.problems = list(problems)
		super().__init__(self._text())

	def _text(self) -> str:
		if not self.problems:
			return "The document cannot be mapped to Xero."
		count = len(self.problems)
		head = f"{count} problem{'s' if count != 1 else ''} prevent sending this document to Xero:"
		return "\n".join([head, *(f"- {problem}" for problem in self.problems)])

	def __str__(self) -> str:
		return self._text()
