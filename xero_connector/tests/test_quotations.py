"""Quotations as Xero Quotes, in the bench against the sandbox's /Quotes: submit creates a
SENT quote numbered like the Quotation with ERPNext's total, sending again updates the
same quote, an accepted quote is left alone, cancel deletes it, and nothing happens
while the setting is off."""

from decimal import Decimal

import frappe
from frappe.utils import add_days, flt, today

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	COMPANY,
	CUSTOMER,
	GST_ACCOUNT,
	ITEM,
	PRICE_LIST,
	TAX_TEMPLATE,
	XeroTestCase,
	captured_jobs,
	sync_logs,
	xero_client,
)
from xero_connector.xero_connector.features.quotations import sync_quotation


def make_quotation(qty=2, rate=100):
	qtn = frappe.new_doc("Quotation")
	qtn.update(
		{
			"quotation_to": "Customer",
			"party_name": CUSTOMER,
			"company": COMPANY,
			"order_type": "Sales",
			"currency": "NZD",
			"conversion_rate": 1,
			"selling_price_list": PRICE_LIST,
			"price_list_currency": "NZD",
			"plc_conversion_rate": 1,
			"transaction_date": today(),
			"valid_till": add_days(today(), 30),
			"taxes_and_charges": TAX_TEMPLATE,
		}
	)
	qtn.append("items", fixtures.line(ITEM, qty, rate))
	qtn.append(
		"taxes",
		{"charge_type": "On Net Total", "account_head": GST_ACCOUNT, "rate": 15, "description": "GST 15%"},
	)
	qtn.insert()
	qtn.submit()
	return qtn


class TestQuotations(XeroTestCase):
	def setUp(self):
		super().setUp()
		fixtures.set_values("push_quotations", 1)

	def tearDown(self):
		fixtures.set_values("push_quotations", 0)
		frappe.db.commit()

	def xero_quotes(self, number):
		org = self.sandbox.organisation(self.sandbox.tenant_id)
		return [q for q in org.quotes.values() if q.get("QuoteNumber") == number]

	def submit(self, **kwargs):
		with captured_jobs() as jobs:
			qtn = make_quotation(**kwargs)
			self.assertEqual(jobs.job_ids(), [f"xero-quote::{qtn.name}"])
			self.assertTrue(jobs.calls[0]["after_commit"])
			jobs.run()
		qtn.reload()
		return qtn

	def test_submit_creates_a_sent_quote_with_erpnexts_total(self):
		qtn = self.submit()
		(quote,) = self.xero_quotes(qtn.name)
		self.assertEqual(qtn.xero_quote_id, quote["QuoteID"])
		self.assertEqual((quote["Status"], qtn.xero_quote_status), ("SENT", "SENT"))
		self.assertEqual(
			Decimal(quote["Total"]),
			Decimal(str(flt(qtn.rounded_total or qtn.grand_total))).quantize(Decimal("0.01")),
		)
		self.assertEqual(quote["ExpiryDate"], str(qtn.valid_till))
		self.assertEqual(quote["ContactID"], fixtures.contact_id(CUSTOMER))
		self.assertEqual([r.status for r in sync_logs(qtn.name)], ["Success"])

	def test_sending_again_updates_the_quote_with_that_number(self):
		qtn = self.submit()
		new_expiry = add_days(today(), 60)
		frappe.db.set_value("Quotation", qtn.name, "valid_till", new_expiry, update_modified=False)
		frappe.db.commit()
		self.assertEqual(sync_quotation(qtn.name)["action"], "update")
		(quote,) = self.xero_quotes(qtn.name)
		self.assertEqual((quote["QuoteID"], quote["ExpiryDate"]), (qtn.xero_quote_id, str(new_expiry)))

	def test_accepted_quote_is_left_alone_and_cancel_deletes_an_open_one(self):
		qtn = self.submit()
		xero_client().call(
			"update_or_create_quotes",
			{"Quotes": [{"QuoteID": qtn.xero_quote_id, "Status": "ACCEPTED"}]},
			summarize_errors="false",
			idempotency_key=f"accept-{qtn.name}",
		)
		answer = sync_quotation(qtn.name)
		self.assertEqual(answer["status"], "Skipped")
		self.assertIn("already ACCEPTED", sync_logs(qtn.name)[-1].cause)

		other = self.submit()
		with captured_jobs() as jobs:
			other.cancel()
			jobs.run()
		(quote,) = self.xero_quotes(other.name)
		self.assertEqual(quote["Status"], "DELETED")
		self.assertEqual(frappe.db.get_value("Quotation", other.name, "xero_quote_status"), "DELETED")

	def test_nothing_is_sent_while_the_setting_is_off(self):
		fixtures.set_values("push_quotations", 0)
		with captured_jobs() as jobs:
			qtn = make_quotation()
		self.assertEqual(jobs.calls, [])
		self.assertEqual(self.xero_quotes(qtn.name), [])
