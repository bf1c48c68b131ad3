"""Shared set-up for the bench tests: an in-process Xero sandbox, Xero Settings
pointing at it, a real OAuth connection, ERPNext masters and helpers to submit
Sales Invoices and run the queued jobs. Imported by the test_*.py modules here
(never collected itself)."""

from __future__ import annotations

import contextlib
import json
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import frappe
import requests
from frappe.utils import add_days, getdate, today

from xero_connector.constants import ACCOUNT_MAPPING, SETTINGS, SYNC_LOG, TAX_MAPPING, XERO_MANAGER

COMPANY = "Xero Test Ltd"
ABBR = "XTL"
CUSTOMER = "Xero Test Customer"
BILLING_CODE = "XTEST01"
ITEM = "XERO-WIDGET"
ITEM_GROUP = "Xero Test Products"
PRICE_LIST = "Xero Test Selling"
GST_ACCOUNT = f"GST - {ABBR}"
SALES_ACCOUNT = f"Sales - {ABBR}"
TAX_TEMPLATE = f"NZ GST 15% - {ABBR}"


# -- the sandbox ------------------------------------------------------------------------------------


def start_sandbox(redirect_uri: str):
	"""A started sandbox on a free port that accepts this site's redirect URI."""
	from xero_connector.sandbox.server import Sandbox, SandboxConfig

	sandbox = Sandbox(SandboxConfig(port=0, redirect_uris=(redirect_uri,)))
	sandbox.start()
	return sandbox


def inject(sandbox, status: int, count: int = 1, **options):
	"""Make the sandbox answer ``status`` (a 5xx) to the next ``count`` API calls."""
	return sandbox.faults.add("error", status=status, count=count, **options)


def owed(si) -> float:
	"""What the customer owes, and so Xero's Total: the rounded total where ERPNext rounds."""
	from frappe.utils import flt

	if not si.get("disable_rounded_total") and flt(si.get("rounded_total")):
		return abs(flt(si.rounded_total))
	return abs(flt(si.grand_total))


# -- settings and connection --------------------------------------------------------------------


APP_NAME = "Xero Test App"
APP_FIELDS = {
	"client_id",
	"client_secret",
	"scope_mode",
	"use_sandbox",
	"sandbox_url",
	"sandbox_time_scale",
	"xero_app_tier",
	"webhook_key",
	"reauth_notified",
	"reauth_message",
	"granted_tenants",
	"api_app_minute_remaining",
}
SITE_FIELDS = {"requeue_after_minutes", "customer_invoice_count"}


# the connection's defaults link the company's Xero Account / Xero Tax Rate rows
DEFAULT_LINKS = {
	"default_account_code": "Xero Account",
	"rounding_account_code": "Xero Account",
	"default_tax_type": "Xero Tax Rate",
	"zero_tax_type": "Xero Tax Rate",
	"default_purchase_account_code": "Xero Account",
	"default_purchase_tax_type": "Xero Tax Rate",
}


def xero_name(code: str | None, company: str | None = None) -> str | None:
	"""The name of the Xero Account / Xero Tax Rate row of Xero's ``code`` in the company's
	organisation ("200" -> "200 - XTL"); a name is returned as it is."""
	from xero_connector.xero_connector.connection.reference import row_name

	if not code or " - " in code:
		return code
	return row_name(code, company or COMPANY)


def _split(values: dict) -> tuple[dict, dict, dict]:
	"""``values`` as (Xero App's, Xero Connection's, Xero Settings'); the defaults may be
	given as Xero's codes."""
	app_values = {k: v for k, v in values.items() if k in APP_FIELDS}
	site_values = {k: v for k, v in values.items() if k in SITE_FIELDS}
	connection_values = {
		k: xero_name(v) if k in DEFAULT_LINKS else v
		for k, v in values.items()
		if k not in APP_FIELDS | SITE_FIELDS
	}
	return app_values, connection_values, site_values


