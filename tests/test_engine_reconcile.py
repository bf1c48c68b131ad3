"""engine.reconcile: matching ERPNext's invoices to Xero's by stored ID, then number; the
status, total and amount-due comparisons; documents only on one side; the where clause."""

from __future__ import annotations

from decimal import Decimal

from xero_connector.engine.reconcile import (
	BOTH,
	NOT_LINKED,
	ONLY_ERPNEXT,
	ONLY_XERO,
	XeroDoc,
	reconcile,
	where_period,
)


def erp(name, total="115.00", outstanding=None, xero_id=None, docstatus=1, is_return=0):
	return {
		"name": name,
		"is_return": is_return,
		"docstatus": docstatus,
		"customer": "Kiwi Retail Ltd",
		"posting_date": "2025-11-10",
		"currency": "NZD",
		"total": total,
		"outstanding": total if outstanding is None else outstanding,
		"xero_id": xero_id,
	}


def xero_invoice(number, xero_id, total="115.00", due=None, status="AUTHORISED"):
	return XeroDoc.from_element(
		{
			"InvoiceNumber": number,
			"InvoiceID": xero_id,
			"Status": status,
			"Total": total,
			"AmountDue": total if due is None else due,
			"Date": "/Date(1762732800000+0000)/",
			"Contact": {"Name": "Kiwi Retail Ltd"},
		},
		"invoice",
	)


def one(rows, number):
	(row,) = [r for r in rows if r.number == number]
	return row


def test_matching_invoice_by_stored_id():
	rows = reconcile([erp("SINV-1", xero_id="id-1")], [xero_invoice("SINV-1", "id-1")])
	row = one(rows, "SINV-1")
	assert (row.presence, row.mismatch, row.can_resend, row.can_link) == (BOTH, False, False, False)
	assert row.xero_total == row.erpnext_total == Decimal("115.00")


def test_total_and_amount_due_mismatches():
	rows = reconcile(
		[erp("SINV-1", total="120.00", xero_id="id-1"), erp("SINV-2", xero_id="id-2")],
		[xero_invoice("SINV-1", "id-1"), xero_invoice("SINV-2", "id-2", due="15.00")],
	)
	first, second = one(rows, "SINV-1"), one(rows, "SINV-2")
	assert (first.total_mismatch, first.amount_due_mismatch, first.can_resend) == (True, True, True)
	assert (second.total_mismatch, second.amount_due_mismatch, second.mismatch) == (False, True, True)
	assert not second.can_resend, "a payment in Xero is not fixed by resending"


def test_only_in_erpnext_and_only_in_xero():
	rows = reconcile([erp("SINV-1")], [xero_invoice("INV-0042", "id-x")])
	assert (one(rows, "SINV-1").presence, one(rows, "SINV-1").can_resend) == (ONLY_ERPNEXT, True)
	only_xero = one(rows, "INV-0042")
	assert (only_xero.presence, only_xero.erpnext_name, only_xero.xero_id) == (ONLY_XERO, None, "id-x")
	assert only_xero.posting_date == "2025-11-10"


def test_same_number_without_a_stored_id_can_be_linked():
	rows = reconcile([erp("SINV-1")], [xero_invoice("SINV-1", "id-1")])
	row = one(rows, "SINV-1")
	assert (row.presence, row.can_link, row.xero_id) == (NOT_LINKED, True, "id-1")
	assert len(rows) == 1, "the Xero invoice is not listed a second time as only in Xero"


def test_deleted_xero_documents_are_neither_matched_nor_listed():
	rows = reconcile([erp("SINV-1")], [xero_invoice("SINV-1", "id-1", status="DELETED")])
	assert [(r.number, r.presence) for r in rows] == [("SINV-1", ONLY_ERPNEXT)]


def test_status_rules():
	rows = reconcile(
		[
			erp("SINV-1", xero_id="id-1", docstatus=2),
			erp("SINV-2", xero_id="id-2", docstatus=2),
			erp("SINV-3", xero_id="id-3"),
		],
		[
			xero_invoice("SINV-1", "id-1", status="VOIDED", due="0"),
			xero_invoice("SINV-2", "id-2"),
			xero_invoice("SINV-3", "id-3", status="VOIDED", due="0"),
		],
	)
	assert one(rows, "SINV-1").mismatch is False, "cancelled and voided agree"
	assert one(rows, "SINV-2").status_mismatch, "cancelled in ERPNext but still open in Xero"
	assert one(rows, "SINV-3").status_mismatch, "submitted in ERPNext but voided in Xero"


def test_returns_match_credit_notes_by_number_with_amounts_as_positive():
	note = XeroDoc.from_element(
		{
			"CreditNoteNumber": "SINV-9",
			"CreditNoteID": "cn-9",
			"Status": "PAID",
			"Total": 23.0,
			"RemainingCredit": 0,
		},
		"credit_note",
	)
	rows = reconcile([erp("SINV-9", total="-23", outstanding="0", xero_id="cn-9", is_return=1)], [note])
	row = one(rows, "SINV-9")
	assert (row.kind, row.presence, row.mismatch) == ("credit_note", BOTH, False)
	rows = reconcile([erp("SINV-9", total="-23", is_return=1)], [xero_invoice("SINV-9", "inv-9")])
	assert {r.presence for r in rows} == {ONLY_ERPNEXT, ONLY_XERO}, "an invoice never matches a return"


def test_where_clause_for_a_period():
	assert (
		where_period("invoice", "2025-11-01", "2025-11-30")
		== 'Type=="ACCREC" AND Date>=DateTime(2025,11,01) AND Date<=DateTime(2025,11,30)'
	)
	assert where_period("credit_note", "2025-01-01", "2025-01-31").startswith('Type=="ACCRECCREDIT"')
