"""The role check every whitelisted method of this app starts with.

``frappe.only_for`` is skipped while tests run, so the app checks roles itself:
the permission tests then exercise the same code path users meet.
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.constants import MANAGER_ROLES


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
