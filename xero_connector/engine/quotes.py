"""ERPNext Quotations as Xero Quotes: the payload and the create-or-update plan.

A submitted Quotation is mapped with the same rules as a Sales Invoice (accounts,
tax types, line amounts: :func:`~.mapping.map_sales_invoice` on the Quotation seen
as an invoice), then reshaped into Xero's ``Quote``: ``QuoteNumber`` = the
Quotation's name, ``Date`` = transaction date, ``ExpiryDate`` = valid till,
``LineAmountTypes`` in the Quote schema's upper case, status SENT (a submitted
quotation is final and goes to the customer).

Create-or-update by number: :func:`plan_quote` looks at what Xero holds under that
``QuoteNumber`` (``GET /Quotes?QuoteNumber=``): nothing or DELETED → PUT (create);
DRAFT or SENT → POST with its QuoteID (update); ACCEPTED, DECLINED or INVOICED →
nothing is sent (the customer already answered in Xero).

Called by the Frappe shell (``xero_connector.xero_connector.features.quotations``). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping import map_sales_invoice

ANSWERED = ("ACCEPTED", "DECLINED", "INVOICED")
QUOTE_STATUS = "SENT"


def quotation_as_invoice(quotation: dict) -> dict:
	"""The Quotation dict in the shape the invoice mapping reads (only the keys that differ)."""
	doc = dict(quotation)
	doc["customer"] = (
		quotation.get("party_name") if quotation.get("quotation_to", "Customer") == "Customer" else None
	)
	doc["posting_date"] = quotation.get("transaction_date")
	doc["due_date"] = quotation.get("valid_till") or quotation.get("transaction_date")
	doc["is_return"] = 0
	doc["return_against"] = None
	return doc


def quote_payload(quotation: dict, ctx: MappingContext, contact_id: str | None) -> dict:
	"""Xero's Quote for a Quotation (raises MappingError like the invoice mapping)."""
	xdoc = map_sales_invoice(
		quotation_as_invoice(quotation), ctx, contact={"ContactID": contact_id} if contact_id else None
	)
	invoice = xdoc.payload
	quote = {
		"QuoteNumber": quotation["name"],
		"Contact": invoice["Contact"],
		"Date": invoice.get("Date"),
		"CurrencyCode": invoice.get("CurrencyCode"),
		"LineAmountTypes": str(invoice.get("LineAmountTypes") or "Exclusive").upper(),
		"LineItems": invoice["LineItems"],
		"Status": QUOTE_STATUS,
	}
	if quotation.get("valid_till"):
		quote["ExpiryDate"] = invoice.get("DueDate")
	if invoice.get("CurrencyRate") is not None:
		quote["CurrencyRate"] = invoice["CurrencyRate"]
	reference = quotation.get("customer_po") or invoice.get("Reference")
	if reference:
		quote["Reference"] = reference
	if quotation.get("title"):
		quote["Title"] = str(quotation["title"])[:100]
	return quote


@dataclass
class QuotePlan:
	"""``action``: "create", "update" or "skip" (``reason`` says why)."""

	action: str
	quote_id: str | None = None
	status: str | None = None
	reason: str | None = None


def plan_quote(existing: list[dict]) -> QuotePlan:
	"""What to do given Xero's quotes with this number (``GET /Quotes?QuoteNumber=``)."""
	live = [q for q in existing if q.get("Status") != "DELETED"]
	if not live:
		return QuotePlan("create")
	quote = live[0]
	if quote.get("Status") in ANSWERED:
		return QuotePlan(
			"skip",
			quote.get("QuoteID"),
			quote.get("Status"),
			f"the quote is already {quote.get('Status')} in Xero: it is not changed from ERPNext",
		)
	return QuotePlan("update", quote.get("QuoteID"), quote.get("Status"))


def find_quotes(client, number: str) -> list[dict]:
	"""``GET /Quotes?QuoteNumber=…`` through a :class:`xero_connector.xero.client.XeroClient`."""
	return client.find_quotes(number)


def send_quote(client, payload: dict, plan: QuotePlan, idempotency_key: str) -> dict:
	"""PUT (create) or POST (update, with the plan's QuoteID) one quote with
	``summarizeErrors=false``; returns Xero's element (``ValidationErrors`` when refused)."""
	body = dict(payload)
	if plan.action == "update":
		body["QuoteID"] = plan.quote_id
	return client.send_quote(body, idempotency_key)