def configure_settings(sandbox, **overrides):
	"""The test Xero App pointing at ``sandbox`` and the test company's Xero Connection
	through it (made on first use), with the defaults every test starts from and
	``overrides`` (each field to the document that has it). Returns the connection."""
	from xero_connector.constants import APP, CONNECTION

	app_values, connection_values, site_values = _split(
		{
			"enabled": 1,
			"use_sandbox": 1,
			"sandbox_url": sandbox.url,
			"client_id": sandbox.client_id,
			"client_secret": sandbox.client_secret,
			"scope_mode": "Broad",
			"sync_trigger": "On Submit",
			"block_submit_on_preflight": 0,
			"billing_code_field": "xero_account_number",
			"payment_pull_interval": 15,
			"default_account_code": None,
			"default_tax_type": None,
			"zero_tax_type": None,
			"rounding_account_code": None,
			**overrides,
		}
	)
	app = frappe.get_doc(APP, APP_NAME) if frappe.db.exists(APP, APP_NAME) else frappe.new_doc(APP)
	app.update({"app_name": APP_NAME, **app_values})
	app.flags.ignore_permissions = True
	app.save()
	for other in frappe.get_all(CONNECTION, filters={"name": ("!=", COMPANY)}, pluck="name"):
		frappe.delete_doc(CONNECTION, other, ignore_permissions=True, force=True)
	if frappe.db.exists(CONNECTION, COMPANY):
		connection = frappe.get_doc(CONNECTION, COMPANY)
	else:
		connection = frappe.new_doc(CONNECTION)
		connection.company = COMPANY
	connection.update({"xero_app": APP_NAME, **connection_values})
	connection.flags.ignore_permissions = True
	connection.save()
	if site_values:
		set_defaults(**site_values)
	return connection


def connect(sandbox) -> dict:
	"""Run the real OAuth flow against the sandbox: the connection's Connect button, the
	browser's visit to the authorise URL (approved at once), then the callback."""
	from xero_connector.xero_connector import api

	url = api.start_connect(connection=COMPANY)
	answer = requests.get(url, allow_redirects=False, timeout=10)
	assert answer.status_code in (302, 303), answer.text[:500]
	params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
	return api.complete_connect(params)


def set_defaults(**values):
	"""Write ``values`` where each lives (the test Xero App, the test company's Xero
	Connection, or Xero Settings), as a job would (no form, caches cleared)."""
	from xero_connector.constants import APP, CONNECTION

	app_values, connection_values, site_values = _split(values)
	if app_values:
		frappe.db.set_value(APP, APP_NAME, app_values, update_modified=False)
		frappe.clear_document_cache(APP, APP_NAME)
	if connection_values:
		frappe.db.set_value(CONNECTION, COMPANY, connection_values, update_modified=False)
		frappe.clear_document_cache(CONNECTION, COMPANY)
	if site_values:
		frappe.db.set_single_value(SETTINGS, site_values)
		frappe.clear_document_cache(SETTINGS, SETTINGS)


def set_values(field, value=None):
	"""``frappe.db.set_single_value``'s shape (a field and a value, or a dict) for
	:func:`set_defaults`."""
	set_defaults(**(field if isinstance(field, dict) else {field: value}))


def stored(field: str):
	"""A value as stored now, from the document that has it."""
	from xero_connector.constants import APP, CONNECTION

	if field in APP_FIELDS or field in ("connection_status_of_app",):
		return frappe.db.get_value(APP, APP_NAME, field)
	if field in SITE_FIELDS:
		return frappe.db.get_single_value(SETTINGS, field)
	return frappe.db.get_value(CONNECTION, COMPANY, field)


def connection_doc():
	"""The test company's Xero Connection, read afresh."""
	from xero_connector.constants import CONNECTION

	return frappe.get_doc(CONNECTION, COMPANY)


def app_doc():
	"""The test Xero App, read afresh."""
	from xero_connector.constants import APP

	return frappe.get_doc(APP, APP_NAME)


# -- ERPNext masters --------------------------------------------------------------------------------


