"""Connection health (issue 17): Xero lets a refresh token lapse 60 days after it was last
used. While a company's connection is enabled the hourly check uses it; when none of an
app's connections is, its managers are warned in the last week, once a day, and the Xero
App form says how long is left."""

import time

import frappe

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase
from xero_connector.xero.health import DAY
from xero_connector.xero_connector import api
from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore, site_key
from xero_connector.xero_connector.tasks import check_connection

SUBJECT = "Xero App {0}: the connection lapses soon"


class TestConnectionHealth(XeroTestCase):
	def setUp(self):
		super().setUp()
		frappe.cache.delete(site_key("consent_lapsing_notice", fixtures.APP_NAME))
		self.store = FrappeTokenStore(fixtures.app_doc())
		self.tokens = self.store.load()

	def tearDown(self):
		self.store.save(self.tokens)
		fixtures.set_values("enabled", 1)
		frappe.cache.delete(site_key("consent_lapsing_notice", fixtures.APP_NAME))
		frappe.db.commit()

	def last_used(self, days_ago: float) -> None:
		"""As if the tokens were last refreshed ``days_ago`` days ago (the access token has
		long expired)."""
		tokens = self.store.load()
		tokens.updated_at = time.time() - days_ago * DAY
		tokens.expires_at = time.time() - 60
		self.store.save(tokens)
		frappe.db.commit()

	def notices(self) -> int:
		subject = SUBJECT.format(fixtures.APP_NAME)
		return frappe.db.count("Notification Log", {"for_user": "Administrator", "subject": subject})

	def test_an_unused_consent_is_warned_about_in_its_last_week_once_a_day(self):
		fixtures.set_values("enabled", 0)  # nothing uses the connection any more
		self.last_used(days_ago=40)
		before = self.notices()
		check_connection()
		self.assertEqual(self.notices(), before, "no warning with 20 days left")

		self.last_used(days_ago=55)
		check_connection()
		check_connection()  # the next hour: not again the same day
		self.assertEqual(self.notices(), before + 1)
		health = api.app_health(fixtures.APP_NAME)
		self.assertTrue(health["warn"])
		self.assertEqual(health["days_left"], 4)
		self.assertIn("expires in 4 days", health["message"])

	def test_an_enabled_connection_keeps_its_consent_alive_without_a_warning(self):
		self.last_used(days_ago=55)
		before = self.notices()
		self.assertEqual(check_connection(), {fixtures.APP_NAME: "Connected"})
		self.assertEqual(self.notices(), before)
		health = api.app_health(fixtures.APP_NAME)
		self.assertFalse(health["warn"])
		self.assertGreaterEqual(health["days_left"], 59)


class TestDayBudgetLow(XeroTestCase):
	"""The hourly check tells the managers, once a day, when a fifth or less of the
	organisation's day of Xero calls is left."""

	def setUp(self):
		super().setUp()
		from xero_connector.xero_connector.connection.client import rate_limiter

		self.tenant = fixtures.connection().tenant_id
		self.limiter = rate_limiter(fixtures.app_doc())
		self.note = self.limiter._keys(self.tenant)["day_note"]
		self.notice = site_key("day_budget_notice", self.tenant)
		frappe.cache.delete(self.notice)
		self.manager = fixtures.make_user("xero-day-budget@example.com", ["Xero Manager"])
		frappe.db.commit()

	def tearDown(self):
		frappe.cache.delete(self.limiter.backend._key(self.note))
		frappe.cache.delete(self.notice)
		frappe.db.commit()

	def notices(self) -> list[str]:
		return frappe.get_all(
			"Notification Log",
			filters={"for_user": self.manager, "subject": ("like", "Xero: % calls left today")},
			pluck="subject",
		)

	def xero_says_left(self, remaining: int) -> None:
		"""As if Xero's last X-DayLimit-Remaining said ``remaining`` of 5,000."""
		now = self.limiter.clock()
		self.limiter._put_note(
			self.note, {"remaining": remaining, "at": now, "limit": 5000, "used": 0}, now + 3600
		)

	def test_a_low_day_is_told_once_and_a_full_one_never(self):
		before = len(self.notices())
		self.xero_says_left(4000)
		check_connection()
		self.assertEqual(len(self.notices()), before, "plenty left: nothing said")
		self.xero_says_left(600)  # under a fifth of 5,000
		check_connection()
		self.assertEqual(len(self.notices()), before + 1)
		# 600 less the check's own calls since Xero said so
		self.assertRegex(self.notices()[0], rf"{fixtures.COMPANY} has (600|59\d) of 5000 calls left today")
		check_connection()
		self.assertEqual(len(self.notices()), before + 1, "once a day")
