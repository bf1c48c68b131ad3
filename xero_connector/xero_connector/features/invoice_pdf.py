"""The invoice's PDF in Xero, and the link to Xero's online invoice (issue 17).

With the connection's "Attach the Invoice's PDF in Xero" on, each time Xero accepts a new
version of a Sales Invoice (created or changed: a new payload hash), the invoice's print
in the chosen Print Format is attached to the Xero invoice as ``{name}.pdf``. Xero
replaces an attachment of the same file name, so the invoice keeps one PDF, the newest
(developer.xero.com/documentation/api/accounting/attachments: "If you upload a file with
the same name as an existing attachment, the existing one is replaced"); with "Show the
PDF on Xero's Online Invoice" it is ``IncludeOnline`` and the customer sees it there.

Each attachment is a Sync Log row of its own (operation "attach"), so a PDF that ERPNext
could not make, or that Xero refused, is explained and resent like any other row; the
invoice's own sync status is not changed by it (the invoice is in Xero either way).

Who calls: ``FrappeHost.save_state`` (:func:`is_new_version`: it notes the invoice, and
``jobs.run_engine`` queues its PDF after the job), the RQ worker through
``jobs.sync_invoice`` (:func:`attach`), and the Sales Invoice form's "Online Invoice Link"
(:func:`online_invoice_link`, whitelisted). The backfill attaches no PDFs: a PDF costs a
call per invoice, where the backfill sends 50 invoices a call.
"""

from __future__ import annotations

import hashlib

import frappe
from frappe import _

from xero_connector.constants import OP_ATTACH, STATUS_FAILED, STATUS_SKIPPED, STATUS_SUCCESS
from xero_connector.engine.host import LogEntry
from xero_connector.xero_connector.connection import registry

SALES_INVOICE = "Sales Invoice"
ATTACHABLE = ("DRAFT", "SUBMITTED", "AUTHORISED", "PAID")  # not VOIDED or DELETED
ONLINE = ("SUBMITTED", "AUTHORISED", "PAID")  # Xero has no online invoice for a draft
ATTACHMENTS_SCOPE = "accounting.attachments"


def is_new_version(connection, before, after) -> bool:
	"""Whether the invoice's PDF should go to Xero now: its connection attaches PDFs and Xero
	has just accepted a new version of the invoice (``after``'s payload hash differs from
	``before``'s). Asked by FrappeHost.save_state; jobs.run_engine queues the PDFs."""
	if not connection.get("attach_pdf") or after is None or after.kind != "invoice":
		return False
	if not after.xero_id or after.outcome_unknown or after.xero_status not in ATTACHABLE:
		return False
	return bool(after.payload_hash) and (before is None or before.payload_hash != after.payload_hash)


def attach(host, port, name: str) -> dict:
	"""Render ``name``'s print as PDF and attach it to its Xero invoice; one Sync Log row
	with what happened. Runs in the job (jobs.sync_invoice, operation "attach") inside the
	one door (sync_session.open_client), holding the invoice's document lock."""
	connection = host.connection
	doc = frappe.get_doc(SALES_INVOICE, name)
	state = host.get_state(name)
	if not connection.get("attach_pdf"):
		return _log(
			host, name, STATUS_SKIPPED, _("PDF attachments are off for {0}.").format(connection.company)
		)
	if state is None or state.kind != "invoice" or not state.xero_id:
		return _log(host, name, STATUS_SKIPPED, _("{0} is not in Xero (yet): no PDF to attach.").format(name))
	if state.xero_status not in ATTACHABLE:
		return _log(
			host,
			name,
			STATUS_SKIPPED,
			_("The Xero invoice of {0} is {1}: no PDF is attached to it.").format(name, state.xero_status),
		)
	if not _attachments_granted(connection):
		return _log(
			host,
			name,
			STATUS_FAILED,
			_(
				"Xero has not granted this connection the right to attach files (scope {0}): it was"
				" authorised before the invoice's PDF was attached."
			).format(ATTACHMENTS_SCOPE),
			resolution=_(
				"Click Reconnect on the Xero Connection of {0} and allow access again, then resend this row."
			).format(connection.company),
			xero_id=state.xero_id,
		)
	print_format = connection.get("pdf_print_format") or None
	try:
		content = render(doc, print_format)
	except Exception as exc:
		frappe.clear_last_message()
		return _log(
			host,
			name,
			STATUS_FAILED,
			_("ERPNext could not make the PDF of {0} with Print Format {1}: {2}").format(
				name, print_format or _("(the default)"), _plain(exc)
			),
			resolution=_(
				"Open the invoice's Print view with that Print Format and fix what fails there (or choose"
				" another Print Format on the Xero Connection); the server needs wkhtmltopdf (or Frappe's"
				" Chrome PDF generator) to make PDFs. Then resend this row."
			),
			xero_id=state.xero_id,
		)
	file_name = f"{name}.pdf"
	digest = hashlib.sha256(content).hexdigest()
	key = f"{host.site_id}:{name}:pdf:{(state.payload_hash or '')[:16]}:{digest[:16]}"[:128]
	stored = port.attach_pdf(
		state.xero_id, file_name, content, key, bool(connection.get("pdf_include_online"))
	)
	return _log(
		host,
		name,
		STATUS_SUCCESS,
		_("{0} ({1} bytes) attached to Xero invoice {2}{3}.").format(
			file_name,
			stored.get("ContentLength") or len(content),
			state.xero_number or name,
			_(", shown on the online invoice") if stored.get("IncludeOnline") else "",
		),
		xero_id=state.xero_id,
		key=key,
	)


