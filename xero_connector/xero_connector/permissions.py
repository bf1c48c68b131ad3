"""Who may do and see what.

The role check every whitelisted method of this app starts with (``frappe.only_for`` is
skipped while tests run, so the app checks roles itself: the permission tests then exercise
the same code path users meet), and the Xero Sync Log's rows as far as the user may see
their invoices: a row about a Sales Invoice, its request and Xero's answer included, is
shown only to users whose User Permissions on Company let them read that invoice's company,
and a payment pull's row only to those who may read its connection's company (hooks:
permission_query_conditions and has_permission).
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.constants import CONNECTION, MANAGER_ROLES


def require_manager() -> None:
	"""Raise PermissionError unless the user is a Xero Manager or System Manager.
	Called first by api.py, the Sync Log's resend and jobs.resend_logs."""
	if frappe.session.user == "Administrator":
		return
	if set(MANAGER_ROLES).isdisjoint(frappe.get_roles()):
		frappe.throw(
			_("Only a Xero Manager or System Manager may do this."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def is_manager() -> bool:
	return frappe.session.user == "Administrator" or not set(MANAGER_ROLES).isdisjoint(frappe.get_roles())


SALES_INVOICE = "Sales Invoice"


def sync_log_conditions(user: str | None = None) -> str:
	"""hooks.permission_query_conditions for Xero Sync Log: lists, reports, number cards and
	the REST API show the rows of the companies the user may read; no condition for users
	without User Permissions on Company. A row carries its company (ledger.company_of);
	rows an earlier version wrote without one are judged by their invoice's company."""
	companies = allowed_companies(user)
	if companies is None:
		return ""
	listed = ", ".join(frappe.db.escape(c) for c in companies) or "''"
	table = "`tabXero Sync Log`"
	doctype = f"{table}.`reference_doctype`"
	earlier = (
		f"(({doctype} not in ({frappe.db.escape(SALES_INVOICE)}, {frappe.db.escape(CONNECTION)}))"
		f" or ({doctype} = {frappe.db.escape(CONNECTION)} and {table}.`reference_name` in ({listed}))"
		f" or exists (select 1 from `tabSales Invoice` si where si.`name` = {table}.`reference_name`"
		f" and {doctype} = {frappe.db.escape(SALES_INVOICE)} and si.`company` in ({listed})))"
	)
	return f"({table}.`company` in ({listed}) or (ifnull({table}.`company`, '') = '' and {earlier}))"


def sync_log_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	"""hooks.has_permission for Xero Sync Log: a row (and so its payload) is the user's to
	open only when its company is one they may read."""
	companies = allowed_companies(user)
	if companies is None:
		return True
	if doc.get("company"):
		return doc.get("company") in companies
	if doc.get("reference_doctype") not in (SALES_INVOICE, CONNECTION):
		return True
	if doc.get("reference_doctype") == CONNECTION:  # a payment pull: named after its company
		return doc.get("reference_name") in companies
	company = frappe.db.get_value(SALES_INVOICE, doc.get("reference_name"), "company")
	return company is None or company in companies


def require_company(company: str | None) -> None:
	"""Raise PermissionError when the user's User Permissions on Company exclude
	``company``: its Xero data (readiness, reconciliation, the Customer panel, a
	connection's buttons) is not theirs to see or act on."""
	companies = allowed_companies()
	if companies is not None and company not in companies:
		frappe.throw(
			_("You may not see the Xero data of company {0}.").format(frappe.bold(company or "")),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def allowed_companies(user: str | None = None) -> list[str] | None:
	"""The companies the user's User Permissions allow for Sales Invoices, or None when
	they are not limited to any."""
	from frappe.permissions import get_user_permissions

	user = user or frappe.session.user
	if user == "Administrator":
		return None
	rules = get_user_permissions(user).get("Company") or []
	companies = [r.get("doc") for r in rules if r.get("applicable_for") in (None, "", SALES_INVOICE)]
	return companies or None
