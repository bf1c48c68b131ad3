"""Sales quotes: ``GET/PUT/POST /Quotes`` and ``GET/POST /Quotes/{QuoteID}``, shaped
like Xero's OpenAPI spec (``Quote``, ``QuoteStatusCodes``, ``QuoteLineAmountTypes``).

- PUT creates (a QuoteNumber already used is refused); POST creates or updates: by
  ``QuoteID`` (body or path), else by an existing ``QuoteNumber``.
- ``Contact``, ``Date`` and at least one line are required; lines, taxes and totals
  follow the invoices' rules (:mod:`.lines`, :mod:`.totals`); ``AccountCode`` is
  optional on a quote's lines, as in Xero.
- Status: created as DRAFT or SENT; DRAFT ↔ SENT, SENT → ACCEPTED / DECLINED,
  ACCEPTED → INVOICED, DRAFT / SENT / DECLINED → DELETED. The content of a quote is
  editable only while DRAFT or SENT; DELETED and INVOICED are final.
- ``GET /Quotes`` filters: ``QuoteNumber``, ``ContactID``, ``Status``, ``DateFrom``/
  ``DateTo``, ``ExpiryDateFrom``/``ExpiryDateTo``, ``If-Modified-Since``, ``order``,
  ``page`` (100 per page). ``GET /Quotes/{id}`` takes a QuoteID only (Xero's rule).

Called by :mod:`.accounting`'s router (``quotes``); records live in
``Organisation.quotes`` (QuoteID → quote).
"""

from __future__ import annotations

import uuid

from . import answers, render
from . import messages as msg
from .common import Ctx, Outcome, Refused
from .document_parts import _contact, _currency, _line_amount_types, _requested_lines, set_lines_and_totals
from .query import first
from .xerodates import BadDate, parse_date

STATUSES = ("DRAFT", "SENT", "DECLINED", "ACCEPTED", "INVOICED", "DELETED")
EDITABLE = ("DRAFT", "SENT")
FINAL = ("DELETED", "INVOICED")
TRANSITIONS = {
	"DRAFT": {"DRAFT", "SENT", "DELETED"},
	"SENT": {"SENT", "DRAFT", "ACCEPTED", "DECLINED", "DELETED"},
	"ACCEPTED": {"ACCEPTED", "INVOICED", "SENT"},
	"DECLINED": {"DECLINED", "SENT", "DELETED"},
}
QUOTE_NUMBER_UNIQUE = "Quote number must be unique."  # sandbox wording
QUOTE_NOT_FOUND = "An existing quote with the specified ID could not be found"
STATUS_CREATE = "A quote can only be created as DRAFT or SENT."  # sandbox wording
NONE_SUPPLIED = "You must supply at least one quote for creation"  # Xero's (pyxero #301, xeroizer #558)
PAGE_SIZE = 100


def status_change_refused(current: str, wanted: str) -> str:
	return f"The quote status cannot be changed from {current} to {wanted}."  # sandbox wording


def quotes_of(org) -> dict[str, dict]:
	return org.quotes


def find_quote(ctx: Ctx, quote_id: str | None) -> dict | None:
	return quotes_of(ctx.org).get(str(quote_id or "").lower()) if quote_id else None


def by_number(ctx: Ctx, number) -> dict | None:
	wanted = str(number or "").strip().casefold()
	if not wanted:
		return None
	return next(
		(q for q in quotes_of(ctx.org).values() if str(q.get("QuoteNumber", "")).casefold() == wanted), None
	)


# ---- writes -------------------------------------------------------------------------


def write_quote(ctx: Ctx, element, path_key: str | None = None, create_only: bool = False) -> Outcome:
	"""Create or update one quote; never raises for bad input."""
	if not isinstance(element, dict):
		return Outcome({}, [NONE_SUPPLIED])
	try:
		existing = None if create_only else _existing(ctx, element, path_key)
		quote = _update(ctx, existing, element) if existing else _create(ctx, element)
	except Refused as refused:
		echo = render.echo(element)
		echo.setdefault("QuoteID", render.ZERO_ID)
		return Outcome(echo, refused.messages)
	return Outcome(render_quote(ctx, quote))


