"""Is the Xero document that holds a number this ERPNext document? (self-healing push)

When a create is refused with Xero's "Invoice # must be unique." (or "Credit Note # must be
unique."), the number is already taken in Xero — most often by this very document, written by
an earlier attempt whose answer was lost (time-out or 5xx after commit, then a refusal the
engine could not tell from "not written"). :mod:`.push` then reads the number back and links
the Sales Invoice to the Xero document when the evidence says it is the same one: same type,
same contact (ContactID, or the Customer's name / billing account code), same currency, the
Total ERPNext expects, and neither VOIDED nor DELETED. Otherwise a different document holds
the number and the push fails with the catalogue's cause and resolution.

Pure functions over plain Xero JSON; called by :func:`xero_connector.engine.push._link_taken`.
"""

from __future__ import annotations

from decimal import Decimal

from xero_connector.engine.contacts import customer_key
from xero_connector.engine.records import dec
from xero_connector.xero import catalogue

NUMBER_TAKEN = frozenset({"invoice_number_not_unique", "credit_note_number_not_unique"})
GONE = frozenset({"VOIDED", "DELETED"})
LABEL = {"invoice": "invoice", "credit_note": "credit note"}


def number_taken(messages: list[str]) -> bool:
	"""True when Xero refused a create because the document number is already in use."""
	return any(catalogue.match_message(m).key in NUMBER_TAKEN for m in messages)


def differences(job, element: dict) -> list[str]:
	"""Why ``element`` (Xero JSON with the job's number) is not the job's document; empty when it is.
	``job`` is a :class:`xero_connector.engine.push.Job` (mapped, with its contact resolved)."""
	payload = job.xdoc.payload
	out = []
	status = element.get("Status")
	if status in GONE:
		out.append(f"it is {status}")
	if payload.get("Type") and element.get("Type") and element["Type"] != payload["Type"]:
		out.append(f"its type is {element['Type']}, not {payload['Type']}")
	contact = element.get("Contact") or {}
	if not same_contact(job, payload.get("Contact") or {}, contact):
		out.append(f"its contact is {contact.get('Name') or contact.get('ContactID') or 'unknown'}")
	currency = element.get("CurrencyCode")
	if currency and job.xdoc.currency and currency != job.xdoc.currency:
		out.append(f"its currency is {currency}, not {job.xdoc.currency}")
	expected = abs(Decimal(job.xdoc.expected_total))
	total = dec(element.get("Total"))
	if total is None or total != expected:
		out.append(f"its total is {total}, not {expected}")
	return out


def same_contact(job, wanted: dict, found: dict) -> bool:
	"""The Xero contact ``found`` is the one the payload bills (``wanted``) or the job's Customer."""
	wanted_id = wanted.get("ContactID") or job.contact_id
	if wanted_id and found.get("ContactID"):
		return wanted_id == found["ContactID"]
	name, code = customer_key(job.doc.get("customer") or "", job.ctx)
	names = {n.strip().casefold() for n in (wanted.get("Name"), name) if n}
	codes = {c for c in (wanted.get("AccountNumber"), code) if c}
	if found.get("AccountNumber") and codes:
		return found["AccountNumber"] in codes
	return bool(found.get("Name")) and found["Name"].strip().casefold() in names


def choose(job, candidates: list[dict]) -> tuple[dict | None, list[str]]:
	"""(the candidate that is evidently this document, []) or (None, why the closest one is not)."""
	reasons: list[str] = []
	for element in candidates:
		diff = differences(job, element)
		if not diff:
			return element, []
		if not reasons or len(diff) < len(reasons):
			reasons = diff
	return None, reasons or ["no document with this number could be read back from Xero"]


def taken_reason(kind: str, number: str, message: str, reasons: list[str]) -> str:
	"""The Failed reason when another Xero document holds ``number``."""
	return (
		f"{message} A different Xero {LABEL[kind]} already holds number {number} "
		f"({'; '.join(reasons)}): nothing was created"
	)


def unclear_answer(element: dict, kind: str, job) -> str | None:
	"""Why Xero's element for a write that raised no error does not say that this document was
	written (no ID, or the number or ID of another document: answers out of order), or None
	when it does. The write may well be in Xero: :mod:`.push` keeps the write-ahead mark and
	leaves the document Queued, so that the next run looks its number up before sending."""
	from xero_connector.engine.records import KINDS

	_, id_field, number_field, _ = KINDS[kind]
	number, xero_id = element.get(number_field), element.get(id_field)
	if not xero_id:
		said = f"without the {id_field} of"
	elif number and number != job.xdoc.number:
		said = f"with {number_field} {number} for"
	elif job.xero_id and str(xero_id).lower() != job.xero_id.lower():
		said = f"with {id_field} {xero_id} for"
	else:
		return None
	return (
		f"Xero answered {said} {LABEL[kind]} {job.xdoc.number}, so it may be in Xero: queued, the next "
		"run looks it up by number before sending it again"
	)
