"""Payload preview in the desk: the Xero JSON a Sales Invoice would be sent as now
(current mappings, the core's mapping) and, for a resend, the field-level diff
against the request of its last successful push/update in the Xero Sync Log.

Called by sales_invoice.js (the "Xero payload" button: anyone who may read the
invoice, e.g. Accounts User) and xero_sync_log.js (the same view for the row's
document, diffed against that row's request). Nothing here calls Xero unless
Xero's reference data was never fetched (then the engine reads it once).
"""

from __future__ import annotations

import json
from dataclasses import replace

import frappe
from frappe import _

from xero_connector.constants import STATUS_SUCCESS, SYNC_LOG
from xero_connector.engine.preview import build_preview
from xero_connector.exceptions import shows_xero_errors

SALES_INVOICE = "Sales Invoice"
SENT_OPERATIONS = ("push", "update")


def last_successful_request(name: str) -> tuple[dict | None, str | None]:
	"""The request body of the newest successful push/update of this invoice, and its row."""
	rows = frappe.get_all(
		SYNC_LOG,
		filters={
			"reference_doctype": SALES_INVOICE,
			"reference_name": name,
			"status": STATUS_SUCCESS,
			"operation": ("in", SENT_OPERATIONS),
			"request": ("is", "set"),
		},
		fields=["name", "request"],
		order_by="creation desc",
		limit=1,
	)
	if not rows:
		return None, None
	return _parsed(rows[0].request), rows[0].name


def _parsed(text: str | None) -> dict | None:
	try:
		value = json.loads(text or "")
	except ValueError:
		return None
	return value if isinstance(value, dict) else None


def preview_for(name: str, last_request: dict | None, last_sync: str | None) -> dict:
	"""The preview of one Sales Invoice as plain JSON for the desk."""
	from xero_connector.xero_connector.sync.host import FrappeHost, as_plain_dict

	doc = as_plain_dict(frappe.get_doc(SALES_INVOICE, name))
	host = FrappeHost.for_company(doc.get("company"), commit=False)
	ctx = host.mapping_context(doc)
	if ctx.xero is None:
		ctx = replace(ctx, xero=_read_reference(host))
	preview = build_preview(
		doc,
		ctx,
		host.get_state(name),
		host.get_contact_id(doc.get("customer")) if doc.get("customer") else None,
		last_request,
		last_sync,
	)
	out = preview.to_dict()
	out["html"] = render(out)
	return out


def render(preview: dict) -> str:
	"""The dialog's HTML (every value escaped): problems, what changed, the payload."""
	from frappe.utils import escape_html as esc

	parts = []
	if preview["problems"]:
		items = "".join(f"<li>{esc(p)}</li>" for p in preview["problems"])
		parts.append(
			f"<p class='text-danger'>{esc(_('Xero would not accept this invoice:'))}</p><ul>{items}</ul>"
		)
		return "".join(parts)
	head = _("{0} {1} ({2})").format(
		preview["method"], preview["endpoint"], _("update") if preview["method"] == "POST" else _("create")
	)
	parts.append(f"<p><b>{esc(head)}</b></p>")
	if not preview["contact_resolved"]:
		parts.append(
			f"<p class='text-muted'>{esc(_('The Xero contact is looked up (or created) when it is sent.'))}</p>"
		)
	changes = preview["changes"]
	if changes is None:
		parts.append(f"<p>{esc(_('Never sent to Xero successfully: everything below is new.'))}</p>")
	elif preview["unchanged"]:
		parts.append(
			f"<p>{esc(_('Nothing changed since the last successful sync: a resend sends nothing.'))}</p>"
		)
	else:
		rows = "".join(
			f"<tr><td><code>{esc(c['path'])}</code></td><td>{esc(_(c['change']))}</td>"
			f"<td>{esc(_json(c['old']))}</td><td>{esc(_json(c['new']))}</td></tr>"
			for c in changes
		)
		title = _("Changed since the last successful sync ({0})").format(preview["last_sync"] or "")
		parts.append(
			f"<p><b>{esc(title)}</b></p><table class='table table-bordered table-condensed'>"
			f"<tr><th>{esc(_('Field'))}</th><th></th><th>{esc(_('Sent'))}</th><th>{esc(_('Now'))}</th></tr>"
			f"{rows}</table>"
		)
	parts.append(f"<pre style='max-height:60vh;overflow:auto'>{esc(preview['payload_json'])}</pre>")
	return "".join(parts)


def _json(value) -> str:
	return "" if value is None else value if isinstance(value, str) else json.dumps(value)


def _read_reference(host):
	from xero_connector.xero_connector.connection.sync_session import open_engine

	with open_engine(host, "preview") as (engine, _client):
		return engine.reference()


@frappe.whitelist()
@shows_xero_errors
def invoice_payload(name: str) -> dict:
	"""The Sales Invoice's "Xero payload" button: the payload and what changed since the
	last successful sync (``changes`` None when it was never sent)."""
	doc = frappe.get_doc(SALES_INVOICE, name)
	doc.check_permission("read")
	last_request, last_sync = last_successful_request(name)
	return preview_for(name, last_request, last_sync)


@frappe.whitelist()
@shows_xero_errors
def sync_log_payload(log: str) -> dict:
	"""The Xero Sync Log form: what the row's document would send now, diffed against the
	request this row recorded (or, when it has none, the last successful one)."""
	row = frappe.get_doc(SYNC_LOG, log)
	row.check_permission("read")
	if row.reference_doctype != SALES_INVOICE or not frappe.db.exists(SALES_INVOICE, row.reference_name):
		frappe.throw(_("This log row is not about a Sales Invoice that still exists."))
	frappe.get_doc(SALES_INVOICE, row.reference_name).check_permission("read")
	request = _parsed(row.request)
	if request is not None:
		return preview_for(row.reference_name, request, row.name)
	last_request, last_sync = last_successful_request(row.reference_name)
	return preview_for(row.reference_name, last_request, last_sync)
