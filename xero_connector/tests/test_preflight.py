"""Bad input: what the user is told, what is logged, and that Xero is not called
for a document it would reject."""

import frappe
from frappe.utils import strip_html

from xero_connector.constants import ACCOUNT_MAPPING
from xero_connector.exceptions import MappingInvalid, PreflightFailed
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	ITEM,
	XeroTestCase,
	captured_jobs,
	make_customer,
	make_invoice,
	map_account,
	map_tax,
	sync_logs,
)


class TestPreflight(XeroTestCase):
	def setUp(self):
		super().setUp()
		frappe.clear_messages()

	def shown(self) -> str:
		return " ".join(str(m) for m in frappe.message_log)

	def test_unmapped_item_is_submitted_shown_and_logged_not_queued(self):
		fixtures.set_values("default_account_code", None)
		try:
			with captured_jobs() as jobs:
				si = make_invoice(items=[(ITEM, 1, 10), ("XERO-UNMAPPED", 1, 10)])
		finally:
			fixtures.set_values("default_account_code", "200")
		self.assertEqual(si.docstatus, 1)
		self.assertEqual(jobs.calls, [])
		message = self.shown()
		self.assertIn("was not sent to Xero", message)
		self.assertIn("Row 2", message)
		self.assertIn("items.item_code = XERO-UNMAPPED", message)
		self.assertIn("Add a Xero Account Mapping for Item", message)
		rows = sync_logs(si.name)
		self.assertEqual(
			[(r.operation, r.status, r.error_kind) for r in rows], [("push", "Failed", "preflight")]
		)
		self.assertIn("XERO-UNMAPPED", rows[0].cause)
		self.assertIn("Default Account Code", rows[0].resolution)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"), "Failed")

	def test_block_submit_option_refuses_the_submit(self):
		fixtures.set_values({"default_account_code": None, "block_submit_on_preflight": 1})
		try:
			si = make_invoice(items=[("XERO-UNMAPPED", 1, 10)], submit=False)
			frappe.db.commit()
			with self.assertRaises(PreflightFailed) as caught:
				si.submit()
			frappe.db.rollback()  # as Frappe does when a request raises
		finally:
			fixtures.set_values({"default_account_code": "200", "block_submit_on_preflight": 0})
			frappe.db.commit()
		self.assertIn("Xero would reject it", str(caught.exception))
		self.assertIn("items.item_code = XERO-UNMAPPED", str(caught.exception))
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "docstatus"), 0)

	def test_mapping_to_an_account_archived_since_is_caught_before_xero(self):
		from xero_connector.tests.fixtures import unmap, xero_client
		from xero_connector.xero_connector.connection.reference import store

		map_account("Item", ITEM, "260")
		client = xero_client()
		accounts, rates, currencies = client.accounts(), client.tax_rates(), client.currencies()
		archived = [{**a, "Status": "ARCHIVED"} if a.get("Code") == "260" else a for a in accounts]
		store(
			fixtures.connection(), archived, rates, currencies
		)  # Fetch from Xero after 260 was archived there
		try:
			with captured_jobs() as jobs:
				make_invoice(items=[(ITEM, 1, 10)])
		finally:
			store(fixtures.connection(), accounts, rates, currencies)
			unmap(ACCOUNT_MAPPING, reference_name=ITEM)
		self.assertEqual(jobs.calls, [])
		self.assertIn("260", self.shown())
		self.assertIn("is ARCHIVED in Xero", self.shown())

	def test_customer_without_billing_code_matching_an_archived_contact(self):
		make_customer("Hamilton Smith Ltd", None)
		si = self.submit_and_sync(customer="Hamilton Smith Ltd")
		self.assertFalse(si.xero_invoice_id)
		failed = [r for r in sync_logs(si.name) if r.status == "Failed"]
		self.assertTrue(failed, sync_logs(si.name))
		self.assertTrue(
			any("archived" in (r.cause or "").lower() + (r.xero_messages or "").lower() for r in failed)
		)

	def test_customer_without_billing_code_is_matched_by_name_or_created(self):
		make_customer("Brand New Customer Ltd", None)
		si = self.submit_and_sync(customer="Brand New Customer Ltd")
		self.assertEqual(si.xero_status, "AUTHORISED")
		self.assertTrue(fixtures.contact_id("Brand New Customer Ltd"))


