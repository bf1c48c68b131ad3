"""The Xero Reconciliation report against the in-process Xero sandbox: a matching
invoice, a total mismatch, an invoice missing in Xero (and Resend), one raised directly
in Xero, and the Link action; Xero is read in pages, not per invoice."""

from __future__ import annotations

from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.utils import add_days, flt

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	COMPANY,
	CUSTOMER,
	ITEM,
	XeroTestCase,
	captured_jobs,
	make_invoice,
	owed,
	xero_client,
)
from xero_connector.tests.test_backfill import clear_month, past_date
from xero_connector.xero.client import XeroClient
from xero_connector.xero_connector.features import reconciliation
from xero_connector.xero_connector.report.xero_reconciliation import xero_reconciliation as report

MONTH = 11


class TestReconciliation(XeroTestCase):
	def setUp(self):
		super().setUp()
		clear_month(MONTH)
		frappe.db.commit()

	def dated(self, day: int = 10) -> dict:
		return {"posting_date": past_date(MONTH, day), "due_date": add_days(past_date(MONTH, day), 30)}

	def unsent(self, **values):
		with captured_jobs():  # the push it queues is never run
			return make_invoice(**self.dated(), **values)

	def rows(self, **filters) -> dict[str, dict]:
		_columns, data, _message, _chart, _summary = report.execute(
			{"company": COMPANY, "from_date": past_date(MONTH, 1), "to_date": past_date(MONTH, 28), **filters}
		)
		return {row["number"]: row for row in data}

	def raise_in_xero(self, number: str, amount: int = 100) -> str:
		contact = fixtures.contact_id(CUSTOMER)
		if not contact:
			contact = (
				xero_client()
				.create_contacts(
					[{"Name": f"Direct {frappe.generate_hash(length=6)}"}], frappe.generate_hash()
				)[0]
				.data["ContactID"]
			)
		(result,) = xero_client().create_invoices(
			[
				{
					"Type": "ACCREC",
					"Contact": {"ContactID": contact},
					"InvoiceNumber": number,
					"Date": past_date(MONTH, 12),
					"DueDate": past_date(MONTH, 27),
					"Status": "AUTHORISED",
					"LineAmountTypes": "Exclusive",
					"LineItems": [
						{
							"Description": "Raised in Xero",
							"Quantity": 1,
							"UnitAmount": amount,
							"AccountCode": "200",
							"TaxType": "OUTPUT2",
						}
					],
				}
			],
			frappe.generate_hash(),
		)
		self.assertTrue(result.ok, result.messages)
		return result.data["InvoiceID"]

	def test_matching_invoice_and_a_total_mismatch(self):
		good = self.submit_and_sync(**self.dated(5))
		bad = self.submit_and_sync(**self.dated(6))
		self.assertTrue(good.xero_invoice_id and bad.xero_invoice_id)
		# ERPNext's total changes behind the connector's back (e.g. a data fix)
		frappe.db.set_value("Sales Invoice", bad.name, {"grand_total": 999, "rounded_total": 999})
		rows = self.rows()

		row = rows[good.name]
		self.assertEqual((row["presence"], row["mismatch"]), ("Both", False))
		self.assertEqual((row["erpnext_status"], row["xero_status"]), ("Submitted", "AUTHORISED"))
		self.assertEqual(row["xero_total"], Decimal(str(owed(good))).quantize(Decimal("0.01")))
		self.assertEqual(row["xero_amount_due"], row["erpnext_outstanding"])

		row = rows[bad.name]
		self.assertTrue(row["total_mismatch"])
		self.assertEqual(row["erpnext_total"], Decimal("999.00"))
		self.assertTrue(row["can_resend"])
		mismatched = self.rows(only_mismatches=1)
		self.assertIn(bad.name, mismatched)
		self.assertNotIn(good.name, mismatched)

	def test_a_payment_recorded_only_in_xero_is_a_mismatch_until_erpnext_has_it(self):
		"""Payment Entries from Xero are off (the default): the payment pull brings Xero's
		amount due back, but ERPNext's own outstanding is what the report compares, so a
		payment ERPNext does not know of stays a mismatch, pulled or not."""
		from xero_connector.tests.test_sync import TestPaymentPull

		fixtures.set_values("create_payment_entries", 0)
		si = self.submit_and_sync(**self.dated(7))
		TestPaymentPull.pay(self, si, 40)
		TestPaymentPull.run_scheduled_pull(self)
		row = self.rows()[si.name]
		self.assertTrue(row["amount_due_mismatch"])
		self.assertEqual(row["erpnext_outstanding"], Decimal(str(owed(si))).quantize(Decimal("0.01")))
		self.assertEqual(row["xero_amount_due"], Decimal(str(owed(si) - 40)).quantize(Decimal("0.01")))

	def test_missing_in_xero_is_listed_and_resend_sends_it(self):
		si = self.unsent()
		row = self.rows()[si.name]
		self.assertEqual(
			(row["presence"], row["can_resend"], row["xero_status"]), ("Only in ERPNext", True, None)
		)
		with captured_jobs() as jobs:
			reconciliation.resend(si.name)
			self.assertEqual(jobs.job_ids(), [f"xero-push::{si.name}"])
			jobs.run()
		row = self.rows()[si.name]
		self.assertEqual((row["presence"], row["mismatch"]), ("Both", False))

	def test_an_invoice_raised_directly_in_xero_is_only_in_xero(self):
		number = f"XERO-ONLY-{frappe.generate_hash(length=6)}"
		xero_id = self.raise_in_xero(number, amount=40)
		row = self.rows()[number]
		self.assertEqual(
			(row["presence"], row["erpnext_name"], row["xero_id"]), ("Only in Xero", None, xero_id)
		)
		self.assertEqual(row["xero_total"], Decimal("46.00"))
		self.assertFalse(row["can_resend"] or row["can_link"])

	def test_link_attaches_the_xero_invoice_with_the_same_number(self):
		si = self.unsent(items=[(ITEM, 1, 100)])
		xero_id = self.raise_in_xero(si.name, amount=100)
		row = self.rows()[si.name]
		self.assertEqual((row["presence"], row["can_link"], row["xero_id"]), ("Not Linked", True, xero_id))

		result = reconciliation.link(si.name)
		self.assertEqual(result["xero_id"], xero_id)
		si.reload()
		self.assertEqual(
			(si.xero_invoice_id, si.xero_status, si.xero_sync_status), (xero_id, "AUTHORISED", "Synced")
		)
		self.assertEqual(flt(si.xero_amount_due), 115.0)
		row = self.rows()[si.name]
		self.assertEqual((row["presence"], row["mismatch"]), ("Both", False))
		log = frappe.get_all(
			"Xero Sync Log",
			filters={"reference_name": si.name, "status": "Success"},
			fields=["operation", "xero_id", "xero_messages"],
		)
		self.assertEqual([(r.operation, r.xero_id) for r in log], [("push", xero_id)])
		self.assertIn("reconciliation report", log[0].xero_messages)

		other = self.unsent()
		with self.assertRaises(reconciliation.NothingToLink):
			reconciliation.link(other.name)  # Xero has no invoice of that number

	def test_xero_is_read_in_pages_not_per_invoice(self):
		for day in range(1, 7):
			self.submit_and_sync(**self.dated(day))
		self.unsent()
		reads = []
		real_call = XeroClient.call

		def counting(client, sdk_method, *args, **kwargs):
			if sdk_method in ("get_invoices", "get_credit_notes"):
				reads.append((sdk_method, kwargs.get("page_size")))
			return real_call(client, sdk_method, *args, **kwargs)

		with patch.object(XeroClient, "call", counting):
			rows = self.rows()
		self.assertEqual(len([r for r in rows.values() if r["presence"] == "Both"]), 6)
		# the period's invoices and credit notes, then one InvoiceNumbers read for the unsent one
		self.assertEqual(reads, [("get_invoices", 1000), ("get_credit_notes", 1000), ("get_invoices", 1000)])
