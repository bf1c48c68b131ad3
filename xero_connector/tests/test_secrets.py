"""No token or secret in any Sync Log, Error Log or response, after a run that
connects, pushes, fails and refreshes."""

import frappe

from xero_connector.constants import SYNC_LOG
from xero_connector.tests.fixtures import XeroTestCase, captured_jobs, make_invoice, token_values


class TestNoSecrets(XeroTestCase):
	def test_no_secret_in_logs_or_responses(self):
		from xero_connector.xero_connector import api

		secrets = token_values()
		with captured_jobs() as jobs:
			make_invoice()
			self.sandbox.expire_tokens()  # the job must refresh: rotation writes new tokens
			make_invoice(items=[("XERO-WIDGET", 1, 5)])
			jobs.run()
		secrets = sorted(set(secrets + token_values()))
		self.assertGreaterEqual(len(secrets), 4, "the refresh rotated the tokens")

		texts = []
		for row in frappe.get_all(
			SYNC_LOG,
			fields=["request", "response", "cause", "resolution", "xero_messages", "idempotency_key"],
		):
			texts.append(frappe.as_json(row))
		for row in frappe.get_all("Error Log", fields=["error", "method"]):
			texts.append(frappe.as_json(row))
		texts.append(
			frappe.as_json(api.invoice_status(frappe.get_all("Sales Invoice", limit=1, pluck="name")[0]))
		)
		for doctype in ("Xero App", "Xero Connection"):
			for name in frappe.get_all(doctype, pluck="name"):
				texts.append(frappe.as_json(frappe.get_doc(doctype, name).as_dict()))
				texts.append(frappe.as_json(frappe.db.get_value(doctype, name, "*", as_dict=True)))
		blob = "\n".join(texts)
		leaked = [s[:6] + "…" for s in secrets if s in blob]
		self.assertEqual(leaked, [])


class TestSiteKey(XeroTestCase):
	def test_a_request_whose_config_has_no_key_takes_the_sites_own(self):
		"""A web process that read the site config before the key was made must not make
		a second key (which would leave the client secret unreadable)."""
		from frappe.utils.password import get_encryption_key

		from xero_connector.xero_connector.connection.encryption import adopt_site_key

		key = get_encryption_key()
		conf = frappe.local.conf
		try:
			frappe.local.conf = frappe._dict({k: v for k, v in conf.items() if k != "encryption_key"})
			adopt_site_key()
			self.assertEqual(get_encryption_key(), key)
		finally:
			frappe.local.conf = conf
		self.assertEqual(frappe.get_site_config().get("encryption_key"), key)
