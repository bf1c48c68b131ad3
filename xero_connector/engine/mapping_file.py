"""The mapping file read by ``xero-connector push`` and the demo: Rate-to-Account
and Tax Mapping plus the defaults of Xero Settings, as one JSON document.

Format (every section and key optional; docs/mapping-file.md explains each)::

    {
        "accounts": {  # ERPNext name -> Xero AccountCode; first hit wins
            "item": {"WIDGET-A": "200"},
            "item_group": {"Services": "260"},
            "income_account": {"Sales - AL": "200"},
        },
        "taxes": {  # ERPNext name -> Xero TaxType, or {rate: TaxType} for a record used at several rates
            "item_tax_template": {"GST Exempt - AL": "EXEMPTOUTPUT"},
            "sales_taxes_template": {"New Zealand - AL": "OUTPUT2"},
            "tax_account": {"GST - AL": {"15": "OUTPUT2", "0": "ZERORATEDOUTPUT"}},
        },
        "tracking": {  # optional: item-row field -> Xero tracking category; options by ERPNext value
            "fields": {"cost_center": "Region"},
            "options": {"Region": {"Main - AL": "North"}},  # a value not listed: the option of its name
        },
        "defaults": {
            "account_code": "200",  # when no account mapping matches
            "tax_type": "OUTPUT2",  # when no tax mapping matches
            "zero_tax_type": null,  # lines of untaxed invoices; null sends "NoTax"
            "rounding_account_code": "260",  # the rounding-adjustment line's account: a revenue account or Xero's 860 Rounding
            "billing_code_field": "xero_account_number",  # Customer field matched to Contact.AccountNumber
            "invoice_status": "AUTHORISED",  # or "DRAFT"
            "company_currency": "NZD",  # ERPNext company's currency (else taken from the masters)
        },
    }

Called by :mod:`xero_connector.cli` and :mod:`xero_connector.demo`; the Frappe
shell builds the same objects from its doctypes instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from xero_connector.engine.context import Mappings, RatedTaxType, Settings
from xero_connector.engine.tax_mapping import as_rate

SECTIONS = {
	"accounts": {
		"item": "account_by_item",
		"item_group": "account_by_item_group",
		"income_account": "account_by_income_account",
	},
	"taxes": {
		"item_tax_template": "tax_by_item_tax_template",
		"sales_taxes_template": "tax_by_sales_taxes_template",
		"tax_account": "tax_by_tax_account",
	},
}
DEFAULTS = {
	"account_code": "default_account_code",
	"tax_type": "default_tax_type",
	"zero_tax_type": "zero_tax_type",
	"rounding_account_code": "rounding_account_code",
	"billing_code_field": "billing_code_field",
	"invoice_status": "invoice_status",
	"company_currency": "company_currency",
}


class MappingFileError(ValueError):
	"""The mapping file is not valid JSON or has keys this format does not know."""


def parse_mapping(data: dict, company_currency: str | None = None) -> tuple[Mappings, Settings]:
	"""Mappings and Settings from a parsed mapping file; unknown keys are errors (typos would
	otherwise silently fall back to defaults)."""
	if not isinstance(data, dict):
		raise MappingFileError("the mapping file must hold a JSON object")
	unknown = set(data) - {*SECTIONS, "defaults", "tracking"}
	if unknown:
		raise MappingFileError(
			f"unknown section(s) {sorted(unknown)}; expected accounts, taxes, tracking, defaults"
		)
	mappings = Mappings()
	for section, keys in SECTIONS.items():
		block = data.get(section) or {}
		bad = set(block) - set(keys)
		if bad:
			raise MappingFileError(f"unknown key(s) {sorted(bad)} in {section!r}; expected {sorted(keys)}")
		for key, attribute in keys.items():
			table = block.get(key) or {}
			if not isinstance(table, dict):
				raise MappingFileError(f"{section}.{key} must map ERPNext names to Xero codes")
			if section == "taxes":
				setattr(
					mappings,
					attribute,
					{str(k): _tax_value(f"{section}.{key}", k, v) for k, v in table.items()},
				)
			else:
				setattr(
					mappings, attribute, {str(k): _code(f"{section}.{key}", k, v) for k, v in table.items()}
				)
	_tracking(mappings, data.get("tracking") or {})
	defaults = data.get("defaults") or {}
	bad = set(defaults) - set(DEFAULTS)
	if bad:
		raise MappingFileError(f"unknown key(s) {sorted(bad)} in 'defaults'; expected {sorted(DEFAULTS)}")
	settings = Settings()
	if company_currency:
		settings.company_currency = company_currency
	for key, attribute in DEFAULTS.items():
		if key in defaults:
			setattr(settings, attribute, defaults[key])
	return mappings, settings


def _tracking(mappings: Mappings, block: dict) -> None:
	"""The "tracking" section: {"fields": {field: category}, "options": {category: {value: option}}}."""
	bad = set(block) - {"fields", "options"}
	if bad:
		raise MappingFileError(f"unknown key(s) {sorted(bad)} in 'tracking'; expected ['fields', 'options']")
	fields = block.get("fields") or {}
	options = block.get("options") or {}
	if not isinstance(fields, dict) or not isinstance(options, dict):
		raise MappingFileError("tracking.fields and tracking.options must be objects")
	mappings.tracking_by_field = {str(k): _code("tracking.fields", k, v) for k, v in fields.items()}
	for category, table in options.items():
		if not isinstance(table, dict):
			raise MappingFileError(f"tracking.options[{category!r}] must map ERPNext values to Xero options")
		where = f"tracking.options[{category!r}]"
		mappings.tracking_options[str(category)] = {str(k): _code(where, k, v) for k, v in table.items()}


def _code(where: str, name, value) -> str:
	"""A Xero code: text, or a number written without quotes (account 200)."""
	if isinstance(value, int) and not isinstance(value, bool):
		return str(value)
	if not isinstance(value, str) or not value.strip():
		raise MappingFileError(f"{where}[{name!r}] must be a Xero code (text), not {value!r}")
	return value


def _tax_value(where: str, name, value) -> str | list[RatedTaxType]:
	"""A Xero TaxType for every rate, or {rate: TaxType} (rate a percent, or "any") for a record
	ERPNext uses at several rates."""
	if not isinstance(value, dict):
		return _code(where, name, value)
	if not value:
		raise MappingFileError(f"{where}[{name!r}] maps no rate to a Xero tax type")
	rows = []
	seen = set()
	for rate, code in value.items():
		try:
			parsed = as_rate(rate)
		except ValueError as error:
			raise MappingFileError(f"{where}[{name!r}]: {error}") from None
		if parsed in seen:
			raise MappingFileError(f"{where}[{name!r}] maps the rate {rate!r} twice")
		seen.add(parsed)
		rows.append(RatedTaxType(_code(f"{where}[{name!r}]", rate, code), parsed))
	return rows


def load_mapping_file(path: str | Path, company_currency: str | None = None) -> tuple[Mappings, Settings]:
	"""Read and parse a mapping file (see the module docstring for its format)."""
	try:
		data = json.loads(Path(path).read_text())
	except (OSError, json.JSONDecodeError) as error:
		raise MappingFileError(f"cannot read mapping file {path}: {error}")
	return parse_mapping(data, company_currency)
