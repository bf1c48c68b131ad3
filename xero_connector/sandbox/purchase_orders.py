"""Purchase orders: ``GET/PUT/POST /PurchaseOrders`` and ``GET/POST /PurchaseOrders/{id}``
(issue 16), shaped like xero_accounting.yaml's ``PurchaseOrder`` and Xero's rules for them
(developer.xero.com/documentation/api/accounting/purchaseorders):

- the Contact must exist: "The PurchaseOrders endpoint does not create new contacts. You need to
  provide the ContactID or ContactNumber of an existing contact." A Name alone is refused;
- ``PurchaseOrderNumber``: "Unique alpha numeric code identifying purchase order (when missing
  will auto-generate from your Organisation Invoice Settings)" (components/schemas/PurchaseOrder);
- Status (components/schemas/PurchaseOrder/properties/Status: DRAFT, SUBMITTED, AUTHORISED,
  BILLED, DELETED): created DRAFT, SUBMITTED or AUTHORISED; DRAFT ↔ SUBMITTED → AUTHORISED →
  BILLED; DRAFT, SUBMITTED and AUTHORISED may be DELETED; BILLED and DELETED are final (a
  deleted purchase order stays deleted; a billed one was converted to a bill). Content changes
  only while DRAFT, SUBMITTED or AUTHORISED (the sandbox keeps the stricter rule where Xero's
  documentation is silent);
- lines, taxes and totals follow the bills' rules (:mod:`.lines` with ``purchases``: expense or
  asset accounts, tax types for expenses); AccountCode is optional, as a purchase order posts
  nothing; DeliveryInstructions at most 500 characters (the spec's "500 characters max");
- DeliveryDate, DeliveryAddress, AttentionTo, Telephone, DeliveryInstructions,
  ExpectedArrivalDate and Reference are stored and returned.

Called by :mod:`.accounting`'s router (``purchaseorders``); records live in
``Organisation.purchase_orders``.
"""

from __future__ import annotations

import uuid

from . import messages as msg
from . import render
from .common import Ctx, Outcome, Refused
from .document_parts import _currency, _line_amount_types, _requested_lines, set_lines_and_totals
from .query import first
from .quotes import _Api
from .xerodates import BadDate, parse_date

EDITABLE = ("DRAFT", "SUBMITTED", "AUTHORISED")
FINAL = ("BILLED", "DELETED")
TRANSITIONS = {
	"DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
	"SUBMITTED": {"SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"},
	"AUTHORISED": {"AUTHORISED", "BILLED", "DELETED"},
}
TEXT_FIELDS = (
	"Reference",
	"DeliveryAddress",
	"AttentionTo",
	"Telephone",
	"DeliveryInstructions",
	"BrandingThemeID",
)
DATE_FIELDS = ("Date", "DeliveryDate", "ExpectedArrivalDate")
INSTRUCTIONS_LIMIT = 500
NUMBER_UNIQUE = "Purchase Order number must be unique."  # sandbox wording
NOT_FOUND = (
	"An existing Purchase Order with the specified PurchaseOrderID could not be found"  # sandbox wording
)
STATUS_CREATE = "A purchase order can only be created as DRAFT, SUBMITTED or AUTHORISED."  # sandbox wording
CONTACT_EXISTING = (  # sandbox wording, after developer.xero.com/documentation/api/accounting/purchaseorders
	"The PurchaseOrders endpoint does not create new contacts: give the ContactID or ContactNumber "
	"of an existing contact."
)
NONE_SUPPLIED = "You must supply at least one purchase order"  # sandbox wording


def status_change_refused(current: str, wanted: str) -> str:
	return f"The purchase order status cannot be changed from {current} to {wanted}."  # sandbox wording


def find(ctx: Ctx, key: str | None) -> dict | None:
	return ctx.org.purchase_orders.get(str(key or "").lower()) if key else None


def by_number(ctx: Ctx, number) -> list[dict]:
	wanted = str(number or "").strip().casefold()
	orders = ctx.org.purchase_orders.values()
	return [o for o in orders if wanted and str(o.get("PurchaseOrderNumber", "")).casefold() == wanted]


def write_order(ctx: Ctx, element, path_key: str | None = None, create_only: bool = False) -> Outcome:
	"""Create or update one purchase order; never raises for bad input."""
	if not isinstance(element, dict):
		return Outcome({}, [NONE_SUPPLIED])
	try:
		key = path_key or (None if create_only else element.get("PurchaseOrderID"))
		existing = find(ctx, key) if key else None
		if key and existing is None:
			raise Refused(NOT_FOUND)
		order = _update(ctx, existing, element) if existing else _create(ctx, element)
	except Refused as refused:
		echo = render.echo(element)
		echo.setdefault("PurchaseOrderID", render.ZERO_ID)
		return Outcome(echo, refused.messages)
	return Outcome(render_order(ctx, order))


def _create(ctx: Ctx, element: dict) -> dict:
	status = str(element.get("Status") or "DRAFT").upper()
	errors = [] if status in EDITABLE else [STATUS_CREATE]
	order = {"PurchaseOrderID": str(uuid.uuid4())}
	_fill(ctx, order, element, status, errors)
	if errors:
		raise Refused(*errors)
	if not order.get("PurchaseOrderNumber"):
		order["PurchaseOrderNumber"] = ctx.org.next_number("PO")
	_store(ctx, order)
	return order


