"""Tracking categories and their options, and the ``Tracking`` of a document's lines.

Endpoints (xero_accounting.yaml ``paths./TrackingCategories`` and below):

- ``GET /TrackingCategories`` (``where``, ``order``, ``includeArchived``: archived categories
  and options only when asked), ``GET /TrackingCategories/{id}``;
- ``PUT /TrackingCategories`` creates a category, ``POST /TrackingCategories/{id}`` renames it
  or changes its ``Status`` (ACTIVE / ARCHIVED);
- ``PUT /TrackingCategories/{id}/Options`` creates options (``{"Options": [...]}``, one object
  or a list), ``POST /TrackingCategories/{id}/Options/{optionId}`` renames one or changes its
  ``Status``.

Xero's rules kept here, once:

- at most 2 ACTIVE categories per organisation and 4 in all, archived included
  (developer.xero.com/documentation/api/accounting/trackingcategories: "You can only have 2
  active tracking categories" / at most 4 including archived ones); at most 100 ACTIVE options
  in a category (help.xero.com "Set up tracking categories": up to 100 active options each);
- names at most 100 characters (spec ``TrackingCategory.Name``/``TrackingOption.Name``
  maxLength 100), unique within their category (case-insensitive);
- a line takes at most 2 tracking elements (spec ``LineItem.Tracking``: "Any LineItem can have a
  maximum of 2 <TrackingCategory> elements"), one per category, each naming an ACTIVE category
  (by ``TrackingCategoryID`` or ``Name``) and one of its ACTIVE options (by ``TrackingOptionID``
  or ``Option``): :func:`line_tracking`, called by :mod:`.lines` for every line.

Records live in ``Organisation.tracking_categories`` (TrackingCategoryID → category, options
inside). The messages are sandbox wording unless said otherwise: Xero's own texts for tracking
refusals are not public.
"""

from __future__ import annotations

import json
import uuid

from .answers import ApiResponse, BadRequest, not_found, validation_body
from .common import Ctx
from .query import filtered_and_ordered, first

MAX_ACTIVE_CATEGORIES = 2
MAX_CATEGORIES = 4
MAX_ACTIVE_OPTIONS = 100
MAX_NAME = 100
MAX_LINE_TRACKING = 2
STATUSES = ("ACTIVE", "ARCHIVED")

TOO_MANY_ACTIVE = "You can only have 2 active tracking categories."  # sandbox wording
TOO_MANY_CATEGORIES = "You can only have 4 tracking categories, archived ones included."  # sandbox wording
TOO_MANY_OPTIONS = "A tracking category can only have 100 active options."  # sandbox wording
NAME_REQUIRED = "A tracking category or option must have a Name."  # sandbox wording
LINE_TOO_MANY = "A line item can have a maximum of 2 tracking categories."  # sandbox wording


def name_taken(name: str) -> str:
	return f"The name '{name}' is already in use."  # sandbox wording


def name_too_long(name: str) -> str:
	return f"The name '{name[:20]}…' must be no more than {MAX_NAME} characters long."  # sandbox wording


def category_not_found(name: str) -> str:
	return f"The tracking category '{name}' does not exist."  # sandbox wording


def category_archived(name: str) -> str:
	return f"The tracking category '{name}' is archived."  # sandbox wording


def option_not_found(category: str, option: str) -> str:
	return (
		f"The tracking option '{option}' does not exist in tracking category '{category}'."  # sandbox wording
	)


def option_archived(category: str, option: str) -> str:
	return f"The tracking option '{option}' of tracking category '{category}' is archived."  # sandbox wording


def category_twice(name: str) -> str:
	return f"The tracking category '{name}' is given more than once on a line item."  # sandbox wording


# ---- look-ups ------------------------------------------------------------------------


def _fold(value) -> str:
	return str(value or "").strip().casefold()


def categories(org) -> dict[str, dict]:
	return org.tracking_categories


def find_category(org, key) -> dict | None:
	"""A category by TrackingCategoryID, else by name (case-insensitive)."""
	if not key:
		return None
	found = categories(org).get(str(key).lower())
	return found or next((c for c in categories(org).values() if _fold(c["Name"]) == _fold(key)), None)


def find_option(category: dict, key) -> dict | None:
	"""An option of ``category`` by TrackingOptionID, else by name (case-insensitive)."""
	if not key:
		return None
	options = category["Options"]
	return next((o for o in options if o["TrackingOptionID"] == str(key).lower()), None) or next(
		(o for o in options if _fold(o["Name"]) == _fold(key)), None
	)


