"""The upgrade from one Xero Settings for the whole site to a Xero App and a company's
Xero Connection (patches/v2_0/settings_to_connections.py, issue 15): a site connected
before the upgrade keeps its connection, its tokens (moved, never decrypted), its
defaults, its bank rows and its history, and sends the next invoice without anyone
connecting again."""

import contextlib
import io
import json

import frappe
from frappe.utils.password import get_decrypted_password, set_encrypted_password

from xero_connector.constants import APP, CONNECTION, SETTINGS, SYNC_LOG
from xero_connector.patches.v2_0 import reference_per_company
from xero_connector.patches.v2_0 import settings_to_connections as patch
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, token_store


class TestUpgradePatch(XeroTestCase):
	def setUp(self):
		super().setUp()
		self.invoice = self.submit_and_sync()  # the company's invoices are in Xero
		tokens = token_store().load()  # as they are now (a push may have rotated them)
		self.secrets = {
			"client_secret": self.sandbox.client_secret,
			"webhook_key": "old-webhook-key-" + frappe.generate_hash(length=12),
			"access_token": tokens.access_token,
			"refresh_token": tokens.refresh_token,
		}
		self.old = {
			"enabled": "1",
			"client_id": self.sandbox.client_id,
			"scope_mode": "Broad",
			"use_sandbox": "1",
			"sandbox_url": self.sandbox.url,
			"sandbox_time_scale": "60",
			"connection_status": "Connected",
			"tenant_id": self.sandbox.tenant_id,
			"organisation_name": "Demo Company (NZ)",
			"base_currency": "NZD",
			"granted_tenants": json.dumps(
				[{"tenantId": self.sandbox.tenant_id, "tenantName": "Demo Company (NZ)", "id": "conn-1"}]
			),
			"token_expires_at": str(tokens.expires_at),
			"granted_scope": tokens.scope,
			"default_account_code": "200",
			"default_tax_type": "OUTPUT2",
			"billing_code_field": "xero_account_number",
			"sync_trigger": "On Submit",
			"payment_pull_interval": "20",
			"requeue_after_minutes": "45",
			"customer_invoice_count": "7",
		}
		self.make_old_site()

	def tearDown(self):
		# back to the test app and connection every other test uses
		reference_per_company.execute()  # Xero rows and mappings left without a company
		fixtures.configure_settings(self.sandbox)
		fixtures.connect(self.sandbox)
		fixtures.set_defaults(default_account_code="200", default_tax_type="OUTPUT2")
		if frappe.db.exists(APP, patch.APP_NAME):
			frappe.delete_doc(APP, patch.APP_NAME, ignore_permissions=True, force=True)
		frappe.db.commit()

	def make_old_site(self):
		"""The state an earlier version left: Xero Settings' values in tabSingles, its
		secrets in __Auth, a pull's row naming Xero Settings, bank rows under it."""
		frappe.delete_doc(CONNECTION, fixtures.COMPANY, ignore_permissions=True, force=True)
		if frappe.db.exists(APP, patch.APP_NAME):
			frappe.delete_doc(APP, patch.APP_NAME, ignore_permissions=True, force=True)
		frappe.db.sql("delete from `tabSingles` where doctype=%s", SETTINGS)
		for field, value in self.old.items():
			frappe.db.sql(
				"insert into `tabSingles` (doctype, field, value) values (%s, %s, %s)",
				(SETTINGS, field, value),
			)
		for field, value in self.secrets.items():
			set_encrypted_password(SETTINGS, SETTINGS, value, field)
		self.pull_row = frappe.get_doc(
			{
				"doctype": SYNC_LOG,
				"reference_doctype": SETTINGS,
				"reference_name": SETTINGS,
				"operation": "pull",
				"status": "Success",
				"attempt": 1,
			}
		).insert(ignore_permissions=True)
		frappe.db.sql(
			"""insert into `tabXero Bank Account Mapping` (name, parent, parenttype, parentfield, idx,
			account, xero_account_code) values (%s, %s, %s, 'xero_bank_accounts', 1, %s, '090')""",
			("upgrade-bank-row", SETTINGS, SETTINGS, f"Cash - {fixtures.ABBR}"),
		)
		# Xero's accounts and tax rates and the mappings as the earlier version kept them: named
		# by Xero's code, of no company
		suffix = f" - {fixtures.ABBR}"
		for doctype, column in reference_per_company.CODE_COLUMN.items():
			frappe.db.sql(
				f"update `tab{doctype}` set name = `{column}`, company = null where company = %s",
				fixtures.COMPANY,
			)
		for doctype, field, _xero in reference_per_company.MAPPING_LINKS:
			frappe.db.sql(
				f"""update `tab{doctype}` set company = null, `{field}` = left(`{field}`, char_length(`{field}`) - %s)
				where company = %s""",
				(len(suffix), fixtures.COMPANY),
			)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		frappe.db.commit()

	def run_patch(self) -> str:
		"""Both patches of the upgrade, as ``bench migrate`` runs them (patches.txt)."""
		out = io.StringIO()
		with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
			patch.execute()
			reference_per_company.execute()
		return out.getvalue()

	def test_patch_moves_settings_and_tokens_still_work(self):
		self.run_patch()
		app = frappe.get_doc(APP, patch.APP_NAME)
		self.assertEqual(
			(app.client_id, app.use_sandbox, app.sandbox_url), (self.sandbox.client_id, 1, self.sandbox.url)
		)
		self.assertEqual(app.connection_status, "Connected")
		connection = frappe.get_doc(CONNECTION, fixtures.COMPANY)
		self.assertEqual(connection.xero_app, patch.APP_NAME)
		self.assertEqual(
			(connection.tenant_id, connection.connection_status, connection.enabled),
			(self.sandbox.tenant_id, "Connected", 1),
		)
		self.assertEqual(
			(connection.default_account_code, connection.default_tax_type, connection.payment_pull_interval),
			("200 - XTL", "OUTPUT2 - XTL", 20),
			"the defaults link the company's Xero rows, named as ERPNext names accounts",
		)
		self.assertEqual(
			frappe.db.get_value("Xero Account", "200 - XTL", ["company", "code"]), (fixtures.COMPANY, "200")
		)
		self.assertFalse(frappe.db.exists("Xero Tax Rate", {"company": ("is", "not set")}))
		self.assertEqual(
			frappe.db.get_value(
				"Xero Tax Mapping", {"reference_name": fixtures.TAX_TEMPLATE}, ["company", "xero_tax_type"]
			),
			(fixtures.COMPANY, "OUTPUT2 - XTL"),
		)
		self.assertEqual(connection.xero_connection_id, "conn-1")
		self.assertEqual([row.xero_account_code for row in connection.xero_bank_accounts], ["090"])
		# the secrets changed owner: the app has them, Xero Settings none
		for field, value in self.secrets.items():
			self.assertEqual(app.get_password(field), value, field)
		self.assertFalse(frappe.db.sql("select 1 from `__Auth` where doctype=%s", SETTINGS))
		# Xero Settings keeps what is set once for the site, and nothing else
		kept = dict(frappe.db.sql("select field, value from `tabSingles` where doctype=%s", SETTINGS))
		self.assertEqual(kept, {"requeue_after_minutes": "45", "customer_invoice_count": "7"})
		self.assertEqual(
			frappe.db.get_value(SYNC_LOG, self.pull_row.name, ["reference_doctype", "reference_name"]),
			(CONNECTION, fixtures.COMPANY),
		)
		# the moved tokens work: the next invoice goes to Xero without connecting again
		si = self.submit_and_sync()
		self.assertEqual(si.xero_status, "AUTHORISED")
		self.assertTrue(si.xero_invoice_id)

	def test_patch_is_idempotent(self):
		self.run_patch()
		before = frappe.get_doc(CONNECTION, fixtures.COMPANY).as_dict()
		self.run_patch()  # a migrate run again (or a run cut short, completed)
		self.assertEqual(
			frappe.get_all(APP, filters={"name": patch.APP_NAME}, pluck="name"), [patch.APP_NAME]
		)
		self.assertEqual(frappe.get_all(CONNECTION, pluck="name"), [fixtures.COMPANY])
		after = frappe.get_doc(CONNECTION, fixtures.COMPANY).as_dict()
		self.assertEqual(
			{k: after[k] for k in ("tenant_id", "xero_app", "default_account_code")},
			{k: before[k] for k in ("tenant_id", "xero_app", "default_account_code")},
		)
		self.assertEqual(
			frappe.db.get_value(
				"Xero Tax Mapping", {"reference_name": fixtures.TAX_TEMPLATE}, "xero_tax_type"
			),
			"OUTPUT2 - XTL",
			"not renamed twice",
		)
		self.assertEqual(
			get_decrypted_password(APP, patch.APP_NAME, "refresh_token"), self.secrets["refresh_token"]
		)

	def test_no_secret_in_patch_output(self):
		output = self.run_patch()
		leaked = [field for field, value in self.secrets.items() if value and value in output]
		self.assertEqual(leaked, [])

	def test_the_company_with_invoices_in_xero_keeps_the_organisation(self):
		"""Two companies, one of which sent invoices to Xero: that one gets the connection;
		the other gets none (its invoices go nowhere until it is connected)."""
		other = fixtures.ensure_second_company()
		frappe.db.set_single_value("Global Defaults", "default_company", other)
		try:
			self.run_patch()
		finally:
			frappe.db.set_single_value("Global Defaults", "default_company", fixtures.COMPANY)
		self.assertEqual(frappe.get_all(CONNECTION, pluck="name"), [fixtures.COMPANY])
