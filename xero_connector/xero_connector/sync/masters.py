"""The master records a document uses (items and their groups, accounts, tax templates,
the customer, the company), read through Frappe's document cache with only the fields the
engine reads, and the conversion of documents to the engine's plain JSON-safe data.

Called by host.FrappeHost (mapping_context, load_invoice) inside every submit, so it
stays small and makes no query a cache already answers.
"""

from __future__ import annotations

import frappe

from xero_connector.engine.context import Masters


def as_plain_dict(doc) -> dict:
	"""A document as JSON-safe plain data (dates as ISO text), as the engine expects."""
	return plain(doc.as_dict(no_default_fields=False))


_JSON_SCALARS = (str, int, float, bool, type(None))


def plain(value):
	"""``value`` with the values JSON cannot hold converted as ``frappe.as_json`` converts
	them (dates and datetimes as text, Decimal as float, Documents as dicts): the same
	result as ``json.loads(frappe.as_json(value))`` without writing and parsing JSON text
	(this runs inside every submit). Called by as_plain_dict, events.preflight_problems
	and the master loaders below."""
	if isinstance(value, _JSON_SCALARS):
		return value
	if isinstance(value, dict):
		return {str(key): plain(item) for key, item in value.items()}
	if isinstance(value, list | tuple):
		return [plain(item) for item in value]
	from frappe.utils.response import json_handler

	return plain(json_handler(value))


def masters_of(doc: dict, code_field: str | None) -> Masters:
	"""Only the master records ``doc`` (a Sales or Purchase Invoice) uses, and only the fields
	the engine reads; ``code_field``: the party's field matched to Xero's AccountNumber."""
	items, groups, accounts, item_taxes = {}, {}, {}, {}
	for row in doc.get("items") or []:
		code = row.get("item_code")
		if code and code not in items:
			item = _item(code)
			if item:
				items[code] = item
				for tax_row in item["taxes"]:
					_add(item_taxes, "Item Tax Template", tax_row.get("item_tax_template"))
				_add_group_chain(groups, item.get("item_group"))
		_add_group_chain(groups, row.get("item_group"))
		_add_account(accounts, row.get("income_account") or row.get("expense_account"))
		_add(item_taxes, "Item Tax Template", row.get("item_tax_template"))
	for row in doc.get("taxes") or []:
		_add_account(accounts, row.get("account_head"))
	_add_account(accounts, doc.get("debit_to") or doc.get("credit_to"))
	if doc.get("doctype") in ("Purchase Invoice", "Purchase Order"):  # the supplier's side (issue 16)
		templates, suppliers = {}, {}
		_add(templates, "Purchase Taxes and Charges Template", doc.get("taxes_and_charges"))
		_add_party(suppliers, "Supplier", doc.get("supplier"), "supplier_name", code_field)
		return Masters(
			items=items,
			item_groups=groups,
			suppliers=suppliers,
			accounts=accounts,
			item_tax_templates=item_taxes,
			purchase_taxes_templates=templates,
			company=_company(doc.get("company")),
		)
	templates = {}
	_add(templates, "Sales Taxes and Charges Template", doc.get("taxes_and_charges"))
	customers = {}
	_add_party(customers, "Customer", doc.get("customer"), "customer_name", code_field)
	return Masters(
		items=items,
		item_groups=groups,
		customers=customers,
		accounts=accounts,
		item_tax_templates=item_taxes,
		sales_taxes_templates=templates,
		company=_company(doc.get("company")),
	)


def _cached(doctype: str, name: str) -> dict:
	return plain(frappe.get_cached_doc(doctype, name).as_dict())


def _add(target: dict, doctype: str, name: str | None) -> None:
	if name and name not in target:
		try:
			target[name] = _cached(doctype, name)
		except frappe.DoesNotExistError:
			frappe.clear_last_message()


def _add_party(target: dict, doctype: str, name: str | None, name_field: str, code_field: str | None) -> None:
	"""The Customer's or Supplier's fields the engine reads (contacts.customer_key,
	buying.supplier_key, mapping): its name and the field holding its Xero account code (its
	ContactID is the host's get_contact_id, per organisation)."""
	if not name or name in target:
		return
	fields = dict.fromkeys((name_field, code_field or "xero_account_number"))
	values = frappe.get_cached_value(doctype, name, [f for f in fields if f != "name"], as_dict=True)
	if values is not None:
		target[name] = plain({"name": name, **values})


def _item(code: str) -> dict | None:
	try:
		item = frappe.get_cached_doc("Item", code)
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		return None
	return {
		"name": item.name,
		"item_code": item.item_code,
		"item_name": item.item_name,
		"item_group": item.item_group,
		"description": item.description,
		"stock_uom": item.stock_uom,
		"item_defaults": [
			{"company": d.company, "income_account": d.income_account}
			for d in item.get("item_defaults") or []
		],
		"taxes": [
			{
				"item_tax_template": t.item_tax_template,
				"tax_category": t.tax_category,
				"valid_from": str(t.valid_from) if t.valid_from else None,
			}
			for t in item.get("taxes") or []
		],
	}


def _add_group_chain(target: dict, group: str | None) -> None:
	"""The item group and its ancestors (a mapping may sit on a parent group)."""
	while group and group not in target:
		parent = frappe.get_cached_value("Item Group", group, "parent_item_group")
		target[group] = {"name": group, "parent_item_group": parent}
		group = parent


def _add_account(target: dict, name: str | None) -> None:
	if name and name not in target:
		values = frappe.get_cached_value(
			"Account",
			name,
			[
				"account_name",
				"account_type",
				"root_type",
				"account_currency",
				"tax_rate",
				"parent_account",
				"company",
			],
			as_dict=True,
		)
		if values:
			target[name] = {"name": name, **values}


def _company(name: str | None) -> dict:
	if not name:
		return {}
	values = frappe.get_cached_value(
		"Company",
		name,
		["abbr", "default_currency", "default_income_account", "round_off_account", "country"],
		as_dict=True,
	)
	return {"name": name, **(values or {})}
