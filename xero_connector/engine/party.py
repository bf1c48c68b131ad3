"""The party of a document: the Customer of a Sales Invoice, the Supplier of a Purchase Invoice
or a Purchase Order (issue 16). Both become Xero contacts by the same rules (:mod:`.contacts`); this says which
ERPNext record a document's contact is, and its match key."""

from __future__ import annotations

from xero_connector.engine.buying import supplier_key
from xero_connector.engine.contacts import customer_key
from xero_connector.engine.rules import is_purchase, is_purchase_order


def party_of(doc: dict) -> tuple[str, str]:
	"""(ERPNext doctype, name) of the document's party."""
	if is_purchase(doc) or is_purchase_order(doc):
		return "Supplier", doc.get("supplier") or ""
	return "Customer", doc.get("customer") or ""


def party_key(doc: dict, ctx) -> tuple[str, str | None]:
	"""(Xero contact name, account code) of the document's party."""
	doctype, name = party_of(doc)
	return supplier_key(name, ctx) if doctype == "Supplier" else customer_key(name, ctx)
