"""Xero on the Customer, in the bench: the contact's invoices in Xero (sent from here and
raised directly in Xero), newest first, the configured count per page and Show More."""

from decimal import Decimal

import frappe
from frappe.utils import add_days, today

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	ITEM,
	XeroTestCase,
	make_customer,
	make_user,
	xero_client,
)
from xero_connector.xero_connector.features.customer_panel import customer_invoices

PANEL_CUSTOMER = "Xero Panel Customer"


class TestCustomerPanel(XeroTestCase):
	def setUp(self):
		super().setUp()
		make_customer(PANEL_CUSTOMER, "XPANEL01")
		fixtures.set_values("customer_invoice_count", 2)
		frappe.cache.delete_keys("xero_customer_invoices:")  # pages kept by an earlier test

	def tearDown(self):
		fixtures.set_values("customer_invoice_count", 10)

	def raise_in_xero(self, contact_id: str, number: str, on_date: str, amount: str) -> dict:
		results = xero_client().create_invoices(
			[
				{
					"Type": "ACCREC",
					"Contact": {"ContactID": contact_id},
					"InvoiceNumber": number,
					"Date": on_date,
					"DueDate": add_days(on_date, 20),
					"Status": "AUTHORISED",
					"LineAmountTypes": "NoTax",
					"LineItems": [
						{
							"Description": "Raised in Xero",
							"Quantity": 1,
							"UnitAmount": Decimal(amount),
							"AccountCode": "200",
						}
					],
				}
			],
			idempotency_key=f"panel-{number}",
		)
		self.assertTrue(results[0].ok, results[0].messages)
		return results[0].data

	def test_lists_sent_and_xero_only_invoices_newest_first_with_show_more(self):
		older = self.submit_and_sync(
			customer=PANEL_CUSTOMER, posting_date=add_days(today(), -10), items=[(ITEM, 1, 10)]
		)
		newer = self.submit_and_sync(customer=PANEL_CUSTOMER, items=[(ITEM, 1, 20)])
		contact_id = fixtures.contact_id(PANEL_CUSTOMER)
		self.assertTrue(contact_id)
		direct = self.raise_in_xero(contact_id, "XERO-DIRECT-1", add_days(today(), 3), "99.50")
		other = self.submit_and_sync(items=[(ITEM, 1, 5)])  # another customer: never listed

		first = customer_invoices(PANEL_CUSTOMER)
		self.assertTrue(first["linked"])
		self.assertEqual((first["page"], first["page_size"], first["has_more"]), (1, 2, True))
		self.assertEqual([r["number"] for r in first["rows"]], ["XERO-DIRECT-1", newer.name])
		top = first["rows"][0]
		self.assertEqual(
			(top["status"], top["total"], top["amount_due"], top["sales_invoice"]),
			("AUTHORISED", "99.50", "99.50", None),
		)
		self.assertEqual(top["due_date"], str(add_days(add_days(today(), 3), 20)))
		self.assertIn(direct["InvoiceID"], top["link"])
		self.assertEqual(first["rows"][1]["sales_invoice"], newer.name)

		second = customer_invoices(PANEL_CUSTOMER, page=2)
		self.assertEqual([r["number"] for r in second["rows"]], [older.name])
		self.assertFalse(second["has_more"])
		self.assertNotIn(other.name, [r["number"] for r in first["rows"] + second["rows"]])

	def test_contact_found_by_billing_code_before_any_invoice_was_sent(self):
		make_customer("Boom FM Ltd", "BOOM01")  # the sandbox's seeded contact "Boom FM" has BOOM01
		fixtures.forget_contact("Boom FM Ltd")
		boom = xero_client().find_contact_by_account_number("BOOM01")
		self.raise_in_xero(boom["ContactID"], "XERO-BOOM-1", today(), "10")
		answer = customer_invoices("Boom FM Ltd")
		self.assertEqual(answer["contact_id"], boom["ContactID"])
		self.assertEqual([r["number"] for r in answer["rows"]], ["XERO-BOOM-1"])
		self.assertFalse(fixtures.contact_id("Boom FM Ltd"), "nothing written")

	def test_unlinked_customer_says_so(self):
		make_customer("Xero Panel Nobody", None)
		answer = customer_invoices("Xero Panel Nobody")
		self.assertFalse(answer["linked"])
		self.assertEqual(answer["rows"], [])
		self.assertIn("not linked", answer["message"])

	def test_needs_read_permission_on_the_customer(self):
		frappe.set_user(make_user("panel-nobody@example.com", ["Website Manager"]))
		self.assertRaises(frappe.PermissionError, customer_invoices, PANEL_CUSTOMER)

	def calls(self) -> int:
		return self.sandbox.stats["totals"]["calls"]

	def test_a_page_is_read_from_xero_once_for_everyone_within_the_cache_time(self):
		make_customer("Xero Panel Cached", "XPANEL02")  # its own: the listing test counts rows
		self.submit_and_sync(customer="Xero Panel Cached", items=[(ITEM, 1, 10)])
		before = self.calls()
		first = customer_invoices("Xero Panel Cached")
		read = self.calls() - before
		self.assertGreaterEqual(read, 1)
		frappe.set_user(make_user("panel-accounts@example.com", ["Accounts User"]))
		again = customer_invoices("Xero Panel Cached")
		self.assertEqual(len(first["rows"]), 1)
		self.assertEqual(again, first)
		self.assertEqual(self.calls() - before, read, "a second view called Xero again")

	def test_needs_permission_to_read_sales_invoices(self):
		frappe.set_user(make_user("panel-customers-only@example.com", ["Sales Master Manager"]))
		self.assertTrue(frappe.has_permission("Customer", "read"))
		self.assertFalse(frappe.has_permission("Sales Invoice", "read"))
		before = self.calls()
		answer = customer_invoices(PANEL_CUSTOMER)
		self.assertEqual((answer["linked"], answer["rows"]), (False, []))
		self.assertIn("permission to read Sales Invoices", answer["message"])
		self.assertEqual(self.calls(), before)

	def test_shows_nothing_while_the_connection_points_at_another_organisation(self):
		fixtures.set_values("organisation_mismatch", "Xero connection now points at organisation X")
		try:
			answer = customer_invoices(PANEL_CUSTOMER)
		finally:
			fixtures.set_values("organisation_mismatch", None)
		self.assertEqual((answer["linked"], answer["rows"]), (False, []))
		self.assertIn("points at organisation X", answer["message"])
