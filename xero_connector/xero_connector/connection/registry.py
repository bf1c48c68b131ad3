"""The one answer to "which Xero connection": for a company, a document, a tenant named
in a webhook, the scheduler's list, and the app (credentials and consent) behind a
connection.

Every other module of the shell receives its connection (or app) from here, or from a
caller that got it here; none reads the settings document itself (tests/
test_one_connection_source.py). Today there is one connection, Xero Settings, and it
serves every company of the site; a connection per company (docs/design/multi-company.md,
issue 15) changes this module and the doctypes, not its callers.

A connection and an app are documents with ``doctype`` and ``name``: the functions of
connection/ write through those, never through a fixed doctype.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _

from xero_connector.constants import CONNECTED, SETTINGS
from xero_connector.exceptions import XeroNotConnected


def connections() -> list:
	"""Every connection of the site (the scheduler's and the webhook's list)."""
	return [frappe.get_cached_doc(SETTINGS)]


def for_company(company: str | None):
	"""The connection that sends ``company``'s documents, or None when it has none."""
	return frappe.get_cached_doc(SETTINGS)


def require(company: str | None):
	""":func:`for_company`, or XeroNotConnected naming the company and the fix."""
	connection = for_company(company)
	if connection is None:
		raise XeroNotConnected(
			_(
				"Company {0} has no Xero connection: open Xero Settings and connect it to its Xero organisation."
			).format(company)
		)
	return connection


def for_document(doctype: str, name: str):
	"""The connection of the company a document belongs to (None when it has none)."""
	return for_company(frappe.db.get_value(doctype, name, "company"))


def named(name: str | None):
	"""The connection a queued job names (by the name it had when queued); the default
	connection for a job queued before connections had names."""
	return default_connection()  # one connection today, whatever its name


def default_connection():
	"""The connection for work that names no company (a job queued before an upgrade)."""
	return frappe.get_cached_doc(SETTINGS)


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
	"""The Xero app (credentials, tokens, consent, webhook key) a connection belongs to."""
	return connection


def apps() -> list:
	"""Every Xero app of the site (each with its own consent and webhook key)."""
	return [app_of(c) for c in connections()]


def webhook_keys() -> dict[str, str]:
	"""``{app name: webhook key}`` for every app with a key (Xero's "intent to receive"
	check comes before any connection is enabled); decrypted on every call (never cached:
	a key changed on the form applies to the next delivery)."""
	from frappe.utils.password import get_decrypted_password

	keys = {}
	for app in apps():
		if app.name in keys:
			continue
		key = get_decrypted_password(app.doctype, app.name, "webhook_key", raise_exception=False)
		if key:
			keys[app.name] = key
	return keys


def site_settings():
	"""What is set once for the site, whatever the company (the stuck-work sweep's
	threshold, the Customer panel's page size)."""
	return frappe.get_cached_doc(SETTINGS)


def job_key(name: str) -> str:
	"""A short, stable part of a job id for a connection's name."""
	return hashlib.sha256(name.encode()).hexdigest()[:12]