def ensure(doctype: str, name: str, values: dict):
	if frappe.db.exists(doctype, name):
		return frappe.get_doc(doctype, name)
	doc = frappe.get_doc({"doctype": doctype, **values})
	doc.flags.ignore_permissions = True
	doc.flags.ignore_mandatory = True
	doc.insert()
	return doc


COMPANY_B = "Xero Test B Pty"
ABBR_B = "XTB"
CUSTOMER_B = "Xero Test B Customer"
BILLING_CODE_B = "XTESTB01"
PRICE_LIST_B = "Xero Test B Selling"


def ensure_second_company() -> str:
	"""A second company (AUD) with no Xero connection."""
	ensure(
		"Company",
		COMPANY_B,
		{
			"company_name": COMPANY_B,
			"abbr": "XTB",
			"default_currency": "AUD",
			"country": "Australia",
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": "Standard",
		},
	)
	return COMPANY_B


def make_masters_b() -> str:
	"""The second company with what its invoices need: fiscal years, an AUD price list and
	a customer of its own with a billing code."""
	ensure_second_company()
	make_fiscal_years(COMPANY_B)
	ensure(
		"Price List",
		PRICE_LIST_B,
		{"price_list_name": PRICE_LIST_B, "selling": 1, "currency": "AUD", "enabled": 1},
	)
	make_customer(CUSTOMER_B, BILLING_CODE_B)
	return COMPANY_B


def make_invoice_b(rate: float = 100, qty: float = 1, submit: bool = True, **values):
	"""A Sales Invoice of the second company (AUD, no taxes), submitted unless ``submit`` is
	False."""
	si = frappe.new_doc("Sales Invoice")
	si.update(
		{
			"company": COMPANY_B,
			"customer": CUSTOMER_B,
			"currency": "AUD",
			"conversion_rate": 1,
			"selling_price_list": PRICE_LIST_B,
			"price_list_currency": "AUD",
			"plc_conversion_rate": 1,
			"posting_date": today(),
			"set_posting_time": 1,
			"due_date": add_days(today(), 30),
			"debit_to": f"Debtors - {ABBR_B}",
		}
	)
	si.append(
		"items",
		line(ITEM, qty, rate, income_account=f"Sales - {ABBR_B}", cost_center=f"Main - {ABBR_B}"),
	)
	si.update(values)
	si.insert()
	if submit:
		si.submit()
	return si


def make_masters():
	"""Company (NZD), GST account and template, item, customer with a billing code,
	and the setup data a site fresh from ``new-site --install-app erpnext`` lacks
	(ERPNext's setup wizard never ran there)."""
	make_setup_data()
	ensure(
		"Company",
		COMPANY,
		{
			"company_name": COMPANY,
			"abbr": ABBR,
			"default_currency": "NZD",
			"country": "New Zealand",
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": "Standard",
		},
	)
	make_fiscal_years()
	ensure(
		"Account",
		GST_ACCOUNT,
		{
			"account_name": "GST",
			"company": COMPANY,
			"parent_account": f"Duties and Taxes - {ABBR}",
			"account_type": "Tax",
			"tax_rate": 15,
		},
	)
	ensure(
		"Sales Taxes and Charges Template",
		TAX_TEMPLATE,
		{
			"title": "NZ GST 15%",
			"company": COMPANY,
			"taxes": [
				{
					"charge_type": "On Net Total",
					"account_head": GST_ACCOUNT,
					"rate": 15,
					"description": "GST 15%",
				}
			],
		},
	)
	ensure(
		"Price List",
		PRICE_LIST,
		{"price_list_name": PRICE_LIST, "selling": 1, "currency": "NZD", "enabled": 1},
	)
	ensure("Item Group", ITEM_GROUP, {"item_group_name": ITEM_GROUP, "parent_item_group": "All Item Groups"})
	for code in (ITEM, "XERO-UNMAPPED"):
		ensure(
			"Item",
			code,
			{
				"item_code": code,
				"item_name": code.title(),
				"item_group": ITEM_GROUP if code == ITEM else "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"description": f"{code} for the Xero tests",
			},
		)
	make_customer(CUSTOMER, BILLING_CODE)