def _existing(ctx: Ctx, element: dict, path_key: str | None) -> dict | None:
	key = path_key or element.get("QuoteID")
	if key:
		quote = find_quote(ctx, key)
		if quote is None:
			raise Refused(QUOTE_NOT_FOUND)
		return quote
	return by_number(ctx, element.get("QuoteNumber"))


def _create(ctx: Ctx, element: dict) -> dict:
	status = str(element.get("Status") or "DRAFT").upper()
	errors = [] if status in EDITABLE else [STATUS_CREATE]
	quote = {"QuoteID": str(uuid.uuid4())}
	new_contact = _fill(ctx, quote, element, status, errors)
	if errors:
		raise Refused(*errors)
	if not quote.get("QuoteNumber"):
		quote["QuoteNumber"] = ctx.org.next_number("QU")
	_store(ctx, quote, new_contact)
	return quote


def _update(ctx: Ctx, quote: dict, element: dict) -> dict:
	current = quote["Status"]
	wanted = str(element.get("Status") or current).upper()
	if current in FINAL or wanted not in TRANSITIONS.get(current, set()):
		raise Refused(status_change_refused(current, wanted))
	content = [k for k in element if k not in ("QuoteID", "QuoteNumber", "Status")]
	if current not in EDITABLE and content:
		raise Refused(status_change_refused(current, current) + " Only its status can change.")
	draft = {**quote, "LineItems": list(quote["LineItems"])}
	errors: list[str] = []
	new_contact = _fill(ctx, draft, element, wanted, errors) if content else None
	draft["Status"] = wanted
	if errors:
		raise Refused(*errors)
	quote.clear()
	quote.update(draft)
	_store(ctx, quote, new_contact)
	return quote


def _fill(ctx: Ctx, quote: dict, element: dict, status: str, errors: list[str]) -> dict | None:
	quote["Status"] = status
	new_contact = _contact(ctx, quote, element, errors)
	number = element.get("QuoteNumber")
	if number not in (None, ""):
		number = str(number).strip()
		other = by_number(ctx, number)
		if other is not None and other["QuoteID"] != quote["QuoteID"]:
			errors.append(QUOTE_NUMBER_UNIQUE)
		quote["QuoteNumber"] = number
	for key in ("Date", "ExpiryDate"):
		if element.get(key) not in (None, ""):
			try:
				quote[key] = parse_date(element[key])
			except BadDate:
				errors.append(msg.not_a_date(key, element[key]))
	quote.setdefault("Date", ctx.today)
	_currency(ctx, quote, element, errors)
	for key in ("Reference", "Terms", "Title", "Summary", "BrandingThemeID"):
		if key in element:
			quote[key] = element[key]
	lat = _line_amount_types(quote, element, errors)
	raw, from_request = _requested_lines(quote, element)
	if not isinstance(raw, list) or not raw:
		errors.append(msg.LINE_ITEMS_REQUIRED)
		raw = raw if isinstance(raw, list) else []
	# a quote posts nothing: AccountCode is optional on its lines (as on a DRAFT invoice)
	set_lines_and_totals(ctx, quote, raw, lat, "DRAFT", from_request, errors)
	return new_contact


def _store(ctx: Ctx, quote: dict, new_contact: dict | None) -> None:
	if new_contact is not None:
		ctx.org.store_contact(new_contact)
		ctx.touch(new_contact)
	ctx.touch(quote)
	quotes_of(ctx.org)[quote["QuoteID"]] = quote


# ---- reads --------------------------------------------------------------------------


