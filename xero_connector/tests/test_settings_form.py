"""Xero Settings as an administrator edits it while jobs run: what the jobs write
(API budget, watermarks, token metadata) never makes the open form unsaveable and
is never overwritten by the form's stale copy."""

import frappe

from xero_connector.constants import SETTINGS
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase
from xero_connector.xero_connector.connection.settings_state import write_state


def stored_modified():
	return frappe.db.sql("select value from `tabSingles` where doctype=%s and field='modified'", SETTINGS)[0][
		0
	]


class TestSettingsFormAndJobs(XeroTestCase):
	def test_form_opened_before_a_job_wrote_the_budget_still_saves_and_keeps_the_jobs_values(self):
		form = frappe.get_doc(SETTINGS)  # the administrator opens the form
		form.load_from_db()
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

		self.assertEqual(frappe.db.get_single_value(SETTINGS, "payment_pull_interval"), 30)
		self.assertEqual(frappe.db.get_single_value(SETTINGS, "api_day_remaining"), 4321)
		self.assertEqual(frappe.db.get_single_value(SETTINGS, "payment_watermark"), "2026-12-01T10:00:00")
		frappe.db.set_single_value(SETTINGS, "payment_pull_interval", 15)
		frappe.db.commit()

	def test_saving_the_form_leaves_dates_the_app_never_wrote_empty(self):
		"""Frappe 16 casts an empty Datetime to 0001-01-01: the form must not save that back
		(the settings would show "Connected On 01-01-0001")."""
		write_state(fixtures.connection(), {"connected_on": None, "last_payment_pull": None})
		frappe.db.commit()
		form = frappe.get_doc(SETTINGS)
		form.save()
		stored = frappe.db.get_singles_dict(SETTINGS)  # as stored (get_single_value casts on 16)
		for field in ("connected_on", "last_payment_pull"):
			self.assertFalse(stored.get(field), field)