def make_setup_data():
	"""What ERPNext's setup wizard would have made and the tests rely on: the tree
	roots, the party types, a unit and the transit warehouse type. Idempotent, and
	it changes nothing a site already has (called by the app's ``before_tests``)."""
	ensure("Item Group", "All Item Groups", {"item_group_name": "All Item Groups", "is_group": 1})
	ensure(
		"Customer Group", "All Customer Groups", {"customer_group_name": "All Customer Groups", "is_group": 1}
	)
	ensure(
		"Supplier Group", "All Supplier Groups", {"supplier_group_name": "All Supplier Groups", "is_group": 1}
	)
	ensure("Territory", "All Territories", {"territory_name": "All Territories", "is_group": 1})
	ensure("UOM", "Nos", {"uom_name": "Nos", "must_be_whole_number": 1})
	ensure("Warehouse Type", "Transit", {"name": "Transit"})
	for party_type, account_type in (("Customer", "Receivable"), ("Supplier", "Payable")):
		ensure("Party Type", party_type, {"party_type": party_type, "account_type": account_type})


def before_tests():
	"""hooks.before_tests: called by ``bench run-tests --app xero_connector`` before any
	test, on sites where ERPNext's setup wizard never ran as on those where it did."""
	frappe.set_user("Administrator")
	make_setup_data()
	frappe.db.commit()


def make_fiscal_years(company: str = COMPANY):
	"""Calendar fiscal years for the test company around today, only where the site
	has none: a site whose fiscal year runs April to March keeps its own (an
	overlapping year would be refused), and the test company books into those."""
	suffix = "" if company == COMPANY else f" {frappe.db.get_value('Company', company, 'abbr')}"
	year = getdate(today()).year
	for y in (year - 1, year, year + 1):
		start, end = f"{y}-01-01", f"{y}-12-31"
		covering = frappe.db.sql(
			"""select fy.name from `tabFiscal Year` fy
			where fy.year_start_date <= %(end)s and fy.year_end_date >= %(start)s
			and (not exists (select 1 from `tabFiscal Year Company` c where c.parent = fy.name)
				or exists (select 1 from `tabFiscal Year Company` c
					where c.parent = fy.name and c.company = %(company)s))""",
			{"start": start, "end": end, "company": company},
		)
		if covering:  # the site's own years (or ours from an earlier run) cover it
			continue
		same_dates = frappe.db.get_value(
			"Fiscal Year", {"year_start_date": start, "year_end_date": end}, "name"
		)
		if same_dates:
			# another company's year of the same dates: ERPNext refuses a second one outside
			# tests (check_duplicate_fiscal_year), so this company joins it
			year_doc = frappe.get_doc("Fiscal Year", same_dates)
			year_doc.append("companies", {"company": company})
			year_doc.flags.ignore_permissions = True
			year_doc.save()
			continue
		doc = frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": f"Xero Test {y}{suffix}",
				"year_start_date": start,
				"year_end_date": end,
				"companies": [{"company": company}],
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()


def make_customer(name: str, billing_code: str | None):
	doc = ensure(
		"Customer",
		name,
		{
			"customer_name": name,
			"customer_group": "All Customer Groups",
			"territory": "All Territories",
			"customer_type": "Company",
		},
	)
	frappe.db.set_value("Customer", name, "xero_account_number", billing_code)
	return doc


def contact_id(party: str, party_type: str = "Customer", company: str | None = None) -> str | None:
	"""The party's ContactID in the company's (the test company's) organisation, as stored
	(Xero Contact Link), whatever organisation it is of."""
	return frappe.db.get_value(
		"Xero Contact Link",
		{"party_type": party_type, "party": party, "company": company or COMPANY},
		"contact_id",
	)


