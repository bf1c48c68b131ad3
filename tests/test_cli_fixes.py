"""The command line's fixes speak of its files and options, not of desk forms (issue 14).

The engine and the error catalogue write every cause and fix once, for the desk; the command
line shows them through :mod:`xero_connector.cli_fixes`. Every catalogue entry, every pre-flight
problem the connector raises and the engine's own outcome texts are run through it here: none may
still name Xero Settings, a mapping form, the Sync Log or Resend."""

from __future__ import annotations

import json

import pytest
from fixtures.mapping_helpers import invoice, item, small_context

from tests.test_cli import INVOICES, cli
from xero_connector.cli_fixes import CATALOGUE, desk_words, error_fix, for_cli
from xero_connector.engine.archived_contacts import explain_archived
from xero_connector.engine.cancel import wrong_document
from xero_connector.engine.preflight import preflight
from xero_connector.xero import catalogue
from xero_connector.xero.errors import XeroAuthError


@pytest.mark.parametrize("entry", catalogue.ENTRIES, ids=lambda e: e.key)
def test_every_catalogue_fix_reads_in_the_command_lines_words(entry):
	said = for_cli(entry.resolution)
	assert not desk_words(said), said
	assert said  # never emptied


def test_the_catalogue_table_names_only_entries_that_exist():
	assert set(CATALOGUE) <= {e.key for e in catalogue.ENTRIES}
	# the desk's own text stays in the catalogue, untouched
	assert "Xero Account Mapping" in catalogue.get("account_code_archived").resolution


def clean() -> dict:
	return invoice([item("WIDGET-A", 3, 125.5), item("WIDGET-B", 2, 19.99)], name="ACC-SINV-2026-00118")


def no_account():
	ctx = small_context(default_account_code=None)
	ctx.mappings.account_by_income_account = {}
	ctx.mappings.account_by_item = {"WIDGET-A": "200"}
	return clean(), ctx


def no_tax():
	ctx = small_context(default_tax_type=None)
	ctx.mappings.tax_by_sales_taxes_template = {}
	ctx.mappings.tax_by_tax_account = {}
	return clean(), ctx


def tax_type(code: str):
	ctx = small_context()
	ctx.mappings.tax_by_sales_taxes_template = {"New Zealand - AL": code}
	return clean(), ctx


def rate_mismatch():
	"""A template mapped only at another rate, and nothing after it that fits the line's."""
	ctx = small_context(default_tax_type=None)
	ctx.mappings.tax_by_sales_taxes_template = {"New Zealand - AL": "ZERORATEDOUTPUT"}
	ctx.mappings.tax_by_tax_account = {}
	return clean(), ctx


def account(code: str):
	ctx = small_context()
	ctx.mappings.account_by_item = {"WIDGET-B": code}
	return clean(), ctx


def default_account(code: str):
	ctx = small_context(default_account_code=code)
	ctx.mappings.account_by_item, ctx.mappings.account_by_item_group = {}, {}
	ctx.mappings.account_by_income_account = {}
	return clean(), ctx


def base_currency():
	ctx = small_context()
	ctx.xero.base_currency = "AUD"
	return clean(), ctx


def no_match_key():
	ctx = small_context()
	ctx.masters.customers["Kiwi Retail Ltd"]["customer_name"] = ""
	doc = clean()
	doc["customer_name"] = ""
	return doc, ctx


def unrounded():
	return invoice([item("WIDGET-A", 1, 10.4)], rounding=True), small_context(
		rounding_account_code=None, default_account_code=None
	)


