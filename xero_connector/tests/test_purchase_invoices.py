"""Issue 16 in the real host: a submitted Purchase Invoice becomes a Xero bill (ACCPAY) with
ERPNext's total to the cent, the supplier's bill number as its number and the supplier's own
Xero contact; its lines go to the buying mappings' accounts with the purchase tax type; cancel
voids it; a return becomes a supplier credit note allocated to the bill; each attempt is a
Sync Log row about the Purchase Invoice. A company whose connection does not send bills sends
nothing."""

from decimal import Decimal

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.buying_fixtures import (
	EXPENSE_ACCOUNT,
	SUPPLIER,
	SUPPLIER_CODE,
	make_buying_masters,
	make_purchase_invoice,
	make_purchase_return,
)
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, sync_logs
from xero_connector.xero_connector.sync import contact_links

BUYING = {
	"send_purchase_invoices": 1,
	"default_purchase_account_code": "429",
	"default_purchase_tax_type": "INPUT2",
}


class TestPurchaseInvoices(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_buying_masters()
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		fixtures.set_defaults(**BUYING)
		frappe.db.commit()

	def tearDown(self):
		fixtures.set_defaults(send_purchase_invoices=0)
		fixtures.unmap("Xero Account Mapping", mapping_type="Expense Account")
		frappe.db.commit()

	def submit_and_sync_bill(self, **kwargs):
		with captured_jobs() as jobs:
			pi = make_purchase_invoice(**kwargs)
			jobs.run()
		pi.reload()
		return pi

	@staticmethod
	def payable(doc) -> Decimal:
		"""What ERPNext says is owed: the rounded total where ERPNext rounds, else the grand total."""
		return abs(Decimal(str(doc.rounded_total or doc.grand_total)))

	def bill(self, pi) -> dict:
		return fixtures.xero_client().get_invoice(pi.xero_invoice_id)

	def test_a_purchase_invoice_becomes_a_bill_to_the_cent(self):
		pi = self.submit_and_sync_bill(items=[(fixtures.ITEM, 3, 33.33)])
		rows = sync_logs(pi.name)
		self.assertEqual(
			(pi.xero_sync_status, pi.xero_document_type, pi.xero_status),
			("Synced", "Bill", "AUTHORISED"),
			[(r.status, r.cause, r.xero_messages) for r in rows],
		)
		bill = self.bill(pi)
		self.assertEqual(bill["Type"], "ACCPAY")
		self.assertEqual(bill["InvoiceNumber"], pi.bill_no)
		# 3 x 33.33 = 99.99 + GST 15.00 = 114.99, which ERPNext rounds to 115.00: owed, and billed
		self.assertEqual(Decimal(str(pi.grand_total)), Decimal("114.99"))
		self.assertEqual(Decimal(str(bill["Total"])), self.payable(pi))
		self.assertEqual(Decimal(str(bill["Total"])), Decimal("115.00"))
		self.assertEqual(Decimal(str(bill["AmountDue"])), Decimal(str(pi.outstanding_amount)))
		item_lines = [line for line in bill["LineItems"] if line.get("ItemCode") or line.get("Quantity") == 3]
		self.assertEqual([line["AccountCode"] for line in item_lines], ["429"])
		self.assertEqual({line["TaxType"] for line in item_lines}, {"INPUT2"})
		# the supplier's own contact, matched by its account code, kept per company
		contact_id = contact_links.contact_id("Supplier", SUPPLIER, fixtures.connection_doc())
		self.assertEqual(bill["Contact"]["ContactID"], contact_id)
		contact = fixtures.xero_client().get_contact(contact_id)
		self.assertEqual(contact.get("AccountNumber"), SUPPLIER_CODE)
		# the ledger's rows are about the Purchase Invoice, of its company
		self.assertEqual({(r.reference_doctype, r.company) for r in rows}, {("Purchase Invoice", pi.company)})
		self.assertEqual([r.status for r in rows], ["Success"])
		self.assertIn(pi.xero_invoice_id, pi.xero_link)

	def test_an_expense_account_mapping_sends_the_line_to_its_account(self):
		fixtures.map_account("Expense Account", EXPENSE_ACCOUNT, "310")
		frappe.db.commit()
		pi = self.submit_and_sync_bill()
		accounts = {line["AccountCode"] for line in self.bill(pi)["LineItems"] if line.get("Quantity") == 2}
		self.assertEqual(accounts, {"310"})

	def test_a_revenue_account_is_refused_for_the_buying_side(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			fixtures.map_account("Expense Account", EXPENSE_ACCOUNT, "200")
		self.assertIn("expense, cost of sales, inventory or fixed asset account", str(refused.exception))
		connection = fixtures.connection_doc()
		connection.default_purchase_tax_type = fixtures.xero_name("OUTPUT2")
		with self.assertRaises(frappe.ValidationError) as refused:
			connection.save(ignore_permissions=True)
		self.assertIn("cannot be applied to expenses", str(refused.exception))

	def test_cancel_voids_the_bill(self):
		pi = self.submit_and_sync_bill()
		with captured_jobs() as jobs:
			pi.cancel()
			jobs.run()
		pi.reload()
		self.assertEqual(self.bill(pi)["Status"], "VOIDED")
		self.assertEqual(pi.xero_status, "VOIDED")
		self.assertEqual([r.operation for r in sync_logs(pi.name)], ["push", "void"])

	def test_a_return_becomes_a_supplier_credit_note_allocated_to_the_bill(self):
		pi = self.submit_and_sync_bill()
		with captured_jobs() as jobs:
			ret = make_purchase_return(pi.name)
			jobs.run()
		ret.reload()
		self.assertEqual(
			(ret.xero_sync_status, ret.xero_document_type),
			("Synced", "Supplier Credit Note"),
			[(r.status, r.cause) for r in sync_logs(ret.name)],
		)
		note = fixtures.xero_client().get_credit_note(ret.xero_invoice_id)
		self.assertEqual(note["Type"], "ACCPAYCREDIT")
		self.assertEqual(Decimal(str(note["Total"])), self.payable(ret))
		bill = self.bill(pi)
		self.assertEqual(Decimal(str(bill["AmountDue"])), self.payable(pi) - self.payable(ret))
		self.assertEqual(
			Decimal(str(note["RemainingCredit"])), Decimal("0"), "all of it allocated to the bill"
		)

	def test_nothing_is_sent_when_the_connection_does_not_send_bills(self):
		fixtures.set_defaults(send_purchase_invoices=0)
		frappe.db.commit()
		with captured_jobs() as jobs:
			pi = make_purchase_invoice()
			self.assertEqual(jobs.calls, [])
		self.assertEqual(sync_logs(pi.name), [])
		self.assertFalse(frappe.db.get_value("Purchase Invoice", pi.name, "xero_sync_status"))

	def pay_bill(self, pi, amount: Decimal):
		client = fixtures.xero_client()
		bank = next(a for a in client.accounts() if a.get("Type") == "BANK")
		(paid,) = client.create_payments(
			[
				{
					"Invoice": {"InvoiceID": pi.xero_invoice_id},
					"Account": {"Code": bank["Code"]},
					"Amount": amount,
					"Date": frappe.utils.today(),
				}
			],
			idempotency_key=f"test-pay-{pi.name}-{amount}",
		)
		self.assertTrue(paid.ok, paid.messages)

	def test_the_payment_pull_brings_a_bills_payments_back_and_cancel_is_then_refused(self):
		from xero_connector.exceptions import XeroHasPayments
		from xero_connector.xero_connector.tasks import pull_payments_if_due

		pi = self.submit_and_sync_bill()
		self.pay_bill(pi, Decimal("40.00"))
		fixtures.set_values("last_payment_pull", None)
		with captured_jobs() as jobs:
			self.assertTrue(pull_payments_if_due())
			jobs.run()
		pi.reload()
		self.assertEqual(Decimal(str(pi.xero_amount_paid)), Decimal("40.00"))
		self.assertEqual(Decimal(str(pi.xero_amount_due)), self.payable(pi) - Decimal("40.00"))
		self.assertEqual(pi.xero_status, "AUTHORISED")
		with captured_jobs() as jobs, self.assertRaises(XeroHasPayments):
			pi.cancel()
		self.assertEqual(jobs.calls, [])
		self.assertEqual(frappe.db.get_value("Purchase Invoice", pi.name, "docstatus"), 1)

	def test_the_bills_xero_line_and_resend_button(self):
		from xero_connector.xero_connector import api

		pi = self.submit_and_sync_bill()
		line = api.invoice_status(pi.name, "Purchase Invoice")
		self.assertEqual((line["xero_status"], line["xero_invoice_id"]), ("AUTHORISED", pi.xero_invoice_id))
		self.assertEqual([row.operation for row in line["logs"]], ["push"])
		self.assertTrue(line["can_send"])
		with captured_jobs() as jobs:
			queued = api.send_to_xero(pi.name, "Purchase Invoice")["log"]
			jobs.run()
		self.assertEqual(
			frappe.db.get_value("Xero Sync Log", queued, "reference_doctype"), "Purchase Invoice"
		)
		bills = [
			i
			for i in self.sandbox.organisation().invoices.values()
			if i.get("InvoiceNumber") == pi.bill_no and i.get("Status") != "DELETED"
		]
		self.assertEqual(len(bills), 1, "sent again, still one bill")
		with self.assertRaises(frappe.PermissionError):
			api.invoice_status(pi.name, "Journal Entry")

	def test_a_bills_payment_in_xero_becomes_a_payment_entry_of_type_pay_once(self):
		from xero_connector.tests.fixtures import ABBR, COMPANY, ensure
		from xero_connector.xero_connector.tasks import pull_payments_if_due

		bank = f"Xero Bank - {ABBR}"
		ensure(
			"Account",
			bank,
			{
				"account_name": "Xero Bank",
				"company": COMPANY,
				"parent_account": f"Bank Accounts - {ABBR}",
				"account_type": "Bank",
				"account_currency": "NZD",
			},
		)
		connection = fixtures.connection_doc()
		connection.create_payment_entries = 1
		connection.set("xero_bank_accounts", [{"xero_account_code": "090", "account": bank}])
		connection.save(ignore_permissions=True)
		frappe.db.commit()
		try:
			pi = self.submit_and_sync_bill()
			self.pay_bill(pi, Decimal("40.00"))
			for _run in range(2):  # the second pull finds the payment entered already
				fixtures.set_values("last_payment_pull", None)
				with captured_jobs() as jobs:
					self.assertTrue(pull_payments_if_due())
					jobs.run()
			entries = frappe.get_all(
				"Payment Entry",
				filters={"party": SUPPLIER, "xero_payment_id": ("is", "set"), "docstatus": 1},
				fields=["name", "payment_type", "paid_from", "paid_amount", "party_type"],
			)
			mine = [
				e
				for e in entries
				if frappe.db.exists("Payment Entry Reference", {"parent": e.name, "reference_name": pi.name})
			]
			self.assertEqual(len(mine), 1, entries)
			(entry,) = mine
			self.assertEqual(
				(entry.payment_type, entry.party_type, entry.paid_from, Decimal(str(entry.paid_amount))),
				("Pay", "Supplier", bank, Decimal("40.00")),
			)
			pi.reload()
			self.assertEqual(Decimal(str(pi.outstanding_amount)), self.payable(pi) - Decimal("40.00"))
			rows = sync_logs(pi.name, operation="pull")
			self.assertTrue(any(entry.name in (r.xero_messages or "") for r in rows), rows)
		finally:
			fixtures.set_values("create_payment_entries", 0)
			frappe.db.commit()
