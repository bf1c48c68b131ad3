"""The Xero Connection form as an administrator edits it while jobs run: what the jobs
write (API budget, watermarks, token metadata) never makes the open form unsaveable and
is never overwritten by the form's stale copy."""

import frappe

from xero_connector.constants import CONNECTION
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase
from xero_connector.xero_connector.connection.settings_state import write_state


def stored_modified():
	return frappe.db.get_value(CONNECTION, fixtures.COMPANY, "modified")


class TestSettingsFormAndJobs(XeroTestCase):
	def test_form_opened_before_a_job_wrote_the_budget_still_saves_and_keeps_the_jobs_values(self):
		form = frappe.get_doc(CONNECTION, fixtures.COMPANY)  # the administrator opens the form
		opened_modified = stored_modified()
		# a sync job finishes meanwhile and records a watermark
		write_state(fixtures.connection(), {"payment_watermark": "2026-12-01T10:00:00"})
		frappe.db.commit()
		self.assertEqual(stored_modified(), opened_modified)

		form.payment_pull_interval = 30  # the administrator's own change
		form.payment_watermark = "2020-01-01T00:00:00"  # the stale value the form still holds
		form.save()  # no "Document has been modified after you have opened it"

		self.assertEqual(fixtures.stored("payment_pull_interval"), 30)
		self.assertEqual(fixtures.stored("payment_watermark"), "2026-12-01T10:00:00")
		fixtures.set_values("payment_pull_interval", 15)
		frappe.db.commit()

	def test_saving_the_form_leaves_dates_the_app_never_wrote_empty(self):
		"""Frappe 16 casts an empty Datetime to 0001-01-01: the form must not save that back
		(the form would show "Connected On 01-01-0001")."""
		connected_on = fixtures.stored("connected_on")
		write_state(fixtures.connection(), {"connected_on": None, "last_payment_pull": None})
		frappe.db.commit()
		try:
			frappe.get_doc(CONNECTION, fixtures.COMPANY).save()
			stored = frappe.db.sql(
				"select connected_on, last_payment_pull from `tabXero Connection` where name=%s",
				fixtures.COMPANY,
				as_dict=True,
			)[0]
			for field in ("connected_on", "last_payment_pull"):
				self.assertFalse(stored.get(field), field)
		finally:
			fixtures.set_values("connected_on", connected_on)
			frappe.db.commit()

	def test_xeros_budget_figures_never_touch_the_connection_row(self):
		"""Every call of every worker records Xero's remaining-calls headers: in Redis, so no
		transaction that read the connection earlier is rolled back for the row changing
		under it (MariaDB 11.6+ snapshot isolation); the form shows them on load."""
		from xero_connector.xero_connector.connection.client import BUDGET_KEY

		before = stored_modified(), fixtures.stored("api_day_remaining")
		tenant = fixtures.connection().tenant_id
		from xero_connector.xero_connector.connection.sync_session import open_client

		with open_client(fixtures.connection(), "readiness") as client:
			client.organisation()
		self.assertEqual((stored_modified(), fixtures.stored("api_day_remaining")), before)
		figures = frappe.cache.get_value(BUDGET_KEY.format(tenant))
		self.assertIsNotNone(figures and figures.get("api_day_remaining"))
		form = frappe.get_doc(CONNECTION, fixtures.COMPANY)
		form.run_method("onload")
		self.assertEqual(form.api_day_remaining, figures["api_day_remaining"])