CASES = {
	"unmapped account": no_account,
	"unmapped tax": no_tax,
	"unknown tax type": lambda: tax_type("GST99"),
	"tax rate mismatch": rate_mismatch,
	"archived account": lambda: account("250"),
	"account not revenue": lambda: account("310"),
	"unknown default account": lambda: default_account("999"),
	"currency not enabled": lambda: (invoice([item("WIDGET-A", 1, 10.0)], currency="JPY"), small_context()),
	"base currency": base_currency,
	"customer not found": lambda: (invoice([item("WIDGET-A", 1, 10.0)], customer="Ghost"), small_context()),
	"no match key": no_match_key,
	"rounding": unrounded,
	"negative total": lambda: (invoice([item("WIDGET-A", 1, -10.0)], rounding=False), small_context()),
	"long reference": lambda: (invoice([item("WIDGET-A", 1, 10.0)], po_no="P" * 300), small_context()),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_preflight_problem_reads_in_the_command_lines_words(case):
	doc, ctx = case()
	problems = preflight(doc, ctx)
	assert problems
	for problem in problems:
		for text in (problem.message, problem.fix, problem.what()):
			assert not desk_words(for_cli(text)), for_cli(text)


def test_the_fixes_name_the_mapping_file_keys():
	doc, ctx = no_account()
	(problem,) = preflight(doc, ctx)
	assert for_cli(problem.fix) == (
		'Add an entry in the mapping file (--mapping) for accounts.item "WIDGET-B", accounts.item_group '
		'"Products" or accounts.income_account "Sales - AL", or set defaults.account_code.'
	)
	doc, ctx = no_tax()
	(problem,) = preflight(doc, ctx)
	assert for_cli(problem.message).endswith(
		": there is no taxes entry in the mapping file for it and no defaults.tax_type."
	)
	assert for_cli(problem.fix) == (
		'Add an entry in the mapping file (--mapping) for taxes.sales_taxes_template "New Zealand - AL" '
		'or taxes.tax_account "GST - AL" (this line is taxed at 15%: OUTPUT2, GST on Income), '
		"or set defaults.tax_type."
	)
	doc, ctx = account("999")
	(problem,) = preflight(doc, ctx)
	assert for_cli(problem.fix) == (
		'Change accounts.item "WIDGET-B" to an account code that exists in Xero (or create account 999 in '
		"Xero), then push again (each run reads Xero's lists afresh)."
	)


def test_the_engines_own_fixes_read_in_the_command_lines_words():
	from xero_connector.engine import sync

	texts = [
		explain_archived("C", {"ContactID": "x"})[1],
		explain_archived("C", {"ContactID": "x", "MergedToContactID": "y"})[1],
		wrong_document("INV-1", "void", "invoice", {"InvoiceNumber": "INV-2"}, "x-1").resolution,
		"Xero's total 10.00 NZD differs from ERPNext's 11.00: check the tax and rounding mappings, then resend",
		"Resolve the failure of INV-0 (see its Xero Sync Log), then resend both.",
	]
	source = open(sync.__file__).read()
	switch = source[source.index("Reconnect to the organisation") : source.index("Xero Manager).") + 14]
	texts.append(switch.replace('"\n\t\t\t\t\t\t"', ""))
	for text in texts:
		assert not desk_words(for_cli(text)), for_cli(text)


def test_a_client_error_shows_the_command_line_fix():
	error = XeroAuthError("AuthenticationUnsuccessful", entries=[catalogue.get("invalid_grant")])
	assert (
		error_fix(error)
		== "Connect again: xero-connector connect --config FILE (it writes a new token_file)."
	)


def test_the_cli_prints_each_fix_in_the_mapping_files_words(tmp_path):
	mapping = json.loads((INVOICES.parent / "mapping.json").read_text())
	mapping["accounts"]["item"].pop("WIDGET-A", None)
	mapping["accounts"]["item_group"] = {}
	mapping["accounts"]["income_account"] = {}
	mapping["defaults"]["account_code"] = None
	path = tmp_path / "mapping.json"
	path.write_text(json.dumps(mapping))
	result = cli("push", INVOICES / "ACC-SINV-2026-00018.json", "--mapping", path)
	assert result.returncode == 1, result.stdout + result.stderr
	fixes = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("fix:")]
	assert fixes and all("accounts.item" in f and "defaults.account_code" in f for f in fixes), fixes
	assert not desk_words(result.stdout + result.stderr), result.stdout
