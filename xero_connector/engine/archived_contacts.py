"""Archived and merged Xero contacts: why Xero refuses an invoice for one, and the way forward.

Xero refuses a document whose contact is ARCHIVED ("The contact with the specified contact
details has been archived. The contact must be un-archived before creating new invoices or
credit notes."). A contact merged into another in Xero is archived and carries
``MergedToContactID`` (xero_accounting.yaml ``Contact.MergedToContactID``: "ID for the
destination of a merged contact. Only returned when using paging or when fetching a contact by
ContactId or ContactNumber"). The way forward differs: a merged contact's customer belongs to the
contact it was merged into; any other archived contact is restored in Xero (or the customer
pointed at another contact).

:func:`explain_archived` words the cause and fix once, for the contact resolution
(:mod:`.contacts`, a match found archived) and for the push (:mod:`.push`, Xero's refusal of a
stored ContactID, through :func:`refusal`, which reads the contact once to find out whether it
was merged). Xero's own message stays in the log's messages beside this explanation.
"""

from __future__ import annotations

from xero_connector.xero import catalogue
from xero_connector.xero.errors import XeroError

ARCHIVED_KEY = "contact_archived"


def _label(contact: dict) -> str:
	name = contact.get("Name")
	return f"{name!r} ({contact.get('ContactID')})" if name else str(contact.get("ContactID"))


def explain_archived(customer: str, contact: dict, merged_into: dict | None = None) -> tuple[str, str]:
	"""(cause, fix) for customer ``customer`` whose Xero contact ``contact`` is archived;
	``merged_into``: the contact it was merged into, when known (else its MergedToContactID)."""
	target_id = (merged_into or {}).get("ContactID") or contact.get("MergedToContactID")
	if target_id:
		target = _label(merged_into) if merged_into else str(target_id)
		number = (merged_into or {}).get("AccountNumber")
		code = f" (or set the Customer's billing account code to {number!r}, then resend)" if number else ""
		return (
			f"The Xero contact {_label(contact)} of customer {customer} was merged into {target} in "
			"Xero and is archived, so Xero refuses invoices for it.",
			f"Use the contact it was merged into ({target_id}): Use Merged Contact on the Xero Sync Log "
			f"row links customer {customer} to it and sends the invoice again{code}.",
		)
	return (
		f"The Xero contact {_label(contact)} of customer {customer} is archived, so Xero refuses "
		"invoices for it.",
		"Restore the contact in Xero (Contacts → Archived → Restore) to un-archive it, or point the "
		"Customer at another Xero contact (delete its Xero Contact Link, listed on the Customer, or "
		"correct its billing account code), then resend.",
	)


def is_archived_refusal(messages: list[str]) -> bool:
	"""True when Xero's messages say the document's contact is archived."""
	return any(catalogue.match_message(m).key == ARCHIVED_KEY for m in messages)


def refusal(port, customer: str, contact_id: str | None, messages: list[str]) -> tuple[str, str] | None:
	"""(cause, fix) for Xero's refusal of a document because its contact ``contact_id`` is archived,
	naming the contact it was merged into when it was (``GET /Contacts/{id}``, then the target);
	None when the refusal is about something else. A failed read falls back to the catalogue's
	wording with the contact's ID."""
	if not contact_id or not is_archived_refusal(messages):
		return None
	try:
		contact = port.get_contact(contact_id)
	except XeroError:
		return None
	merged_into = None
	target_id = contact.get("MergedToContactID")
	if target_id:
		try:
			merged_into = port.get_contact(target_id)
		except XeroError:
			merged_into = None
	return explain_archived(customer, contact, merged_into)
