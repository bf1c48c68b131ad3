"""Issue 15, increment 4: Xero's accounts and tax rates, the Rate-to-Account and Tax
Mapping rows and the connection's defaults belong to one company and its Xero
organisation. Two organisations may have the same code; one company's mapping never
applies to another company's invoice, and a row of another organisation is refused with
both companies named."""

import frappe
from frappe.utils import strip_html

from xero_connector.constants import XERO_ACCOUNT, XERO_TAX_RATE
from xero_connector.exceptions import MappingInvalid, WrongConnection
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import COMPANY, ITEM, XeroTestCase, map_account, unmap
from xero_connector.xero_connector.doctype.xero_account_mapping.xero_account_mapping import (
	get_account_mappings,
)
from xero_connector.xero_connector.doctype.xero_tax_mapping.xero_tax_mapping import get_tax_mappings


class TestMappingsPerCompany(XeroTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company_b = fixtures.ensure_second_company()
		# what Fetch from Xero stores for the second company's organisation (an AU one)
		for doctype, values in (
			(XERO_ACCOUNT, {"code": "200", "account_name": "Sales AU", "account_class": "REVENUE"}),
			(XERO_ACCOUNT, {"code": "260", "account_name": "Other Revenue AU", "account_class": "REVENUE"}),
			(XERO_TAX_RATE, {"tax_type": "OUTPUT", "tax_name": "GST on Income", "can_apply_to_revenue": 1}),
		):
			if not frappe.db.exists(
				doctype, fixtures.xero_name(values.get("code") or values["tax_type"], cls.company_b)
			):
				frappe.get_doc(
					{"doctype": doctype, "company": cls.company_b, "status": "ACTIVE", **values}
				).insert(ignore_permissions=True)
		frappe.db.commit()

	def tearDown(self):
		for company in (COMPANY, self.company_b):
			unmap("Xero Account Mapping", company=company, reference_name=ITEM)
			unmap("Xero Tax Mapping", company=company, mapping_type="Item Tax Template")
		frappe.db.commit()

	def test_same_code_in_two_organisations(self):
		rows = frappe.get_all(
			XERO_ACCOUNT, filters={"code": "200"}, fields=["name", "company"], order_by="name"
		)
		self.assertEqual(
			[(r.name, r.company) for r in rows],
			[("200 - XTB", self.company_b), ("200 - XTL", COMPANY)],
		)

	def test_account_of_another_organisation_refused_with_company_named(self):
		with self.assertRaises(MappingInvalid) as refused:
			map_account("Item", ITEM, "260 - XTB")  # the second company's account, in a row of the first
		message = strip_html(str(refused.exception))
		self.assertIn("260 - XTB", message)
		self.assertIn(self.company_b, message)
		self.assertIn(COMPANY, message)
		connection = fixtures.connection_doc()
		connection.default_account_code = "200 - XTB"
		with self.assertRaises(MappingInvalid) as refused:
			connection.save()
		self.assertIn("Default Sales Account", strip_html(str(refused.exception)))
		self.assertIn(self.company_b, strip_html(str(refused.exception)))

	def test_another_companys_erpnext_record_is_refused(self):
		income_b = frappe.db.get_value(
			"Account", {"company": self.company_b, "root_type": "Income", "is_group": 0}, "name"
		)
		self.assertTrue(income_b, "the second company has an income account from its chart")
		with self.assertRaises(MappingInvalid) as refused:
			map_account("Income Account", income_b, "200")
		self.assertIn(f"belongs to {self.company_b}", strip_html(str(refused.exception)))

	def test_mapping_of_company_a_never_applies_to_company_b_invoice(self):
		map_account("Item", ITEM, "260")
		map_account("Item", ITEM, "200", company=self.company_b)
		# each company reads only its own rows, as Xero's codes
		self.assertEqual(get_account_mappings(COMPANY)["Item"][ITEM], "260")
		self.assertEqual(get_account_mappings(self.company_b)["Item"][ITEM], "200")
		unmap("Xero Account Mapping", company=self.company_b, reference_name=ITEM)
		self.assertNotIn(ITEM, get_account_mappings(self.company_b)["Item"], "its cache was cleared")
		self.assertEqual(get_account_mappings(COMPANY)["Item"][ITEM], "260", "the other's is untouched")
		self.assertEqual(get_tax_mappings(self.company_b)["Sales Taxes and Charges Template"], {})

		# the first company's invoice goes to Xero on its own mapping
		si = self.submit_and_sync(items=[(ITEM, 1, 100)])  # 115.00: no rounding line
		lines = fixtures.xero_client().get_invoice(si.xero_invoice_id)["LineItems"]
		self.assertEqual([line["AccountCode"] for line in lines], ["260"])

		# and the last guard: a document of another company never gets this connection's data
		from xero_connector.xero_connector.sync.host import FrappeHost

		host = FrappeHost.for_company(COMPANY, commit=False)
		with self.assertRaises(WrongConnection):
			host.engine_settings({"name": "SINV-B", "company": self.company_b})

	def test_defaults_reach_the_engine_as_xero_codes(self):
		from xero_connector.xero_connector.sync.host import FrappeHost

		connection = fixtures.connection_doc()
		self.assertEqual(connection.default_account_code, "200 - XTL", "the connection links the row")
		settings = FrappeHost.for_company(COMPANY, commit=False).engine_settings({"company": COMPANY})
		self.assertEqual((settings.default_account_code, settings.default_tax_type), ("200", "OUTPUT2"))
