"""Issue 17: the invoice's PDF in Xero and the link to Xero's online invoice.

With "Attach the Invoice's PDF in Xero" on, a submitted invoice's print (its Print Format)
is attached to its Xero invoice after the push, once per version Xero accepted, as
``{name}.pdf`` (shown on the online invoice when chosen); a print that cannot be made is a
Failed row with the print format and the fix, and the invoice stays Synced. The form's
Online Invoice Link reads Xero's link once and keeps it.

The PDF tests need Frappe's PDF renderer (wkhtmltopdf on the server): they are skipped,
saying so, where it is missing."""

import base64
import os
import shutil
import threading
import unittest
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, make_invoice, sync_logs
from xero_connector.xero_connector.features import invoice_pdf

HAS_PDF_RENDERER = bool(shutil.which("wkhtmltopdf"))
NO_RENDERER = "Frappe's PDF renderer (wkhtmltopdf) is not installed on this server"
BROKEN_FORMAT = "Xero Test Broken Print"


class AssetsOnly(SimpleHTTPRequestHandler):
	"""The bench's /assets (the print's style sheets and images), nothing else of ``sites``."""

	def do_GET(self):
		if not self.path.startswith("/assets/"):
			self.send_error(404)
			return
		super().do_GET()

	def log_message(self, *args):
		pass


