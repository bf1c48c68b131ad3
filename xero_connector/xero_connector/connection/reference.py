"""Xero's accounts, tax rates, currencies and items of each company's organisation as
cached in the site, and the rules a mapping must satisfy (DESIGN.md: the account exists
in the company's organisation, is ACTIVE and of a revenue class; the tax type exists
there, is ACTIVE and can apply to revenue).

Called by the mapping and settings controllers on save, by the selectors in
their forms, by the "Fetch from Xero" button (:func:`store`) and by host.py to
hand the engine a :class:`XeroReference`.
"""

from __future__ import annotations

import json
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import now_datetime

from xero_connector.constants import (
	ACTIVE,
	XERO_ACCOUNT,
	XERO_TAX_RATE,
)
from xero_connector.engine.rules import is_revenue_account, line_account_refusal
from xero_connector.xero_connector.connection.settings_state import write_state


def row_name(code: str, company: str) -> str:
	"""The name of the Xero Account or Xero Tax Rate row of ``code`` in ``company``'s
	organisation: "{code} - {abbr}", as ERPNext names its accounts."""
	abbr = frappe.get_cached_value("Company", company, "abbr")
	return f"{code} - {abbr}"


CODE_FIELD = {XERO_ACCOUNT: "code", XERO_TAX_RATE: "tax_type"}
KIND = {XERO_ACCOUNT: "account", XERO_TAX_RATE: "tax rate"}


def name_of(doctype: str, company: str, value: str | None) -> str | None:
	"""The row of ``company``'s organisation that ``value`` names: a row name as it is, or
	Xero's own code (what the Readiness page and the engine's reports show). None when the
	organisation has no such row."""
	if not value:
		return None
	if frappe.db.get_value(doctype, value, "company") == company:
		return value
	return frappe.db.get_value(doctype, {"company": company, CODE_FIELD[doctype]: value}, "name")


def code_of(doctype: str, name: str | None) -> str | None:
	"""Xero's own code (account code, tax type) of a row, as the engine and Xero know it."""
	if not name:
		return None
	return frappe.db.get_value(doctype, name, CODE_FIELD[doctype]) or None


def company_row(
	doctype: str, company: str | None, name: str, fields: list[str]
) -> tuple[dict | None, str | None]:
	"""The row ``name`` of ``company``'s organisation, or why there is none to use."""
	kind = _(KIND[doctype])
	if not frappe.db.count(doctype, {"company": company}):
		return None, _(
			"Xero's {0}s have not been fetched for {1} yet: open its Xero Connection and click Fetch from Xero."
		).format(kind, frappe.bold(company))
	row = frappe.db.get_value(doctype, name, ["company", *fields], as_dict=True)
	if not row:
		return None, _(
			"Xero has no {0} {1} for {2}. Pick one of the {0}s fetched from {2}'s Xero organisation."
		).format(kind, frappe.bold(name), frappe.bold(company))
	if row.company != company:
		return None, _(
			"Xero {0} {1} is of {2}'s Xero organisation, not of {3}'s. Pick one of {3}'s {0}s."
		).format(kind, frappe.bold(name), frappe.bold(row.company), frappe.bold(company))
	return row, None


def account_problem(company: str | None, name: str | None) -> str | None:
	"""Why Xero would refuse the account ``name`` on a sales line of ``company``, or None
	when it is usable."""
	if not name:
		return None
	row, problem = company_row(XERO_ACCOUNT, company, name, ["status", "account_class", "account_type"])
	if problem:
		return problem
	if row.status != ACTIVE:
		return _("Xero account {0} is {1}: Xero only accepts ACTIVE accounts. Pick another account.").format(
			frappe.bold(name), row.status
		)
	if not is_revenue_account(row.account_class, row.account_type):
		return _(
			"Xero account {0} is a {1} account, not a revenue account: sales lines need a revenue, sales or other income account."
		).format(frappe.bold(name), row.account_type or row.account_class)
	return None


def rounding_account_problem(company: str | None, name: str | None) -> str | None:
	"""Why Xero would refuse the account ``name`` on the rounding line, or None when it is
	usable: an ACTIVE revenue account, or Xero's Rounding system account (860 by default),
	which Xero accepts on lines (engine/rules.line_account_refusal decides)."""
	if not name:
		return None
	row, problem = company_row(
		XERO_ACCOUNT,
		company,
		name,
		["status", "system_account", "account_name", "account_class", "account_type"],
	)
	if problem:
		return problem
	if row.status != ACTIVE:
		return _("Xero account {0} is {1}: pick an ACTIVE account.").format(frappe.bold(name), row.status)
	refusal = line_account_refusal(
		row.account_class, row.account_type, row.system_account, rounding_line=True
	)
	if refusal == "system_account":
		return _(
			"Xero account {0} ({1}) is Xero's {2} system account: Xero keeps it for its own"
			" entries and refuses invoice lines on it. Pick Xero's Rounding account (860) or a"
			" revenue account for the rounding line."
		).format(frappe.bold(name), row.account_name, row.system_account)
	if refusal:
		return _(
			"Xero account {0} ({1}) is not a revenue account: Xero's sales invoices take the"
			" rounding line on Xero's Rounding account (860) or a revenue account."
		).format(frappe.bold(name), row.account_name)
	return None


