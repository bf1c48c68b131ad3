"""Which Xero contact a Customer (or Supplier) is in each company's Xero organisation: the
Xero Contact Link rows, one per party and company, the only place a ContactID is kept.

Called by host.FrappeHost (the engine's get_contact_id / save_contact_id), by the
Readiness page's contact fixes and its check, and by the Customer panel. A link counts
only while its organisation is the connection's, so after a confirmed switch to another
organisation no ContactID of the old one is used.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import CONTACT_LINK


def contact_id(party_type: str, party: str, connection) -> str | None:
	"""The party's ContactID in the connection's organisation, or None."""
	if not party:
		return None
	return frappe.db.get_value(CONTACT_LINK, _key(party_type, party, connection), "contact_id") or None


def contact_ids(party_type: str, parties: list[str], connection) -> dict[str, str]:
	"""{party: ContactID} of those of ``parties`` linked in the connection's organisation, in
	one query."""
	if not parties:
		return {}
	rows = frappe.get_all(
		CONTACT_LINK,
		filters={**_key(party_type, ("in", parties), connection)},
		fields=["party", "contact_id"],
		limit=0,
	)
	return {row.party: row.contact_id for row in rows}


def save(party_type: str, party: str, connection, value: str) -> None:
	"""Link the party to the contact ``value`` of the connection's organisation (replacing the
	company's earlier link, of this or an earlier organisation)."""
	existing = frappe.db.get_value(
		CONTACT_LINK, {"party_type": party_type, "party": party, "company": connection.company}, "name"
	)
	values = {"contact_id": value, "tenant_id": connection.tenant_id or None}
	if existing:
		frappe.db.set_value(CONTACT_LINK, existing, values, update_modified=False)
		return
	doc = frappe.get_doc(
		{
			"doctype": CONTACT_LINK,
			"party_type": party_type,
			"party": party,
			"company": connection.company,
			**values,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()


def forget(party_type: str, party: str, company: str | None = None) -> None:
	"""Drop the party's links (of one company, or of all): the next push matches again."""
	filters = {"party_type": party_type, "party": party}
	if company:
		filters["company"] = company
	frappe.db.delete(CONTACT_LINK, filters)


def _key(party_type: str, party, connection) -> dict:
	return {
		"party_type": party_type,
		"party": party,
		"company": connection.company,
		"tenant_id": connection.tenant_id or "",
	}
