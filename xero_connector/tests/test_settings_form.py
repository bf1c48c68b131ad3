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
		# a sync job finishes meanwhile and records Xero's budget and a watermark
		write_state(
			fixtures.connection(),
			{
				"api_day_remaining": 4321,
				"api_minute_remaining": 17,
				"payment_watermark": "2026-12-01T10:00:00",
			},
		)
		frappe.db.commit()
		self.assertEqual(stored_modified(), opened_modified)

		form.payment_pull_interval = 30  # the administrator's own change
		form.api_day_remaining = 5000  # the stale value the form still holds
		form.save()  # no "Document has been modified after you have opened it"

		self.assertEqual(fixtures.stored("payment_pull_interval"), 30)
		self.assertEqual(fixtures.stored("api_day_remaining"), 4321)
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
