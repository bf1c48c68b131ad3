"""The one writer of what the app itself keeps on a Xero Connection and its Xero App:
tokens' metadata and the consent (app), the organisation, watermarks, the API budget and
the last pull (connection).

Jobs write these while an administrator may have the form open. They are written
without touching the document's ``modified`` (so saving the open form is never
refused as "modified after you opened it"), and the form never writes them back
(XeroSettings.keep_app_values restores them from the database on save).
Called by the client, the token store, the host, jobs, the scheduler and the
connect flow."""

from __future__ import annotations

import frappe

from xero_connector.constants import CONNECTED, CONNECTION, NEEDS_REAUTH, NOT_CONNECTED


def write_state(connection, values: dict) -> None:
	"""Write ``values`` to the connection (a document, or ``(doctype, name)``)."""
	doctype, name = _key(connection)
	frappe.db.set_value(doctype, name, values, update_modified=False)
	frappe.clear_document_cache(doctype, name)


def write_app_state(app, values: dict) -> None:
	"""Write ``values`` to the Xero app (tokens' metadata, consent, app-wide budget)."""
	write_state(app, values)


def set_connections_status(app, status: str) -> None:
	"""The app's consent changed (authorised again, or refused by Xero): each of its
	connections that has an organisation follows (Connected or Needs Reauthorisation)."""
	_doctype, name = _key(app)
	for connection in frappe.get_all(
		CONNECTION,
		filters={"xero_app": name, "tenant_id": ("is", "set")},
		fields=["name", "connection_status"],
	):
		target = NEEDS_REAUTH if status == NEEDS_REAUTH else CONNECTED
		if connection.connection_status != target:
			write_state((CONNECTION, connection.name), {"connection_status": target})


def _key(document) -> tuple[str, str]:
	if isinstance(document, tuple | list):
		return document[0], document[1]
	return document.doctype, document.name


def forget_connection(connection) -> None:
	"""What Disconnect leaves on a connection: no organisation, Not Connected (the app's
	tokens are cleared by the token store)."""
	write_state(
		connection,
		{
			"connection_status": NOT_CONNECTED,
			"tenant_id": None,
			"organisation_name": None,
			"xero_connection_id": None,
		},
	)


def forget_consent(app) -> None:
	"""What disconnecting a Xero App leaves: no granted organisations, Not Connected."""
	write_app_state(
		app, {"connection_status": NOT_CONNECTED, "granted_tenants": None, "reauth_message": None}
	)


def app_owned_fields(meta) -> list[str]:
	"""Fields of a Xero App or Xero Connection the form shows but never writes: read-only
	or hidden data fields, except the URLs the controller computes on every load."""
	computed = {"redirect_uri", "webhook_url"}
	return [
		df.fieldname
		for df in meta.fields
		if (df.read_only or df.hidden)
		and df.fieldtype not in frappe.model.no_value_fields
		and df.fieldtype not in ("Password", "Table")
		and df.fieldname not in computed
	]
