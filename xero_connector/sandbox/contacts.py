"""Contacts: create, update, archive and restore, with Xero's uniqueness rules.

- ``AccountNumber`` is unique across all contacts;
- ``Name`` is unique across ACTIVE contacts;
- an ARCHIVED contact accepts no change except being restored (``ContactStatus`` ACTIVE).

Called by :mod:`.accounting` for each element of ``PUT``/``POST /Contacts``.
"""

from __future__ import annotations

import uuid

from . import lengths, render
from . import messages as msg
from .common import Ctx, Outcome, Refused

TEXT_FIELDS = (
	"Name",
	"FirstName",
	"LastName",
	"EmailAddress",
	"AccountNumber",
	"ContactNumber",
	"CompanyNumber",
	"TaxNumber",
	"BankAccountDetails",
	"DefaultCurrency",
	"Website",
	"SalesDefaultAccountCode",
	"AccountsReceivableTaxType",
)
LIST_FIELDS = ("Addresses", "Phones", "ContactPersons")
FLAG_FIELDS = ("IsSupplier", "IsCustomer")


def find(ctx: Ctx, key: str | None) -> dict | None:
	"""A contact by ContactID or ContactNumber (the path of ``/Contacts/{id}``)."""
	if not key:
		return None
	found = ctx.org.contacts.get(str(key).lower())
	return found or next(iter(ctx.org.contacts_with_contact_number(key)), None)


def write_contact(ctx: Ctx, element, path_key: str | None = None, create_only: bool = False) -> Outcome:
	"""Create or update one contact; never raises for bad input."""
	if not isinstance(element, dict):
		return Outcome({}, [msg.CONTACT_NAME_REQUIRED])
	try:
		existing = None
		key = path_key or (None if create_only else element.get("ContactID"))
		if key:
			existing = find(ctx, key)
			if existing is None:
				raise Refused(msg.CONTACT_NOT_FOUND)
		record = _update(ctx, existing, element) if existing else _create(ctx, element)
	except Refused as refused:
		echo = render.echo(element)
		echo.setdefault("ContactID", render.ZERO_ID)
		return Outcome(echo, refused.messages)
	return Outcome(render.contact(record))


def _create(ctx: Ctx, element: dict) -> dict:
	record = {
		"ContactID": str(uuid.uuid4()),
		"ContactStatus": "ACTIVE",
		"IsCustomer": False,
		"IsSupplier": False,
	}
	_apply(record, element)
	_check(ctx, record)
	ctx.org.store_contact(record)
	ctx.touch(record)
	ctx.event("CONTACT", record["ContactID"], "CREATE")
	return record


def _update(ctx: Ctx, existing: dict, element: dict) -> dict:
	wanted_status = str(element.get("ContactStatus") or existing["ContactStatus"]).upper()
	if existing["ContactStatus"] == "ARCHIVED" and wanted_status != "ACTIVE":
		raise Refused(msg.CONTACT_ARCHIVED_UPDATE)
	draft = dict(existing)
	_apply(draft, element)
	_check(ctx, draft)
	existing.clear()
	existing.update(draft)
	ctx.org.reindex_contact(existing)
	ctx.touch(existing)
	ctx.event("CONTACT", existing["ContactID"], "UPDATE")
	return existing


def _apply(record: dict, element: dict) -> None:
	for key in TEXT_FIELDS:
		if key in element and (element[key] is None or isinstance(element[key], str)):
			record[key] = element[key].strip() if isinstance(element[key], str) else None
	for key in LIST_FIELDS:
		if isinstance(element.get(key), list):
			record[key] = [entry for entry in element[key] if isinstance(entry, dict)]
	for key in FLAG_FIELDS:
		if isinstance(element.get(key), bool):
			record[key] = element[key]
	if element.get("ContactStatus"):
		record["ContactStatus"] = str(element["ContactStatus"]).upper()
	for key in [k for k, v in record.items() if v is None]:
		del record[key]


def _check(ctx: Ctx, record: dict) -> None:
	errors = lengths.contact_errors(record) if ctx.strict("field_lengths") else []
	name = record.get("Name", "")
	if not name:
		errors.append(msg.CONTACT_NAME_REQUIRED)
	if record["ContactStatus"] not in ("ACTIVE", "ARCHIVED"):
		record["ContactStatus"] = "ACTIVE"
	org, own_id = ctx.org, record["ContactID"]
	unique = ctx.strict("contact_unique")
	if unique and name and record["ContactStatus"] == "ACTIVE":
		if any(c["ContactStatus"] == "ACTIVE" and c["ContactID"] != own_id for c in org.contacts_named(name)):
			errors.append(msg.contact_name_taken(name))
	number = record.get("AccountNumber") or ""
	if unique and number and any(c["ContactID"] != own_id for c in org.contacts_with_account_number(number)):
		errors.append(msg.ACCOUNT_NUMBER_EXISTS)
	if errors:
		raise Refused(*errors)


def merge(org, merged_id: str, into_id: str, now: str) -> dict:
	"""Xero's merge of two contacts (done in Xero's app; the API has no merge): the contact
	``merged_id`` is archived and points at the one kept (``MergedToContactID``,
	xero_accounting.yaml Contact.MergedToContactID). Its invoices stay where they are here.
	Used by tests and demos to bring about what a Xero user does; ``now``: the stored timestamp."""
	merged, kept = org.contacts[merged_id.lower()], org.contacts[into_id.lower()]
	merged.update(ContactStatus="ARCHIVED", MergedToContactID=kept["ContactID"], UpdatedDateUTC=now)
	org.reindex_contact(merged)
	org.mark_modified("contacts", merged["ContactID"], now)
	return merged
