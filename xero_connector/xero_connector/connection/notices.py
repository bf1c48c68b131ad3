"""Telling the managers that Xero needs them: one notice (desk notification and
email) per loss of connection. Called by client.needs_reauthorisation (a job met a
refused refresh token) and tasks.check_connection (hourly)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_url_to_list

from xero_connector.constants import MANAGER_ROLES, SETTINGS
from xero_connector.xero_connector.connection.settings_state import write_state


def notify_reauthorisation(reason: str) -> bool:
	"""Email System Managers and Xero Managers that Xero must be connected again —
	once per loss of connection (the flag is reset by a successful connect).

	Called by check_connection and by client.needs_reauthorisation. The flag is
	claimed with one UPDATE so that two workers cannot both send."""
	frappe.db.sql(
		"""update `tabSingles` set value = 1
		where doctype = %s and field = 'reauth_notified' and coalesce(value, '0') in ('0', '')""",
		SETTINGS,
	)
	claimed = frappe.db._cursor.rowcount
	frappe.db.value_cache.pop(SETTINGS, None)
	frappe.clear_document_cache(SETTINGS, SETTINGS)
	if not claimed:
		if frappe.db.get_single_value(SETTINGS, "reauth_notified", cache=False):
			return False
		write_state({"reauth_notified": 1})
	frappe.db.commit()
	subject = _("Xero needs to be connected again")
	message = _(
		"<p>Xero no longer accepts this site's connection, so Sales Invoices are not being sent to Xero and payments are not coming back.</p><p>{0}</p><p>Open <a href='{1}'>Xero Settings</a> and click <b>Connect to Xero</b>. Invoices submitted meanwhile are queued and sent once you reconnect.</p>"
	).format(frappe.utils.escape_html(reason or ""), get_url_to_list(SETTINGS))
	for user in manager_users():
		# a desk notification for each manager (Frappe also emails it when their settings say so)
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": SETTINGS,
				"document_name": SETTINGS,
				"subject": subject,
				"email_content": message,
			}
		).insert(ignore_permissions=True)
	recipients = manager_emails()
	if recipients:
		try:
			frappe.sendmail(recipients=recipients, subject=subject, message=message, now=False)
		except frappe.OutgoingEmailError:
			pass  # no outgoing email account: the desk notifications above still reach them
	frappe.db.commit()
	return True


def manager_users() -> list[str]:
	"""Enabled desk users with the System Manager or Xero Manager role."""
	users = frappe.get_all(
		"Has Role",
		filters={"role": ("in", MANAGER_ROLES), "parenttype": "User"},
		pluck="parent",
		distinct=True,
	)
	return frappe.get_all(
		"User",
		filters={"name": ("in", users or [""]), "enabled": 1, "user_type": "System User"},
		pluck="name",
		order_by="name asc",
	)


def manager_emails() -> list[str]:
	emails = frappe.get_all("User", filters={"name": ("in", manager_users() or [""])}, pluck="email")
	return sorted({e for e in emails if e})
