"""Xero App and Xero Connection: the OAuth connect flow (state single-use, PKCE), the
organisation picker, reference data, tokens never reaching the browser, disconnect, and
a company without a connection (several companies: test_multi_company.py)."""

from urllib.parse import parse_qs, urlsplit

import frappe
import requests

from xero_connector.constants import XERO_ACCOUNT, XERO_TAX_RATE
from xero_connector.exceptions import OAuthStateInvalid
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import XeroTestCase, token_values


def authorise(url: str) -> dict:
	answer = requests.get(url, allow_redirects=False, timeout=10)
	return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


class TestConnection(XeroTestCase):
	def test_connected_organisation_and_reference_data(self):
		settings = fixtures.connection_doc()
		self.assertEqual(settings.connection_status, "Connected")
		self.assertEqual(settings.tenant_id, self.sandbox.tenant_id)
		self.assertEqual(settings.organisation_name, "Demo Company (NZ)")
		self.assertEqual(settings.base_currency, "NZD")
		self.assertEqual(
			frappe.db.get_value(
				XERO_ACCOUNT, fixtures.xero_name("200"), ["company", "code", "status", "account_class"]
			),
			(fixtures.COMPANY, "200", "ACTIVE", "REVENUE"),
		)
		self.assertEqual(frappe.db.get_value(XERO_ACCOUNT, fixtures.xero_name("250"), "status"), "ARCHIVED")
		self.assertEqual(
			frappe.db.get_value(XERO_TAX_RATE, fixtures.xero_name("INPUT2"), "can_apply_to_revenue"), 0
		)
		self.assertIn("USD", settings.xero_currencies)
		from xero_connector.xero_connector.connection.client import budget_figures

		self.assertIsNotNone(budget_figures(settings).get("api_minute_remaining"), "Xero's minute, kept")
		settings.run_method("onload")  # what the form shows
		self.assertIsNotNone(settings.api_day_remaining)

	def test_fetch_from_xero_keeps_xero_item_codes(self):
		from xero_connector.xero_connector.connection.reference import stored_items, xero_reference

		xero_items = self.sandbox.organisation().items.values()
		expected = sorted((i["Code"], i["Name"], i["ItemID"]) for i in xero_items)
		self.assertTrue(expected)
		self.assertEqual(
			sorted((i["Code"], i["Name"], i["ItemID"]) for i in stored_items(fixtures.COMPANY)), expected
		)
		self.assertEqual(
			xero_reference(fixtures.connection_doc()).item_codes(), {code for code, _, _ in expected}
		)

	def test_authorise_url_carries_state_and_pkce(self):
		from xero_connector.xero_connector.api import start_connect

		query = parse_qs(urlsplit(start_connect(connection=fixtures.COMPANY)).query)
		self.assertEqual(query["code_challenge_method"], ["S256"])
		self.assertTrue(query["state"][0] and query["code_challenge"][0])
		self.assertEqual(
			query["redirect_uri"][0],
			frappe.utils.get_url("/api/method/xero_connector.xero_connector.api.oauth_callback"),
		)

	def test_state_is_single_use_and_forged_state_is_refused(self):
		from xero_connector.xero_connector.api import complete_connect, start_connect

		params = authorise(start_connect(connection=fixtures.COMPANY))
		complete_connect(params)
		with self.assertRaises(OAuthStateInvalid):
			complete_connect(params)  # the same callback replayed
		forged = authorise(start_connect(connection=fixtures.COMPANY))
		forged["state"] = "not-a-state-this-site-issued"
		with self.assertRaises(OAuthStateInvalid):
			complete_connect(forged)
		self.assertEqual(fixtures.stored("connection_status"), "Connected")

	def test_a_callback_for_another_users_connect_is_refused(self):
		from xero_connector.tests.fixtures import make_user
		from xero_connector.xero_connector.api import complete_connect, start_connect

		params = authorise(start_connect(connection=fixtures.COMPANY))  # started by Administrator
		frappe.set_user(make_user("other-xero-manager@example.com", ["Xero Manager"]))
		try:
			with self.assertRaises(OAuthStateInvalid):
				complete_connect(params)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(fixtures.stored("connection_status"), "Connected")

	def test_tokens_never_reach_the_browser(self):
		from frappe.desk.form.load import getdoc

		secrets = token_values()
		self.assertEqual(len(secrets), 3, "access token, refresh token and client secret are stored")
		for doctype, name in (("Xero App", fixtures.APP_NAME), ("Xero Connection", fixtures.COMPANY)):
			frappe.response.docs = []
			getdoc(doctype, name)
			sent = frappe.as_json(frappe.response.docs)
			for secret in secrets:
				self.assertNotIn(secret, sent)
			stored = frappe.db.get_value(doctype, name, "*", as_dict=True)
			for secret in secrets:
				self.assertNotIn(secret, frappe.as_json(stored))
		frappe.response.docs = []
		getdoc("Xero App", fixtures.APP_NAME)
		self.assertIn(
			"/api/method/xero_connector.xero_connector.api.oauth_callback",
			frappe.response.docs[0].get("redirect_uri"),
		)

	def test_several_organisations_ask_which_one(self):
		from xero_connector.xero_connector.api import assign_organisation, complete_connect, start_connect

		identity = self.sandbox.identity
		both = [self.sandbox.tenant_id, next(t for t in identity.tenants if t != self.sandbox.tenant_id)]
		query = {
			k: v[0] for k, v in parse_qs(urlsplit(start_connect(connection=fixtures.COMPANY)).query).items()
		}
		redirect = identity.authorize(query, tenant_ids=both)  # the user ticks two organisations
		params = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
		fixtures.set_values("tenant_id", None)
		result = complete_connect(params)
		self.assertTrue(result["choose"])
		self.assertEqual(sorted(t["tenantId"] for t in result["tenants"]), sorted(both))
		self.assertEqual(fixtures.stored("connection_status"), "Not Connected")
		with self.assertRaises(frappe.ValidationError):
			assign_organisation(fixtures.COMPANY, "00000000-0000-0000-0000-000000000000")
		assign_organisation(fixtures.COMPANY, self.sandbox.tenant_id)
		self.assertEqual(fixtures.stored("connection_status"), "Connected")
		self.assertEqual(fixtures.stored("tenant_id"), self.sandbox.tenant_id)


class TestDisconnect(XeroTestCase):
	def test_disconnect_revokes_and_forgets_the_tokens(self):
		from xero_connector.xero_connector.api import disconnect
		from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore

		refresh = FrappeTokenStore(fixtures.app()).load().refresh_token
		disconnect(fixtures.COMPANY)
		self.assertIsNone(FrappeTokenStore(fixtures.app()).load())
		self.assertEqual(fixtures.stored("connection_status"), "Not Connected")
		answer = requests.post(
			self.sandbox.token_url,
			data={"grant_type": "refresh_token", "refresh_token": refresh},
			auth=(self.sandbox.client_id, self.sandbox.client_secret),
			timeout=10,
		)
		self.assertEqual((answer.status_code, answer.json().get("error")), (400, "invalid_grant"))


class TestCompanyWithoutConnection(XeroTestCase):
	def test_a_company_without_a_connection_sends_nothing(self):
		from xero_connector.xero_connector.connection import registry

		company = fixtures.ensure_second_company()
		self.assertIsNone(registry.for_company(company))
		self.assertEqual(registry.for_company(fixtures.COMPANY).name, fixtures.COMPANY)
		with self.assertRaises(frappe.ValidationError) as refused:
			registry.require(company)
		self.assertIn(company, str(refused.exception))
