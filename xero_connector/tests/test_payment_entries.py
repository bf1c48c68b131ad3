"""Payment Entries from Xero payments, in the bench against the sandbox: a full payment,
a part payment, a USD payment with its exchange gain, a payment deleted in Xero, a
second pull that creates nothing, and a credit-note allocation that is no payment."""

from decimal import Decimal

import frappe
from frappe.utils import flt, today

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	ABBR,
	COMPANY,
	ITEM,
	XeroTestCase,
	captured_jobs,
	ensure,
	make_customer,
	sync_logs,
	xero_client,
)
from xero_connector.xero_connector.sync.payment_entries import pull_payment_entries

BANK = f"Xero Bank - {ABBR}"
USD_DEBTORS = f"Debtors USD - {ABBR}"
USD_CUSTOMER = "Xero USD Customer"


def entries_for(payment_id: str) -> list[dict]:
	return frappe.get_all(
		"Payment Entry", filters={"xero_payment_id": payment_id}, fields=["name", "docstatus"]
	)


class PaymentEntrySetup(XeroTestCase):
	"""A connected site with Payment Entries from Xero on: a bank ledger for Xero's
	090 account, a USD receivable and customer (also used by test_real_worker)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure("Mode of Payment", "Wire Transfer", {"mode_of_payment": "Wire Transfer", "type": "Bank"})
		ensure(
			"Account",
			BANK,
			{
				"account_name": "Xero Bank",
				"company": COMPANY,
				"parent_account": f"Bank Accounts - {ABBR}",
				"account_type": "Bank",
				"account_currency": "NZD",
			},
		)
		ensure(
			"Account",
			USD_DEBTORS,
			{
				"account_name": "Debtors USD",
				"company": COMPANY,
				"parent_account": f"Accounts Receivable - {ABBR}",
				"account_type": "Receivable",
				"account_currency": "USD",
			},
		)
		make_customer(USD_CUSTOMER, "XUSD01")
		customer = frappe.get_doc("Customer", USD_CUSTOMER)
		if not customer.get("accounts"):
			customer.default_currency = "USD"
			customer.append("accounts", {"company": COMPANY, "account": USD_DEBTORS})
			customer.flags.ignore_permissions = True
			customer.save()
		cls.gain_loss_account = frappe.db.get_value("Company", COMPANY, "exchange_gain_loss_account")
		if not cls.gain_loss_account:
			cls.gain_loss_account = frappe.db.get_value(
				"Account", {"company": COMPANY, "account_name": "Exchange Gain/Loss"}, "name"
			)
			frappe.db.set_value("Company", COMPANY, "exchange_gain_loss_account", cls.gain_loss_account)
		settings = fixtures.connection_doc()
		settings.create_payment_entries = 1
		settings.set(
			"xero_bank_accounts",
			[{"xero_account_code": "090", "account": BANK, "mode_of_payment": "Wire Transfer"}],
		)
		settings.flags.ignore_permissions = True
		settings.save()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		fixtures.set_values("create_payment_entries", 0)
		frappe.db.commit()
		super().tearDownClass()

	def pay(self, si, amount, **extra) -> str:
		"""Record a payment of ``amount`` on the invoice in Xero (through the Payments API)."""
		results = xero_client().create_payments(
			[
				{
					"Invoice": {"InvoiceID": si.xero_invoice_id},
					"Account": {"Code": "090"},
					"Amount": Decimal(str(amount)),
					"Date": today(),
					**extra,
				}
			],
			idempotency_key=f"pe-test-{si.name}-{amount}-{frappe.generate_hash(length=6)}",
		)
		self.assertTrue(results[0].ok, results[0].messages)
		return results[0].data["PaymentID"]


class TestPaymentEntries(PaymentEntrySetup):
	# -- helpers ------------------------------------------------------------------------------------

	def pull(self):
		report = pull_payment_entries(xero_client())
		self.assertEqual(report.failed, {})
		return report

	def entry(self, payment_id):
		(row,) = entries_for(payment_id)
		return frappe.get_doc("Payment Entry", row.name)

	# -- tests --------------------------------------------------------------------------------------

	def test_full_payment_creates_and_submits_one_payment_entry(self):
		si = self.submit_and_sync()
		payment_id = self.pay(si, si.grand_total, Reference="DD-7781")
		report = self.pull()
		self.assertEqual(list(report.created), [payment_id])
		entry = self.entry(payment_id)
		self.assertEqual(entry.docstatus, 1)
		self.assertEqual(
			(entry.paid_to, entry.mode_of_payment, entry.reference_no), (BANK, "Wire Transfer", "DD-7781")
		)
		self.assertEqual(flt(entry.paid_amount), flt(si.grand_total))
		self.assertEqual(entry.references[0].reference_name, si.name)
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount")), 0)
		self.assertIn("created and submitted", sync_logs(si.name, operation="pull")[-1].xero_messages)

	def test_part_payment_and_a_second_pull_creates_nothing_new(self):
		si = self.submit_and_sync()
		payment_id = self.pay(si, 100)
		self.assertEqual(list(self.pull().created), [payment_id])
		self.assertEqual(
			flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount")),
			flt(si.grand_total) - 100,
		)
		again = self.pull()
		self.assertEqual((again.created, again.cancelled), ({}, {}))
		# even when the watermark is lost and every payment is read again: never twice
		fixtures.set_values("watermarks", None)
		replay = self.pull()
		self.assertEqual(replay.created, {})
		self.assertIn(payment_id, replay.already)
		self.assertEqual(len(entries_for(payment_id)), 1)

	def test_usd_payment_posts_the_exchange_gain_through_erpnext(self):
		# invoiced at 1 USD = 1.6 NZD, paid when 1 NZD = 0.5 USD (1 USD = 2 NZD): a gain of 0.4 NZD per USD
		si = self.submit_and_sync(
			customer=USD_CUSTOMER,
			currency="USD",
			conversion_rate=1.6,
			debit_to=USD_DEBTORS,
			taxes=False,
			items=[(ITEM, 2, 100)],
		)
		self.assertEqual(si.xero_status, "AUTHORISED", sync_logs(si.name))
		payment_id = self.pay(si, 200, CurrencyRate=Decimal("0.5"))
		self.assertEqual(list(self.pull().created), [payment_id])
		entry = self.entry(payment_id)
		self.assertEqual((flt(entry.source_exchange_rate), flt(entry.paid_amount)), (2.0, 200.0))
		self.assertEqual(flt(entry.received_amount), 400.0)
		self.assertEqual(entry.paid_from, USD_DEBTORS)
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount")), 0)
		journals = frappe.get_all(
			"Journal Entry Account",
			filters={"reference_name": si.name, "docstatus": 1},
			pluck="parent",
			distinct=True,
		)
		gain = frappe.db.sql(
			"""select coalesce(sum(credit - debit), 0) from `tabGL Entry`
			where account = %s and is_cancelled = 0 and voucher_no in %s""",
			(self.gain_loss_account, tuple([entry.name, *journals])),
		)[0][0]
		self.assertEqual(flt(gain, 2), 80.0)  # 200 USD x (2.0 - 1.6) NZD

	def test_payment_deleted_in_xero_cancels_its_entry(self):
		si = self.submit_and_sync()
		payment_id = self.pay(si, 50)
		self.pull()
		self.assertEqual(self.entry(payment_id).docstatus, 1)
		xero_client().delete_payment(payment_id, f"pe-test-delete-{payment_id}")
		report = self.pull()
		self.assertEqual(list(report.cancelled), [payment_id])
		self.assertEqual(self.entry(payment_id).docstatus, 2)
		self.assertEqual(
			flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount")), flt(si.grand_total)
		)

	def credit_note_allocation_is_no_payment(self, own_outstanding: int):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		si = self.submit_and_sync(items=[(ITEM, 2, 100)])
		with captured_jobs() as jobs:
			ret = make_sales_return(si.name)
			ret.items[0].qty = -1
			if ret.meta.has_field("update_outstanding_for_self"):
				ret.update_outstanding_for_self = own_outstanding
			ret.insert()
			ret.submit()
			jobs.run()
		self.assertEqual([a.status for a in sync_logs(ret.name, operation="allocate")], ["Success"])
		before = frappe.db.count("Payment Entry")
		report = self.pull()
		self.assertEqual(report.created, {})
		self.assertEqual(frappe.db.count("Payment Entry"), before)
		outstanding = flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount"))
		self.assertEqual(outstanding, 115.0, "the return reduces what is owed, once")
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", ret.name, "outstanding_amount")), 0)
		# the rest paid in Xero is entered once, for the rest only
		payment_id = self.pay(si, outstanding)
		again = self.pull()
		self.assertEqual(list(again.created), [payment_id])
		self.assertNotIn(ret.name, again.reconciled, "matched once only")
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount")), 0)
		return report, si, ret

	def test_credit_note_allocation_creates_no_payment_entry(self):
		self.credit_note_allocation_is_no_payment(own_outstanding=0)

	def test_allocation_of_a_return_with_its_own_outstanding_is_matched_not_paid(self):
		# ERPNext's default: the return keeps its own outstanding; Xero's allocation matches it
		report, si, ret = self.credit_note_allocation_is_no_payment(own_outstanding=1)
		self.assertEqual(report.reconciled.get(ret.name), si.name)

	def test_payment_pull_job_runs_it_when_enabled_and_not_when_disabled(self):
		from xero_connector.xero_connector.jobs import pull_payments

		si = self.submit_and_sync()
		fixtures.set_values("create_payment_entries", 0)
		try:
			payment_id = self.pay(si, 30)
			pull_payments()
			self.assertEqual(entries_for(payment_id), [])
		finally:
			fixtures.set_values("create_payment_entries", 1)
		frappe.db.commit()
		pull_payments()
		self.assertEqual([e.docstatus for e in entries_for(payment_id)], [1])

	def test_unmapped_bank_account_fails_and_is_retried_after_the_fix(self):
		si = self.submit_and_sync()
		results = xero_client().create_payments(
			[
				{
					"Invoice": {"InvoiceID": si.xero_invoice_id},
					"Account": {"Code": "091"},
					"Amount": 10,
					"Date": today(),
				}
			],
			idempotency_key=f"pe-test-unmapped-{si.name}",
		)
		payment_id = results[0].data["PaymentID"]
		report = pull_payment_entries(xero_client())
		self.assertIn("Xero account 091 is not mapped", report.failed[payment_id])
		self.assertEqual(sync_logs(si.name, operation="pull", status="Failed")[-1].xero_id, payment_id)
		settings = fixtures.connection_doc()
		settings.append("xero_bank_accounts", {"xero_account_code": "091", "account": BANK})
		settings.flags.ignore_permissions = True
		settings.save()
		try:
			self.assertIn(payment_id, self.pull().created, "the watermark stopped before the failure")
		finally:
			settings.reload()
			settings.set(
				"xero_bank_accounts", [r for r in settings.xero_bank_accounts if r.xero_account_code == "090"]
			)
			settings.save()
