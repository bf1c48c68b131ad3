"""Finding a bill an earlier attempt may have written (issue 16).

A Sales Invoice's number is unique in Xero, so a look-up by number finds it or nothing. A bill's
InvoiceNumber is the supplier's, which Xero does not keep unique ("ACCPAY – non-unique alpha
numeric code identifying invoice", developer.xero.com/documentation/api/accounting/invoices):
another supplier's bill, or an earlier bill of the same supplier, may carry it. So every
document holding the number is read, and the one that is evidently this Purchase Invoice's (same
type, same contact, same currency, ERPNext's total, not voided or deleted:
:func:`.recovery.choose`) is taken; none such means the write never arrived.

Called by :mod:`.push` (an unknown outcome before creating again) and :mod:`.cancel`.
"""

from __future__ import annotations

from xero_connector.engine.records import KINDS
from xero_connector.engine.recovery import choose
from xero_connector.engine.xero_port import chunks

PAYABLE = {"invoice": "ACCPAY", "credit_note": "ACCPAYCREDIT"}


def candidates(engine, kind: str, numbers: list[str]) -> dict[str, list[dict]]:
	"""Every live (not DELETED) Xero document of ``kind`` holding each number, 100 numbers a call."""
	_, _, number_field, _ = KINDS[kind]
	read = engine.port.get_invoices if kind == "invoice" else engine.port.get_credit_notes
	found: dict[str, list[dict]] = {}
	for part in chunks(list(dict.fromkeys(numbers)), 100):
		for element in read(numbers=part):
			if element.get("Status") != "DELETED":
				found.setdefault(element.get(number_field), []).append(element)
	return found


def written(engine, kind: str, jobs: list) -> dict[str, dict]:
	"""Job name → the Xero bill (or supplier credit note) that is evidently that job's document.
	``jobs`` are :class:`xero_connector.engine.push.Job` (mapped, contact resolved). Raises the
	client's XeroError."""
	if not jobs:
		return {}
	found = candidates(engine, kind, [job.xdoc.number for job in jobs])
	out = {}
	for job in jobs:
		element, _ = choose(job, found.get(job.xdoc.number, []))
		if element is not None:
			out[job.name] = element
	return out


def is_this_bill(engine, kind: str, doc: dict, element: dict) -> bool:
	"""For cancel: the Xero document is a payable of this kind and its contact is the Supplier's."""
	contact = (element.get("Contact") or {}).get("ContactID")
	stored = engine.host.get_contact_id(doc.get("supplier") or "", doctype="Supplier")
	return element.get("Type") == PAYABLE[kind] and bool(contact) and contact == stored
