"""Pre-flight: a fast, local check of one Sales Invoice before it is queued for Xero.

Returns every problem at once — unmapped item or tax, Xero account unknown /
archived / not revenue, tax type unknown / archived / not for revenue, currency
not enabled in Xero, customer without a match key, empty invoice, negative
quantity or a negative total on an invoice (a positive one on a return), return without its original, a quantity, rate or total
that is not a number, a document that is not submitted — each naming the document, the row, the field and the fix. The
Xero-side checks run only when the context carries Xero's reference data
(``ctx.xero``), as cached by "Fetch from Xero"; nothing here calls Xero.

Called by the Frappe shell in Sales Invoice ``on_submit`` (so that it can warn
before enqueueing), by the engine before a push, and by the CLI.
"""

from __future__ import annotations

from xero_connector.engine.contacts import customer_key
from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping import collect
from xero_connector.engine.problems import Problem

DOCSTATUS_NAMES = {0: "a draft", 1: "submitted", 2: "cancelled"}

# Xero's length limits for what the connector sends (xero_accounting.yaml components/schemas:
# Invoice.InvoiceNumber 255, Contact.Name 255, Contact.AccountNumber 50; Reference 255 from
# developer.xero.com/documentation/api/accounting/invoices). A line's Description (4,000) is
# checked by the mapping (mapping/lines.py), where the text sent is known.
LIMITS = (
	("name", "InvoiceNumber", 255),
	("po_no", "Reference", 255),
)
CONTACT_NAME_LIMIT = 255
ACCOUNT_NUMBER_LIMIT = 50


def length_problems(doc: dict, ctx: MappingContext) -> list[Problem]:
	"""Fields Xero would refuse as too long, each named with the Xero field and the fix."""
	document = doc.get("name") or ""
	problems = []
	for field, xero_field, limit in LIMITS:
		value = str(doc.get(field) or "").strip()
		if len(value) > limit:
			problems.append(_too_long(document, field, xero_field, limit, value))
	if doc.get("customer") in ctx.masters.customers:
		# what a new Xero contact would be created with (engine/contacts.py)
		name, code = customer_key(doc["customer"], ctx)
		code_field = ctx.settings.billing_code_field
		if len(code or "") > ACCOUNT_NUMBER_LIMIT:
			problems.append(
				_too_long(
					document, f"customer.{code_field}", "Contact AccountNumber", ACCOUNT_NUMBER_LIMIT, code
				)
			)
		if len(name) > CONTACT_NAME_LIMIT:
			problems.append(
				_too_long(document, "customer.customer_name", "Contact Name", CONTACT_NAME_LIMIT, name)
			)
	return problems


def _too_long(document: str, field: str, xero_field: str, limit: int, value: str) -> Problem:
	return Problem(
		document=document,
		row=None,
		field=field,
		message=f"'{field}' has {len(value)} characters; Xero's {xero_field} takes at most {limit}.",
		fix=f"Shorten '{field}' to {limit} characters or fewer, then resend.",
		value=value[:40] + ("…" if len(value) > 40 else ""),
		kind="too_long",
	)


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
	problems.extend(length_problems(doc, ctx))
	return problems
