"""The ERPNext side of the tax corpus (tax_corpus.py): the masters a New Zealand accountant sets
up in the test company of xero_connector.tests.fixtures, and Sales Invoices and returns made
through ERPNext's own documents, so that every figure is ERPNext's.

The company ("Xero Test Ltd", NZD, GST 15 % on "GST - XTL") gets Item Tax Templates (GST
Standard 15 %, Exempt 0 %, Zero Rated 0 %, all on the GST account), items that carry them,
Sales Taxes and Charges Templates (GST exclusive and inclusive, freight with GST on top as an
"Actual" charge taxed "On Previous Row Total", a fixed fee the same way, GST on freight "On
Previous Row Amount", a fee GST does not apply to), a freight and a fee income account,
customers with billing codes and a USD customer with its USD receivable account.

:func:`make_invoice` draws one invoice of a kind in turn (and, at random, line discounts, a
discount on the net or the grand total, rounding on or off, a USD export) and submits it;
:func:`make_return` returns all of an invoice or one unit of its first line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import frappe
from frappe.utils import add_days, getdate, today

from xero_connector.tests import fixtures

MONTH = 6  # invoices are dated in June of last year: no other bench test posts there
UOM = "Corpus Unit"  # fractions allowed (fixtures' "Nos" must be whole)
FOREIGN = "USD"
FOREIGN_RATE = 1.7023  # NZD per USD (ERPNext's conversion_rate)
FOREIGN_CUSTOMER = "Corpus Export Inc"
FOREIGN_DEBTORS = f"Debtors USD - {fixtures.ABBR}"
FREIGHT = f"Freight Income - {fixtures.ABBR}"
FEES = f"Admin Fees - {fixtures.ABBR}"
CUSTOMERS = {
	"Corpus Harbour Cafe Ltd": "CORP01",
	"Corpus Tui Builders Ltd": "CORP02",
	"Corpus Kowhai Rentals Ltd": "CORP03",
	"Corpus Pohutukawa Bakery Ltd": "CORP04",
	"Corpus Rimu Joinery Ltd": "CORP05",
}
ITEM_TAX = {"GST Standard": 15.0, "Exempt": 0.0, "Zero Rated": 0.0}  # Item Tax Template: GST rate
# item code, description, price (NZD), Item Tax Template on the Item (None: the invoice's rate)
ITEMS = [
	("CORPUS-TIMBER", "Pine framing 90x45, per metre", 7.85, None),
	("CORPUS-PAINT", "Exterior paint, 10 litres", 189.99, None),
	("CORPUS-VISIT", "Site visit", 120.0, None),
	("CORPUS-HIRE", "Equipment hire, per day", 65.0, "GST Standard"),
	("CORPUS-RENT", "Residential rent, per week", 450.0, "Exempt"),
	("CORPUS-LOAN-FEE", "Loan establishment (financial service)", 42.5, "Exempt"),
	("CORPUS-EXPORT", "Kitset for export", 1249.0, "Zero Rated"),
]
# the row ERPNext adds from the items' Item Tax Templates to an invoice without taxes
# (AccountsController.append_taxes_from_item_tax_template); each item's template sets its rate
ITEM_TAX_ROW = {
	"charge_type": "On Net Total",
	"account_head": fixtures.GST_ACCOUNT,
	"rate": 0,
	"description": fixtures.GST_ACCOUNT,
	"set_by_item_tax_template": 1,
	"category": "Total",
	"add_deduct_tax": "Add",
}
CHARGES = (12.5, 25.0, 8.7, 45.35, 19.99)  # freight and fees, NZD
# the kinds of invoice, in turn: the Sales Taxes and Charges Template each uses (None: no
# template; ERPNext adds a 0 % GST row from the items' Item Tax Templates)
KINDS = (
	"gst",
	"inclusive",
	"freight",
	"gst",
	"fee",
	"gst_on_freight",
	"untaxed_fee",
	"from_items",
	"inclusive",
	"gst",
)


def template(kind: str) -> str | None:
	if kind == "gst":
		return fixtures.TAX_TEMPLATE
	if kind == "from_items":
		return None
	return f"{TEMPLATE_TITLES[kind]} - {fixtures.ABBR}"


TEMPLATE_TITLES = {
	"inclusive": "Corpus GST Inclusive",
	"freight": "Corpus GST plus Freight",
	"fee": "Corpus GST plus Fee",
	"gst_on_freight": "Corpus GST and GST on Freight",
	"untaxed_fee": "Corpus GST then Fee",
}


def item_tax_template(title: str) -> str:
	return f"Corpus {title} - {fixtures.ABBR}"


# -- masters ------------------------------------------------------------------------------------------


def make_masters() -> None:
	"""Everything the corpus's invoices use, beyond fixtures.make_masters(); idempotent."""
	ensure = fixtures.ensure
	company, abbr = fixtures.COMPANY, fixtures.ABBR
	for account, parent in ((FREIGHT, "Direct Income"), (FEES, "Indirect Income")):
		ensure(
			"Account",
			account,
			{
				"account_name": account.rsplit(" - ", 1)[0],
				"company": company,
				"parent_account": f"{parent} - {abbr}",
				"root_type": "Income",
				"report_type": "Profit and Loss",
				"account_type": "Income Account",
			},
		)
	for title, rate in ITEM_TAX.items():
		ensure(
			"Item Tax Template",
			item_tax_template(title),
			{
				"title": f"Corpus {title}",
				"company": company,
				"taxes": [{"tax_type": fixtures.GST_ACCOUNT, "tax_rate": rate}],
			},
		)
	for kind, title in TEMPLATE_TITLES.items():
		ensure(
			"Sales Taxes and Charges Template",
			template(kind),
			{"title": title, "company": company, "taxes": template_rows(kind)},
		)
	ensure("UOM", UOM, {"uom_name": UOM, "must_be_whole_number": 0})  # 1.5 days, 0.75 of a metre
	for code, description, _price, tax in ITEMS:
		ensure(
			"Item",
			code,
			{
				"item_code": code,
				"item_name": description,
				"description": description,
				"item_group": fixtures.ITEM_GROUP,
				"stock_uom": UOM,
				"is_stock_item": 0,
				"taxes": [{"item_tax_template": item_tax_template(tax)}] if tax else [],
			},
		)
	for customer, code in CUSTOMERS.items():
		fixtures.make_customer(customer, code)
	ensure(
		"Account",
		FOREIGN_DEBTORS,
		{
			"account_name": "Debtors USD",
			"company": company,
			"parent_account": f"Accounts Receivable - {abbr}",
			"root_type": "Asset",
			"report_type": "Balance Sheet",
			"account_type": "Receivable",
			"account_currency": FOREIGN,
		},
	)
	fixtures.make_customer(FOREIGN_CUSTOMER, "CORPUSD1")
	customer = frappe.get_doc("Customer", FOREIGN_CUSTOMER)
	if not customer.get("accounts"):
		customer.default_currency = FOREIGN
		customer.append("accounts", {"company": company, "account": FOREIGN_DEBTORS})
		customer.flags.ignore_permissions = True
		customer.save()


