"""Xero's accounts, tax rates, currencies and items as cached in the site, and the
rules a mapping must satisfy (DESIGN.md: the account exists, is ACTIVE and of a
revenue class; the tax type exists, is ACTIVE and can apply to revenue).

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
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.settings_state import write_state


def account_problem(code: str | None) -> str | None:
	"""Why Xero would refuse ``code`` on a sales line, or None when it is usable."""
	if not code:
		return None
	if not frappe.db.count(XERO_ACCOUNT):
		return _("Xero's accounts have not been fetched yet: open Xero Settings and click Fetch from Xero.")
	row = frappe.db.get_value(XERO_ACCOUNT, code, ["status", "account_class", "account_type"], as_dict=True)
	if not row:
		return _("Xero has no account with code {0}. Pick one of the accounts fetched from Xero.").format(
			frappe.bold(code)
		)
	if row.status != ACTIVE:
		return _("Xero account {0} is {1}: Xero only accepts ACTIVE accounts. Pick another account.").format(
			frappe.bold(code), row.status
		)
	if not is_revenue_account(row.account_class, row.account_type):
		return _(
			"Xero account {0} is a {1} account, not a revenue account: sales lines need a revenue, sales or other income account."
		).format(frappe.bold(code), row.account_type or row.account_class)
	return None


def rounding_account_problem(code: str | None) -> str | None:
	"""Why Xero would refuse ``code`` on the rounding line, or None when it is usable: an
	ACTIVE revenue account, or Xero's Rounding system account (860 by default), which Xero
	accepts on lines (engine/rules.line_account_refusal decides)."""
	if not code:
		return None
	row = frappe.db.get_value(
		XERO_ACCOUNT,
		code,
		["status", "system_account", "account_name", "account_class", "account_type"],
		as_dict=True,
	)
	if not row:
		return _("Xero has no account with code {0}.").format(frappe.bold(code))
	if row.status != ACTIVE:
		return _("Xero account {0} is {1}: pick an ACTIVE account.").format(frappe.bold(code), row.status)
	refusal = line_account_refusal(
		row.account_class, row.account_type, row.system_account, rounding_line=True
	)
	if refusal == "system_account":
		return _(
			"Xero account {0} ({1}) is Xero's {2} system account: Xero keeps it for its own"
			" entries and refuses invoice lines on it. Pick Xero's Rounding account (860) or a"
			" revenue account for the rounding line."
		).format(frappe.bold(code), row.account_name, row.system_account)
	if refusal:
		return _(
			"Xero account {0} ({1}) is not a revenue account: Xero's sales invoices take the"
			" rounding line on Xero's Rounding account (860) or a revenue account."
		).format(frappe.bold(code), row.account_name)
	return None


def tax_type_problem(tax_type: str | None) -> str | None:
	"""Why Xero would refuse ``tax_type`` on a sales line, or None when it is usable."""
	if not tax_type:
		return None
	if not frappe.db.count(XERO_TAX_RATE):
		return _("Xero's tax rates have not been fetched yet: open Xero Settings and click Fetch from Xero.")
	row = frappe.db.get_value(XERO_TAX_RATE, tax_type, ["status", "can_apply_to_revenue"], as_dict=True)
	if not row:
		return _("Xero has no tax rate {0}. Pick one of the tax rates fetched from Xero.").format(
			frappe.bold(tax_type)
		)
	if row.status != ACTIVE:
		return _("Xero tax rate {0} is {1}: Xero only accepts ACTIVE tax rates. Pick another one.").format(
			frappe.bold(tax_type), row.status
		)
	if not row.can_apply_to_revenue:
		return _(
			"Xero tax rate {0} cannot be applied to revenue, so it cannot be used on a sales invoice."
		).format(frappe.bold(tax_type))
	return None


def store(
	connection,
	accounts: list[dict],
	tax_rates: list[dict],
	currencies: list[dict],
	items: list[dict] | None = None,
) -> dict:
	"""Upsert what Xero returned for GET /Accounts, /TaxRates, /Currencies and /Items of
	``connection``'s organisation.

	Called by api.fetch_reference (the settings button) and by tests. Rows Xero no
	longer returns are kept (mappings may still link them) but marked DELETED so
	validation refuses them. Items (Code, Name, ItemID only: the engine sends a line's
	ItemCode when Xero has that item) replace the stored list; ``None`` leaves it as is.
	"""
	seen_codes = set()
	for account in accounts:
		code = account.get("Code")
		if not code:
			continue  # bank accounts may have no code; they cannot be sales accounts anyway
		seen_codes.add(code)
		_upsert(
			XERO_ACCOUNT,
			code,
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
	seen_types = set()
	for rate in tax_rates:
		tax_type = rate.get("TaxType")
		if not tax_type:
			continue
		seen_types.add(tax_type)
		_upsert(
			XERO_TAX_RATE,
			tax_type,
			{
				"tax_type": tax_type,
				"tax_name": rate.get("Name"),
				"status": rate.get("Status"),
				"effective_rate": float(rate.get("EffectiveRate") or 0),
				"can_apply_to_revenue": 1 if rate.get("CanApplyToRevenue") else 0,
				"xero_data": _dumps(rate),
			},
		)
	for name in frappe.get_all(
		XERO_ACCOUNT, filters={"name": ("not in", list(seen_codes) or [""])}, pluck="name"
	):
		frappe.db.set_value(XERO_ACCOUNT, name, "status", "DELETED", update_modified=False)
	for name in frappe.get_all(
		XERO_TAX_RATE, filters={"name": ("not in", list(seen_types) or [""])}, pluck="name"
	):
		frappe.db.set_value(XERO_TAX_RATE, name, "status", "DELETED", update_modified=False)

	clear_cache()
	codes = sorted({c.get("Code") for c in currencies if c.get("Code")})
	write_state(connection, {"xero_currencies": ", ".join(codes), "reference_fetched_on": now_datetime()})
	counts = {"accounts": len(seen_codes), "tax_rates": len(seen_types), "currencies": len(codes)}
	if items is not None:
		counts["items"] = len(store_items(items))
	clear_cache()
	return counts


ITEMS_KEY = "xero_items"
ITEMS_PARENT = "__xero_connector"  # a DefaultValue parent of its own: not loaded into every boot


def store_items(items: list[dict]) -> list[dict]:
	"""Keep Xero's item codes (GET /Items: Code, Name, ItemID) in the site. Called by
	:func:`store`; returns what was kept."""
	kept = [
		{"Code": item["Code"], "Name": item.get("Name"), "ItemID": item.get("ItemID")}
		for item in items
		if item.get("Code")
	]
	frappe.db.set_default(ITEMS_KEY, json.dumps(kept), parent=ITEMS_PARENT)
	return kept


def stored_items() -> list[dict]:
	"""The items :func:`store_items` kept ([] before the first fetch)."""
	text = frappe.db.get_default(ITEMS_KEY, parent=ITEMS_PARENT)
	return json.loads(text) if text else []


def _dumps(value: dict) -> str:
	"""Xero's JSON with money kept exact (Decimal digits, never float)."""
	from xero_connector.engine.money import dumps

	return dumps(value)


