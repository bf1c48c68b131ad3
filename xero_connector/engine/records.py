"""Reading Xero's Invoice / CreditNote JSON into the Host's :class:`~.host.SyncState`,
and Xero's date formats. Used by :mod:`.push`, :mod:`.cancel`, :mod:`.returns` and :mod:`.pull`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal

from xero_connector.engine.host import SyncState

# kind → (XeroPort update method, ID field, number field, XeroPort create method)
KINDS = {
	"invoice": ("save_invoices", "InvoiceID", "InvoiceNumber", "create_invoices"),
	"credit_note": ("save_credit_notes", "CreditNoteID", "CreditNoteNumber", "create_credit_notes"),
}
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def now() -> datetime:
	return datetime.now(timezone.utc)


def parse_xero_datetime(value: str) -> datetime:
	"""Xero's ``/Date(1573755038314+0000)/`` or ISO text (``2019-11-14T18:10:38.314``) → aware UTC."""
	match = _MS_DATE.match(value.strip())
	if match:
		return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=timezone.utc)
	moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
	return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def xero_date(value) -> str | None:
	"""A Xero date (either form) → ``YYYY-MM-DD``; None for empty."""
	return parse_xero_datetime(value).date().isoformat() if value else None


CENT = Decimal("0.01")


def dec(value, default=None) -> Decimal | None:
	"""A money amount from Xero's JSON (int, float, str or Decimal) → Decimal in cents
	(Xero's amounts have 2 decimals; ``1750.0`` and ``1750`` become ``1750.00``)."""
	return default if value is None else Decimal(str(value)).quantize(CENT)


def state_from_element(element: dict, kind: str, previous: SyncState | None = None) -> SyncState:
	"""A SyncState from Xero's Invoice or CreditNote JSON, keeping what Xero does not say.
	Clears the write-ahead mark: the outcome is known once Xero has shown the document."""
	_, id_field, number_field, _ = KINDS[kind]
	base = previous or SyncState()
	if kind == "invoice":
		due, credited = element.get("AmountDue"), element.get("AmountCredited")
	else:
		due, credited = element.get("RemainingCredit"), element.get("AppliedAmount")
	return replace(
		base,
		xero_id=element.get(id_field) or base.xero_id,
		kind=kind,
		xero_number=element.get(number_field) or base.xero_number,
		xero_status=element.get("Status") or base.xero_status,
		total=dec(element.get("Total"), base.total),
		amount_due=dec(due, base.amount_due),
		amount_paid=dec(element.get("AmountPaid"), base.amount_paid),
		amount_credited=dec(credited, base.amount_credited),
		fully_paid_on=xero_date(element.get("FullyPaidOnDate")) or base.fully_paid_on,
		pending_hash=None,
		outcome_unknown=False,
		last_synced_at=now(),
	)


def read_documents(engine, kind: str, *, ids=None, numbers=None, live_only=False) -> dict[str, dict]:
	"""Xero's invoices or credit notes (``kind``) named by ``ids`` or by ``numbers``, read
	100 a call and keyed the way they were asked for; ``live_only`` leaves DELETED ones out
	(a number may stand on a deleted document and a live one). Raises the client's XeroError."""
	from xero_connector.engine.xero_port import chunks

	_, id_field, number_field, _ = KINDS[kind]
	read = engine.port.get_invoices if kind == "invoice" else engine.port.get_credit_notes
	key = id_field if ids is not None else number_field
	found: dict[str, dict] = {}
	for part in chunks(list(ids if ids is not None else numbers or [])):
		for element in read(ids=part) if ids is not None else read(numbers=part):
			if not (live_only and element.get("Status") == "DELETED"):
				found[element.get(key)] = element
	return found