class TestMappingValidation(XeroTestCase):
	def assert_refused(self, fn, *expected):
		with self.assertRaises(MappingInvalid) as caught:
			fn()
		for text in expected:
			self.assertIn(text, str(caught.exception))

	def test_archived_account_is_refused(self):
		self.assert_refused(lambda: map_account("Item Group", "All Item Groups", "250"), "ARCHIVED")

	def test_non_revenue_account_is_refused(self):
		self.assert_refused(
			lambda: map_account("Item Group", "All Item Groups", "310"), "not a revenue account"
		)

	def test_tax_type_that_cannot_apply_to_revenue_is_refused(self):
		self.assert_refused(
			lambda: map_tax("Item Tax Template", self.item_tax_template(), "INPUT2"),
			"cannot be applied to revenue",
		)

	def test_archived_tax_type_is_refused(self):
		self.assert_refused(
			lambda: map_tax("Item Tax Template", self.item_tax_template(), "TAX001"), "ARCHIVED"
		)

	def test_unknown_codes_are_refused(self):
		from xero_connector.xero_connector.connection.reference import account_problem, tax_type_problem

		self.assertIn(
			"has no account 999 - XTL for Xero Test Ltd",
			strip_html(account_problem(fixtures.COMPANY, "999 - XTL")),
		)
		self.assertIn(
			"has no tax rate BOGUS - XTL", strip_html(tax_type_problem(fixtures.COMPANY, "BOGUS - XTL"))
		)

	def test_valid_mapping_is_saved_and_duplicates_refused(self):
		doc = map_account("Item Group", "All Item Groups", "260")
		self.assertEqual(doc.reference_doctype, "Item Group")
		self.assertEqual(doc.xero_account_name, "Other Revenue")
		with self.assertRaises(frappe.UniqueValidationError):
			frappe.get_doc(
				{
					"doctype": ACCOUNT_MAPPING,
					"company": fixtures.COMPANY,
					"mapping_type": "Item Group",
					"reference_name": "All Item Groups",
					"xero_account_code": fixtures.xero_name("200"),
				}
			).insert()
		doc.delete()

	def test_settings_defaults_are_validated(self):
		settings = fixtures.connection_doc()
		settings.default_account_code = fixtures.xero_name("310")
		self.assert_refused(settings.save, "Default Sales Account", "not a revenue account")

	def test_income_account_is_refused_as_a_tax_account(self):
		from xero_connector.tests.fixtures import GST_ACCOUNT, SALES_ACCOUNT

		self.assert_refused(lambda: map_tax("Tax Account", SALES_ACCOUNT, "OUTPUT2"), "is not a tax account")
		map_tax("Tax Account", GST_ACCOUNT, "OUTPUT2").delete()  # a tax account is accepted

	def test_rounding_account_is_xeros_rounding_account_or_revenue(self):
		settings = fixtures.connection_doc()
		settings.rounding_account_code = fixtures.xero_name(
			"820"
		)  # Xero's GST system account: no lines on it
		self.assert_refused(settings.save, "Rounding Account", "system account")
		settings.reload()
		for code in ("860", "260"):  # Xero's Rounding account, which takes lines; Other Revenue
			settings.rounding_account_code = fixtures.xero_name(code)
			settings.save()
			settings.reload()
		fixtures.set_values("rounding_account_code", None)

	def item_tax_template(self):
		from xero_connector.tests.fixtures import ABBR, COMPANY, GST_ACCOUNT, ensure

		return ensure(
			"Item Tax Template",
			f"Xero Zero - {ABBR}",
			{"title": "Xero Zero", "company": COMPANY, "taxes": [{"tax_type": GST_ACCOUNT, "tax_rate": 0}]},
		).name
