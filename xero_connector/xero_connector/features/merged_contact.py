"""Use Merged Contact (issue 17): when Xero refused an invoice because its customer's contact
is archived, the Sync Log row offers the way forward a person would take in Xero.

A contact merged into another in Xero is archived and carries ``MergedToContactID``
(engine/archived_contacts.py). The row's button asks Xero, at the moment of the click, what
became of the customer's contact: merged, so the customer's Xero Contact Link moves to the
contact it was merged into and the invoice is sent again; only archived, so the person is
told to restore it in Xero (the link stays). Nothing is taken from the row's wording.

Called by the Xero Sync Log form (public JS of the doctype); Xero Manager only, and only for
rows of a company the user may see.
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.constants import OP_PUSH, STATUS_FAILED, SYNC_LOG
from xero_connector.exceptions import shows_xero_errors
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.permissions import require_company, require_manager
from xero_connector.xero_connector.sync import contact_links

SALES_INVOICE = "Sales Invoice"


def offers_merged_contact(row) -> bool:
	"""Whether a Sync Log row is Xero's refusal of an invoice for an archived contact (the
	form shows Use Merged Contact). Xero's own messages decide, through the catalogue."""
	from xero_connector.engine.archived_contacts import is_archived_refusal

	if row.status != STATUS_FAILED or row.reference_doctype != SALES_INVOICE:
		return False
	return is_archived_refusal((row.xero_messages or "").splitlines())


@frappe.whitelist(methods=["POST"])
@shows_xero_errors
def use_merged_contact(log: str) -> dict:
	"""Link the customer of the row's invoice to the Xero contact its contact was merged into,
	and queue the invoice again. Returns ``{"contact_id", "contact_name", "queued"}``."""
	from xero_connector.xero_connector.connection.sync_session import open_client
	from xero_connector.xero_connector.features.readiness import require_customer
	from xero_connector.xero_connector.jobs import enqueue_sync

	require_manager()
	row = frappe.get_doc(SYNC_LOG, log)
	row.check_permission("read")
	if row.reference_doctype != SALES_INVOICE or not frappe.db.exists(SALES_INVOICE, row.reference_name):
		frappe.throw(_("Xero Sync Log {0} is not about a Sales Invoice.").format(frappe.bold(log)))
	invoice = frappe.get_doc(SALES_INVOICE, row.reference_name)
	invoice.check_permission("read")
	require_company(invoice.company)
	require_customer(invoice.customer)
	connection = registry.for_company(invoice.company)
	if connection is None:
		frappe.throw(_("Company {0} has no Xero Connection.").format(frappe.bold(invoice.company)))
	current = contact_links.contact_id("Customer", invoice.customer, connection)
	if not current:
		frappe.throw(
			_(
				"Customer {0} is not linked to a Xero contact of {1} any more: Resend, and the push finds"
				" or creates its contact."
			).format(
				frappe.bold(invoice.customer), frappe.bold(connection.organisation_name or connection.name)
			)
		)
	with open_client(connection, "readiness") as client:
		contact = client.get_contact(current)
		target_id = contact.get("MergedToContactID")
		target = client.get_contact(target_id) if target_id else None
	if target is None:
		frappe.throw(
			_(
				"The Xero contact {0} of customer {1} was not merged into another one (it is {2}). Restore it"
				" in Xero (Contacts → Archived → Restore), then Resend."
			).format(
				frappe.bold(contact.get("Name") or current),
				frappe.bold(invoice.customer),
				contact.get("ContactStatus") or _("unknown"),
			),
			title=_("Not merged in Xero"),
		)
	if target.get("ContactStatus") == "ARCHIVED":
		frappe.throw(
			_(
				"The Xero contact {0} was merged into {1}, which is archived too: restore {1} in Xero"
				" (Contacts → Archived → Restore), then click Use Merged Contact again."
			).format(
				frappe.bold(contact.get("Name") or current), frappe.bold(target.get("Name") or target_id)
			),
			title=_("Merged into an archived contact"),
		)
	contact_links.save("Customer", invoice.customer, connection, target_id)
	queued = None
	if invoice.docstatus == 1:
		queued = enqueue_sync(invoice.name, OP_PUSH, company=invoice.company)
	return {"contact_id": target_id, "contact_name": target.get("Name"), "queued": queued}
