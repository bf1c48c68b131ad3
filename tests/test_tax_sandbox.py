"""A GST company's invoices, sent with the mapping an administrator writes first, reach the
sandbox (which computes tax as Xero does) with ERPNext's total and tax to the cent, and no line's
tax in Xero more than a cent from what Xero computes itself at the line's rate.

Kauri Supplies Ltd (NZ, 15 %) goes to the sandbox's demo organisation; Wattle Trading Pty Ltd
(AU, 10 %) to its Australian organisation, given Xero's Australian tax rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from fixtures.gst_companies import AU, NZ, context, first_mapping, invoices

from tests.engine_support import start_sandbox
from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.context import RatedTaxType
from xero_connector.engine.memory_host import MemoryHost
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.server import SECOND_TENANT_ID
from xero_connector.xero.retry import RetryPolicy, no_sleep

pytestmark = pytest.mark.timeout(180)
D = Decimal
CENT = D("0.01")


def xero_rates(company) -> dict[str, dict]:
	"""The company's Xero tax rates as the sandbox keeps them."""
	return {
		rate["TaxType"]: {
			**rate,
			"ReportTaxType": "OUTPUT" if rate["CanApplyToRevenue"] else "INPUT",
			"CanApplyToExpenses": not rate["CanApplyToRevenue"],
			"CanApplyToAssets": True,
			"CanApplyToLiabilities": True,
			"CanApplyToEquity": True,
		}
		for rate in company.xero_tax_rates
	}


@pytest.fixture(scope="module")
def sandbox():
	sb = start_sandbox()
	sb.organisation(SECOND_TENANT_ID).tax_rates = xero_rates(AU)
	yield sb
	sb.stop()


def send(sandbox, company, docs: list[dict], mappings=None):
	"""Push ``docs`` through the engine into the company's organisation; (outcomes, organisation)."""
	tenant = sandbox.tenant_id if company is NZ else SECOND_TENANT_ID
	port = sandbox_port(sandbox, tenant, retry=RetryPolicy(attempts=3, sleep=no_sleep))
	ctx = context(company, mappings, with_xero=False)
	host = MemoryHost(ctx, site_id="taxes", tenant_id=port.tenant_id)
	for doc in docs:
		host.add_invoice(doc)
	outcomes = SyncEngine(host, port).push([doc["name"] for doc in docs])
	return outcomes, sandbox.organisation(tenant)


def own_tax(line: dict, rate: Decimal) -> Decimal:
	return (D(str(line["LineAmount"])) * rate / 100).quantize(CENT, ROUND_HALF_UP)


@pytest.mark.parametrize("company", [NZ, AU], ids=["NZ", "AU"])
def test_a_gst_companys_invoices_reach_xero_to_the_cent(sandbox, company):
	docs = invoices(company, 90, seed=1818)
	outcomes, org = send(sandbox, company, docs)
	assert [o.status for o in outcomes if o.operation == "push"] == ["Success"] * len(docs), [
		(o.name, o.reason) for o in outcomes if o.status != "Success"
	]
	rates = {code: D(rate["EffectiveRate"]) for code, rate in org.tax_rates.items()}
	largest = D(0)
	for doc in docs:
		(stored,) = [i for i in org.invoices.values() if i["InvoiceNumber"] == doc["name"]]
		owed = D(str(doc["rounded_total"] or doc["grand_total"]))
		gst = sum(
			(D(str(row["tax_amount"])) for row in doc["taxes"] if row["account_head"] == company.gst_account),
			D(0),
		)
		assert (D(str(stored["Total"])), D(str(stored["TotalTax"]))) == (owed, gst), doc["name"]
		if stored["LineAmountTypes"] == "Exclusive":
			for line in stored["LineItems"]:
				largest = max(largest, abs(D(str(line["TaxAmount"])) - own_tax(line, rates[line["TaxType"]])))
	assert largest <= CENT


@pytest.mark.parametrize("company", [NZ, AU], ids=["NZ", "AU"])
def test_one_tax_account_mapped_at_each_rate_is_enough(sandbox, company):
	"""No template mapped: the GST account's row at the standard rate and at 0 % (exempt), and the
	zero-rated items' template: every kind of invoice reaches Xero with ERPNext's total and tax."""
	mappings = first_mapping(company)
	mappings.tax_by_sales_taxes_template = {}
	mappings.tax_by_item_tax_template = {company.template("Zero Rated"): company.zero_type}
	mappings.tax_by_tax_account = {
		company.gst_account: [
			RatedTaxType(company.standard_type, D(str(company.gst))),
			RatedTaxType(company.exempt_type, D(0)),
		]
	}
	docs = invoices(company, 45, seed=7)
	for doc in docs:
		doc["name"] = doc["name"].replace("SINV", "RATE")
	outcomes, org = send(sandbox, company, docs, mappings)
	assert [o.status for o in outcomes if o.operation == "push"] == ["Success"] * len(docs), [
		(o.name, o.reason) for o in outcomes if o.status != "Success"
	]
	by_number = {i["InvoiceNumber"]: i for i in org.invoices.values()}
	for doc in docs:
		stored = by_number[doc["name"]]
		assert D(str(stored["Total"])) == D(str(doc["rounded_total"] or doc["grand_total"])), doc["name"]
		types = {line["TaxType"] for line in stored["LineItems"]}
		assert types <= {company.standard_type, company.exempt_type, company.zero_type, company.untaxed_type}
