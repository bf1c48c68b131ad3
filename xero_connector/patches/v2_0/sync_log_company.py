"""Every Xero Sync Log row carries the company it is about (issue 15, increment 6;
docs/design/multi-company.md, section 2, step 7), so that User Permissions on Company
decide who sees it. Runs after settings_to_connections (patches.txt, post_model_sync).

A row about a Sales Invoice or Quotation takes the document's company, a payment pull's
row its connection's; the rest (documents deleted since) take the company of the site's
first Xero Connection, the one organisation an earlier version sent to. Only rows without
a company are touched, so a rerun completes a run cut short.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import CONNECTION, SYNC_LOG


def execute():
	for doctype in ("Sales Invoice", "Quotation", CONNECTION):
		frappe.db.sql(
			f"""update `tab{SYNC_LOG}` l join `tab{doctype}` d on d.name = l.reference_name
			set l.company = d.company
			where l.reference_doctype = %s and ifnull(l.company, '') = ''""",
			doctype,
		)
	first = frappe.get_all(CONNECTION, pluck="company", order_by="creation asc", limit=1)
	if first:
		frappe.db.sql(f"update `tab{SYNC_LOG}` set company = %s where ifnull(company, '') = ''", first[0])
	frappe.db.commit()
