"""The one answer to "which Xero connection": for a company, a document, a tenant named
in a webhook, the scheduler's list, and the Xero App (credentials and consent) behind a
connection.

Every other module of the shell receives its connection (or app) from here, or from a
caller that got it here; none reads those documents itself (tests/
test_one_connection_source.py). A connection is a **Xero Connection**: one company's link
to one Xero organisation; an app is a **Xero App**: a Xero app's credentials and the
tokens of one consent, which may grant several organisations (docs/design/multi-company.md).

The company → connection map is cached in Redis and cleared when a connection or app is
saved or deleted (their controllers call :func:`clear`), so a submit of a company
without a connection costs no query.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _

from xero_connector.constants import APP, CONNECTED, CONNECTION, SETTINGS
from xero_connector.exceptions import XeroNotConnected

CACHE_KEY = "xero_connector:connections:v1"


def _rows() -> list[dict]:
	"""``[{name, company, xero_app}]`` of every connection, oldest first (cached)."""
	return frappe.cache.get_value(CACHE_KEY, generator=_read_rows) or []


def _read_rows() -> list[dict]:
	if not frappe.db.table_exists(CONNECTION):
		return []
	return [
		dict(row)
		for row in frappe.get_all(
			CONNECTION, fields=["name", "company", "xero_app"], order_by="creation asc, name asc"
		)
	]


def clear(*args, **kwargs) -> None:
	"""Forget the cached map (now and after the commit): Xero Connection and Xero App
	on_update / on_trash."""
	frappe.cache.delete_value(CACHE_KEY)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(CACHE_KEY))


def connections() -> list:
	"""Every connection of the site (the scheduler's and the webhook's list)."""
	return [frappe.get_cached_doc(CONNECTION, row["name"]) for row in _rows()]


def for_company(company: str | None):
	"""The connection that sends ``company``'s documents, or None when it has none."""
	if not company:
		return None
	for row in _rows():
		if row["company"] == company:
			return frappe.get_cached_doc(CONNECTION, row["name"])
	return None


def require(company: str | None):
	""":func:`for_company`, or XeroNotConnected naming the company and the fix."""
	connection = for_company(company)
	if connection is None:
		raise XeroNotConnected(
			_(
				"Company {0} has no Xero connection: open Xero Connection, add one for {0} and connect it to its Xero organisation."
			).format(company or _("(none)"))
		)
	return connection


def chosen(company: str | None):
	"""The connection of ``company``; when the caller names no company (a desk call about a
	Customer, which belongs to every company), the site's only connection. Raises
	XeroNotConnected saying what to do when there is none to use."""
	if company:
		return require(company)
	rows = _rows()
	if len(rows) == 1:
		return frappe.get_cached_doc(CONNECTION, rows[0]["name"])
	raise XeroNotConnected(
		_("Choose the company whose Xero organisation this is for.")
		if rows
		else _("No company is connected to Xero yet: open Xero Connection and add one.")
	)


def for_document(doctype: str, name: str):
	"""The connection of the company a document belongs to (None when it has none)."""
	return for_company(frappe.db.get_value(doctype, name, "company"))


def named(name: str | None):
	"""The connection a queued job or a desk button names; for a job queued before
	connections had names (it names Xero Settings, or nothing), the default connection."""
	if name and any(row["name"] == name for row in _rows()):
		return frappe.get_cached_doc(CONNECTION, name)
	if name and name != SETTINGS:
		raise XeroNotConnected(_("There is no Xero Connection {0}.").format(name))
	return default_connection()


def default_connection():
	"""The connection for work that names no company (a job queued before the upgrade to
	connections per company): the first one made, or None."""
	rows = _rows()
	return frappe.get_cached_doc(CONNECTION, rows[0]["name"]) if rows else None


def for_tenant(tenant_id: str | None):
	"""The connection holding Xero organisation ``tenant_id`` (a webhook's event), or None."""
	if not tenant_id:
		return None
	for connection in connections():
		if (connection.tenant_id or "").lower() == tenant_id.lower():
			return connection
	return None


def enabled() -> list:
	"""Connections that are enabled, connected and have an organisation (the scheduler's)."""
	return [c for c in connections() if c.enabled and c.connection_status == CONNECTED and c.tenant_id]


def app_of(connection):
	"""The Xero App (credentials, tokens, consent, webhook key) a connection belongs to."""
	return frappe.get_cached_doc(APP, connection.xero_app)


def connections_of(app_name: str) -> list:
	"""The connections of one Xero App (they share its consent)."""
	return [frappe.get_cached_doc(CONNECTION, row["name"]) for row in _rows() if row["xero_app"] == app_name]


def apps() -> list:
	"""Every Xero App of the site (each with its own consent and webhook key)."""
	return [
		frappe.get_cached_doc(APP, name)
		for name in frappe.get_all(APP, pluck="name", order_by="creation asc")
	]


def webhook_keys() -> dict[str, str]:
	"""``{app name: webhook key}`` for every app with a key (Xero's "intent to receive"
	check comes before any connection is enabled); decrypted on every call (never cached:
	a key changed on the form applies to the next delivery)."""
	from frappe.utils.password import get_decrypted_password

	keys = {}
	for name in frappe.get_all(APP, pluck="name", order_by="creation asc"):
		key = get_decrypted_password(APP, name, "webhook_key", raise_exception=False)
		if key:
			keys[name] = key
	return keys


def site_settings():
	"""What is set once for the site, whatever the company (the stuck-work sweep's
	threshold, the Customer panel's page size)."""
	return frappe.get_cached_doc(SETTINGS)


def job_key(name: str) -> str:
	"""A short, stable part of a job id for a connection's name."""
	return hashlib.sha256(name.encode()).hexdigest()[:12]
