"""Server side of the "Xero Readiness" desk page: check a company's submitted Sales
Invoices of a period against the connected Xero organisation (engine/readiness.py),
export the result as CSV, and the one-click fixes — create a mapping, create the
contact in Xero, link the Xero contact of the same name. Nothing is enabled in
Xero by these methods. Xero Manager / System Manager only.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt

from xero_connector.constants import ACCOUNT_MAPPING, TAX_MAPPING, XERO_ACCOUNT, XERO_TAX_RATE
from xero_connector.exceptions import XeroConnectorError, shows_xero_errors
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.permissions import require_company, require_manager
from xero_connector.xero_connector.sync import contact_links

SALES_INVOICE = "Sales Invoice"
MAX_INVOICES = 20000


class ContactMismatch(XeroConnectorError):
	"""Link Contact asked to link a Xero contact that is not the customer's namesake, or archived."""


def build_report(company: str, from_date: str, to_date: str):
	"""The engine's readiness Report for the period (reads Xero's reference data when it
	has not been fetched, and every contact, 1,000 a page)."""
	from xero_connector.engine.readiness import check_readiness
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.sync.host import FrappeHost

	names = frappe.get_all(
		SALES_INVOICE,
		filters={"company": company, "docstatus": 1, "posting_date": ("between", [from_date, to_date])},
		order_by="name asc",
		pluck="name",
		limit=MAX_INVOICES,
	)
	host = FrappeHost.for_company(company, commit=False)
	docs = (host.load_invoice(name) for name in names)
	customers = frappe.get_all(
		SALES_INVOICE,
		filters={"name": ("in", names or [""])},
		pluck="customer",
		distinct=True,
		limit=0,
	)
	linked = contact_links.contact_ids("Customer", customers, host.connection)
	stored = {customer: linked.get(customer) for customer in customers}
	with open_engine(host, "readiness") as (engine, _client):
		contacts = engine.port.list_contacts() if customers else []
		return check_readiness(docs, engine.context, contacts, stored)


@frappe.whitelist()
@shows_xero_errors
def check(company: str, from_date: str, to_date: str) -> dict:
	"""The page's Check button: every issue with its fix."""
	require_manager()
	require_company(company)
	return build_report(company, from_date, to_date).as_dict()


@frappe.whitelist()
@shows_xero_errors
def export_csv(company: str, from_date: str, to_date: str) -> None:
	"""The page's Export button: the same check as a CSV download."""
	from xero_connector.engine.readiness import to_csv

	require_manager()
	require_company(company)
	report = build_report(company, from_date, to_date)
	frappe.response["filename"] = f"xero-readiness-{company}-{from_date}-{to_date}.csv".replace(" ", "-")
	frappe.response["filecontent"] = to_csv(report)
	frappe.response["type"] = "download"


# -- one-click fixes --------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def create_mapping(
	kind: str,
	mapping_type: str,
	reference_name: str,
	xero_code: str,
	rate: str | None = None,
	company: str | None = None,
) -> str:
	"""Create (or repoint) the account or tax mapping of one ERPNext record for ``company``
	(the Readiness page's; the site's only connection's when not given); the mapping's own
	validation refuses a Xero account or tax type the company's Xero organisation would not
	accept. ``xero_code`` is Xero's code or the name of the company's Xero row. ``rate`` (tax
	only): the row is for the record's lines at that rate (issue 18: one tax account, several
	rates), beside its other rows; without it, the record's row for lines at any rate.
	Returns its name."""
	from xero_connector.xero_connector.connection.reference import name_of

	require_manager()
	doctype, field, xero_doctype = {
		"account": (ACCOUNT_MAPPING, "xero_account_code", XERO_ACCOUNT),
		"tax": (TAX_MAPPING, "xero_tax_type", XERO_TAX_RATE),
	}[kind]
	frappe.has_permission(doctype, "create", throw=True)
	company = company or registry.chosen(None).company  # the site's only connection's
	xero_code = name_of(xero_doctype, company, xero_code) or xero_code
	key = {"company": company, "mapping_type": mapping_type, "reference_name": reference_name}
	if kind == "tax":
		one_rate = rate not in (None, "")
		key["for_one_rate"] = 1 if one_rate else 0
		if one_rate:
			key["rate"] = flt(rate)
	existing = frappe.db.get_value(doctype, key, "name")
	doc = frappe.get_doc(doctype, existing) if existing else frappe.get_doc({"doctype": doctype, **key})
	doc.set(field, xero_code)
	doc.save()
	return doc.name


