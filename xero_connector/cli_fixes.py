"""Causes and fixes in the command line's words (issue 14).

The engine and the error catalogue (:mod:`xero_connector.xero.catalogue`) write each cause and
fix once, for the desk: Xero Settings, Xero Account Mapping, Xero Tax Mapping, the Sync Log,
Resend. ``xero-connector`` has none of these: its user keeps the mappings and defaults in the
mapping file (``--mapping``, docs/mapping-file.md), the customers in the masters file
(``--masters``), what was sent in the state file (``--state``) and the connection in the
connection file (``--config``). :func:`for_cli` says the same in those terms, from two tables
kept here and nowhere else:

- :data:`CATALOGUE`: the fix of each catalogue entry that names a desk form, by the entry's key
  (the desk's text stays in the catalogue; an entry not listed reads the same in both places);
- :data:`PHRASES`: the engine's own phrases for a mapping, a default or a desk action (its
  pre-flight problems and outcome reasons), each with its mapping-file, masters-file or
  command-line counterpart.

``tests/test_cli_fixes.py`` holds that no catalogue entry and no pre-flight problem the
connector can raise still names a desk form once translated (:data:`DESK_WORDS`).
"""

from __future__ import annotations

import re

from xero_connector.xero import catalogue

CONNECT = "xero-connector connect --config FILE"
ACCOUNT_KEYS = "accounts.item, accounts.item_group, accounts.income_account or defaults.account_code"
TAX_KEYS = "taxes.item_tax_template, taxes.sales_taxes_template, taxes.tax_account or defaults.tax_type"

# the fix of each catalogue entry whose desk text names a form, as the command line's user does it
CATALOGUE: dict[str, str] = {
	"contact_account_number_exists": (
		"Check the customer's name and billing account code in the masters file (--masters): correct "
		"the name to match the Xero contact, or correct the billing account code, then push again."
	),
	"account_code_archived": (
		f"In the mapping file (--mapping), map this item, item group or income account ({ACCOUNT_KEYS}) "
		"to an active Xero revenue account (or restore the account in Xero), then push again."
	),
	"account_code_not_revenue": (
		f"Map the item, item group or income account to a Xero revenue account in the mapping file "
		f"(--mapping: {ACCOUNT_KEYS}), then push again."
	),
	"account_code_invalid": (
		f"Correct {ACCOUNT_KEYS} in the mapping file (--mapping) so that it names an active Xero "
		"revenue account, then push again."
	),
	"tax_type_invalid": (
		f"Correct {TAX_KEYS} in the mapping file (--mapping) to a Xero tax rate that is active and "
		"can apply to revenue, then push again."
	),
	"contact_name_duplicate": (
		"Set the customer's billing account code in the masters file (--masters) to the existing Xero "
		"contact's account number so that they are matched, or rename one of them, then push again."
	),
	"contact_name_required": (
		"Fill in the customer's customer_name in the masters file (--masters), or its billing account "
		"code of an existing Xero contact, then push again."
	),
	"contact_archived": (
		"Restore the contact in Xero, or point the customer at the surviving contact (remove the "
		'customer from "contacts" in the --state file, or correct its billing account code in the '
		"masters file), then push again."
	),
	"contact_not_found": (
		'Remove the customer from "contacts" in the --state file, so that its contact is matched again '
		"by account number or name, then push again."
	),
	"not_found": (
		'Remove the document from "states" in the --state file, so that the push looks it up again, '
		"or check that --config names the organisation it was sent to."
	),
	"bad_request": "This is usually a bug in the connector; report it with this command's output.",
	"not_implemented": "Report it with this command's output.",
	"token_expired": f"Nothing to do; if it persists, connect again: {CONNECT}.",
	"authentication_unsuccessful": f"Connect again: {CONNECT}.",
	"tenant_not_connected": (
		f"Connect again ({CONNECT}) and allow this organisation; check tenant_id in the --config file."
	),
	"insufficient_scope": f"Connect again ({CONNECT}) so that the scopes the connector needs are granted.",
	"invalid_grant": f"Connect again: {CONNECT} (it writes a new token_file).",
	"invalid_client": (
		"Copy the Client ID and Client Secret from developer.xero.com into client_id and "
		"client_secret of the --config file."
	),
	"invalid_scope": (
		"The command line asks for Xero's granular scopes, which apps created before March 2026 "
		"cannot use: name a newer Xero app (client_id, client_secret) in the --config file."
	),
	"invalid_state": f"Run {CONNECT} again and complete it within 10 minutes.",
	"access_denied": f"Run {CONNECT} again and allow access to the organisation.",
	"not_connected": f"Connect first: {CONNECT}.",
	"payment_account_invalid": (
		"Pay into a Xero BANK account (or one with 'Enable payments to this account'), then push again."
	),
}

