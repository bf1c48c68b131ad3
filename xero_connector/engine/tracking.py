"""Tracking: an item row's dimensions (cost center, project, any accounting dimension) as the
``Tracking`` of its Xero line, and what Xero lacks for them.

The Tracking mapping (:class:`~.context.Mappings` ``tracking_by_field``, ``tracking_options``)
names, per item-row field, the Xero tracking category it goes to; the option is the mapped one
for the ERPNext value, else the option of the same name. No tracking mapping: no Tracking, and
nothing here runs.

Xero's rules (xero_accounting.yaml ``LineItem.Tracking``: at most 2 elements per line;
developer.xero.com/documentation/api/accounting/trackingcategories: categories and options are
ACTIVE or ARCHIVED, at most 2 categories active) are checked against ``ctx.xero.tracking_categories``
when it was read: a category or option that does not exist or is archived is a problem naming the
invoice, the row, the field, its value and the fix (the option can be created: the readiness check
offers it, :mod:`.tracking_readiness` lists them, :func:`create_missing_options` creates them).

Called by the mapping's line phase (:mod:`.mapping.lines`), by the readiness check and by the
engine (:func:`ensure_reference`, reading the categories once when a mapping needs them).
"""

from __future__ import annotations

from dataclasses import dataclass

from xero_connector.engine.problems import Problem

MAX_PER_LINE = 2  # xero_accounting.yaml components/schemas/LineItem/properties/Tracking
KINDS = {
	"tracking_category_missing",
	"tracking_category_archived",
	"tracking_option_missing",
	"tracking_option_archived",
	"too_many_tracking",
}


@dataclass(frozen=True)
class Tracked:
	"""One dimension of one row: the ERPNext field and value, the Xero category and option."""

	field: str
	value: str
	category: str
	option: str

	def payload(self) -> dict:
		return {"Name": self.category, "Option": self.option}


def _fold(text) -> str:
	return str(text or "").strip().casefold()


def row_tracking(item: dict, mappings) -> list[Tracked]:
	"""The tracked dimensions of an item row, in the mapping's order (empty values skipped)."""
	found = []
	for field, category in mappings.tracking_by_field.items():
		value = item.get(field)
		if value in (None, ""):
			continue
		value = str(value)
		options = mappings.tracking_options.get(category) or {}
		found.append(Tracked(field, value, category, str(options.get(value) or value)))
	return found


def _category(xero, name: str) -> dict | None:
	rows = xero.tracking_categories or []
	return next((c for c in rows if _fold(c.get("Name")) == _fold(name)), None)


def _option(category: dict, name: str) -> dict | None:
	return next((o for o in category.get("Options") or [] if _fold(o.get("Name")) == _fold(name)), None)


def tracking_problems(
	document: str, row, tracked: list[Tracked], xero, table: str = "items"
) -> list[Problem]:
	"""What Xero would refuse in the Tracking of row ``row`` of ``table`` ("items", or "taxes" for a
	charge row); nothing when Xero's categories were not read."""
	if xero is None or xero.tracking_categories is None or not tracked:
		return []
	problems = []
	if len({_fold(t.category) for t in tracked}) > MAX_PER_LINE:
		names = ", ".join(sorted({t.category for t in tracked}))
		problems.append(
			Problem(
				document,
				row,
				table,
				f"Row {row} of {table} is tracked in {len(tracked)} Xero tracking categories ({names}); a Xero line "
				f"takes at most {MAX_PER_LINE}.",
				"Map at most two dimensions to Xero tracking categories in the Tracking mapping, then resend.",
				kind="too_many_tracking",
			)
		)
	for t in tracked:
		problem = _problem(document, row, t, xero, table)
		if problem is not None:
			problems.append(problem)
	return problems


def _problem(document: str, row, t: Tracked, xero, table: str) -> Problem | None:
	where = f"Row {row} of {table}: {t.field} {t.value!r}"
	mapped = f"the Tracking mapping for {t.field} ({t.value!r} → an existing option of {t.category!r})"
	category = _category(xero, t.category)
	if category is None or category.get("Status") != "ACTIVE":
		state = "does not exist" if category is None else "is archived"
		fix = (
			f"Create the tracking category {t.category!r} in Xero (Settings → Tracking categories)"
			if category is None
			else f"Restore the tracking category {t.category!r} in Xero (Settings → Tracking categories)"
		)
		return Problem(
			document,
			row,
			f"{table}.{t.field}",
			f"{where} goes to Xero's tracking category {t.category!r}, which {state} in Xero.",
			f"{fix}, or correct the category named for {t.field} in the Tracking mapping; then resend.",
			t.value,
			"tracking_category_missing" if category is None else "tracking_category_archived",
		)
	option = _option(category, t.option)
	if option is None:
		return Problem(
			document,
			row,
			f"{table}.{t.field}",
			f"{where} goes to option {t.option!r} of Xero's tracking category {category['Name']!r}, "
			"which does not exist in Xero.",
			f"Create the option {t.option!r} in Xero's tracking category {category['Name']!r} (the "
			f"readiness check can create it), or set {mapped}; then resend.",
			t.value,
			"tracking_option_missing",
		)
	if option.get("Status") != "ACTIVE":
		return Problem(
			document,
			row,
			f"{table}.{t.field}",
			f"{where} goes to option {option['Name']!r} of Xero's tracking category "
			f"{category['Name']!r}, which is archived in Xero.",
			f"Restore the option {option['Name']!r} in Xero (Settings → Tracking categories → "
			f"{category['Name']}), or set {mapped}; then resend.",
			t.value,
			"tracking_option_archived",
		)
	return None


# ---- the fix ---------------------------------------------------------------------------------


def create_missing_options(port, xero, missing: dict[str, list[str]], idempotency_key: str) -> list[dict]:
	"""Create ``missing`` (from :func:`.tracking_readiness.missing_options`) in Xero: ``PUT /TrackingCategories/{id}/Options``
	per category; returns the options Xero created. ``xero.tracking_categories`` is read again
	afterwards (so the next pre-flight sees them)."""
	created = []
	for name, options in missing.items():
		category = _category(xero, name)
		if category is None or not options:
			continue
		created += port.create_tracking_options(
			category["TrackingCategoryID"], options, f"{idempotency_key}:{category['TrackingCategoryID']}"
		)
	if created:
		xero.tracking_categories = port.get_tracking_categories()
	return created


def ensure_reference(ctx, port) -> None:
	"""Read Xero's tracking categories (archived included) into ``ctx.xero`` once, when the
	context's mapping tracks something and they were not read yet. Called by the engine."""
	xero = ctx.xero
	if xero is not None and xero.tracking_categories is None and ctx.mappings.tracking_by_field:
		xero.tracking_categories = port.get_tracking_categories()
