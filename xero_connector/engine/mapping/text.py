"""Text and dates as Xero takes them: ERPNext's HTML descriptions as plain text, ISO
dates, and numbers written for people (in problems and descriptions)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from decimal import Decimal

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.IGNORECASE)


def iso_date(value) -> str | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value.date().isoformat()
	if isinstance(value, date):
		return value.isoformat()
	return str(value)[:10]


_PLAIN_CACHE: dict[str, str] = {}


def plain_text(value: str | None) -> str:
	"""ERPNext's HTML description as plain text (tags dropped, entities decoded, blank lines squeezed)."""
	if not value:
		return ""
	cached = _PLAIN_CACHE.get(value)
	if cached is None:
		cached = _plain_text(value)
		if len(_PLAIN_CACHE) < 8192:
			_PLAIN_CACHE[value] = cached
	return cached


def _plain_text(value: str) -> str:
	text = value
	if "<" in text:
		text = _TAG.sub("", _BREAK.sub("\n", text))
	if "&" in text:
		text = html.unescape(text)
	text = _SPACE.sub(" ", text).replace("\xa0", " ")
	text = _BLANK_LINES.sub("\n", text)
	return "\n".join(part.strip() for part in text.split("\n")).strip()


def as_text(value: Decimal) -> str:
	"""A Decimal for people: no exponent, no trailing zeros."""
	return format(value.normalize(), "f")
