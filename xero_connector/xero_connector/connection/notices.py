"""Telling the managers that Xero needs them: one notice (desk notification and
email) per loss of connection. Called by client.needs_reauthorisation (a job met a
refused refresh token) and tasks.check_connection (hourly)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_url_to_form, get_url_to_list

from xero_connector.constants import MANAGER_ROLES
from xero_connector.xero_connector.connection.settings_state import write_app_state


def notify_reauthorisation(app, reason: str) -> bool:
	"""Email System Managers and Xero Managers that Xero must be connected again —
	once per loss of the app's consent (the flag is reset by a successful connect).

	Called by check_connection and by client.needs_reauthorisation. The flag is
	claimed with one UPDATE so that two workers cannot both send."""
	if not _claim(app):
		return False
	frappe.db.commit()
	subject = _("Xero needs to be connected again")
	message = _(
		"<p>Xero no longer accepts this site's connection, so Sales Invoices are not being sent to Xero and payments are not coming back.</p><p>{0}</p><p>Open <a href='{1}'>{2}</a> and click <b>Connect to Xero</b>. Invoices submitted meanwhile are queued and sent once you reconnect.</p>"
	).format(frappe.utils.escape_html(reason or ""), _form_url(app), _(app.doctype))
	for user in manager_users():
		# a desk notification for each manager (Frappe also emails it when their settings say so)
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": app.doctype,
				"document_name": app.name,
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


def _claim(app) -> bool:
	"""Set the app's ``reauth_notified`` unless it is set; True for the one caller that set it."""
	if app.doctype == app.name:  # a Single
		frappe.db.sql(
			"""update `tabSingles` set value = 1
			where doctype = %s and field = 'reauth_notified' and coalesce(value, '0') in ('0', '')""",
			app.doctype,
		)
	else:
		frappe.db.sql(
			f"""update `tab{app.doctype}` set reauth_notified = 1
			where name = %s and coalesce(reauth_notified, 0) = 0""",
			app.name,
		)
	claimed = frappe.db._cursor.rowcount
	frappe.db.value_cache.pop(app.doctype, None)
	frappe.clear_document_cache(app.doctype, app.name)
	if claimed:
		return True
	if frappe.db.get_value(app.doctype, app.name, "reauth_notified", cache=False):
		return False
	write_app_state(app, {"reauth_notified": 1})  # a Single that never had the row
	return True


def _form_url(app) -> str:
	return get_url_to_list(app.doctype) if app.doctype == app.name else get_url_to_form(app.doctype, app.name)


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
