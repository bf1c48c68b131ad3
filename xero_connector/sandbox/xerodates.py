"""Dates the way Xero writes and reads them.

Xero sends dates as Microsoft JSON dates, ``/Date(1700000000000+0000)/``, with
ISO companions (``DateString``: ``2026-01-31T00:00:00``), and accepts
``YYYY-MM-DD``, ISO date-times and MS JSON dates in request bodies (the
xero-python SDK sends the MS form). Records keep dates as ``YYYY-MM-DD`` and
timestamps as ISO UTC strings with milliseconds; this module converts between
the two. Called by the resource modules and :mod:`.accounting`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from email.utils import parsedate_to_datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


class BadDate(ValueError):
	"""A date in a request that Xero would not understand."""


def utc_now(clock) -> datetime:
	"""The clock's time as an aware UTC datetime, truncated to milliseconds like Xero's timestamps.

	Accepts clocks whose ``now()`` returns epoch seconds or a datetime."""
	value = clock.now()
	if isinstance(value, datetime):
		moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
		moment = moment.astimezone(timezone.utc)
	else:
		moment = datetime.fromtimestamp(float(value), tz=timezone.utc)
	return moment.replace(microsecond=(moment.microsecond // 1000) * 1000)


def stamp(moment: datetime) -> str:
	"""A stored timestamp: ISO UTC with milliseconds."""
	return (
		moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
	)


def parse_stamp(text: str) -> datetime:
	return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)


def ms_date(value: str | None) -> str | None:
	"""``YYYY-MM-DD`` or a stored timestamp → ``/Date(ms+0000)/``."""
	if not value:
		return None
	if len(value) == 10:
		moment = datetime.combine(date.fromisoformat(value), time(), tzinfo=timezone.utc)
	else:
		moment = parse_stamp(value)
	return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def date_string(value: str | None) -> str | None:
	"""``YYYY-MM-DD`` → Xero's ``DateString`` companion ``YYYY-MM-DDT00:00:00``."""
	return f"{value}T00:00:00" if value else None


def stamp_string(value: str | None) -> str | None:
	"""A stored timestamp → Xero's ``UpdatedDateUTCString`` form (``2019-11-14T18:10:38``)."""
	return value[:19] if value else None


def parse_date(value) -> str:
	"""A date from a request body (``YYYY-MM-DD``, ISO date-time, or MS JSON date) → ``YYYY-MM-DD``."""
	if isinstance(value, str):
		text = value.strip()
		match = _MS_DATE.match(text)
		if match:
			return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=timezone.utc).date().isoformat()
		try:
			if len(text) == 10:
				return date.fromisoformat(text).isoformat()
			return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
		except ValueError:
			pass
	raise BadDate(f"{value!r} is not a valid date")


def parse_if_modified_since(header: str) -> datetime:
	"""The ``If-Modified-Since`` header: ISO (``2009-11-12T00:00:00``, taken as UTC) or an HTTP date."""
	text = header.strip()
	try:
		moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
	except ValueError:
		try:
			moment = parsedate_to_datetime(text)
		except (TypeError, ValueError):
			raise BadDate(f"{header!r} is not a valid If-Modified-Since value")
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=timezone.utc)
	return moment.astimezone(timezone.utc)
