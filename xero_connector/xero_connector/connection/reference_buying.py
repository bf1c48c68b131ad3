"""The buying side's checks of a company's Xero rows (issue 16): which Xero accounts and tax
rates a bill line may use, as the mapping forms and the Xero Connection's buying defaults
check them before anything is sent. The rules themselves are the core's
(engine/buying.py: ``purchase_line_refusal``, ``tax_flag``); the sales side's checks are in
:mod:`.reference`.

Called by Xero Account Mapping and Xero Tax Mapping (their buying types) and by the Xero
Connection's validate.
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.constants import ACTIVE, XERO_ACCOUNT, XERO_TAX_RATE
from xero_connector.engine.buying import purchase_line_refusal
from xero_connector.xero_connector.connection.reference import company_row


def purchase_account_problem(company: str | None, name: str | None) -> str | None:
	"""Why Xero would refuse the account ``name`` on a bill line of ``company``, or None when it
	is usable: an ACTIVE expense or asset account, not a bank or system account."""
	if not name:
		return None
	row, problem = company_row(
		XERO_ACCOUNT, company, name, ["status", "account_class", "account_type", "system_account"]
	)
	if problem:
		return problem
	if row.status != ACTIVE:
		return _("Xero account {0} is {1}: Xero only accepts ACTIVE accounts. Pick another account.").format(
			frappe.bold(name), row.status
		)
	refusal = purchase_line_refusal(row.account_class, row.account_type, row.system_account, False)
	if refusal == "system_account":
		return _("Xero account {0} is Xero's {1} system account: bills cannot be coded to it.").format(
			frappe.bold(name), row.system_account
		)
	if refusal:
		return _(
			"Xero account {0} is a {1} account: bill lines need an expense, cost of sales, inventory or"
			" fixed asset account (not a bank account)."
		).format(frappe.bold(name), row.account_type or row.account_class)
	return None


def purchase_tax_type_problem(company: str | None, name: str | None) -> str | None:
	"""Why Xero would refuse the tax rate ``name`` on a bill line of ``company``, or None when it
	is usable: ACTIVE, and applicable to expenses (Xero's CanApplyToExpenses)."""
	if not name:
		return None
	row, problem = company_row(XERO_TAX_RATE, company, name, ["status", "can_apply_to_expenses"])
	if problem:
		return problem
	if row.status != ACTIVE:
		return _("Xero tax rate {0} is {1}: Xero only accepts ACTIVE tax rates. Pick another one.").format(
			frappe.bold(name), row.status
		)
	if not row.can_apply_to_expenses:
		return _(
			"Xero tax rate {0} cannot be applied to expenses, so it cannot be used on a bill (fetch from"
			" Xero again if the rate changed there)."
		).format(frappe.bold(name))
	return None