# ---- a line's Tracking ---------------------------------------------------------------------


def line_tracking(ctx: Ctx, raw, errors: list[str]) -> list[dict]:
	"""The stored Tracking of a line (Name, Option and both IDs per element), Xero's messages
	for what it refuses added to ``errors``. Called by :mod:`.lines` for every line."""
	if raw in (None, []):
		return []
	if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
		errors.append(category_not_found(str(raw)[:40]))
		return []
	if len(raw) > MAX_LINE_TRACKING:
		errors.append(LINE_TOO_MANY)
	stored, seen = [], set()
	for element in raw:
		given = element.get("TrackingCategoryID") or element.get("Name")
		category = find_category(ctx.org, given)
		if category is None:
			errors.append(category_not_found(str(given or "")))
			continue
		if category["Status"] != "ACTIVE":
			errors.append(category_archived(category["Name"]))
			continue
		if category["TrackingCategoryID"] in seen:
			errors.append(category_twice(category["Name"]))
			continue
		seen.add(category["TrackingCategoryID"])
		wanted = element.get("TrackingOptionID") or element.get("Option")
		option = find_option(category, wanted)
		if option is None:
			errors.append(option_not_found(category["Name"], str(wanted or "")))
			continue
		if option["Status"] != "ACTIVE":
			errors.append(option_archived(category["Name"], option["Name"]))
			continue
		stored.append(
			{
				"Name": category["Name"],
				"Option": option["Name"],
				"TrackingCategoryID": category["TrackingCategoryID"],
				"TrackingOptionID": option["TrackingOptionID"],
			}
		)
	return stored


# ---- the endpoints ---------------------------------------------------------------------------


def render_category(category: dict, include_archived: bool = True) -> dict:
	options = [
		{"TrackingOptionID": o["TrackingOptionID"], "Name": o["Name"], "Status": o["Status"]}
		for o in category["Options"]
		if include_archived or o["Status"] == "ACTIVE"
	]
	return {
		"TrackingCategoryID": category["TrackingCategoryID"],
		"Name": category["Name"],
		"Status": category["Status"],
		"Options": options,
	}


def render_option(option: dict) -> dict:
	status = option["Status"]
	return {
		"TrackingOptionID": option["TrackingOptionID"],
		"Name": option["Name"],
		"Status": status,
		"IsDeleted": status == "DELETED",
		"IsArchived": status == "ARCHIVED",
		"IsActive": status == "ACTIVE",
	}


def handle(api, ctx: Ctx, method: str, rest: list[str], query, headers, body: bytes) -> ApiResponse:
	"""``/TrackingCategories[/{id}[/Options[/{optionId}]]]``; called by :mod:`.accounting`'s router."""
	if method == "GET" and len(rest) <= 1:
		archived = (first(query, "includeArchived") or "").lower() == "true"
		if rest:
			found = find_category(ctx.org, rest[0])
			return api._ok({"TrackingCategories": [render_category(found)]}) if found else not_found()
		shown = [
			render_category(c, archived)
			for c in categories(ctx.org).values()
			if archived or c["Status"] == "ACTIVE"
		]
		return api._ok({"TrackingCategories": filtered_and_ordered(shown, query, api._case_sensitive)})
	if method == "PUT" and not rest:
		return _answer(
			api,
			"TrackingCategories",
			[_create_category(ctx, e) for e in _elements(body, "TrackingCategories")],
		)
	category = find_category(ctx.org, rest[0]) if rest else None
	if rest and category is None:
		return not_found()
	if method == "POST" and len(rest) == 1:
		element = _elements(body, "TrackingCategories")[0]
		return _answer(api, "TrackingCategories", [_update_category(ctx, category, element)])
	if len(rest) >= 2 and rest[1].lower() == "options":
		if method == "PUT" and len(rest) == 2:
			made = [_create_option(ctx, category, e) for e in _elements(body, "Options")]
			return _answer(api, "Options", made)
		if method == "POST" and len(rest) == 3:
			option = find_option(category, rest[2])
			if option is None:
				return not_found()
			return _answer(
				api, "Options", [_update_option(ctx, category, option, _elements(body, "Options")[0])]
			)
	return not_found()