def forget_contact(party: str, party_type: str = "Customer"):
	"""No ContactID for the party in any organisation: the next push matches it afresh."""
	frappe.db.delete("Xero Contact Link", {"party_type": party_type, "party": party})


def unmap(doctype: str, **filters):
	for name in frappe.get_all(doctype, filters=filters, pluck="name"):
		frappe.delete_doc(doctype, name, ignore_permissions=True)


def map_account(mapping_type: str, reference: str, code: str, company: str | None = None):
	"""The company's (the test company's) Rate-to-Account row of ``reference`` to Xero's
	account ``code`` (a code or a row name)."""
	company = company or COMPANY
	unmap(ACCOUNT_MAPPING, company=company, mapping_type=mapping_type, reference_name=reference)
	return frappe.get_doc(
		{
			"doctype": ACCOUNT_MAPPING,
			"company": company,
			"mapping_type": mapping_type,
			"reference_name": reference,
			"xero_account_code": xero_name(code, company),
		}
	).insert()


def map_tax(mapping_type: str, reference: str, tax_type: str, company: str | None = None):
	"""The company's (the test company's) Tax Mapping row of ``reference`` to Xero's tax
	type ``tax_type`` (a code or a row name)."""
	company = company or COMPANY
	unmap(TAX_MAPPING, company=company, mapping_type=mapping_type, reference_name=reference)
	return frappe.get_doc(
		{
			"doctype": TAX_MAPPING,
			"company": company,
			"mapping_type": mapping_type,
			"reference_name": reference,
			"xero_tax_type": xero_name(tax_type, company),
		}
	).insert()


def line(code: str, qty: float, rate: float, **extra) -> dict:
	"""An item row of a selling document at ``rate`` (the price list's too)."""
	return {
		"item_code": code,
		"qty": qty,
		"rate": rate,
		"price_list_rate": rate,
		"uom": "Nos",
		"conversion_factor": 1,
		**extra,
	}