def _attachments_granted(connection) -> bool:
	"""Whether the consent behind ``connection`` granted the attachments scope (Xero answers 403
	without it); an app whose granted scopes were never recorded is given the benefit."""
	from xero_connector.constants import APP

	granted = frappe.db.get_value(APP, connection.xero_app, "granted_scope") or ""
	return not granted or ATTACHMENTS_SCOPE in granted.split()


def render(doc, print_format: str | None) -> bytes:
	"""The Sales Invoice's print as PDF bytes (Frappe's own renderer)."""
	content = frappe.get_print(SALES_INVOICE, doc.name, print_format, doc=doc, as_pdf=True)
	if not content or not bytes(content[:5]).startswith(b"%PDF"):
		raise ValueError(_("the print did not come out as a PDF"))
	return bytes(content)


def _plain(exc: Exception) -> str:
	"""An exception as one line a user can read (no traceback, no HTML)."""
	text = frappe.utils.strip_html(str(exc) or type(exc).__name__)
	return " ".join(text.split())[:300]


def _log(host, name, status, message, resolution=None, xero_id=None, key=None) -> dict:
	host.write_log(
		LogEntry(
			reference_doctype=SALES_INVOICE,
			reference_name=name,
			operation=OP_ATTACH,
			status=status,
			attempt=host.count_attempts(name, OP_ATTACH) + 1,
			idempotency_key=key,
			xero_ids=[xero_id] if xero_id else [],
			messages=[message],
			cause=message if status == STATUS_FAILED else None,
			resolution=resolution,
		)
	)
	return {"status": status, "message": message}


@frappe.whitelist(methods=["POST"])
def online_invoice_link(name: str) -> dict:
	"""The Sales Invoice form's "Online Invoice": Xero's link to the invoice's online page,
	which the customer opens without a Xero login, for sharing. Read from Xero once and kept
	on the invoice (``xero_online_invoice_url``). Anyone who may read the invoice."""
	from xero_connector.xero_connector.connection.sync_session import open_client
	from xero_connector.xero_connector.permissions import require_company

	doc = frappe.get_doc(SALES_INVOICE, name)
	doc.check_permission("read")
	require_company(doc.company)
	if doc.get("xero_online_invoice_url"):
		return {"url": doc.xero_online_invoice_url}
	if not doc.get("xero_invoice_id") or doc.get("xero_document_type") != "Invoice":
		frappe.throw(_("{0} is not in Xero yet: send it first.").format(frappe.bold(name)))
	if doc.get("xero_status") not in ONLINE:
		frappe.throw(
			_("Xero has no online invoice for {0} while it is {1}: approve it in Xero first.").format(
				frappe.bold(name), doc.get("xero_status") or _("not sent")
			)
		)
	connection = registry.for_company(doc.company)
	if connection is None:
		frappe.throw(_("Company {0} has no Xero Connection.").format(frappe.bold(doc.company)))
	from xero_connector.xero import XeroError

	try:
		with open_client(connection, "online_invoice") as client:
			url = client.online_invoice_url(doc.xero_invoice_id)
	except XeroError as exc:
		from xero_connector.exceptions import describe

		described = describe(exc)
		frappe.throw(
			" ".join(filter(None, [described.cause, described.resolution, *described.messages[:2]])),
			title=_("Xero did not give the online invoice"),
		)
	frappe.db.set_value(SALES_INVOICE, name, "xero_online_invoice_url", url, update_modified=False)
	return {"url": url}
