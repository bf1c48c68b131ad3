"""Pre-flight of a Purchase Order: every problem that would stop it becoming a Xero purchase
order, found locally before anything is queued, each naming the document, the row, the field and
the fix. The counterpart of :mod:`.preflight_bill`, sharing its docstatus and supplier rules."""

from __future__ import annotations

from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping.purchase_order import collect_purchase_order
from xero_connector.engine.preflight_bill import not_submitted, supplier_length_problems
from xero_connector.engine.problems import Problem

# DeliveryInstructions is the one text field of components/schemas/PurchaseOrder with a limit
# ("500 characters max"); the connector does not send it. PurchaseOrderNumber, Reference and
# DeliveryAddress have none in the spec.


def preflight_purchase_order(doc: dict, ctx: MappingContext) -> list[Problem]:
	"""Every problem that would stop ``doc`` (a Purchase Order) from being pushed ([] = ready)."""
	problems = not_submitted(doc, "Purchase Order", "orders")
	_, mapping_problems = collect_purchase_order(doc, ctx)
	problems.extend(mapping_problems)
	problems.extend(supplier_length_problems(doc, ctx))
	return problems