def _update(ctx: Ctx, order: dict, element: dict) -> dict:
	current = order["Status"]
	wanted = str(element.get("Status") or current).upper()
	if current in FINAL or wanted not in TRANSITIONS.get(current, set()):
		raise Refused(status_change_refused(current, wanted))
	content = [k for k in element if k not in ("PurchaseOrderID", "PurchaseOrderNumber", "Status")]
	draft = {**order, "LineItems": list(order["LineItems"])}
	errors: list[str] = []
	if content and wanted != "DELETED":
		_fill(ctx, draft, element, wanted, errors)
	draft["Status"] = wanted
	if errors:
		raise Refused(*errors)
	order.clear()
	order.update(draft)
	_store(ctx, order)
	return order


def _contact(ctx: Ctx, order: dict, element: dict, errors: list[str]) -> None:
	given = element.get("Contact")
	if given is None and order.get("ContactID"):
		return
	given = given if isinstance(given, dict) else {}
	if given.get("ContactID"):
		contact = ctx.org.contacts.get(str(given["ContactID"]).lower())
	elif given.get("ContactNumber"):
		contact = next(iter(ctx.org.contacts_with_contact_number(given["ContactNumber"])), None)
	else:
		errors.append(CONTACT_EXISTING)
		return
	if contact is None:
		errors.append(msg.CONTACT_NOT_FOUND)
	elif contact["ContactStatus"] != "ACTIVE":
		errors.append(msg.CONTACT_ARCHIVED)
	else:
		order["ContactID"] = contact["ContactID"]


def _fill(ctx: Ctx, order: dict, element: dict, status: str, errors: list[str]) -> None:
	order["Status"] = status
	_contact(ctx, order, element, errors)
	number = element.get("PurchaseOrderNumber")
	if number not in (None, ""):
		number = str(number).strip()
		if any(o["PurchaseOrderID"] != order["PurchaseOrderID"] for o in by_number(ctx, number)):
			errors.append(NUMBER_UNIQUE)
		order["PurchaseOrderNumber"] = number
	for key in DATE_FIELDS:
		if element.get(key) not in (None, ""):
			try:
				order[key] = parse_date(element[key])
			except BadDate:
				errors.append(msg.not_a_date(key, element[key]))
	order.setdefault("Date", ctx.today)
	_currency(ctx, order, element, errors)
	for key in TEXT_FIELDS:
		if key in element:
			order[key] = element[key]
	if len(str(order.get("DeliveryInstructions") or "")) > INSTRUCTIONS_LIMIT and ctx.strict("field_lengths"):
		errors.append(msg.too_long("DeliveryInstructions", INSTRUCTIONS_LIMIT))
	lat = _line_amount_types(order, element, errors)
	raw, from_request = _requested_lines(order, element)
	if not isinstance(raw, list) or not raw:
		errors.append(msg.LINE_ITEMS_REQUIRED)
		raw = raw if isinstance(raw, list) else []
	set_lines_and_totals(ctx, order, raw, lat, "DRAFT", from_request, errors, True, True)


def _store(ctx: Ctx, order: dict) -> None:
	ctx.org.purchase_orders[order["PurchaseOrderID"]] = order
	ctx.touch(order)


def render_order(ctx: Ctx, order: dict) -> dict:
	out = {
		"PurchaseOrderID": order["PurchaseOrderID"],
		"PurchaseOrderNumber": order.get("PurchaseOrderNumber"),
		"Type": "PURCHASEORDER",
		"Reference": order.get("Reference", ""),
		"Contact": render.contact_summary(ctx.org, order["ContactID"]),
		"LineItems": [render.line_item(line, ctx.unitdp) for line in order["LineItems"]],
		"Date": render.ms_date(order["Date"]),
		"DateString": f"{order['Date']}T00:00:00",
		"Status": order["Status"],
		"LineAmountTypes": order["LineAmountTypes"],
		"CurrencyCode": order["CurrencyCode"],
		"CurrencyRate": render.num(order["CurrencyRate"]),
		"SubTotal": render.num(order["SubTotal"]),
		"TotalTax": render.num(order["TotalTax"]),
		"Total": render.num(order["Total"]),
		"TotalDiscount": render.num(order.get("TotalDiscount", "0")),
		"HasAttachments": False,
		"UpdatedDateUTC": render.ms_date(order["UpdatedDateUTC"]),
	}
	for key in ("DeliveryAddress", "AttentionTo", "Telephone", "DeliveryInstructions", "BrandingThemeID"):
		if order.get(key):
			out[key] = order[key]
	for key in ("DeliveryDate", "ExpectedArrivalDate"):
		if order.get(key):
			out[key] = render.ms_date(order[key])
			out[f"{key}String"] = f"{order[key]}T00:00:00"
	return out


def handle(backend, ctx: Ctx, method: str, rest: list[str], query, headers, body: bytes):
	"""The router's entry for ``/PurchaseOrders`` (``backend``: the accounting backend)."""
	api = _Api(backend)
	if len(rest) > 1:
		return api.not_found()
	if method == "GET" and rest:
		order = find(ctx, rest[0]) or next(iter(by_number(ctx, rest[0])), None)
		return api.ok({"PurchaseOrders": [render_order(ctx, order)]}) if order else api.not_found()
	if method == "GET":
		orders = list(ctx.org.purchase_orders.values())
		status = first(query, "status") or first(query, "Status")
		if status:
			orders = [o for o in orders if o["Status"] == status.strip().upper()]
		return api.list_records("PurchaseOrders", orders, query, headers, lambda o: render_order(ctx, o))
	if method not in ("PUT", "POST"):
		return api.not_found()
	elements = api.elements(body, "PurchaseOrders")
	if not elements:
		return api.validation_error(NONE_SUPPLIED)
	path_key = rest[0] if rest else None
	outcomes = [
		write_order(ctx, element, path_key if i == 0 else None, create_only=method == "PUT")
		for i, element in enumerate(elements)
	]
	return api.batch("PurchaseOrders", outcomes, query)