def template_rows(kind: str) -> list[dict]:
	"""The rows of one corpus Sales Taxes and Charges Template (charges' amounts are typed on
	each invoice, as a person does in the desk)."""
	main = f"Main - {fixtures.ABBR}"

	def gst(**values) -> dict:
		row = {"charge_type": "On Net Total", "account_head": fixtures.GST_ACCOUNT, "rate": 15}
		row.update({"description": "GST 15%", "cost_center": main, **values})
		return row

	def charge(account: str, description: str) -> dict:
		return {
			"charge_type": "Actual",
			"account_head": account,
			"tax_amount": 0,
			"description": description,
			"cost_center": main,
		}

	freight, fee = charge(FREIGHT, "Freight"), charge(FEES, "Account administration fee")
	return {
		"inclusive": lambda: [gst(included_in_print_rate=1)],
		"freight": lambda: [freight, gst(charge_type="On Previous Row Total", row_id="1")],
		"fee": lambda: [fee, gst(charge_type="On Previous Row Total", row_id="1")],
		"gst_on_freight": lambda: [
			gst(),
			freight,
			gst(charge_type="On Previous Row Amount", row_id="2", description="GST on freight"),
		],
		"untaxed_fee": lambda: [gst(), fee],
	}[kind]()


# -- invoices -----------------------------------------------------------------------------------------