class TestInvoicePdf(XeroTestCase):
	"""Frappe's renderer fetches the print's assets from the site's own web server
	(``host_name``), which `bench run-tests` does not start: the tests serve the bench's
	/assets for it, as the site's web server would."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		sites = os.path.abspath(frappe.utils.get_site_path(".."))
		cls.web = ThreadingHTTPServer(("127.0.0.1", 0), partial(AssetsOnly, directory=sites))
		threading.Thread(target=cls.web.serve_forever, daemon=True).start()
		cls.host_name = frappe.local.conf.get("host_name")
		frappe.local.conf.host_name = f"http://127.0.0.1:{cls.web.server_port}"

	@classmethod
	def tearDownClass(cls):
		frappe.local.conf.host_name = cls.host_name
		cls.web.shutdown()
		cls.web.server_close()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		fixtures.set_defaults(attach_pdf=1, pdf_include_online=1, pdf_print_format=None)
		frappe.db.commit()

	def tearDown(self):
		fixtures.set_defaults(attach_pdf=0, pdf_include_online=0, pdf_print_format=None)
		frappe.db.commit()

	def attachments(self, invoice_id: str) -> list[dict]:
		org = self.sandbox.organisation()
		with self.sandbox.organisation_lock(self.sandbox.tenant_id):
			return [dict(a) for a in org.attachments.get(invoice_id, [])]

	@unittest.skipUnless(HAS_PDF_RENDERER, NO_RENDERER)
	def test_the_invoices_print_is_attached_once_per_version_and_shown_online(self):
		si = self.submit_and_sync()
		self.assertEqual(si.xero_sync_status, "Synced")
		rows = sync_logs(si.name, operation="attach")
		self.assertEqual([r.status for r in rows], ["Success"], [(r.cause, r.xero_messages) for r in rows])
		(stored,) = self.attachments(si.xero_invoice_id)
		self.assertEqual(stored["FileName"], f"{si.name}.pdf")
		self.assertEqual(stored["MimeType"], "application/pdf")
		self.assertTrue(stored["IncludeOnline"])
		content = base64.b64decode(stored["_content"])
		self.assertTrue(content.startswith(b"%PDF"), content[:20])
		self.assertEqual(stored["ContentLength"], len(content))
		(row,) = sync_logs(si.name, operation="attach")
		self.assertEqual(row.status, "Success")
		self.assertIn(f"{si.name}.pdf", row.xero_messages)
		self.assertEqual(row.xero_id, si.xero_invoice_id)
		self.assertEqual(row.company, si.company)

		# the same version sent again (Resend): Xero already has it, no second PDF
		with captured_jobs() as jobs:
			frappe.get_attr("xero_connector.xero_connector.jobs.enqueue_sync")(si.name, "push")
			jobs.run()
		self.assertEqual(len(sync_logs(si.name, operation="attach")), 1)
		self.assertEqual(len(self.attachments(si.xero_invoice_id)), 1)

	@unittest.skipUnless(HAS_PDF_RENDERER, NO_RENDERER)
	def test_a_print_that_cannot_be_made_is_a_failed_row_with_the_fix_and_the_invoice_stays_synced(self):
		if not frappe.db.exists("Print Format", BROKEN_FORMAT):
			frappe.get_doc(
				{
					"doctype": "Print Format",
					"name": BROKEN_FORMAT,
					"doc_type": "Sales Invoice",
					"module": "Accounts",
					"custom_format": 1,
					"print_format_type": "Jinja",
					"standard": "No",
					"html": "{{ doc.no_such_method_here() }}",
				}
			).insert(ignore_permissions=True)
		fixtures.set_defaults(pdf_print_format=BROKEN_FORMAT)
		frappe.db.commit()
		si = self.submit_and_sync()
		self.assertEqual(si.xero_sync_status, "Synced", "the invoice itself is in Xero")
		(row,) = sync_logs(si.name, operation="attach")
		self.assertEqual(row.status, "Failed")
		self.assertIn(BROKEN_FORMAT, row.cause)
		self.assertIn("Print view", row.resolution)
		self.assertNotIn("Traceback", row.cause + (row.xero_messages or ""))
		self.assertEqual(self.attachments(si.xero_invoice_id), [])
		# fixed (the default print format), the row's Resend attaches it
		fixtures.set_defaults(pdf_print_format=None)
		frappe.db.commit()
		from xero_connector.xero_connector.jobs import resend_logs

		with captured_jobs() as jobs:
			resend_logs([row.name])
			jobs.run()
		rows = sync_logs(si.name, operation="attach")
		self.assertEqual([r.status for r in rows], ["Failed", "Success"], [r.cause for r in rows])
		self.assertEqual(len(self.attachments(si.xero_invoice_id)), 1)

	def test_nothing_is_attached_when_the_setting_is_off_or_xero_did_not_grant_attachments(self):
		fixtures.set_defaults(attach_pdf=0)
		frappe.db.commit()
		si = self.submit_and_sync()
		self.assertEqual(sync_logs(si.name, operation="attach"), [])
		self.assertEqual(self.attachments(si.xero_invoice_id), [])

		# a consent from before PDFs were attached: a Failed row saying to reconnect, no call
		fixtures.set_defaults(attach_pdf=1)
		app = fixtures.app_doc()
		granted = frappe.db.get_value("Xero App", app.name, "granted_scope")
		frappe.db.set_value(
			"Xero App", app.name, "granted_scope", "openid offline_access accounting.invoices"
		)
		frappe.db.commit()
		try:
			si = self.submit_and_sync()
		finally:
			frappe.db.set_value("Xero App", app.name, "granted_scope", granted)
			frappe.db.commit()
		(row,) = sync_logs(si.name, operation="attach")
		self.assertEqual(row.status, "Failed")
		self.assertIn("accounting.attachments", row.cause)
		self.assertIn("Reconnect", row.resolution)
		self.assertEqual(self.attachments(si.xero_invoice_id), [])

	def test_the_online_invoice_link_is_read_from_xero_once_and_kept(self):
		fixtures.set_defaults(attach_pdf=0)
		frappe.db.commit()
		si = self.submit_and_sync()
		url = invoice_pdf.online_invoice_link(si.name)["url"]
		self.assertTrue(url.startswith("https://in.xero.com/"), url)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "xero_online_invoice_url"), url)
		self.sandbox.reset_stats()
		self.assertEqual(invoice_pdf.online_invoice_link(si.name)["url"], url)
		self.assertEqual(self.sandbox.stats["totals"].get("calls", 0), 0, "kept, not read again")

		# a draft in Xero has no online invoice: said plainly, before any call
		draft = make_invoice(submit=False)
		frappe.db.set_value(
			"Sales Invoice",
			draft.name,
			{"xero_invoice_id": si.xero_invoice_id, "xero_document_type": "Invoice", "xero_status": "DRAFT"},
		)
		with self.assertRaises(frappe.ValidationError) as refused:
			invoice_pdf.online_invoice_link(draft.name)
		self.assertIn("approve it in Xero first", str(refused.exception))
