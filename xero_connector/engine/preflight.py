"""Pre-flight: a fast, local check of one Sales Invoice before it is queued for Xero.

Returns every problem at once — unmapped item or tax, Xero account unknown /
archived / not revenue, tax type unknown / archived / not for revenue, currency
not enabled in Xero, customer without a match key, empty invoice, negative
quantity on an invoice, return without its original, a quantity, rate or total
that is not a number, a document that is not submitted — each naming the document, the row, the field and the fix. The
Xero-side checks run only when the context carries Xero's reference data
(``ctx.xero``), as cached by "Fetch from Xero"; nothing here calls Xero.

Called by the Frappe shell in Sales Invoice ``on_submit`` (so that it can warn
before enqueueing), by the engine before a push, and by the CLI.
"""

from __future__ import annotations

from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping import collect
from xero_connector.engine.problems import Problem

DOCSTATUS_NAMES = {0: "a draft", 1: "submitted", 2: "cancelled"}


def docstatus_problem(doc: dict) -> Problem | None:
	"""Only submitted documents (docstatus 1) are pushed."""
	status = doc.get("docstatus")
	if status == 1:
		return None
	state = DOCSTATUS_NAMES.get(status, f"in docstatus {status}")
	fix = (
		"Submit the Sales Invoice in ERPNext; only submitted invoices are sent to Xero."
		if status in (0, None)
		else "Nothing to send: a cancelled invoice is voided in Xero, not pushed. Push its amendment instead."
	)
	return Problem(
		document=doc.get("name") or "",
		row=None,
		field="docstatus",
		message=f"The Sales Invoice is {state}, not submitted.",
		fix=fix,
		value=str(status),
		kind="not_submitted",
	)


def preflight(doc: dict, ctx: MappingContext) -> list[Problem]:
	"""Every problem that would stop ``doc`` from being pushed to Xero ([] = ready to push)."""
	problems = []
	status = docstatus_problem(doc)
	if status is not None:
		problems.append(status)
	_, mapping_problems = collect(doc, ctx)
	problems.extend(mapping_problems)
	return problems