def _elements(body: bytes, key: str) -> list[dict]:
	try:
		data = json.loads(body or b"{}")
	except (ValueError, UnicodeDecodeError) as error:
		raise BadRequest(
			{"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": f"Invalid Json data: {error}"}
		)
	if isinstance(data, dict):
		wrapped = next((v for k, v in data.items() if k.lower() == key.lower()), None)
		data = wrapped if wrapped is not None else data
	data = data if isinstance(data, list) else [data]
	if not data or not all(isinstance(e, dict) for e in data):
		raise BadRequest(
			{"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": "Invalid Json data"}
		)
	return data


def _answer(api, key: str, results: list[tuple[dict, list[str]]]) -> ApiResponse:
	"""200 with every record, or Xero's 400 naming what was refused."""
	refused = [
		{**record, "ValidationErrors": [{"Message": m} for m in errors]}
		for record, errors in results
		if errors
	]
	if refused:
		return ApiResponse(400, validation_body(refused))
	return api._ok({key: [record for record, _ in results]})


def _name_errors(name: str, others: list[dict], own_id: str | None) -> list[str]:
	if not name:
		return [NAME_REQUIRED]
	errors = [name_too_long(name)] if len(name) > MAX_NAME else []
	id_key = "TrackingCategoryID" if others and "Options" in others[0] else "TrackingOptionID"
	if any(_fold(o["Name"]) == _fold(name) and o[id_key] != own_id for o in others):
		errors.append(name_taken(name))
	return errors


def _status(element: dict, current: str) -> str:
	status = str(element.get("Status") or current).upper()
	return status if status in STATUSES else current


def _create_category(ctx: Ctx, element: dict) -> tuple[dict, list[str]]:
	name = str(element.get("Name") or "").strip()
	existing = list(categories(ctx.org).values())
	errors = _name_errors(name, existing, None)
	if len(existing) >= MAX_CATEGORIES:
		errors.append(TOO_MANY_CATEGORIES)
	elif sum(c["Status"] == "ACTIVE" for c in existing) >= MAX_ACTIVE_CATEGORIES:
		errors.append(TOO_MANY_ACTIVE)
	if errors:
		return {"Name": name}, errors
	category = {"TrackingCategoryID": str(uuid.uuid4()), "Name": name, "Status": "ACTIVE", "Options": []}
	categories(ctx.org)[category["TrackingCategoryID"]] = category
	ctx.wrote = True
	return render_category(category), []


def _update_category(ctx: Ctx, category: dict, element: dict) -> tuple[dict, list[str]]:
	name = str(element.get("Name") or category["Name"]).strip()
	status = _status(element, category["Status"])
	others = list(categories(ctx.org).values())
	errors = _name_errors(name, others, category["TrackingCategoryID"])
	if status == "ACTIVE" and category["Status"] != "ACTIVE":
		if sum(c["Status"] == "ACTIVE" for c in others) >= MAX_ACTIVE_CATEGORIES:
			errors.append(TOO_MANY_ACTIVE)
	if errors:
		return render_category(category), errors
	category.update(Name=name, Status=status)
	ctx.wrote = True
	return render_category(category), []


def _create_option(ctx: Ctx, category: dict, element: dict) -> tuple[dict, list[str]]:
	name = str(element.get("Name") or "").strip()
	errors = _name_errors(name, category["Options"], None)
	if sum(o["Status"] == "ACTIVE" for o in category["Options"]) >= MAX_ACTIVE_OPTIONS:
		errors.append(TOO_MANY_OPTIONS)
	if errors:
		return {"Name": name}, errors
	option = {"TrackingOptionID": str(uuid.uuid4()), "Name": name, "Status": "ACTIVE"}
	category["Options"].append(option)
	ctx.wrote = True
	return render_option(option), []


def _update_option(ctx: Ctx, category: dict, option: dict, element: dict) -> tuple[dict, list[str]]:
	name = str(element.get("Name") or option["Name"]).strip()
	status = _status(element, option["Status"])
	errors = _name_errors(name, category["Options"], option["TrackingOptionID"])
	if status == "ACTIVE" and option["Status"] != "ACTIVE":
		if sum(o["Status"] == "ACTIVE" for o in category["Options"]) >= MAX_ACTIVE_OPTIONS:
			errors.append(TOO_MANY_OPTIONS)
	if errors:
		return render_option(option), errors
	option.update(Name=name, Status=status)
	ctx.wrote = True
	return render_option(option), []
