"""Telling the managers that Xero needs them: one notice (desk notification and
email) per loss of connection. Called by client.needs_reauthorisation (a job met a
refused refresh token) and tasks.check_connection (hourly)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_url_to_form

from xero_connector.constants import MANAGER_ROLES
from xero_connector.xero_connector.connection import registry


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
		"<p>Xero no longer accepts the connection of Xero App {2}, so the Sales Invoices of {3} are not being sent to Xero and payments are not coming back.</p><p>{0}</p><p>Open <a href='{1}'>Xero App {2}</a> and click <b>Connect to Xero</b>. Invoices submitted meanwhile are queued and sent once you reconnect.</p>"
	).format(
		frappe.utils.escape_html(reason or ""),
		get_url_to_form(app.doctype, app.name),
		frappe.utils.escape_html(app.name),
		frappe.utils.escape_html(
			", ".join(c.company for c in registry.connections_of(app.name)) or _("its companies")
		),
	)
	_send(app, subject, message)
	return True


def notify_consent_lapsing(app, message: str) -> bool:
	"""Tell the managers that the app's refresh token lapses soon unless used (tasks.
	warn_before_the_consent_lapses), once a day: the claim is a Redis key that lives a day.
	True when sent."""
	from xero_connector.xero_connector.connection.redis_backends import site_key

	if not frappe.cache.set(site_key("consent_lapsing_notice", app.name), 1, nx=True, ex=DAY_SECONDS):
		return False
	subject = _("Xero App {0}: the connection lapses soon").format(app.name)
	body = _(
		"<p>{0}</p><p>No Xero Connection of Xero App {1} is enabled, so nothing uses the connection. Enable the company's Xero Connection (the hourly check then keeps it alive), or open <a href='{2}'>Xero App {1}</a> and click <b>Reconnect</b> before it lapses.</p>"
	).format(
		frappe.utils.escape_html(message),
		frappe.utils.escape_html(app.name),
		get_url_to_form(app.doctype, app.name),
	)
	_send(app, subject, body)
	return True


DAY_SECONDS = 23 * 3600  # a little under a day: the hourly check that day sends it again


def notify_day_budget_low(connection, remaining: int, limit: int, resets_at: str | None) -> bool:
	"""Tell the managers that the company's Xero organisation has few calls left today
	(tasks.warn_when_the_day_runs_low), once a day per organisation. True when sent."""
	from xero_connector.xero_connector.connection.redis_backends import site_key

	if not frappe.cache.set(site_key("day_budget_notice", connection.tenant_id), 1, nx=True, ex=DAY_SECONDS):
		return False
	subject = _("Xero: {0} has {1} of {2} calls left today").format(connection.company, remaining, limit)
	body = _(
		"<p>The Xero organisation of {0} has {1} of its {2} API calls left today; more come back from {3}.</p>"
		"<p>Backfills, readiness checks and the Customer panel pause first, so the last calls go to invoices and payments. "
		"Move bulk work to tomorrow, send invoices In Rounds (50 to a call), or, if Xero gave the app a larger tier, set it on the Xero App. "
		"<a href='{4}'>Xero Connection {0}</a> shows Calls Today.</p>"
	).format(
		frappe.utils.escape_html(connection.company),
		remaining,
		limit,
		frappe.utils.escape_html(resets_at or _("the next hours")),
		get_url_to_form(connection.doctype, connection.name),
	)
	_send(connection, subject, body)
	return True


def _send(doc, subject: str, message: str) -> None:
	"""A desk notification for each manager, linked to ``doc`` (the Xero App or Xero
	Connection it is about), and an email where outgoing email is set up."""
	for user in manager_users():
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": doc.doctype,
				"document_name": doc.name,
				"subject": subject,
				"email_content": message,
			}
		).insert(ignore_permissions=True)
	recipients = manager_emails()
	if recipients:
		try:
			frappe.sendmail(recipients=recipients, subject=subject, message=message, now=False)
		except frappe.OutgoingEmailError:
			pass  # no outgoing email account: the desk notifications still reach them
	frappe.db.commit()


def _claim(app) -> bool:
	"""Set the app's ``reauth_notified`` unless it is set; True for the one caller that set it."""
	frappe.db.sql(
		f"""update `tab{app.doctype}` set reauth_notified = 1
		where name = %s and coalesce(reauth_notified, 0) = 0""",
		app.name,
	)
	claimed = frappe.db._cursor.rowcount
	frappe.clear_document_cache(app.doctype, app.name)
	return bool(claimed)


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