def render_quote(ctx: Ctx, quote: dict) -> dict:
	"""A quote as Xero's ``Quote`` schema (LineAmountTypes in the spec's upper case)."""
	out = {
		"QuoteID": quote["QuoteID"],
		"QuoteNumber": quote.get("QuoteNumber"),
		"Reference": quote.get("Reference", ""),
		"Terms": quote.get("Terms", ""),
		"Contact": render.contact_summary(ctx.org, quote["ContactID"]),
		"LineItems": [render.line_item(line, ctx.unitdp) for line in quote["LineItems"]],
		"Date": render.ms_date(quote["Date"]),
		"DateString": f"{quote['Date']}T00:00:00",
		"Status": quote["Status"],
		"CurrencyCode": quote["CurrencyCode"],
		"CurrencyRate": render.num(quote["CurrencyRate"]),
		"SubTotal": render.num(quote["SubTotal"]),
		"TotalTax": render.num(quote["TotalTax"]),
		"Total": render.num(quote["Total"]),
		"TotalDiscount": render.num(quote.get("TotalDiscount", "0")),
		"Title": quote.get("Title", ""),
		"Summary": quote.get("Summary", ""),
		"LineAmountTypes": quote["LineAmountTypes"].upper(),
		"UpdatedDateUTC": render.ms_date(quote["UpdatedDateUTC"]),
	}
	if quote.get("ExpiryDate"):
		out["ExpiryDate"] = render.ms_date(quote["ExpiryDate"])
		out["ExpiryDateString"] = f"{quote['ExpiryDate']}T00:00:00"
	if quote.get("BrandingThemeID"):
		out["BrandingThemeID"] = quote["BrandingThemeID"]
	return out


def select(ctx: Ctx, query) -> list[dict]:
	"""The quotes ``GET /Quotes``'s query parameters ask for (before paging)."""
	quotes = list(quotes_of(ctx.org).values())
	number = first(query, "QuoteNumber")
	if number:
		quotes = [q for q in quotes if str(q.get("QuoteNumber", "")).casefold() == number.strip().casefold()]
	contact = first(query, "ContactID")
	if contact:
		quotes = [q for q in quotes if q["ContactID"] == contact.strip().lower()]
	status = first(query, "Status")
	if status:
		quotes = [q for q in quotes if q["Status"] == status.strip().upper()]
	for name, key, later in (
		("DateFrom", "Date", True),
		("DateTo", "Date", False),
		("ExpiryDateFrom", "ExpiryDate", True),
		("ExpiryDateTo", "ExpiryDate", False),
	):
		bound = first(query, name)
		if bound:
			quotes = [
				q for q in quotes if q.get(key) and (q[key] >= bound[:10] if later else q[key] <= bound[:10])
			]
	return quotes


class _Api:
	"""What this resource borrows from the accounting backend: body parsing, the batch
	answer, the generic list (If-Modified-Since, where, order, paging) and errors."""

	def __init__(self, backend):
		self.backend = backend

	def not_found(self):
		return answers.not_found()

	def ok(self, payload: dict):
		return self.backend._ok(payload)

	def list_records(self, key, records, query, headers, render_one):
		return self.backend._list(key, records, query, headers, render_one, True)

	def elements(self, body: bytes, key: str) -> list:
		return self.backend._elements(body, key)

	def validation_error(self, message: str):
		body = answers.validation_body([{"ValidationErrors": [{"Message": message}]}])
		return answers.ApiResponse(400, body)

	def batch(self, key: str, outcomes: list[Outcome], query):
		return self.backend._batch(key, outcomes, query, "HasErrors")


def handle(backend, ctx: Ctx, method: str, rest: list[str], query, headers, body: bytes):
	"""The router's entry for ``/Quotes`` (``backend``: the accounting backend)."""
	api = _Api(backend)
	if len(rest) > 1:
		return api.not_found()
	if method == "GET" and rest:
		quote = find_quote(ctx, rest[0])
		return api.ok({"Quotes": [render_quote(ctx, quote)]}) if quote else api.not_found()
	if method == "GET":
		if first(query, "page") and not first(query, "pageSize"):
			query = {**query, "pageSize": [str(PAGE_SIZE)]}
		return api.list_records("Quotes", select(ctx, query), query, headers, lambda q: render_quote(ctx, q))
	if method not in ("PUT", "POST"):
		return api.not_found()
	elements = api.elements(body, "Quotes")
	if not elements:
		return api.validation_error(NONE_SUPPLIED)
	path_key = rest[0] if rest else None
	outcomes = [
		write_quote(ctx, element, path_key if i == 0 else None, create_only=method == "PUT")
		for i, element in enumerate(elements)
	]
	return api.batch("Quotes", outcomes, query)