def tax_type_problem(company: str | None, name: str | None) -> str | None:
	"""Why Xero would refuse the tax rate ``name`` on a sales line of ``company``, or None
	when it is usable."""
	if not name:
		return None
	row, problem = company_row(XERO_TAX_RATE, company, name, ["status", "can_apply_to_revenue"])
	if problem:
		return problem
	if row.status != ACTIVE:
		return _("Xero tax rate {0} is {1}: Xero only accepts ACTIVE tax rates. Pick another one.").format(
			frappe.bold(name), row.status
		)
	if not row.can_apply_to_revenue:
		return _(
			"Xero tax rate {0} cannot be applied to revenue, so it cannot be used on a sales invoice."
		).format(frappe.bold(name))
	return None


def store(
	connection,
	accounts: list[dict],
	tax_rates: list[dict],
	currencies: list[dict],
	items: list[dict] | None = None,
) -> dict:
	"""Upsert what Xero returned for GET /Accounts, /TaxRates, /Currencies and /Items of
	``connection``'s organisation, as rows of the connection's company.

	Called by api.fetch_reference (the connection's button) and by tests. Rows Xero no
	longer returns are kept (mappings may still link them) but marked DELETED so
	validation refuses them; another company's rows are never touched. Items (Code, Name,
	ItemID only: the engine sends a line's ItemCode when Xero has that item) replace the
	stored list; ``None`` leaves it as is.
	"""
	company = connection.company
	seen_accounts = set()
	for account in accounts:
		code = account.get("Code")
		if not code:
			continue  # bank accounts may have no code; they cannot be sales accounts anyway
		seen_accounts.add(
			_upsert(
				XERO_ACCOUNT,
				company,
				{
					"code": code,
					"account_name": account.get("Name"),
					"account_type": account.get("Type"),
					"account_class": account.get("Class"),
					"status": account.get("Status"),
					"tax_type": account.get("TaxType"),
					"account_id": account.get("AccountID"),
					"enable_payments": 1 if account.get("EnablePaymentsToAccount") else 0,
					"system_account": account.get("SystemAccount") or None,
					"xero_data": _dumps(account),
				},
			)
		)
	seen_rates = set()
	for rate in tax_rates:
		tax_type = rate.get("TaxType")
		if not tax_type:
			continue
		seen_rates.add(
			_upsert(
				XERO_TAX_RATE,
				company,
				{
					"tax_type": tax_type,
					"tax_name": rate.get("Name"),
					"status": rate.get("Status"),
					"effective_rate": float(rate.get("EffectiveRate") or 0),
					"can_apply_to_revenue": 1 if rate.get("CanApplyToRevenue") else 0,
					"can_apply_to_expenses": 1 if rate.get("CanApplyToExpenses") else 0,
					"can_apply_to_assets": 1 if rate.get("CanApplyToAssets") else 0,
					"xero_data": _dumps(rate),
				},
			)
		)
	for doctype, seen in ((XERO_ACCOUNT, seen_accounts), (XERO_TAX_RATE, seen_rates)):
		gone = frappe.get_all(
			doctype, filters={"company": company, "name": ("not in", list(seen) or [""])}, pluck="name"
		)
		for name in gone:
			frappe.db.set_value(doctype, name, "status", "DELETED", update_modified=False)

	codes = sorted({c.get("Code") for c in currencies if c.get("Code")})
	write_state(connection, {"xero_currencies": ", ".join(codes), "reference_fetched_on": now_datetime()})
	counts = {"accounts": len(seen_accounts), "tax_rates": len(seen_rates), "currencies": len(codes)}
	if items is not None:
		counts["items"] = len(store_items(company, items))
	clear_cache(company)
	return counts


ITEMS_KEY = "xero_items"
ITEMS_PARENT = "__xero_connector"  # a DefaultValue parent of its own: not loaded into every boot


def store_items(company: str, items: list[dict]) -> list[dict]:
	"""Keep Xero's item codes (GET /Items: Code, Name, ItemID) of ``company``'s organisation
	in the site. Called by :func:`store`; returns what was kept."""
	kept = [
		{"Code": item["Code"], "Name": item.get("Name"), "ItemID": item.get("ItemID")}
		for item in items
		if item.get("Code")
	]
	frappe.db.set_default(f"{ITEMS_KEY}:{company}", json.dumps(kept), parent=ITEMS_PARENT)
	return kept


