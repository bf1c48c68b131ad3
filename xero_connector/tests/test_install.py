"""Install, migrate and uninstall hooks leave the site as they should."""

import frappe

from xero_connector.constants import SYNC_LOG, XERO_MANAGER
from xero_connector.xero_connector.custom_fields import get_custom_fields

try:
	from frappe.tests import IntegrationTestCase as TestCase
except ImportError:
	from frappe.tests.utils import FrappeTestCase as TestCase


def installed_fields() -> set[tuple[str, str]]:
	return {
		(row.dt, row.fieldname)
		for row in frappe.get_all(
			"Custom Field", filters={"dt": ("in", list(get_custom_fields()))}, fields=["dt", "fieldname"]
		)
	}


EXPECTED = {(dt, f["fieldname"]) for dt, fields in get_custom_fields().items() for f in fields}


class TestInstall(TestCase):
	def test_custom_fields_role_and_log_clearing_are_installed(self):
		self.assertEqual(installed_fields() & EXPECTED, EXPECTED)
		self.assertTrue(frappe.db.get_value("Role", XERO_MANAGER, "desk_access"))
		meta = frappe.get_meta("Sales Invoice")
		for fieldname in ("xero_invoice_id", "xero_status", "xero_amount_due", "xero_link"):
			field = meta.get_field(fieldname)
			self.assertTrue(field.read_only and field.no_copy and field.allow_on_submit, fieldname)
		self.assertTrue(frappe.get_meta("Customer").get_field("xero_account_number"))
		self.assertIn(SYNC_LOG, [row.ref_doctype for row in frappe.get_single("Log Settings").logs_to_clear])

	def test_migrate_hook_is_idempotent(self):
		from xero_connector.install import after_migrate

		after_migrate()
		after_migrate()
		from collections import Counter

		counts = Counter(
			frappe.get_all(
				"Custom Field",
				filters={"dt": "Sales Invoice", "fieldname": ("like", "xero%")},
				pluck="fieldname",
			)
		)
		self.assertTrue(counts)
		self.assertEqual(set(counts.values()), {1})

	def test_uninstall_removes_what_install_added_and_install_restores_it(self):
		if not frappe.conf.get("xero_throwaway_site"):
			# uninstalling takes the Xero Manager role from every user who has it: never on a
			# site people use. .ci/host marks its fresh sites with this key.
			self.skipTest("destructive: runs only on a throw-away site (site config xero_throwaway_site)")
		from xero_connector.install import after_install
		from xero_connector.uninstall import before_uninstall

		holders = frappe.get_all(
			"Has Role", filters={"role": XERO_MANAGER, "parenttype": "User"}, pluck="parent"
		)
		before_uninstall()
		try:
			self.assertEqual(installed_fields() & EXPECTED, set())
			self.assertFalse(frappe.db.exists("Role", XERO_MANAGER))
			self.assertNotIn(
				SYNC_LOG, [r.ref_doctype for r in frappe.get_single("Log Settings").logs_to_clear]
			)
		finally:
			after_install()
			for user in set(holders):  # uninstall took the role from its users: give it back
				frappe.get_doc("User", user).add_roles(XERO_MANAGER)
			frappe.db.commit()  # creating custom fields commits implicitly (DDL): keep the site whole
		self.assertEqual(installed_fields() & EXPECTED, EXPECTED)
		self.assertTrue(frappe.db.exists("Role", XERO_MANAGER))

	def test_old_successful_logs_are_cleared_and_failures_kept(self):
		from frappe.utils import add_days, now_datetime

		from xero_connector.xero_connector.doctype.xero_sync_log.xero_sync_log import XeroSyncLog

		old = add_days(now_datetime(), -40)
		names = {}
		for status in ("Success", "Failed"):
			doc = frappe.get_doc(
				{
					"doctype": SYNC_LOG,
					"reference_doctype": "Sales Invoice",
					"reference_name": "OLD-1",
					"operation": "push",
					"status": status,
				}
			).insert(ignore_permissions=True, ignore_links=True)
			frappe.db.set_value(SYNC_LOG, doc.name, "modified", old, update_modified=False)
			names[status] = doc.name
		XeroSyncLog.clear_old_logs(days=30)
		self.assertFalse(frappe.db.exists(SYNC_LOG, names["Success"]))
		self.assertTrue(frappe.db.exists(SYNC_LOG, names["Failed"]))


class TestDeskRoles(TestCase):
	def test_the_readiness_page_and_reconciliation_report_admit_the_xero_manager_after_a_role_is_remade(
		self,
	):
		from xero_connector.install import restore_desk_roles

		def admitted():
			return {
				(row.parenttype, row.parent)
				for row in frappe.get_all(
					"Has Role",
					filters={"role": XERO_MANAGER, "parenttype": ("in", ("Page", "Report"))},
					fields=["parenttype", "parent"],
				)
			}

		expected = {("Page", "xero-readiness"), ("Report", "Xero Reconciliation")}
		self.assertEqual(admitted() & expected, expected)
		# what deleting and re-creating the role (uninstall, install) leaves behind
		frappe.db.delete("Has Role", {"role": XERO_MANAGER, "parenttype": ("in", ("Page", "Report"))})
		restore_desk_roles()
		self.assertEqual(admitted() & expected, expected)
