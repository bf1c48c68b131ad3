"""Issue 16 in the real host: a submitted Purchase Order becomes an AUTHORISED Xero purchase
order numbered like it, with ERPNext's total; Closed in ERPNext, it is BILLED in Xero;
cancelled, DELETED. A company may send only the orders chosen for Xero (the "tracked" ones):
ticked on the order, or on its supplier for all of theirs. Nothing goes when the company does
not send purchase orders."""

from decimal import Decimal

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.buying_fixtures import (
	SUPPLIER,
	make_buying_masters,
	make_purchase_order,
	make_supplier,
)
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, sync_logs

ORDERS = {
	"send_purchase_orders": 1,
	"only_chosen_purchase_orders": 0,
	"default_purchase_account_code": "429",
	"default_purchase_tax_type": "INPUT2",
}
TRACKED_SUPPLIER = "Xero Tracked Supplier"


class TestPurchaseOrders(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_buying_masters()
		make_supplier(TRACKED_SUPPLIER, "XTRACK1")
		frappe.db.set_value("Supplier", TRACKED_SUPPLIER, "xero_send_purchase_orders", 1)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		fixtures.set_defaults(**ORDERS)
		frappe.db.commit()

	def tearDown(self):
		fixtures.set_defaults(send_purchase_orders=0, only_chosen_purchase_orders=0)
		frappe.db.commit()

	def submit_and_sync_order(self, **kwargs):
		with captured_jobs() as jobs:
			po = make_purchase_order(**kwargs)
			jobs.run()
		po.reload()
		return po

	def in_xero(self, po) -> dict:
		return fixtures.xero_client().get_purchase_order(po.xero_invoice_id)

	def test_an_order_is_authorised_in_xero_then_billed_when_closed(self):
		po = self.submit_and_sync_order()
		rows = sync_logs(po.name)
		self.assertEqual(
			(po.xero_sync_status, po.xero_document_type, po.xero_status),
			("Synced", "Purchase Order", "AUTHORISED"),
			[(r.status, r.cause, r.xero_messages) for r in rows],
		)
		order = self.in_xero(po)
		self.assertEqual(order["PurchaseOrderNumber"], po.name)
		self.assertEqual(order["Status"], "AUTHORISED")
		self.assertEqual(Decimal(str(order["Total"])), Decimal(str(po.grand_total)))  # 100 + GST 15
		self.assertEqual(Decimal(str(order["Total"])), Decimal("115.00"))
		self.assertEqual({(r.reference_doctype, r.company) for r in rows}, {("Purchase Order", po.company)})
		self.assertIn(po.xero_invoice_id, po.xero_link)

		# ERPNext's Close (db_set, no save): the order is done with, so BILLED in Xero
		with captured_jobs() as jobs:
			po.update_status("Closed")
			jobs.run()
		self.assertEqual(self.in_xero(po)["Status"], "BILLED")
		self.assertEqual(frappe.db.get_value("Purchase Order", po.name, "xero_status"), "BILLED")

	def test_a_cancelled_order_is_deleted_in_xero(self):
		po = self.submit_and_sync_order()
		with captured_jobs() as jobs:
			po.cancel()
			jobs.run()
		self.assertEqual(self.in_xero(po)["Status"], "DELETED")

	def test_only_the_chosen_orders_go_when_the_company_tracks_some(self):
		fixtures.set_defaults(only_chosen_purchase_orders=1)
		frappe.db.commit()
		with captured_jobs() as jobs:
			untracked = make_purchase_order(supplier=SUPPLIER)
			self.assertEqual(jobs.calls, [], "not chosen: nothing for Xero")
		self.assertEqual(sync_logs(untracked.name), [])
		tracked = self.submit_and_sync_order(supplier=TRACKED_SUPPLIER)
		self.assertEqual(tracked.xero_send, 1, "ticked from its supplier")
		self.assertEqual(tracked.xero_status, "AUTHORISED")
		chosen = self.submit_and_sync_order(supplier=SUPPLIER, xero_send=1)
		self.assertEqual(chosen.xero_status, "AUTHORISED")

	def test_nothing_goes_when_the_company_does_not_send_orders(self):
		fixtures.set_defaults(send_purchase_orders=0)
		frappe.db.commit()
		with captured_jobs() as jobs:
			po = make_purchase_order()
			self.assertEqual(jobs.calls, [])
		self.assertEqual(sync_logs(po.name), [])

	def test_the_orders_xero_line(self):
		from xero_connector.xero_connector import api

		po = self.submit_and_sync_order()
		line = api.invoice_status(po.name, "Purchase Order")
		self.assertEqual((line["xero_status"], line["xero_invoice_id"]), ("AUTHORISED", po.xero_invoice_id))
		self.assertEqual([row.operation for row in line["logs"]], ["push"])
