"""The Xero fields only the app writes (events.APP_WRITTEN_FIELDS): the stored Xero ID,
status, amounts and sync state of a Sales Invoice, a Quotation's QuoteID; and a
Customer's ContactID, kept in Xero Contact Link rows that no one may create or edit. Frappe does not enforce read-only on the server, so through the REST API
(``frappe.client.set_value`` / ``insert``, what ``PUT /api/resource`` runs) a user could
point an invoice at another Xero document, and cancel and update act on that ID. The
fields keep their stored values whatever a request sends."""

import frappe
from frappe.client import insert, set_value

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import CUSTOMER, XeroTestCase, make_invoice, make_user


class TestAppWrittenFields(XeroTestCase):
	def test_an_accounts_user_cannot_repoint_a_submitted_invoice_or_fake_its_status(self):
		first = self.submit_and_sync()
		second = self.submit_and_sync()
		self.assertTrue(first.xero_invoice_id and second.xero_invoice_id)
		stored = frappe.db.get_value(
			"Sales Invoice",
			second.name,
			["xero_invoice_id", "xero_status", "xero_amount_paid", "xero_sync_state"],
			as_dict=True,
		)
		frappe.set_user(make_user("xero.fields.accounts@example.com", ["Accounts User"]))
		try:
			set_value(
				"Sales Invoice",
				second.name,
				{
					"xero_invoice_id": first.xero_invoice_id,
					"xero_status": "PAID",
					"xero_amount_paid": 999,
					"xero_sync_state": "{}",
				},
			)
		finally:
			frappe.set_user("Administrator")
		after = frappe.db.get_value(
			"Sales Invoice",
			second.name,
			["xero_invoice_id", "xero_status", "xero_amount_paid", "xero_sync_state"],
			as_dict=True,
		)
		self.assertEqual(after, stored)

	def test_a_new_invoice_or_customer_cannot_arrive_linked_to_xero(self):
		other = self.submit_and_sync()
		doc = make_invoice(submit=False)
		values = doc.as_dict(no_default_fields=True)
		values.update(
			doctype="Sales Invoice", xero_invoice_id=other.xero_invoice_id, xero_status="AUTHORISED"
		)
		values.pop("name", None)
		created = insert(values)
		self.assertFalse(frappe.db.get_value("Sales Invoice", created["name"], "xero_invoice_id"))
		self.assertFalse(frappe.db.get_value("Sales Invoice", created["name"], "xero_status"))

		contact_id = fixtures.contact_id(CUSTOMER)
		self.assertTrue(contact_id, "the synced invoice linked the customer's contact")
		link = frappe.db.get_value("Xero Contact Link", {"party": CUSTOMER, "company": fixtures.COMPANY})
		# neither an Accounts User nor a Xero Manager can repoint the link or make another
		for user, roles in (
			("xero.fields.accounts@example.com", ["Accounts User"]),
			("xero.fields.manager@example.com", ["Xero Manager"]),
		):
			frappe.set_user(make_user(user, roles))
			try:
				with self.assertRaises(frappe.PermissionError):
					set_value("Xero Contact Link", link, "contact_id", "00000000-0000-0000-0000-00000000dead")
				with self.assertRaises(frappe.PermissionError):
					insert(
						{
							"doctype": "Xero Contact Link",
							"party_type": "Customer",
							"party": CUSTOMER,
							"company": fixtures.COMPANY,
							"contact_id": "00000000-0000-0000-0000-00000000beef",
						}
					)
			finally:
				frappe.set_user("Administrator")
		self.assertEqual(fixtures.contact_id(CUSTOMER), contact_id)
