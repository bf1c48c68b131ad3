"""The shape of the error catalogue (:mod:`.catalogue`): the kinds of failure and
:class:`CatalogueEntry`, one known failure with its cause, resolution and the pattern that
recognises Xero's message. Imported by the catalogue's entry modules; everyone else imports
these names from :mod:`xero_connector.xero.catalogue`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TRANSIENT = "transient"
PERMANENT = "permanent"
NEEDS_REAUTHORISATION = "needs_reauthorisation"
RATE_LIMITED = "rate_limited"
KINDS = (TRANSIENT, PERMANENT, NEEDS_REAUTHORISATION, RATE_LIMITED)


MATCH_CHARS = 600  # how much of a message the patterns read


@dataclass(frozen=True)
class CatalogueEntry:
	"""One known failure. ``pattern`` matches Xero's message (case-insensitive);
	``example`` is a real message of that shape (tests feed it back through
	``match_message``)."""

	key: str
	kind: str
	cause: str
	resolution: str
	pattern: str | None = None
	example: str | None = None
	http_status: int | None = None
	_regex: re.Pattern | None = field(default=None, repr=False, compare=False)

	def matches(self, message: str) -> bool:
		if not self.pattern:
			return False
		if self._regex is None:  # compiled once per entry (the dataclass is frozen)
			object.__setattr__(self, "_regex", re.compile(self.pattern, re.IGNORECASE | re.DOTALL))
		# Xero's messages are a sentence or two; a hostile 200 KB one is read as far as a real
		# message goes, so that matching stays linear in the message (issue 14)
		return bool(self._regex.search((message or "")[:MATCH_CHARS]))

	@property
	def retryable(self) -> bool:
		return self.kind in (TRANSIENT, RATE_LIMITED)

	def as_dict(self) -> dict:
		return {"key": self.key, "kind": self.kind, "cause": self.cause, "resolution": self.resolution}


def _e(key, kind, cause, resolution, pattern=None, example=None, http_status=None) -> CatalogueEntry:
	return CatalogueEntry(key, kind, cause, resolution, pattern, example, http_status)
