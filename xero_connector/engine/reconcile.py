"""Reconciliation: ERPNext's Sales Invoices against Xero's invoices and credit notes,
one row per document — in both, only in ERPNext, only in Xero, or in both but not
linked — with status, total and amount due compared.

Matching, first hit wins: the Xero ID ERPNext stored → the same number (InvoiceNumber
for invoices, CreditNoteNumber for returns). A document found by number only is
"Not Linked" (the Link action attaches it). Statuses agree when a submitted ERPNext
document is DRAFT/SUBMITTED/AUTHORISED/PAID in Xero, and a cancelled one is
VOIDED/DELETED (or was never sent).

Called by the "Xero Reconciliation" Script Report (xero_connector/xero_connector/features/reconciliation.py);
pure (no Frappe).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

BOTH = "Both"
ONLY_ERPNEXT = "Only in ERPNext"
ONLY_XERO = "Only in Xero"
NOT_LINKED = "Not Linked"

OPEN_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID")
CLOSED_STATUSES = ("VOIDED", "DELETED")
CENT = Decimal("0.01")


@dataclass
class XeroDoc:
	"""An Invoice or CreditNote as read from Xero (``GET /Invoices``, ``GET /CreditNotes``)."""

	kind: str  # "invoice" | "credit_note"
	xero_id: str
	number: str
	status: str
	total: Decimal
	amount_due: Decimal
	date: str | None = None
	contact: str | None = None

	@classmethod
	def from_element(cls, element: dict, kind: str) -> XeroDoc:
		if kind == "invoice":
			xero_id, number, due = element.get("InvoiceID"), element.get("InvoiceNumber"), "AmountDue"
		else:
			xero_id, number, due = (
				element.get("CreditNoteID"),
				element.get("CreditNoteNumber"),
				"RemainingCredit",
			)
		return cls(
			kind=kind,
			xero_id=xero_id or "",
			number=number or "",
			status=element.get("Status") or "",
			total=_money(element.get("Total")),
			amount_due=_money(element.get(due)),
			date=_date(element.get("DateString") or element.get("Date")),
			contact=(element.get("Contact") or {}).get("Name"),
		)


@dataclass
class Row:
	"""One line of the report."""

	number: str
	kind: str
	presence: str
	erpnext_name: str | None = None
	customer: str | None = None
	posting_date: str | None = None
	currency: str | None = None
	erpnext_status: str | None = None
	xero_status: str | None = None
	erpnext_total: Decimal | None = None
	xero_total: Decimal | None = None
	erpnext_outstanding: Decimal | None = None
	xero_amount_due: Decimal | None = None
	xero_id: str | None = None
	status_mismatch: bool = False
	total_mismatch: bool = False
	amount_due_mismatch: bool = False
	can_resend: bool = False
	can_link: bool = False

	@property
	def mismatch(self) -> bool:
		return (
			self.presence != BOTH or self.status_mismatch or self.total_mismatch or self.amount_due_mismatch
		)

	def as_dict(self) -> dict:
		out = asdict(self)
		out["mismatch"] = self.mismatch
		return out


def reconcile(erpnext: list[dict], xero: list[XeroDoc]) -> list[Row]:
	"""Rows for ``erpnext`` (Sales Invoice values: name, is_return, docstatus, customer,
	posting_date, currency, total (what the customer owes), outstanding, xero_id) and the
	Xero documents read for the same period. Sorted by number."""
	by_id = {doc.xero_id: doc for doc in xero if doc.xero_id}
	by_number: dict[tuple[str, str], XeroDoc] = {}
	for doc in xero:
		key = (doc.kind, doc.number)
		if doc.number and (key not in by_number or by_number[key].status == "DELETED"):
			by_number[key] = doc
	used: set[str] = set()
	rows = []
	for inv in erpnext:
		kind = "credit_note" if inv.get("is_return") else "invoice"
		stored = inv.get("xero_id")
		found = by_id.get(stored) if stored else None
		presence = BOTH if found else None
		if found is None:
			found = by_number.get((kind, inv["name"]))
			if found is not None and found.status == "DELETED" and inv.get("docstatus") == 1:
				found = None
			presence = NOT_LINKED if found else ONLY_ERPNEXT
		if found is not None:
			used.add(found.xero_id)
		rows.append(_row(inv, kind, presence, found))
	for doc in xero:
		if doc.xero_id not in used and doc.status != "DELETED":
			rows.append(
				Row(
					number=doc.number,
					kind=doc.kind,
					presence=ONLY_XERO,
					posting_date=doc.date,
					customer=doc.contact,
					xero_status=doc.status,
					xero_total=doc.total,
					xero_amount_due=doc.amount_due,
					xero_id=doc.xero_id,
				)
			)
	return sorted(rows, key=lambda r: (r.number or "", r.presence))


def _row(inv: dict, kind: str, presence: str, found: XeroDoc | None) -> Row:
	docstatus = inv.get("docstatus")
	row = Row(
		number=inv["name"],
		kind=kind,
		presence=presence,
		erpnext_name=inv["name"],
		customer=inv.get("customer"),
		posting_date=_date(inv.get("posting_date")),
		currency=inv.get("currency"),
		erpnext_status={0: "Draft", 1: "Submitted", 2: "Cancelled"}.get(docstatus, str(docstatus)),
		erpnext_total=abs(_money(inv.get("total"))),
		erpnext_outstanding=abs(_money(inv.get("outstanding"))),
	)
	if found is None:
		row.can_resend = docstatus == 1
		return row
	row.xero_id = found.xero_id
	row.xero_status = found.status
	row.xero_total = found.total
	row.xero_amount_due = found.amount_due
	expected = CLOSED_STATUSES if docstatus == 2 else OPEN_STATUSES
	row.status_mismatch = found.status not in expected
	row.total_mismatch = docstatus == 1 and row.erpnext_total != found.total
	row.amount_due_mismatch = docstatus == 1 and row.erpnext_outstanding != found.amount_due
	row.can_link = presence == NOT_LINKED
	row.can_resend = presence == BOTH and (row.status_mismatch or row.total_mismatch)
	return row


def _money(value) -> Decimal:
	return Decimal(str(value if value not in (None, "") else 0)).quantize(CENT)


def _date(value) -> str | None:
	if not value:
		return None
	text = str(value)
	if text.startswith("/Date("):
		from xero_connector.engine.records import xero_date

		return xero_date(text)
	return text[:10]


def where_period(kind: str, from_date: str, to_date: str) -> str:
	"""Xero's ``where`` clause for sales invoices (``ACCREC``) or sales credit notes
	(``ACCRECCREDIT``) dated within [from_date, to_date] (``YYYY-MM-DD``)."""
	kinds = {"invoice": "ACCREC", "credit_note": "ACCRECCREDIT"}
	return f'Type=="{kinds[kind]}" AND Date>={_datetime(from_date)} AND Date<={_datetime(to_date)}'


def _datetime(day: str) -> str:
	year, month, date = (int(part) for part in str(day)[:10].split("-"))
	return f"DateTime({year},{month:02d},{date:02d})"
