"""Xero on the Customer: the contact's sales invoices in Xero (those this site sent and
those raised directly in Xero), newest first, a page at a time.

One call per page: ``GET /Invoices?ContactIDs=…&where=Type=="ACCREC"&order=Date DESC
&page=N&pageSize=M`` (M from Xero Settings, at most 100). The contact is the
Customer's stored ContactID, else the Xero contact whose AccountNumber is the
Customer's billing account code (nothing is written).

Called by public/js/customer.js (the "Invoices in Xero" section of the Customer form,
and its Show More button); anyone who may read the Customer and Sales Invoices.

Page views never spend the organisation's API budget that syncing needs: a page read
from Xero is kept for every user for CACHE_SECONDS, and the panel is a low-priority
activity of the day's budget (xero/budget.decide through sync_session.open_client): once
only the reserve kept for invoices and payments is left, it stops asking Xero and says
when it can again.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from xero_connector.constants import CONNECTED
from xero_connector.engine.records import dec, xero_date
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.client import document_url

ORDER = "Date DESC"
MAX_PAGE_SIZE = 100
CACHE_SECONDS = 120


def page_size() -> int:
	size = cint(registry.site_settings().customer_invoice_count) or 10
	return max(1, min(size, MAX_PAGE_SIZE))


def contact_for(customer, client, connection) -> str | None:
	"""The Customer's ContactID in the connection's organisation, or the contact matched by
	billing account code."""
	from xero_connector.xero_connector.sync import contact_links

	linked = contact_links.contact_id("Customer", customer.name, connection)
	if linked:
		return linked
	field = connection.billing_code_field or "xero_account_number"
	code = customer.get(field)
	if not code:
		return None
	contact = client.find_contact_by_account_number(str(code))
	return contact.get("ContactID") if contact else None


def row(invoice: dict, connection) -> dict:
	"""One line of the panel."""
	invoice_id = invoice.get("InvoiceID")
	return {
		"invoice_id": invoice_id,
		"number": invoice.get("InvoiceNumber"),
		"status": invoice.get("Status"),
		"date": xero_date(invoice.get("Date")) if invoice.get("Date") else None,
		"due_date": xero_date(invoice.get("DueDate")) if invoice.get("DueDate") else None,
		"currency": invoice.get("CurrencyCode"),
		"total": str(dec(invoice.get("Total"), default=0)),
		"amount_due": str(dec(invoice.get("AmountDue"), default=0)),
		"link": document_url("invoice", invoice_id, registry.app_of(connection)),
		"sales_invoice": frappe.db.get_value("Sales Invoice", {"xero_invoice_id": invoice_id}, "name")
		if invoice_id
		else None,
	}


@frappe.whitelist()
def customer_invoices(customer: str, page: int = 1, company: str | None = None) -> dict:
	"""A page of the Customer's invoices in Xero (in the organisation of ``company``, the
	user's default company when None): ``{"linked", "rows", "page", "has_more", "message"}``."""
	doc = frappe.get_doc("Customer", customer)
	doc.check_permission("read")
	page = max(1, cint(page))
	if not frappe.has_permission("Sales Invoice", "read"):
		return _empty(
			page, _("Seeing this customer's invoices in Xero needs permission to read Sales Invoices.")
		)
	settings = registry.for_company(company or frappe.defaults.get_user_default("Company"))
	if settings is None and not company and len(registry.connections()) == 1:
		settings = registry.connections()[0]  # the site's one connection, whatever the user's default
	if not settings or not settings.enabled or settings.connection_status != CONNECTED:
		return _empty(page, _("Xero is not connected."))
	from xero_connector.xero_connector.permissions import allowed_companies

	companies = allowed_companies()
	if companies is not None and settings.company not in companies:
		return _empty(page, _("You may not see the Xero data of company {0}.").format(settings.company))
	from xero_connector.xero_connector.connection.guard import mismatch_banner

	mismatch = mismatch_banner(settings)
	if mismatch:  # the organisation guard: never show another organisation's invoices here
		return _empty(page, mismatch)
	key = f"xero_customer_invoices:{settings.tenant_id}:{customer}:{page}:{page_size()}"
	cached = frappe.cache.get_value(key)
	if cached is not None:
		return cached
	answer = _read_page(doc, page, settings)
	if answer.get("linked"):
		frappe.cache.set_value(key, answer, expires_in_sec=CACHE_SECONDS)
	return answer


def _read_page(doc, page: int, settings) -> dict:
	"""One page of the customer's invoices, read from Xero."""
	from xero_connector.xero import DayLimitReached, XeroError
	from xero_connector.xero_connector.connection.guard import OrganisationMismatch
	from xero_connector.xero_connector.connection.sync_session import open_client

	size = page_size()
	try:
		with open_client(settings, "customer_panel") as client:
			contact_id = contact_for(doc, client, settings)
			if not contact_id:
				return _empty(page, _("This customer is not linked to a Xero contact yet."))
			invoices, has_more = client.invoices_page(
				page, size, contact_ids=[contact_id], where='Type=="ACCREC"', order=ORDER
			)
	except OrganisationMismatch as exc:
		return _empty(page, str(exc))
	except DayLimitReached as exc:  # the day's last calls are kept for invoices and payments
		return _empty(page, exc.message)
	except XeroError as exc:
		from xero_connector.exceptions import describe

		return _empty(page, describe(exc).cause)
	return {
		"linked": True,
		"contact_id": contact_id,
		"rows": [row(i, settings) for i in invoices],
		"page": page,
		"page_size": size,
		"has_more": bool(has_more),
		"message": None,
	}


def _empty(page: int, message: str) -> dict:
	return {"linked": False, "rows": [], "page": page, "has_more": False, "message": message}
