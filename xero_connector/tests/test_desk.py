"""What the desk shows: the Sales Invoice's Connections, the Xero workspace and
its number cards, the callback redirect and the Xero panel data."""

import json
import unittest

import frappe
import requests

from xero_connector.constants import SYNC_LOG
from xero_connector.exceptions import PreflightFailed
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, make_invoice, sync_logs
from xero_connector.xero_connector.api import send_to_xero


class TestDesk(XeroTestCase):
	def test_sync_log_is_in_the_sales_invoice_connections(self):
		data = frappe.get_meta("Sales Invoice").get_dashboard_data()
		self.assertEqual(data.non_standard_fieldnames.get(SYNC_LOG), "reference_name")
		self.assertIn(SYNC_LOG, [i for group in data.transactions for i in group.get("items", [])])

		from frappe.desk.notifications import get_open_count

		si = self.submit_and_sync()
		counts = get_open_count("Sales Invoice", si.name)
		xero = [c for c in counts["count"]["external_links_found"] if c["doctype"] == SYNC_LOG]
		self.assertEqual(xero[0]["count"], len(frappe.get_all(SYNC_LOG, {"reference_name": si.name})))
		self.assertGreaterEqual(xero[0]["count"], 1)

	def test_workspace_and_number_cards_count_invoices_by_sync_status(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		workspace = frappe.get_doc("Workspace", "Xero")
		self.assertEqual(
			{row.number_card_name for row in workspace.number_cards},
			{"Invoices Synced to Xero", "Invoices Failed in Xero", "Invoices Queued for Xero"},
		)
		self.assertIn("Xero Connection", {row.link_to for row in workspace.shortcuts})
		card = frappe.get_doc("Number Card", "Invoices Synced to Xero")
		before = get_result(card.as_dict(), None)
		self.submit_and_sync()
		self.assertEqual(get_result(card.as_dict(), None), before + 1)

		failed = frappe.get_doc("Number Card", "Invoices Failed in Xero")
		before = get_result(failed.as_dict(), None)
		fixtures.set_values("default_account_code", None)
		try:
			with captured_jobs():
				make_invoice(items=[("XERO-UNMAPPED", 1, 1)])
		finally:
			fixtures.set_values("default_account_code", "200")
		self.assertEqual(get_result(failed.as_dict(), None), before + 1)

	def test_failed_syncs_shortcut_counts_invoices_failed_now_not_log_rows(self):
		"""A failure fixed by a successful resend no longer counts; several failed attempts
		of one invoice count once."""
		shortcut = next(s for s in frappe.get_doc("Workspace", "Xero").shortcuts if s.label == "Failed Syncs")
		self.assertEqual(shortcut.link_to, "Sales Invoice")
		filters = [f[1:4] for f in json.loads(shortcut.stats_filter)]

		def failed_now() -> int:
			return frappe.db.count("Sales Invoice", {f: (op, v) for f, op, v in filters})

		before = failed_now()
		fixtures.set_values("default_account_code", None)
		try:
			with captured_jobs():
				si = make_invoice(items=[("XERO-UNMAPPED", 1, 1)])
				with self.assertRaises(PreflightFailed):
					send_to_xero(si.name)  # a second failed attempt of the same invoice
		finally:
			fixtures.set_values("default_account_code", "200")
		self.assertEqual(len(sync_logs(si.name, status="Failed")), 2)
		self.assertEqual(failed_now(), before + 1)
		with captured_jobs() as jobs:
			send_to_xero(si.name)  # the cause fixed: the resend succeeds
			jobs.run()
		self.assertEqual(failed_now(), before)

	def test_oauth_callback_redirects_to_the_connection(self):
		from urllib.parse import parse_qs, urlsplit

		import requests

		from xero_connector.xero_connector.api import oauth_callback, start_connect

		answer = requests.get(start_connect(connection=fixtures.COMPANY), allow_redirects=False, timeout=10)
		params = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
		oauth_callback(code=params["code"], state=params["state"])
		self.assertEqual(frappe.local.response["type"], "redirect")
		# back to the company's Xero Connection where this Frappe's desk has it (/app/... on 15,
		# /desk/... on 16)
		self.assertEqual(
			frappe.local.response["location"],
			frappe.utils.get_url_to_form("Xero Connection", fixtures.COMPANY),
		)

	def test_invoice_panel_data(self):
		from xero_connector.xero_connector.api import invoice_status

		si = self.submit_and_sync()
		status = invoice_status(si.name)
		self.assertEqual(status["xero_status"], "AUTHORISED")
		self.assertTrue(status["can_send"])
		# the sandbox is in use: "Open in Xero" opens the sandbox's page at this invoice
		self.assertEqual(status["xero_link"], f"{self.sandbox.url.rstrip('/')}/#{si.xero_invoice_id}")
		page = requests.get(status["xero_link"], timeout=10)
		self.assertIn(f"id='{si.xero_invoice_id}'", page.text)
		self.assertEqual(status["logs"][0]["status"], "Success")


class TestOpenInXero(unittest.TestCase):
	def test_open_in_xero_goes_to_xero_itself_without_the_sandbox(self):
		from types import SimpleNamespace

		from xero_connector.xero_connector.connection.client import document_url

		xero = SimpleNamespace(use_sandbox=0, sandbox_url="http://127.0.0.1:8765")
		self.assertEqual(
			document_url("invoice", "abc", xero),
			"https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=abc",
		)
		self.assertEqual(
			document_url("credit_note", "abc", xero),
			"https://go.xero.com/AccountsReceivable/ViewCreditNote.aspx?creditNoteID=abc",
		)
		self.assertIsNone(document_url("invoice", None, xero))
		sandbox = SimpleNamespace(use_sandbox=1, sandbox_url="http://127.0.0.1:8765/")
		self.assertEqual(document_url("invoice", "abc", sandbox), "http://127.0.0.1:8765/#abc")