def make_return(name: str, qty: float = -1, **values):
	"""A submitted return of one unit (``qty``) of the first line of Sales Invoice ``name``."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	ret = make_sales_return(name)
	ret.items[0].qty = qty
	ret.update(values)
	ret.insert()
	ret.submit()
	return ret


def make_invoice(
	items: list[tuple[str, float, float]] | None = None,
	customer: str = CUSTOMER,
	taxes: bool = True,
	submit: bool = True,
	**values,
):
	"""A Sales Invoice of the test company, submitted unless ``submit`` is False."""
	si = frappe.new_doc("Sales Invoice")
	si.update(
		{
			"company": COMPANY,
			"customer": customer,
			"currency": "NZD",
			"conversion_rate": 1,
			"selling_price_list": PRICE_LIST,
			"price_list_currency": "NZD",
			"plc_conversion_rate": 1,
			"posting_date": today(),
			"set_posting_time": 1,
			"due_date": add_days(today(), 30),
			"debit_to": f"Debtors - {ABBR}",
		}
	)
	for code, qty, rate in items or [(ITEM, 2, 100)]:
		si.append("items", line(code, qty, rate, income_account=SALES_ACCOUNT, cost_center=f"Main - {ABBR}"))
	if taxes:
		si.taxes_and_charges = TAX_TEMPLATE
		si.append(
			"taxes",
			{
				"charge_type": "On Net Total",
				"account_head": GST_ACCOUNT,
				"rate": 15,
				"description": "GST 15%",
			},
		)
	si.update(values)
	si.insert()
	if submit:
		si.submit()
	return si


# -- background jobs --------------------------------------------------------------------------------


def connected_sandbox(time_scale: float = 60.0, **settings):
	"""The test masters (xero_connector.tests.fixtures), a started Sandbox (Xero's minute
	shortened ``time_scale`` times), Xero Settings pointing at it and connected with the real
	OAuth flow (reference data fetched), the defaults (account 200, tax type OUTPUT2) and
	``settings``. Used by XeroTestCase.setUpClass and the bench-side benchmarks. Returns the
	sandbox (stop it when done)."""
	from xero_connector.sandbox.limits import LimitConfig
	from xero_connector.sandbox.server import Sandbox, SandboxConfig
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore
	from xero_connector.xero_connector.doctype.xero_app.xero_app import get_redirect_uri

	make_masters()
	sandbox = Sandbox(
		SandboxConfig(port=0, redirect_uris=(get_redirect_uri(),), limits=LimitConfig(time_scale=time_scale))
	).start()
	try:
		if frappe.db.exists("Xero App", APP_NAME):
			FrappeTokenStore(app_doc()).clear()
		# a new sandbox is a new organisation: forget the previous one's contact links
		frappe.db.delete("Xero Contact Link")
		configure_settings(sandbox, sandbox_time_scale=time_scale)
		set_defaults(
			watermarks=None, payment_watermark=None, tenant_id=None, connection_status="Not Connected"
		)
		connect(sandbox)
		set_defaults(default_account_code="200", default_tax_type="OUTPUT2", **settings)
		frappe.db.commit()
	except Exception:
		sandbox.stop()
		raise
	return sandbox


class JobQueue:
	"""Stands in for RQ: frappe.enqueue records the call; ``run()`` executes what was
	queued (as a worker would after the commit), de-duplicated by job id."""

	def __init__(self):
		self.calls: list[dict] = []

	def enqueue(
		self,
		method,
		queue="default",
		timeout=None,
		event=None,
		is_async=True,
		job_name=None,
		now=False,
		enqueue_after_commit=False,
		*,
		job_id=None,
		deduplicate=False,
		**kwargs,
	):
		if deduplicate and any(c["job_id"] == job_id for c in self.calls):
			return None
		self.calls.append(
			{"method": method, "job_id": job_id, "kwargs": kwargs, "after_commit": enqueue_after_commit}
		)
		return None

	def job_ids(self) -> list[str]:
		return [c["job_id"] for c in self.calls]

	def run(self) -> int:
		"""Commit first: the jobs were queued with enqueue_after_commit."""
		frappe.db.commit()
		ran = 0
		while self.calls:
			call = self.calls.pop(0)
			method = frappe.get_attr(call["method"]) if isinstance(call["method"], str) else call["method"]
			method(**call["kwargs"])
			ran += 1
		return ran


@contextlib.contextmanager
def captured_jobs():
	queue = JobQueue()
	try:
		with patch.object(frappe, "enqueue", queue.enqueue):
			yield queue
	finally:
		# what was captured and not run is gone, as if RQ had lost it: jobs.py's
		# once-per-transaction guard must not keep waiting for it
		frappe.flags.pop("xero_jobs_this_transaction", None)


def sync_logs(name: str, **filters) -> list[dict]:
	return frappe.get_all(
		SYNC_LOG,
		filters={"reference_name": name, **filters},
		fields=["*"],
		order_by="creation asc",
	)


def make_user(email: str, roles: list[str]) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.flags.ignore_permissions = True
		user.insert()
	user = frappe.get_doc("User", email)
	user.flags.ignore_permissions = True
	user.set("roles", [])
	user.add_roles(*roles)
	return email


def limit_to(user: str, company: str) -> None:
	"""Limit ``user`` to ``company`` by a User Permission on Company (all doctypes)."""
	frappe.db.delete("User Permission", {"user": user, "allow": "Company"})
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": "Company",
			"for_value": company,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)
	frappe.clear_cache(user=user)


WORKFLOW = "Xero Test Invoice Approval"


def make_workflow(submit_role: str = "System Manager", approve_role: str = "System Manager"):
	"""An active approval workflow on Sales Invoice: Draft, then Submit (by ``submit_role``) into
	"Awaiting Approval" (submitted), then Approve (by ``approve_role``) into "Approved"."""
	for state in ("Draft", "Awaiting Approval", "Approved"):
		ensure("Workflow State", state, {"workflow_state_name": state})
	for action in ("Submit", "Approve"):
		ensure("Workflow Action Master", action, {"workflow_action_name": action})
	remove_workflow()
	frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": WORKFLOW,
			"document_type": "Sales Invoice",
			"is_active": 1,
			"workflow_state_field": "workflow_state",
			"send_email_alert": 0,
			"states": [
				{"state": "Draft", "doc_status": "0", "allow_edit": submit_role},
				{"state": "Awaiting Approval", "doc_status": "1", "allow_edit": approve_role},
				{"state": "Approved", "doc_status": "1", "allow_edit": approve_role},
			],
			"transitions": [
				{
					"state": "Draft",
					"action": "Submit",
					"next_state": "Awaiting Approval",
					"allowed": submit_role,
					"allow_self_approval": 1,
				},
				{
					"state": "Awaiting Approval",
					"action": "Approve",
					"next_state": "Approved",
					"allowed": approve_role,
					"allow_self_approval": 1,
				},
			],
		}
	).insert(ignore_permissions=True)


def remove_workflow():
	"""Delete the test workflow, and Frappe's cached answer to "which workflow has Sales
	Invoice" (deleting a Workflow leaves it: every later invoice of the run would still go
	through the workflow's checks)."""
	if frappe.db.exists("Workflow", WORKFLOW):
		frappe.delete_doc("Workflow", WORKFLOW, ignore_permissions=True, force=True)
	frappe.cache.hdel("workflow", "Sales Invoice")
	frappe.clear_cache(doctype="Sales Invoice")