@frappe.whitelist(methods=["POST"])
@shows_xero_errors
def create_contact(customer: str, company: str | None = None) -> str:
	"""Create the customer's contact in Xero (its name and billing account code) and store its
	ContactID on the Customer. Returns the ContactID; Xero's refusal is shown as it came."""
	from xero_connector.engine.contacts import customer_key
	from xero_connector.engine.keys import idempotency_key, payload_hash
	from xero_connector.xero_connector.connection.sync_session import holding_customers, open_client
	from xero_connector.xero_connector.sync.host import FrappeHost

	require_manager()
	require_customer(customer)
	host = FrappeHost(registry.chosen(company), commit=False)
	ctx = host.mapping_context({"customer": customer, "company": host.connection.company})
	name, code = customer_key(customer, ctx)
	payload = {"Name": name, **({"AccountNumber": code} if code else {})}
	key = idempotency_key(host.site_id, customer, "contact", payload_hash(payload))
	with holding_customers([customer]), open_client(host.connection, "readiness") as client:
		if contact_links.contact_id("Customer", customer, host.connection):  # as committed now
			frappe.throw(
				_("{0} was linked to a Xero contact a moment ago (by a sync): nothing to create.").format(
					frappe.bold(customer)
				),
				ContactMismatch,
			)
		(result,) = client.create_contacts([payload], key)
	if not result.ok:
		frappe.throw(
			_("Xero did not create the contact {0}: {1}").format(name, "; ".join(result.messages)),
			XeroConnectorError,
		)
	contact_id = result.data["ContactID"]
	contact_links.save("Customer", customer, host.connection, contact_id)
	return contact_id


@frappe.whitelist(methods=["POST"])
@shows_xero_errors
def link_contact(customer: str, contact_id: str, company: str | None = None) -> str:
	"""Link an existing Xero contact that carries the customer's name (checked in Xero; an
	archived contact is refused). Returns the ContactID."""
	from xero_connector.engine.contacts import customer_key
	from xero_connector.engine.xero_adapter import quote
	from xero_connector.xero_connector.connection.sync_session import open_client
	from xero_connector.xero_connector.sync.host import FrappeHost

	require_manager()
	require_customer(customer)
	host = FrappeHost(registry.chosen(company), commit=False)
	name, _code = customer_key(
		customer, host.mapping_context({"customer": customer, "company": host.connection.company})
	)
	with open_client(host.connection, "readiness") as client:
		found = client.list_contacts(where=f"ContactID==Guid({quote(contact_id)})", include_archived=True)
	contact = found[0] if found else None
	if contact is None:
		frappe.throw(_("Xero has no contact {0}.").format(contact_id), ContactMismatch)
	if (contact.get("Name") or "").strip() != name:
		frappe.throw(
			_(
				"The Xero contact is named {0}, not {1}: only a contact of the same name is linked here."
			).format(frappe.bold(contact.get("Name")), frappe.bold(name)),
			ContactMismatch,
		)
	if contact.get("ContactStatus") == "ARCHIVED":
		frappe.throw(
			_("The Xero contact {0} is archived: restore it in Xero first.").format(frappe.bold(name)),
			ContactMismatch,
		)
	contact_links.save("Customer", customer, host.connection, contact_id)
	return contact_id


def require_customer(customer: str) -> None:
	"""The contact link is the integration's own field (read-only on the Customer), so a
	Xero Manager needs to see the Customer, not to edit it; one who cannot is told why."""
	if not frappe.db.exists("Customer", customer):
		frappe.throw(_("There is no Customer {0}.").format(frappe.bold(customer)), frappe.DoesNotExistError)
	if not frappe.has_permission("Customer", "read", customer):
		frappe.throw(
			_(
				"You cannot see Customer {0}, so you cannot link it to a Xero contact. Ask a System"
				" Manager for read access to Customers (the Xero Manager role alone does not give it)."
			).format(frappe.bold(customer)),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
