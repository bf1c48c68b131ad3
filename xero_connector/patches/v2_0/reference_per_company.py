"""Xero's accounts and tax rates, the mappings and the connection's defaults become the
company's (issue 15, increment 4; docs/design/multi-company.md, section 2, step 6). Runs
after settings_to_connections (patches.txt, post_model_sync), when the new company
columns exist; a fresh install records it without running it.

Rows without a company are the one organisation's the site had: they go to the company of
the site's Xero Connection (else the company settings_to_connections would choose), and
each Xero row takes the name "{code} - {company abbreviation}" that links now hold. Only
rows without a company are touched, so a run cut short completes on the next migrate.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import (
	ACCOUNT_MAPPING,
	CONNECTION,
	TAX_MAPPING,
	XERO_ACCOUNT,
	XERO_TAX_RATE,
)
from xero_connector.patches.v2_0.settings_to_connections import choose_company

# the links to Xero rows: (doctype, field, Xero doctype)
MAPPING_LINKS = (
	(ACCOUNT_MAPPING, "xero_account_code", XERO_ACCOUNT),
	(TAX_MAPPING, "xero_tax_type", XERO_TAX_RATE),
)
DEFAULT_LINKS = (
	("default_account_code", XERO_ACCOUNT),
	("rounding_account_code", XERO_ACCOUNT),
	("default_tax_type", XERO_TAX_RATE),
	("zero_tax_type", XERO_TAX_RATE),
)
CODE_COLUMN = {XERO_ACCOUNT: "code", XERO_TAX_RATE: "tax_type"}


def execute():
	connections = frappe.get_all(CONNECTION, pluck="name", order_by="creation asc", limit=1)
	company = connections[0] if connections else choose_company()
	if not company:
		return  # no company: nothing can own the rows yet (a site before ERPNext's setup)
	suffix = " - " + frappe.db.get_value("Company", company, "abbr")
	for doctype, column in CODE_COLUMN.items():
		frappe.db.sql(
			f"update `tab{doctype}` set company = %s, name = concat(`{column}`, %s) where company is null",
			(company, suffix),
		)
	for doctype, field, _xero in MAPPING_LINKS:
		frappe.db.sql(
			f"""update `tab{doctype}` set company = %s,
			`{field}` = if(ifnull(`{field}`, '') = '', `{field}`, concat(`{field}`, %s)) where company is null""",
			(company, suffix),
		)
	if connections:
		for field, xero_doctype in DEFAULT_LINKS:
			value = frappe.db.get_value(CONNECTION, company, field)
			named = value and frappe.db.get_value(
				xero_doctype, {"company": company, CODE_COLUMN[xero_doctype]: value}, "name"
			)
			if named and not frappe.db.exists(xero_doctype, value):
				frappe.db.set_value(CONNECTION, company, field, named, update_modified=False)
	items = frappe.db.get_default("xero_items", parent="__xero_connector")
	if items:
		frappe.db.set_default(f"xero_items:{company}", items, parent="__xero_connector")
		frappe.db.sql(
			"delete from `tabDefaultValue` where parent = '__xero_connector' and defkey = 'xero_items'"
		)
	for key in (
		"xero_connector:reference:v3",
		"xero_connector:xero_account_mapping",
		"xero_connector:xero_tax_mapping",
		"xero_connector:connections:v1",
		f"xero_connector:reference:v4:{company}",
		f"xero_connector:xero_account_mapping:{company}",
		f"xero_connector:xero_tax_mapping:{company}",
	):
		frappe.cache.delete_value(key)
	frappe.db.commit()