def stored_items(company: str) -> list[dict]:
	"""The items :func:`store_items` kept for ``company`` ([] before the first fetch)."""
	text = frappe.db.get_default(f"{ITEMS_KEY}:{company}", parent=ITEMS_PARENT)
	return json.loads(text) if text else []


def _dumps(value: dict) -> str:
	"""Xero's JSON with money kept exact (Decimal digits, never float)."""
	from xero_connector.engine.money import dumps

	return dumps(value)


def _loads(text: str) -> dict:
	return json.loads(text, parse_float=Decimal)


def _upsert(doctype: str, company: str, values: dict) -> str:
	name = row_name(values[CODE_FIELD[doctype]], company)
	if frappe.db.exists(doctype, name):
		doc = frappe.get_doc(doctype, name)
		doc.update(values)
	else:
		doc = frappe.get_doc({"doctype": doctype, "company": company, **values})
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.name


CACHE_KEY = "xero_connector:reference:v4"  # v4: one per company (issue 15)


def _cache_key(company: str) -> str:
	return f"{CACHE_KEY}:{company}"


def xero_reference(connection):
	"""The connection's organisation's cached reference data as the engine's XeroReference
	(Xero's own JSON objects).

	Called by host.py when it builds a MappingContext (so in every submit): read from
	Redis, rebuilt from the doctypes after :func:`clear_cache`."""
	from xero_connector.engine.context import XeroReference

	data = _cached(connection.company)
	codes = connection.xero_currencies or ""
	return XeroReference(
		accounts=data["accounts"],
		tax_rates=data["tax_rates"],
		currencies=[{"Code": c.strip()} for c in codes.split(",") if c.strip()],
		items=data.get("items") or [],
		base_currency=connection.base_currency or None,
	)


def _cached(company: str) -> dict:
	return frappe.cache.get_value(_cache_key(company), generator=lambda: _reference_data(company))


def _reference_data(company: str) -> dict:
	# The status column wins over the stored JSON: DELETED marks rows Xero stopped returning
	codes = {}  # row name -> Xero's code, DELETED rows included (the engine says what is wrong)

	def rows(doctype):
		found = frappe.get_all(
			doctype,
			filters={"company": company},
			fields=["name", CODE_FIELD[doctype], "xero_data", "status"],
		)
		codes.update({row.name: row[CODE_FIELD[doctype]] for row in found})
		return found, [
			{**_loads(row.xero_data), "Status": row.status}
			for row in found
			if row.xero_data and row.status != "DELETED"
		]

	account_rows, accounts = rows(XERO_ACCOUNT)
	_tax_rows, tax_rates = rows(XERO_TAX_RATE)
	return {
		"accounts": accounts,
		"tax_rates": tax_rates,
		"codes": codes,
		"items": stored_items(company),
		"fetched": bool(account_rows),  # has_reference(): any row, DELETED ones included
	}


def codes_by_name(company: str) -> dict[str, str]:
	"""{row name: Xero's code} of the company's Xero Account and Xero Tax Rate rows, cached:
	host.py turns the connection's defaults (links to those rows) into Xero's codes with it."""
	return _cached(company).get("codes") or {}


def clear_cache(company: str | None = None) -> None:
	"""Forget the cached reference data of ``company`` (of every company when None), now and
	after commit: called by store() and the cache doctypes' on_update."""

	def forget():
		if company:
			frappe.cache.delete_value(_cache_key(company))
		else:
			frappe.cache.delete_keys(CACHE_KEY)

	forget()
	frappe.db.after_commit.add(forget)


def has_reference(company: str) -> bool:
	"""True once Fetch from Xero has run for ``company`` (pre-flight can then check codes
	locally).

	Called by host.FrappeHost.reference in every submit, so it reads the cached reference
	data (no query; :func:`clear_cache` runs whenever Xero Account rows change)."""
	return bool(_cached(company).get("fetched"))


def fetch(connection) -> dict:
	"""Fetch from Xero (a Xero Connection's button, and right after connecting): the
	organisation, its accounts, tax rates, currencies and items; the organisation guard
	learns (or compares) the organisation here. Returns the counts."""
	from xero_connector.exceptions import throw_for_user
	from xero_connector.xero_connector.connection.client import record_budget, xero_client
	from xero_connector.xero_connector.connection.guard import observed

	client = xero_client(connection)
	try:
		organisation = client.organisation()
		counts = store(
			connection, client.accounts(), client.tax_rates(), client.currencies(), items=client.items()
		)
	except Exception as exc:
		throw_for_user(exc)
	write_state(
		connection,
		{"organisation_name": organisation.get("Name"), "base_currency": organisation.get("BaseCurrency")},
	)
	observed(connection, organisation, client.tenant_id)  # organisation guard: remember / compare (issue 6)
	record_budget(connection, client)
	return counts
