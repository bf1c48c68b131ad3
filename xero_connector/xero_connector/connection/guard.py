"""Organisation guard, Frappe side: where the remembered organisation is stored
(the Xero Connection's ``synced_*`` fields), the per-tenant cache of the connected one
(``connected_*`` fields), the banner text (``organisation_mismatch``) and the
Confirm Organisation Switch action. The comparison itself is the core's
(:mod:`xero_connector.engine.guard`).

Called by jobs.run_engine (before every engine run), api.fetch_reference (on
connect and Fetch from Xero), tasks.check_connection (hourly), the Xero Settings
and Sales Invoice forms (banner) and the Confirm button.
"""

from __future__ import annotations

import frappe
from frappe import _

from xero_connector.engine.guard import (
	GuardResult,
	OrganisationChanged,
	OrganisationIdentity,
	check_organisation,
	mismatch_message,
)
from xero_connector.exceptions import XeroConnectorError
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.settings_state import write_state
from xero_connector.xero_connector.permissions import require_manager

SYNCED = ("synced_organisation_id", "synced_organisation_name", "synced_base_currency", "synced_tenant_id")
CONNECTED = (
	"connected_organisation_id",
	"connected_organisation_name",
	"connected_base_currency",
	"connected_organisation_tenant",
)


class OrganisationMismatch(XeroConnectorError):
	"""The core's OrganisationChanged as this app's typed error (a Failed Sync Log row
	with its cause and resolution, no Error Log entry)."""

	def __init__(self, changed: OrganisationChanged):
		self.kind = changed.kind
		self.cause = changed.cause
		self.resolution = changed.resolution
		self.messages = list(changed.messages)
		self.expected = changed.expected
		self.current = changed.current
		super().__init__(changed.cause)


def _identity(values: dict, fields: tuple[str, ...]) -> OrganisationIdentity | None:
	organisation_id, name, currency, tenant = (values.get(f) for f in fields)
	if not organisation_id:
		return None
	return OrganisationIdentity(organisation_id, name or None, currency or None, tenant or None)


def _values(identity: OrganisationIdentity, fields: tuple[str, ...]) -> dict:
	return dict(
		zip(
			fields,
			(identity.organisation_id, identity.name, identity.base_currency, identity.tenant_id),
			strict=True,
		)
	)


def _settings_values(connection) -> dict:
	"""What the connection holds now (read from the database: a job may have changed it)."""
	fields = ["tenant_id", "organisation_mismatch", *SYNCED, *CONNECTED]
	return frappe.db.get_value(connection.doctype, connection.name, fields, as_dict=True) or {}


def remembered(connection) -> OrganisationIdentity | None:
	"""The organisation this connection synced with (None before the first connection)."""
	return _identity(_settings_values(connection), SYNCED)


def connected(connection) -> OrganisationIdentity | None:
	"""The cached identity of the connected organisation (for the tenant it was read for)."""
	return _identity(_settings_values(connection), CONNECTED)


def check(connection, port, *, refresh: bool = False) -> GuardResult:
	"""Compare the port's organisation with the remembered one, store what was learnt
	(the first organisation is remembered; the cache and the banner text are updated)
	and return the result. ``refresh`` forces ``GET /Organisation`` (connect, health check)."""
	values = _settings_values(connection)
	expected = _identity(values, SYNCED)
	known = None if refresh else _identity(values, CONNECTED)
	result = check_organisation(expected, port.tenant_id, port.get_organisation, known)
	_store(connection, result, values)
	return result


def observed(connection, organisation: dict, tenant_id: str) -> GuardResult:
	"""``GET /Organisation`` was just read (api.fetch_reference on connect): cache it,
	remember it if nothing was, and update the banner."""
	values = _settings_values(connection)
	current = OrganisationIdentity.from_organisation(organisation, tenant_id)
	result = check_organisation(_identity(values, SYNCED), tenant_id, lambda: organisation, known=current)
	_store(connection, result, values)
	return result


def _store(connection, result: GuardResult, values: dict) -> None:
	updates = {}
	if result.current is not None:
		updates.update(_values(result.current, CONNECTED))
	if result.remember and result.current is not None:
		updates.update(_values(result.current, SYNCED))
	updates["organisation_mismatch"] = str(result.error) if result.error else None
	changed = {k: v for k, v in updates.items() if (values.get(k) or None) != (v or None)}
	if changed:
		write_state(connection, changed)


def ensure_same_organisation(connection, port) -> None:
	"""Raise :class:`OrganisationMismatch` (its message is the banner's) unless the
	port still points at the remembered organisation. Called by jobs.run_engine."""
	result = check(connection, port)
	if result.error is not None:
		frappe.db.commit()  # the banner must survive the job's rollback
		raise OrganisationMismatch(result.error)


def mismatch_banner(connection) -> str | None:
	"""The banner text for the forms (None when all is well)."""
	return _settings_values(connection).get("organisation_mismatch") or None


@frappe.whitelist(methods=["POST"])
def confirm_organisation_switch(connection: str | None = None) -> dict:
	"""Confirm Organisation Switch button (Xero Manager): the connected organisation
	becomes the one this connection syncs with."""
	require_manager()
	connection = registry.named(connection)
	if connection is None:
		frappe.throw(_("No Xero Connection is set up yet."))
	connection.check_permission("write")
	values = _settings_values(connection)
	current = _identity(values, CONNECTED)
	if current is None:
		frappe.throw(_("No connected organisation is known yet: click Fetch from Xero first."))
	if (values.get("tenant_id") or "").lower() != (current.tenant_id or ""):
		frappe.throw(_("The connection changed since it was last checked: click Fetch from Xero first."))
	write_state(connection, {**_values(current, SYNCED), "organisation_mismatch": None})
	return {"organisation_id": current.organisation_id, "organisation_name": current.name}


@frappe.whitelist()
def organisation_status(company: str | None = None) -> dict:
	"""The banner on Xero Settings and the Sales Invoice form (of ``company``): for those
	who may read Sales Invoices (it names the Xero organisations)."""
	frappe.has_permission("Sales Invoice", "read", throw=True)
	connection = registry.for_company(company)
	return {"mismatch": mismatch_banner(connection) if connection else None}


__all__ = [
	"OrganisationChanged",
	"OrganisationMismatch",
	"check",
	"confirm_organisation_switch",
	"ensure_same_organisation",
	"mismatch_banner",
	"mismatch_message",
	"observed",
]


def refresh_from_xero(connection) -> GuardResult | None:
	"""Hourly health check (tasks.check_connection): re-read ``GET /Organisation`` so the
	banner appears even when nothing is being sent. Xero being unreachable is not an error here."""
	from xero_connector.xero import XeroError
	from xero_connector.xero_connector.connection.client import xero_client, xero_port

	try:
		result = check(connection, xero_port(xero_client(connection)), refresh=True)
	except (XeroError, XeroConnectorError):
		return None
	frappe.db.commit()
	return result
