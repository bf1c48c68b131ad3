"""The Xero Readiness page's server side against the in-process Xero sandbox: an
unmapped item, a currency Xero does not have and customers without a contact are
found, and each one-click fix (mapping, create contact, link contact) works."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import frappe
from frappe.utils import add_days

from xero_connector.constants import ACCOUNT_MAPPING, TAX_MAPPING
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	COMPANY,
	CUSTOMER,
	ITEM,
	XeroTestCase,
	captured_jobs,
	make_customer,
	make_invoice,
	make_user,
	xero_client,
)
from xero_connector.tests.test_backfill import clear_month, past_date
from xero_connector.xero_connector.features import readiness

MONTH = 9
NEW_CUSTOMER = "Readiness New Customer"
NAMESAKE = "Readiness Namesake Ltd"


class TestReadiness(XeroTestCase):
	def setUp(self):
		super().setUp()
		clear_month(MONTH)
		frappe.db.delete(ACCOUNT_MAPPING, {"reference_name": "XERO-UNMAPPED"})
		frappe.db.commit()

	def invoice(self, **values):
		with captured_jobs():  # left unsent: readiness is about what has not gone yet
			return make_invoice(
				posting_date=past_date(MONTH, 10), due_date=add_days(past_date(MONTH, 10), 30), **values
			)

	def check(self) -> dict:
		return readiness.check(COMPANY, past_date(MONTH, 1), past_date(MONTH, 28))

	def issues(self, kind: str, subject: str | None = None) -> list[dict]:
		return [
			i
			for i in self.check()["issues"]
			if i["kind"] == kind and (subject is None or i["subject"] == subject)
		]

	def test_unmapped_item_is_found_and_the_mapping_fix_clears_it(self):
		fixtures.set_values("default_account_code", None)
		try:
			si = self.invoice(items=[("XERO-UNMAPPED", 2, 15)])
			(issue,) = self.issues("unmapped_account", "XERO-UNMAPPED")
			self.assertEqual((issue["severity"], issue["action"]), ("error", "map_account"))
			self.assertEqual(issue["invoices"], [si.name])
			self.assertEqual(issue["action_args"]["options"]["Item"], "XERO-UNMAPPED")
			self.assertIn("Income Account", issue["action_args"]["options"])
			self.assertFalse(self.check()["ready"])

			name = readiness.create_mapping("account", "Item", "XERO-UNMAPPED", "200")
			self.assertEqual(
				frappe.db.get_value(ACCOUNT_MAPPING, name, ["company", "xero_account_code"]),
				(COMPANY, fixtures.xero_name("200")),
				"the code became the company's Xero Account row",
			)
			self.assertEqual(self.issues("unmapped_account", "XERO-UNMAPPED"), [])
			# repointing the same record updates its mapping rather than adding a second one
			self.assertEqual(readiness.create_mapping("account", "Item", "XERO-UNMAPPED", "260"), name)
			with self.assertRaises(frappe.ValidationError):  # 310 is not a revenue account
				readiness.create_mapping("account", "Item", "XERO-UNMAPPED", "310")
		finally:
			fixtures.set_values("default_account_code", "200")
			frappe.db.delete(ACCOUNT_MAPPING, {"reference_name": "XERO-UNMAPPED"})
			frappe.db.commit()

	def test_a_tax_account_gets_a_row_per_rate_from_the_check(self):
		"""Issue 18: the page's Create Row makes a Tax Mapping row for the account's lines at one
		rate, beside its other rows; the row refuses a Xero type of another rate."""
		from xero_connector.engine.context import RatedTaxType
		from xero_connector.tests.fixtures import GST_ACCOUNT
		from xero_connector.xero_connector.doctype.xero_tax_mapping.xero_tax_mapping import (
			XeroTaxMapping,
			get_tax_mappings,
		)

		try:
			zero = readiness.create_mapping("tax", "Tax Account", GST_ACCOUNT, "ZERORATEDOUTPUT", rate="0")
			standard = readiness.create_mapping("tax", "Tax Account", GST_ACCOUNT, "OUTPUT2", rate="15")
			self.assertNotEqual(zero, standard, "one row per rate")
			self.assertEqual(
				frappe.db.get_value(TAX_MAPPING, zero, ["for_one_rate", "rate", "xero_tax_type"]),
				(1, 0.0, fixtures.xero_name("ZERORATEDOUTPUT")),
			)
			# the same rate again repoints its row
			self.assertEqual(
				readiness.create_mapping("tax", "Tax Account", GST_ACCOUNT, "EXEMPTOUTPUT", rate="0"), zero
			)
			with self.assertRaises(frappe.ValidationError):  # OUTPUT2 is 15% in Xero, not 0%
				readiness.create_mapping("tax", "Tax Account", GST_ACCOUNT, "OUTPUT2", rate="0")
			rows = get_tax_mappings(COMPANY)["Tax Account"][GST_ACCOUNT]
			self.assertCountEqual(
				rows, [RatedTaxType("EXEMPTOUTPUT", Decimal("0")), RatedTaxType("OUTPUT2", Decimal("15"))]
			)
		finally:
			frappe.db.delete(TAX_MAPPING, {"reference_name": GST_ACCOUNT})
			frappe.cache.delete_value(f"{XeroTaxMapping.cache_key}:{COMPANY}")
			frappe.db.commit()

	def test_a_currency_xero_does_not_have_is_reported_and_nothing_is_enabled(self):
		si = self.invoice()
		frappe.db.set_value("Sales Invoice", si.name, {"currency": "JPY", "conversion_rate": 0.0095})
		(issue,) = self.issues("currency_not_enabled", "JPY")
		self.assertEqual((issue["severity"], issue["action"]), ("error", None))
		self.assertIn("Settings → Currencies", issue["fix"])
		self.assertNotIn("JPY", [c["Code"] for c in xero_client().currencies()])

	def test_customer_without_a_contact_and_the_create_contact_fix(self):
		make_customer(NEW_CUSTOMER, "RDY01")
		fixtures.forget_contact(NEW_CUSTOMER)
		si = self.invoice(customer=NEW_CUSTOMER)
		(issue,) = self.issues("contact_missing", NEW_CUSTOMER)
		self.assertEqual((issue["severity"], issue["action"]), ("warning", "create_contact"))
		self.assertEqual(issue["invoices"], [si.name])
		self.assertIn("account number RDY01", issue["message"])

		contact_id = readiness.create_contact(NEW_CUSTOMER)
		self.assertEqual(fixtures.contact_id(NEW_CUSTOMER), contact_id)
		contact = xero_client().find_contact_by_account_number("RDY01")
		self.assertEqual((contact["ContactID"], contact["Name"]), (contact_id, NEW_CUSTOMER))
		self.assertEqual(self.issues("contact_missing", NEW_CUSTOMER), [])
		self.assertEqual([i for i in self.check()["issues"] if i["subject"] == NEW_CUSTOMER], [])

	def test_a_xero_contact_of_the_same_name_is_linked_and_another_refused(self):
		make_customer(NAMESAKE, "RDY02")
		fixtures.forget_contact(NAMESAKE)
		client = xero_client()
		made = client.create_contacts(
			[{"Name": NAMESAKE, "AccountNumber": f"X-{frappe.generate_hash(length=6)}"}],
			f"test-readiness-{frappe.generate_hash(length=8)}",
		)
		xero_id = made[0].data["ContactID"]
		other = client.create_contacts(
			[{"Name": f"Someone Else {frappe.generate_hash(length=6)}"}],
			f"test-readiness-{frappe.generate_hash(length=8)}",
		)[0].data["ContactID"]
		self.invoice(customer=NAMESAKE)
		(issue,) = self.issues("contact_matched_by_name", NAMESAKE)
		self.assertEqual(issue["action"], "link_contact")
		self.assertEqual(issue["action_args"]["contact_id"], xero_id)

		with self.assertRaises(readiness.ContactMismatch):
			readiness.link_contact(NAMESAKE, other)
		self.assertFalse(fixtures.contact_id(NAMESAKE))
		self.assertEqual(readiness.link_contact(NAMESAKE, xero_id), xero_id)
		self.assertEqual(fixtures.contact_id(NAMESAKE), xero_id)
		self.assertEqual([i for i in self.check()["issues"] if i["subject"] == NAMESAKE], [])

	def test_export_is_a_csv_download_of_the_same_issues(self):
		make_customer(NEW_CUSTOMER, "RDY01")
		fixtures.forget_contact(NEW_CUSTOMER)
		fixtures.set_values("default_account_code", None)
		try:
			self.invoice(customer=NEW_CUSTOMER, items=[("XERO-UNMAPPED", 1, 5)])
			issues = self.check()["issues"]
			readiness.export_csv(COMPANY, past_date(MONTH, 1), past_date(MONTH, 28))
		finally:
			fixtures.set_values("default_account_code", "200")
		self.assertEqual(frappe.response["type"], "download")
		self.assertTrue(frappe.response["filename"].endswith(".csv"))
		rows = list(csv.DictReader(io.StringIO(frappe.response["filecontent"])))
		self.assertEqual(len(rows), len(issues))
		self.assertEqual(
			{(r["Problem Kind"], r["Subject"]) for r in rows}, {(i["kind"], i["subject"]) for i in issues}
		)
		self.assertIn(
			("unmapped_account", "XERO-UNMAPPED"), {(r["Problem Kind"], r["Subject"]) for r in rows}
		)

	def test_a_clean_period_is_ready(self):
		fixtures.forget_contact(CUSTOMER)
		self.invoice(items=[(ITEM, 1, 30)])
		result = self.check()
		kinds = [(i["kind"], i["subject"]) for i in result["issues"]]
		self.assertTrue(result["ready"], kinds)
		self.assertEqual(result["invoices_checked"], 1)

	def test_a_xero_manager_who_cannot_edit_customers_links_the_contact_or_is_told_why(self):
		customer = f"Readiness Reader {frappe.generate_hash(length=6)} Ltd"  # new each run
		make_customer(customer, None)
		fixtures.forget_contact(customer)
		reader = make_user(
			"xero-manager-reads-customers@example.com", ["Xero Manager", "Accounts User"]
		)  # reads Customers
		blind = make_user("xero-manager-only@example.com", ["Xero Manager"])  # cannot see Customers
		frappe.set_user(blind)
		try:
			with self.assertRaises(frappe.PermissionError) as refused:
				readiness.create_contact(customer)
			self.assertIn("Ask a System Manager for read access to Customers", str(refused.exception))
			frappe.set_user(reader)
			self.assertFalse(frappe.has_permission("Customer", "write", customer))
			contact_id = readiness.create_contact(customer)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(fixtures.contact_id(customer), contact_id)

	def test_only_managers_check_or_fix(self):
		user = make_user("readiness-clerk@example.com", ["Accounts User"])
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				self.check()
			with self.assertRaises(frappe.PermissionError):
				readiness.create_mapping("account", "Item", "XERO-UNMAPPED", "200")
			with self.assertRaises(frappe.PermissionError):
				readiness.create_contact(CUSTOMER)
		finally:
			frappe.set_user("Administrator")
