"""Send to Xero from the Sales Invoice list (issue 17): the chosen invoices, checked here,
then pushed by one job per company in batches of 50, with a progress bar and a summary
(jobs.send_selected).

Called by public/js/sales_invoice_list.js (the list's Actions menu).
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from xero_connector.constants import CONNECTED, OP_PUSH
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.permissions import allowed_companies, require_manager

MAX_SELECTED = 1000  # invoices one Send to Xero takes (20 calls of 50)
SALES_INVOICE = "Sales Invoice"


@frappe.whitelist(methods=["POST"])
def send_selected(names) -> dict:
	"""Check each chosen invoice and queue the sendable ones, one job per company. Returns
	``{"queued": n, "not_sent": [{"name", "reason"}]}``; each refusal names its reason (a
	draft, a company without a connected Xero organisation, another company's invoice, or
	Xero's pre-flight problems, which are also logged)."""
	from xero_connector.xero_connector.events import preflight_problems
	from xero_connector.xero_connector.jobs import enqueue_selected
	from xero_connector.xero_connector.sync import ledger

	require_manager()
	names = list(dict.fromkeys(json.loads(names) if isinstance(names, str) else names))
	if len(names) > MAX_SELECTED:
		frappe.throw(_("Choose at most {0} invoices at a time.").format(MAX_SELECTED))
	allowed = allowed_companies()
	by_connection: dict[str, dict[str, str]] = {}
	not_sent = []
	for name in names:
		reason = None
		doc = frappe.get_doc(SALES_INVOICE, name) if frappe.db.exists(SALES_INVOICE, name) else None
		if doc is None:
			reason = _("not found")
		elif not doc.has_permission("read") or (allowed is not None and doc.company not in allowed):
			reason = _("not permitted")
		elif doc.docstatus != 1:
			reason = _("not submitted")
		else:
			connection = registry.for_company(doc.company)
			if connection is None or not connection.enabled or connection.connection_status != CONNECTED:
				reason = _("{0} is not connected to Xero").format(doc.company)
			else:
				problems = preflight_problems(doc.name, doc.as_dict())
				if problems:
					ledger.record_preflight(doc.name, problems)
					reason = _("Xero would reject it: {0}").format("; ".join(str(p) for p in problems))
				else:
					waiting = by_connection.setdefault(connection.name, {})
					waiting[name] = ledger.queue(name, OP_PUSH, company=doc.company)
		if reason:
			not_sent.append({"name": name, "reason": reason})
	for connection, waiting in by_connection.items():
		enqueue_selected(connection, waiting)
	return {"queued": sum(len(w) for w in by_connection.values()), "not_sent": not_sent}
