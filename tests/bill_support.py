"""Purchase Invoices for the buying-side tests (issue 16), with ERPNext's own figures.

ERPNext computes a Purchase Invoice's totals with the same controller as a Sales Invoice's
(erpnext/controllers/taxes_and_totals.py; "Add" rows in the "Total" category, as here), so a
bundled Sales Invoice that a real ERPNext computed becomes a Purchase Invoice with the same
amounts: the party a Supplier, the lines on expense accounts, the supplier's bill number."""

from __future__ import annotations

import copy

import pytest
from engine_support import make_env, sample, sample_context, start_sandbox

SUPPLIERS = {
	"Paper Co": {"name": "Paper Co", "supplier_name": "Paper Co Ltd", "xero_account_number": "SUP-PAPER"},
	"Overseas Parts": {"name": "Overseas Parts", "supplier_name": "Overseas Parts Inc"},
}


def as_bill(number: str, bill_no: str | None = "PC-4471", supplier: str = "Paper Co") -> dict:
	"""The bundled Sales Invoice ACC-SINV-2026-``number`` as Purchase Invoice ACC-PINV-2026-``number``."""
	doc = sample(number)
	doc.update(
		doctype="Purchase Invoice",
		name=f"ACC-PINV-2026-{number}",
		supplier=supplier,
		supplier_name=SUPPLIERS[supplier]["supplier_name"],
		bill_no=bill_no,
	)
	for key in ("customer", "customer_name", "po_no"):
		doc.pop(key, None)
	for item in doc["items"]:
		item.pop("income_account", None)
		item["expense_account"] = "Cost of Goods Sold - AL"
	return doc


def as_return(bill: dict, name: str, bill_no: str = "PC-CN-9") -> dict:
	"""A full return of ``bill`` (ERPNext negates every amount of a return)."""
	doc = copy.deepcopy(bill)
	doc.update(name=name, is_return=1, return_against=bill["name"], bill_no=bill_no)
	for key in (
		"grand_total",
		"rounded_total",
		"rounding_adjustment",
		"net_total",
		"total",
		"total_taxes_and_charges",
	):
		if doc.get(key) is not None:
			doc[key] = -doc[key]
	for item in doc["items"]:
		for key in ("qty", "amount", "net_amount", "stock_qty"):
			item[key] = -item[key]
	for tax in doc["taxes"]:
		for key in ("tax_amount", "tax_amount_after_discount_amount", "total"):
			tax[key] = -tax[key]
	return doc


def buying_context():
	ctx = sample_context()
	ctx.masters.suppliers = copy.deepcopy(SUPPLIERS)
	m, s = ctx.mappings, ctx.settings
	m.account_by_expense_account = {"Cost of Goods Sold - AL": "310"}
	m.tax_by_purchase_taxes_template = {
		"New Zealand - AL": "INPUT2",
		"NZ GST 15% Inclusive - AL": "INPUT2",
		"Zero Rated Export - AL": "NONE",
	}
	m.purchase_tax_by_item_tax_template = {"GST Exempt - AL": "NONE"}
	s.default_purchase_account_code = "429"
	s.default_purchase_tax_type = "INPUT2"
	s.purchase_rounding_account_code = "860"
	ctx.refresh()
	return ctx


def make_bill_env(sb, site_id: str = "test-site"):
	env = make_env(sb, site_id)
	env.host.context = buying_context()
	return env


@pytest.fixture(name="env")
def bill_env():
	"""``env``: a sandbox and an engine whose host holds the buying tables (import bill_env)."""
	sb = start_sandbox()
	try:
		yield make_bill_env(sb)
	finally:
		sb.stop()


DELIVERY = "2026-12-15"


def as_order(number: str, supplier: str = "Paper Co", name: str | None = None) -> dict:
	"""The bundled Sales Invoice ACC-SINV-2026-``number`` as Purchase Order PUR-ORD-2026-``number``
	(ERPNext computes an order's totals with the same controller), submitted and open."""
	doc = as_bill(number, supplier=supplier)
	doc.update(
		doctype="Purchase Order",
		name=name or f"PUR-ORD-2026-{number}",
		transaction_date=doc["posting_date"],
		schedule_date=DELIVERY,
		status="To Receive and Bill",
		shipping_address_display="12 Wharf Rd<br>Auckland 1010<br>New Zealand<br>",
		order_confirmation_no=None,
		per_billed=0.0,
		per_received=0.0,
	)
	for key in ("posting_date", "due_date", "bill_no", "is_return", "return_against"):
		doc.pop(key, None)
	for item in doc["items"]:
		item["schedule_date"] = DELIVERY
	return doc