def _loads(text: str) -> dict:
	return json.loads(text, parse_float=Decimal)


def _upsert(doctype: str, name: str, values: dict) -> None:
	if frappe.db.exists(doctype, name):
		doc = frappe.get_doc(doctype, name)
		doc.update(values)
	else:
		doc = frappe.get_doc({"doctype": doctype, **values})
	doc.flags.ignore_permissions = True
	doc.save()


CACHE_KEY = "xero_connector:reference:v3"  # v2 adds "fetched" (has_reference), v3 "items"


def xero_reference(base_currency: str | None = None):
	"""The cached reference data as the engine's XeroReference (Xero's own JSON objects).

	Called by host.py when it builds a MappingContext (so in every submit): read from
	Redis, rebuilt from the doctypes after :func:`clear_cache`."""
	from xero_connector.engine.context import XeroReference

	data = frappe.cache.get_value(CACHE_KEY, generator=_reference_data)
	return XeroReference(
		accounts=data["accounts"],
		tax_rates=data["tax_rates"],
		currencies=data["currencies"],
		items=data.get("items") or [],
		base_currency=base_currency,
	)


def _reference_data() -> dict:
	# The status column wins over the stored JSON: DELETED marks rows Xero stopped returning
	account_rows = frappe.get_all(XERO_ACCOUNT, fields=["xero_data", "status"])
	accounts = [
		{**_loads(row.xero_data), "Status": row.status}
		for row in account_rows
		if row.xero_data and row.status != "DELETED"
	]
	tax_rates = [
		{**_loads(row.xero_data), "Status": row.status}
		for row in frappe.get_all(XERO_TAX_RATE, fields=["xero_data", "status"])
		if row.xero_data and row.status != "DELETED"
	]
	codes = registry.default_connection().xero_currencies or ""
	currencies = [{"Code": c.strip()} for c in codes.split(",") if c.strip()]
	return {
		"accounts": accounts,
		"tax_rates": tax_rates,
		"currencies": currencies,
		"items": stored_items(),
		"fetched": bool(account_rows),  # has_reference(): any row, DELETED ones included
	}


def clear_cache(*args, **kwargs) -> None:
	"""Forget the cached reference data (now and after commit): called by store() and
	the cache doctypes' on_update."""
	frappe.cache.delete_value(CACHE_KEY)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(CACHE_KEY))


def has_reference() -> bool:
	"""True once Fetch from Xero has run (pre-flight can then check codes locally).

	Called by host.FrappeHost.reference in every submit, so it reads the cached reference
	data (no query; :func:`clear_cache` runs whenever Xero Account rows change)."""
	return bool(frappe.cache.get_value(CACHE_KEY, generator=_reference_data).get("fetched"))


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