def connection():
	"""The test company's connection (connection/registry.py)."""
	from xero_connector.xero_connector.connection import registry

	return registry.require(COMPANY)


def app():
	"""The Xero app of the test company's connection."""
	from xero_connector.xero_connector.connection import registry

	return registry.app_of(connection())


def xero_client():
	from xero_connector.xero_connector.connection.client import xero_client as build

	return build(connection())


def xero_client_of(company: str):
	"""A client of ``company``'s connection (its organisation)."""
	from xero_connector.xero_connector.connection import registry
	from xero_connector.xero_connector.connection.client import xero_client as build

	return build(registry.require(company))


def token_store():
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

	return FrappeTokenStore(app())


def secrets_in(text: str, secrets: list[str]) -> list[str]:
	return [s[:6] + "…" for s in secrets if s and s in (text or "")]


def token_values() -> list[str]:
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

	tokens = FrappeTokenStore(app()).load()
	values = [tokens.access_token, tokens.refresh_token] if tokens else []
	secret = frappe.utils.password.get_decrypted_password(
		"Xero App", APP_NAME, "client_secret", raise_exception=False
	)
	return [v for v in [*values, secret] if v]


__all__ = [
	"ABBR",
	"BILLING_CODE",
	"COMPANY",
	"CUSTOMER",
	"GST_ACCOUNT",
	"ITEM",
	"ITEM_GROUP",
	"SALES_ACCOUNT",
	"TAX_TEMPLATE",
	"XERO_MANAGER",
	"captured_jobs",
	"configure_settings",
	"connect",
	"json",
]


try:  # Frappe v16
	from frappe.tests import IntegrationTestCase as _BaseTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as _BaseTestCase


class XeroTestCase(_BaseTestCase):
	"""A connected site: masters, a sandbox on a free port (time scale 60 so Xero's
	per-minute limit does not slow the tests), Xero Settings pointing at it, the
	OAuth flow run for real, reference data fetched and the GST template mapped."""

	sandbox = None
	time_scale = 60.0

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.sandbox = connected_sandbox(cls.time_scale)
		map_tax("Sales Taxes and Charges Template", TAX_TEMPLATE, "OUTPUT2")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		if cls.sandbox:
			cls.sandbox.stop()
		frappe.set_user("Administrator")
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")

	def submit_and_sync(self, **kwargs):
		"""Submit an invoice and run the jobs its submit queued; returns the reloaded doc."""
		with captured_jobs() as jobs:
			si = make_invoice(**kwargs)
			jobs.run()
		si.reload()
		return si
