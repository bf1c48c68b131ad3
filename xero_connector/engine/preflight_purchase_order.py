"""Pre-flight of a Purchase Order: every problem that would stop it becoming a Xero purchase
order, found locally before anything is queued, each naming the document, the row, the field and
the fix. The counterpart of :mod:`.preflight_bill`, sharing its length rules."""

from __future__ import annotations

from xero_connector.engine.buying import supplier_key
from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping.purchase_order import collect_purchase_order
from xero_connector.engine.preflight import (
	ACCOUNT_NUMBER_LIMIT,
	CONTACT_NAME_LIMIT,
	DOCSTATUS_NAMES,
	_too_long,
)
from xero_connector.engine.problems import Problem

# DeliveryInstructions is the one text field of components/schemas/PurchaseOrder with a limit
# ("500 characters max"); the connector does not send it. PurchaseOrderNumber, Reference and
# DeliveryAddress have none in the spec.


def preflight_purchase_order(doc: dict, ctx: MappingContext) -> list[Problem]:
	"""Every problem that would stop ``doc`` (a Purchase Order) from being pushed ([] = ready)."""
	problems = []
	status = doc.get("docstatus")
	name = doc.get("name") or ""
	if status != 1:
		problems.append(
			Problem(
				document=name,
				row=None,
				field="docstatus",
				message=f"The Purchase Order is {DOCSTATUS_NAMES.get(status, f'in docstatus {status}')}, not submitted.",
				fix="Submit the Purchase Order in ERPNext; only submitted orders are sent to Xero.",
				value=str(status),
				kind="not_submitted",
			)
		)
	_, mapping_problems = collect_purchase_order(doc, ctx)
	problems.extend(mapping_problems)
	if doc.get("supplier") in ctx.masters.suppliers:
		contact, code = supplier_key(doc["supplier"], ctx)
		if len(code or "") > ACCOUNT_NUMBER_LIMIT:
			field = f"supplier.{ctx.settings.supplier_code_field}"
			problems.append(_too_long(name, field, "Contact AccountNumber", ACCOUNT_NUMBER_LIMIT, code))
		if len(contact) > CONTACT_NAME_LIMIT:
			problems.append(
				_too_long(name, "supplier.supplier_name", "Contact Name", CONTACT_NAME_LIMIT, contact)
			)
	return problems
