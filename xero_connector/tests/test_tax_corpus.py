"""Issue 18's corpus, small: invoices made by ERPNext itself (templates exclusive and inclusive,
exempt and zero-rated items, freight and fees, discounts on the net and the grand total,
rounding, a USD export, returns). Mapped as an administrator first maps taxes (each Sales Taxes
and Charges Template and the tax account to one Xero tax type), most are refused at submit;
with the Tax Mapping rows the readiness check proposes (a row per rate) every one reaches Xero
(the sandbox) with ERPNext's total to the cent and no TaxAmount moved by more than a cent.
The full run is ``bench execute ...benchmarks.tax_corpus.run`` (README: Figures)."""

from decimal import Decimal

from xero_connector.tests.fixtures import _BaseTestCase
from xero_connector.xero_connector.benchmarks import tax_corpus


class TestTaxCorpus(_BaseTestCase):
	def test_every_invoice_reaches_xero_to_the_cent_with_overrides_of_a_cent_at_most(self):
		figures = tax_corpus.run(n=40, check=False, item_templates=False)

		self.assertEqual(figures["created"], 40)
		self.assertGreater(figures["returns"], 0, "some invoices are returned")
		self.assertGreater(figures["foreign"], 0, figures["foreign_skipped"])
		self.assertGreater(figures["refused_at_submit_first_mapping"], 0, "the 0 % lines need rows")
		self.assertTrue(figures["rows_added"], "the readiness check proposes the rows per rate")
		self.assertEqual(figures["readiness_refused_after"], 0, figures["rows_added"])
		self.assertEqual(figures["refused_preflight"], 0, figures["refusal_reasons"])
		self.assertEqual(figures["other_failures"], [])
		self.assertEqual(figures["documents"], figures["created"] + figures["returns"])
		self.assertEqual(figures["pushed"], figures["documents"])
		self.assertEqual(figures["in_xero"], figures["documents"], "every document read back from Xero")
		self.assertEqual(figures["totals_equal"], figures["documents"], figures["worst_difference"])
		self.assertLessEqual(Decimal(figures["largest_override"]), Decimal("0.01"))
