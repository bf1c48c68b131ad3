"""The buying side's test data (issue 16): a supplier with a Xero account code, a buying price
list, a purchase GST template, and Purchase Invoices (and returns) of the test company, as
accounts payable clerks enter them."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, today

from xero_connector.tests.fixtures import ABBR, COMPANY, GST_ACCOUNT, ITEM, ensure

SUPPLIER = "Xero Test Supplier"
SUPPLIER_CODE = "XSUP01"
BUYING_PRICE_LIST = "Xero Test Buying"
PURCHASE_TAX_TEMPLATE = f"NZ GST 15% Purchases - {ABBR}"
EXPENSE_ACCOUNT = f"Cost of Goods Sold - {ABBR}"
# GST 15 % added to a purchase, as the template and each Purchase Invoice carry it
GST_ROW = {
	"category": "Total",
	"add_deduct_tax": "Add",
	"charge_type": "On Net Total",
	"account_head": GST_ACCOUNT,
	"rate": 15,
	"description": "GST 15%",
}


def make_buying_masters() -> None:
	"""The supplier, the buying price list and the purchase GST template (on top of
	fixtures.make_masters: company, GST account, item)."""
	ensure(
		"Price List",
		BUYING_PRICE_LIST,
		{"price_list_name": BUYING_PRICE_LIST, "buying": 1, "currency": "NZD", "enabled": 1},
	)
	ensure(
		"Purchase Taxes and Charges Template",
		PURCHASE_TAX_TEMPLATE,
		{
			"title": "NZ GST 15% Purchases",
			"company": COMPANY,
			"taxes": [GST_ROW],
		},
	)
	make_supplier(SUPPLIER, SUPPLIER_CODE)


def make_supplier(name: str, code: str | None = None):
	doc = ensure(
		"Supplier",
		name,
		{"supplier_name": name, "supplier_group": "All Supplier Groups", "supplier_type": "Company"},
	)
	frappe.db.set_value("Supplier", name, "xero_account_number", code)
	return doc


def buying_line(code: str, qty: float, rate: float, **extra) -> dict:
	"""An item row of a Purchase Invoice or Order, booked to the test expense account."""
	return {
		"item_code": code,
		"qty": qty,
		"rate": rate,
		"uom": "Nos",
		"conversion_factor": 1,
		"expense_account": EXPENSE_ACCOUNT,
		"cost_center": f"Main - {ABBR}",
		**extra,
	}


def make_purchase_invoice(
	items: list[tuple[str, float, float]] | None = None,
	supplier: str = SUPPLIER,
	taxes: bool = True,
	submit: bool = True,
	**values,
):
	"""A Purchase Invoice of the test company (the supplier's bill number unique), submitted
	unless ``submit`` is False."""
	pi = frappe.new_doc("Purchase Invoice")
	pi.update(
		{
			"company": COMPANY,
			"supplier": supplier,
			"currency": "NZD",
			"conversion_rate": 1,
			"buying_price_list": BUYING_PRICE_LIST,
			"price_list_currency": "NZD",
			"plc_conversion_rate": 1,
			"posting_date": today(),
			"set_posting_time": 1,
			"bill_no": f"B-{frappe.generate_hash(length=8).upper()}",
			"bill_date": today(),
			"due_date": add_days(today(), 30),
			"credit_to": f"Creditors - {ABBR}",
			"update_stock": 0,
		}
	)
	for code, qty, rate in items or [(ITEM, 2, 50)]:
		pi.append("items", buying_line(code, qty, rate))
	if taxes:
		pi.taxes_and_charges = PURCHASE_TAX_TEMPLATE
		pi.append("taxes", {**GST_ROW, "cost_center": f"Main - {ABBR}"})
	pi.update(values)
	pi.insert()
	if submit:
		pi.submit()
	return pi


def make_purchase_return(name: str, qty: float = -1):
	"""A submitted debit note (return) of Purchase Invoice ``name`` for ``qty`` of its first line."""
	from erpnext.accounts.doctype.purchase_invoice.purchase_invoice import make_debit_note

	ret = make_debit_note(name)
	ret.items = ret.items[:1]
	ret.items[0].qty = qty
	ret.bill_no = f"R-{frappe.generate_hash(length=8).upper()}"
	ret.insert()
	ret.submit()
	return ret


def make_purchase_order(
	items: list[tuple[str, float, float]] | None = None,
	supplier: str = SUPPLIER,
	taxes: bool = True,
	submit: bool = True,
	**values,
):
	"""A Purchase Order of the test company, due in two weeks, submitted unless ``submit`` is False."""
	due = add_days(today(), 14)
	po = frappe.new_doc("Purchase Order")
	po.update(
		{
			"company": COMPANY,
			"supplier": supplier,
			"currency": "NZD",
			"conversion_rate": 1,
			"buying_price_list": BUYING_PRICE_LIST,
			"price_list_currency": "NZD",
			"plc_conversion_rate": 1,
			"transaction_date": today(),
			"schedule_date": due,
		}
	)
	for code, qty, rate in items or [(ITEM, 4, 25)]:
		po.append("items", buying_line(code, qty, rate, schedule_date=due))
	if taxes:
		po.taxes_and_charges = PURCHASE_TAX_TEMPLATE
		po.append("taxes", {**GST_ROW, "cost_center": f"Main - {ABBR}"})
	po.update(values)
	po.insert()
	if submit:
		po.submit()
	return po