_Q = r"'([^']*)'"
# the engine's phrases (pre-flight problems, outcome reasons), most specific first
PHRASES: tuple[tuple[str, str], ...] = (
	# pre-flight: unmapped accounts and taxes (engine/mapping/checks.py, taxes.py, totals.py)
	# a row to add for one rate (engine/tax_mapping.RowToAdd.text)
	(
		rf"Add a Xero Tax Mapping row for Item Tax Template {_Q} at ([0-9.]+)% with Xero tax type (\w+)[^.]*\.",
		r'Add to the mapping file (--mapping): taxes.item_tax_template "\1" {"\2": "\3"}.',
	),
	(
		rf"Add a Xero Tax Mapping row for Sales Taxes and Charges Template {_Q} at ([0-9.]+)% with Xero tax type (\w+)[^.]*\.",
		r'Add to the mapping file (--mapping): taxes.sales_taxes_template "\1" {"\2": "\3"}.',
	),
	(
		rf"Add a Xero Tax Mapping row for Tax Account {_Q} at ([0-9.]+)% with Xero tax type (\w+)[^.]*\.",
		r'Add to the mapping file (--mapping): taxes.tax_account "\1" {"\2": "\3"}.',
	),
	(
		r"Add a Xero Tax Mapping row for ",
		"Add a taxes entry at one rate to the mapping file (--mapping) for ",
	),
	(r"no Rate-to-Account mapping", "no accounts entry in the mapping file"),
	(r"no Xero Tax Mapping", "no taxes entry in the mapping file"),
	(r"(?:a )?Xero (?:Account|Tax) Mapping for ", "an entry in the mapping file (--mapping) for "),
	(rf"Item Tax Template {_Q}", r'taxes.item_tax_template "\1"'),
	(rf"Sales Taxes and Charges Template {_Q}", r'taxes.sales_taxes_template "\1"'),
	(rf"tax account {_Q}", r'taxes.tax_account "\1"'),
	(rf"Item Group {_Q}", r'accounts.item_group "\1"'),
	(rf"Income Account {_Q}", r'accounts.income_account "\1"'),
	(rf"\bItem {_Q}", r'accounts.item "\1"'),
	# where the engine says which setting a value came from (engine/resolve.py)
	(
		r"(?:the )?[Dd]efault [Aa]ccount [Cc]ode(?: (?:in Xero Settings|on the Xero Connection))?",
		"defaults.account_code",
	),
	(r"Default Sales Account (?:in Xero Settings|on the Xero Connection)", "defaults.account_code"),
	(
		r"(?:the )?[Dd]efault [Tt]ax [Tt]ype(?: (?:in Xero Settings|on the Xero Connection))?",
		"defaults.tax_type",
	),
	(r"the zero tax type (?:in Xero Settings|on the Xero Connection)", "defaults.zero_tax_type"),
	(
		r"(?:the )?[Rr]ounding [Aa]ccount [Cc]ode(?: (?:in Xero Settings|on the Xero Connection))?",
		"defaults.rounding_account_code",
	),
	(
		r"the company currency (?:in Xero Settings|on the Xero Connection)",
		"defaults.company_currency in the mapping file",
	),
	(r"Connect the Xero organisation that belongs", "Connect (--config) the Xero organisation that belongs"),
	(
		r",? then Fetch from Xero again(?: (?:in Xero Settings|on the Xero Connection))?",
		", then push again (each run reads Xero's lists afresh)",
	),
	# customers (engine/mapping/contacts.py, engine/contacts.py)
	(
		rf"Make sure Customer {_Q} exists in ERPNext \(and in the masters file when using the CLI\)",
		r"Add Customer '\1' to the customers of the masters file (--masters)",
	),
	(
		rf"Fill in the Customer's {_Q} \(Xero AccountNumber\) or Customer Name",
		r"Fill in the customer's '\1' (Xero AccountNumber) or customer_name in the masters file (--masters)",
	),
	(
		r"give the Customer another billing account code",
		"give the customer another billing account code in the masters file",
	),
	# the engine's outcomes (engine/sync.py, cancel.py, push.py)
	(
		r"Reconnect to the organisation these invoices were synced with, or, if the switch is intended, "
		r"confirm it (?:in Xero Settings|on the Xero Connection) \(a Xero Manager\)",
		"Connect (--config) to the organisation these invoices were synced with, or give this one a "
		"--state file of its own",
	),
	(r"\(see its Xero Sync Log\)", "(see its line in this output)"),
	(
		r"Use Merged Contact on the Xero Sync Log row links customer (.+?) to it and sends the invoice again",
		r'Set customer \1 in "contacts" of the --state file to that ContactID, then push again',
	),
	(
		r"correct the link \(Xero Reconciliation → Link\)",
		'remove it from "states" in the --state file, so that it is looked up by number',
	),
	(
		r"check the tax and rounding mappings",
		"check taxes and defaults.rounding_account_code in the mapping file",
	),
	# what is left of the desk's vocabulary
	(r"\bresend (this return|both)\b", r"push \1 again"),
	(r"\bresending\b", "pushing again"),
	(r"\bresend\b", "push again"),
	(r"\bResend\b", "Push again"),
	(
		r"\b(?:in Xero Settings|on the Xero Connection)\b",
		"in the mapping file (--mapping) or the --config file",
	),
	(r"\binto the Xero App\b", "into the --config file"),
	(r"\bon the Xero App\b", "in the --config file"),
	(r"\b(?:from|on) the company's Xero Connection\b", "with the --config file"),
)
_PHRASES = tuple((re.compile(pattern), replacement) for pattern, replacement in PHRASES)

# words that name a desk form or action: none may be left in what the command line shows
DESK_WORDS = (
	"Xero Settings",
	"Xero Connection",
	"Xero Account Mapping",
	"Xero Tax Mapping",
	"Rate-to-Account",
	"Sync Log",
	"Fetch from Xero",
	"Xero Reconciliation",
	"Connect to Xero",
	"resend",
)


def for_cli(text: str | None) -> str:
	"""``text`` (a cause, fix or reason written for the desk) in the command line's words."""
	if not text:
		return ""
	entries = {entry.key: entry for entry in catalogue.ENTRIES}
	for key, fix in CATALOGUE.items():
		desk = entries[key].resolution if key in entries else None
		if desk and desk in text:
			text = text.replace(desk, fix)
	for pattern, replacement in _PHRASES:
		text = pattern.sub(replacement, text)
	return text


def error_fix(error: Exception) -> str:
	"""The fix of a client error's first catalogue entry, in the command line's words ("" if none)."""
	entries = getattr(error, "entries", None) or []
	return for_cli(entries[0].resolution) if entries else ""


def desk_words(text: str) -> list[str]:
	"""The desk's words left in ``text`` (for the tests)."""
	return [word for word in DESK_WORDS if word.lower() in text.lower()]
