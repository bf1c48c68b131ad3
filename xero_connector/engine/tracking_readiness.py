"""What the readiness check says about tracking: one issue per Xero option (or category) the
invoices need, and the options missing in Xero, worked out from pre-flight's own tracking problems
(the rule of what Xero lacks is :mod:`.tracking`'s, written once).

Called by :mod:`.readiness` and by whoever offers to create the missing options
(:func:`xero_connector.engine.tracking.create_missing_options`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from xero_connector.engine.context import MappingContext
from xero_connector.engine.preflight import preflight
from xero_connector.engine.problems import Problem
from xero_connector.engine.tracking import row_tracking


def problem_subject(problem: Problem, doc: dict, mappings) -> tuple[str, str] | None:
	"""(category, option) a tracking problem is about, worked out from its row and field again."""
	table, _, field = problem.field.partition(".")
	for position, row in enumerate(doc.get(table) or []):
		if (row.get("idx") or position + 1) == problem.row:
			for t in row_tracking(row, mappings):
				if t.field == field:
					return t.category, t.option
	return None


def readiness_subject(problem: Problem, doc: dict, mappings) -> dict:
	"""The readiness issue's subject for a tracking problem: one issue per Xero option (or
	category), listing the invoices; a missing option carries the one-click fix
	``create_tracking_option`` (``action_args``: category, option)."""
	found = problem_subject(problem, doc, mappings)
	if found is None:
		return {"subject_type": "Sales Invoice", "subject": doc.get("name") or ""}
	category, option = found
	if problem.kind.startswith("tracking_category"):
		return {"subject_type": "Tracking Category", "subject": category}
	fields = {"subject_type": "Tracking Option", "subject": f"{category}: {option}"}
	if problem.kind == "tracking_option_missing":
		fields.update(action="create_tracking_option", action_args={"category": category, "option": option})
	return fields


def missing_options(
	docs: Iterable[dict], ctx: MappingContext | Callable[[dict], MappingContext]
) -> dict[str, list[str]]:
	"""Per Xero tracking category, the options the invoices' lines need that Xero lacks (archived
	ones are not missing: they are restored in Xero, not created). ``ctx``: the context, or a
	function giving each document's; it needs ``xero.tracking_categories``."""
	missing: dict[str, list[str]] = {}
	for doc in docs:
		context = ctx(doc) if callable(ctx) else ctx
		for problem in preflight(doc, context):
			if problem.kind != "tracking_option_missing":
				continue
			found = problem_subject(problem, doc, context.mappings)
			if found is not None:
				wanted = missing.setdefault(found[0], [])
				if found[1].casefold() not in {w.casefold() for w in wanted}:
					wanted.append(found[1])
	return missing
