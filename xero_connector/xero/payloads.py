"""What travels to and from Xero's Accounting API, outside the call pipeline (:mod:`.client`):
batches cut by count (50) and size (Xero refuses a body over 3.5 MB), answers read with money as
Decimal, Xero's validation messages and per-element results, ``Retry-After`` and the
If-Modified-Since format. Pure functions; import them from :mod:`xero_connector.xero.client`."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from xero_connector.xero import catalogue
from xero_connector.xero.results import ElementResult
from xero_connector.xero.transport import encode_json

BATCH_SIZE = 50
# Xero refuses a request body over 3.5 MB (HTTP 413); batches are cut well below it
MAX_BODY_BYTES = 3_500_000
BATCH_BODY_BYTES = 3_000_000
MONEY_KEYS = frozenset(
	{
		"Total",
		"SubTotal",
		"TotalTax",
		"TotalDiscount",
		"AmountDue",
		"AmountPaid",
		"AmountCredited",
		"RemainingCredit",
		"UnitAmount",
		"LineAmount",
		"TaxAmount",
		"DiscountAmount",
		"DiscountRate",
		"Amount",
		"Quantity",
		"CurrencyRate",
		"BankAmount",
		"EffectiveRate",
		"DisplayTaxRate",
		"Rate",
	}
)


def size_chunks(items: list[dict]) -> tuple[list[tuple[int, list[dict]]], list[tuple[int, int]]]:
	"""Cut a batch into requests of at most 50 elements and at most BATCH_BODY_BYTES of
	JSON each, keeping the order. Returns ``[(index of the first element, elements)]`` and
	the elements too large to send at all as ``[(index, bytes)]``. Elements in one request
	must be consecutive, so a skipped element ends the request before it."""
	chunks: list[tuple[int, list[dict]]] = []
	too_large: list[tuple[int, int]] = []
	current: list[dict] = []
	start, size = 0, 0
	for index, item in enumerate(items):
		item_size = len(encode_json(item)) + 1
		if item_size > BATCH_BODY_BYTES:
			if current:
				chunks.append((start, current))
			too_large.append((index, item_size))
			current, size = [], 0
			continue
		if current and (len(current) == BATCH_SIZE or size + item_size > BATCH_BODY_BYTES):
			chunks.append((start, current))
			current, size = [], 0
		if not current:
			start = index
		current.append(item)
		size += item_size
	if current:
		chunks.append((start, current))
	return chunks, too_large


def _money(value):
	"""Walk a decoded body and make every money field a Decimal (ints included)."""
	if isinstance(value, dict):
		return {
			k: (
				Decimal(v)
				if k in MONEY_KEYS and isinstance(v, int) and not isinstance(v, bool)
				else _money(v)
			)
			for k, v in value.items()
		}
	if isinstance(value, list):
		return [_money(v) for v in value]
	return value


def _modified_since(value) -> str | None:
	"""Xero's If-Modified-Since format: UTC ``YYYY-MM-DDTHH:MM:SS``."""
	if value is None:
		return None
	if isinstance(value, str):
		return value
	if isinstance(value, datetime):
		if value.tzinfo is not None:
			value = value.astimezone(timezone.utc).replace(tzinfo=None)
		return value.strftime("%Y-%m-%dT%H:%M:%S")
	if isinstance(value, date):
		return value.strftime("%Y-%m-%dT00:00:00")
	raise TypeError("if_modified_since must be a datetime, a date or a string")


def _validation_messages(body) -> tuple[list[str], list[dict]]:
	"""Xero's messages from a 400 body: every Elements[*].ValidationErrors[*].Message,
	else Message/Detail. Also returns the Elements list."""
	if not isinstance(body, dict):
		return [], []
	elements = body.get("Elements") or []
	if not isinstance(elements, list):
		elements = []
	messages = [
		err.get("Message")
		for el in elements
		if isinstance(el, dict)
		for err in (el.get("ValidationErrors") or [])
		if isinstance(err, dict) and err.get("Message")
	]
	if not messages:
		text = body.get("Message") or body.get("Detail") or body.get("detail") or body.get("Title")
		if text:
			messages = [str(text)]
	return messages, elements


def _element_result(index: int, element: dict) -> ElementResult:
	errors = [e.get("Message") for e in (element.get("ValidationErrors") or []) if e.get("Message")]
	warnings = [w.get("Message") for w in (element.get("Warnings") or []) if w.get("Message")]
	failed = bool(element.get("HasErrors")) or bool(errors)
	if failed and not errors:
		errors = ["A validation exception occurred"]
	return ElementResult(
		index=index,
		ok=not failed,
		data=element,
		messages=errors,
		entries=[catalogue.match_message(m) for m in errors],
		warnings=warnings,
	)


def _detail(body) -> str | None:
	if isinstance(body, dict):
		for key in ("Detail", "detail", "Message", "Title", "title"):
			if body.get(key):
				return str(body[key])
	return None


def _float(value) -> float | None:
	try:
		return float(value)
	except (TypeError, ValueError):
		return None


def retry_after_seconds(value, now: float | None = None) -> float | None:
	"""``Retry-After`` in either form RFC 9110 §10.2.3 allows: delay-seconds ("30") or an
	HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT"), as seconds from now (never negative)."""
	import time
	from email.utils import parsedate_to_datetime

	if value is None:
		return None
	seconds = _float(value)
	if seconds is not None:  # "NaN" and "inf" parse as floats but say nothing: ignored
		return max(seconds, 0.0) if seconds == seconds and seconds != float("inf") else None
	try:
		moment = parsedate_to_datetime(str(value))
	except (TypeError, ValueError, IndexError):
		return None
	if moment is None or moment.tzinfo is None:
		return None
	return max(moment.timestamp() - (time.time() if now is None else now), 0.0)