@dataclass
class Drawn:
	"""What one corpus invoice is, for the report."""

	name: str
	kind: str
	currency: str
	discount_on: str | None
	rounded: bool


def posting_date(n: int) -> str:
	return f"{getdate(today()).year - 1}-{MONTH:02d}-{1 + n % 28:02d}"


def make_invoice(n: int, rng: random.Random, foreign: bool) -> Drawn:
	"""The ``n``-th corpus invoice, submitted (``foreign``: a USD export, GST exclusive, of the
	zero-rated kitset and equipment hire). Raises whatever ERPNext raises."""
	kind = "gst" if foreign else KINDS[n % len(KINDS)]
	date = posting_date(n)
	si = frappe.new_doc("Sales Invoice")
	si.update(
		{
			"company": fixtures.COMPANY,
			"customer": FOREIGN_CUSTOMER if foreign else rng.choice(sorted(CUSTOMERS)),
			"currency": FOREIGN if foreign else "NZD",
			"conversion_rate": FOREIGN_RATE if foreign else 1,
			"selling_price_list": fixtures.PRICE_LIST,
			"price_list_currency": "NZD",
			"plc_conversion_rate": 1,
			"posting_date": date,
			"set_posting_time": 1,
			"due_date": add_days(date, 30),
			"debit_to": FOREIGN_DEBTORS if foreign else f"Debtors - {fixtures.ABBR}",
			"disable_rounded_total": int(rng.random() < 0.5),
		}
	)
	scale = 1 / FOREIGN_RATE if foreign else 1
	pool = ITEMS
	if kind == "from_items" or foreign:  # every item carries its Item Tax Template
		pool = [i for i in ITEMS if i[3] and (not foreign or i[3] != "Exempt")]
	for code, _description, price, _tax in rng.sample(pool, rng.randint(1, min(4, len(pool)))):
		row = {
			"item_code": code,
			"qty": rng.choice((1, 2, 3, 1.5, 7, 12, 0.75)),
			"uom": UOM,
			"conversion_factor": 1,
			"income_account": fixtures.SALES_ACCOUNT,
			"cost_center": f"Main - {fixtures.ABBR}",
		}
		unit = round(price * scale * rng.choice((1, 1, 0.95, 1.1)), 2)
		if rng.random() < 0.2:  # a line discount: ERPNext works the rate out
			row.update({"price_list_rate": unit, "discount_percentage": rng.choice((5, 10, 12.5, 15))})
		else:
			row.update({"price_list_rate": unit, "rate": unit})
		si.append("items", row)
	si.taxes_and_charges = template(kind)
	if si.taxes_and_charges:
		si.set_taxes()  # the template's rows, as the desk fetches them
	elif not frappe.db.get_single_value("Accounts Settings", "add_taxes_from_item_tax_template"):
		si.append("taxes", ITEM_TAX_ROW)  # what ERPNext adds itself when that setting is on
	for tax in si.get("taxes"):
		if tax.charge_type == "Actual":
			tax.tax_amount = round(rng.choice(CHARGES) * scale, 2)
	discount_on = None
	if rng.random() < 0.25:
		discount_on = rng.choice(("Net Total", "Grand Total"))
		si.apply_discount_on = discount_on
		if rng.random() < 0.6:
			si.additional_discount_percentage = rng.choice((5, 10, 12.5))
		else:
			si.discount_amount = rng.choice((5, 10.55, 25))
	si.insert()
	si.submit()
	return Drawn(si.name, kind, si.currency, discount_on, not si.disable_rounded_total)


def can_return_part(name: str) -> bool:
	"""A return of one unit of the first line keeps a sensible total only when the invoice has no
	fixed amounts (an "Actual" charge or a discount amount), which a return gives back whole."""
	si = frappe.get_doc("Sales Invoice", name)
	fixed = any(t.charge_type == "Actual" for t in si.taxes) or (
		si.discount_amount and not si.additional_discount_percentage
	)
	return not fixed and si.items[0].qty > 1


def make_return(name: str, part: bool) -> str:
	"""A submitted return (credit note) of invoice ``name``: all of it, or (``part``) one unit of
	its first line. Returns its name."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	ret = make_sales_return(name)
	if part:
		ret.set("items", ret.items[:1])
		ret.items[0].qty = -1
	ret.insert()
	ret.submit()
	return ret.name
