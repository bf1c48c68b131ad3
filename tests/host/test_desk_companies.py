"""Issue 15 in the desk: a second company of the same site connects to its own Xero
organisation through the same Xero App, from its own Xero Connection form, and its
invoices reach that organisation only. An organisation already held by another company
is marked so in the picker, and choosing it is refused naming that company.

Runs after test_desk_browser (file order), on the connection the first company holds;
alone, it connects the first company from the server side first (``connected``)."""

from __future__ import annotations

from urllib.parse import quote

from tests.host.desk import Desk
from xero_connector.sandbox.config import DEMO_TENANT_NAME, SECOND_TENANT_ID, SECOND_TENANT_NAME


def organisation_options(desk: Desk) -> dict[str, str]:
	"""The open organisation picker's options: label → tenant id."""
	return desk.driver.execute_script(
		"return Object.fromEntries(Array.from(document.querySelectorAll('.modal.show select option'))"
		".map((o) => [o.textContent.trim(), o.value]))"
	)


def test_second_company_connects_its_own_organisation_from_its_form(desk, site, sandbox, connected):
	from xero_connector.sandbox.testing import SandboxHttp

	first = site.execute("connection_of", company=site.company)
	assert first["connection_status"] == "Connected", first
	desk.login(site.users["manager"], site.password)

	# a Xero Connection for the second company, through the same Xero App
	desk.go("xero-connection/new")
	desk.pick("company", site.company_b)
	desk.pick("xero_app", site.app)
	desk.save()
	assert desk.form_state()["name"] == site.company_b
	desk.screenshot("21-second-company-connection")

	# Connect to Xero from it; at Xero both organisations are ticked: the one the first
	# company holds is not taken, the other one is assigned without asking
	desk.click_button("Connect to Xero")
	desk.wait_until(lambda: sandbox.url in desk.driver.current_url, message="not sent to Xero's consent page")
	desk.wait_text("wants to access your Xero data")
	for box in desk.driver.find_elements("css selector", "input[name=tenant_id]"):
		if not box.is_selected():
			box.click()
	desk.click(desk.button("Allow access"))
	route = desk.path(f"xero-connection/{quote(site.company_b)}")
	desk.wait_until(lambda: route in desk.driver.current_url, message="not back at the second company's form")
	desk.wait_desk()
	desk.wait_xpath("//span[contains(@class,'indicator-pill')][contains(., 'Connected')]")
	desk.wait_text(SECOND_TENANT_NAME)
	second = site.execute("connection_of", company=site.company_b)
	assert (second["tenant_id"], second["connection_status"]) == (SECOND_TENANT_ID, "Connected"), second
	assert site.execute("connection_of", company=site.company)["tenant_id"] == first["tenant_id"]
	desk.screenshot("22-second-company-connected")

	# the picker names the company holding the other organisation; choosing it is refused
	desk.click_button("Choose Organisation", group="Xero")
	desk.dialog()
	options = organisation_options(desk)
	held = f"{DEMO_TENANT_NAME} (held by {site.company})"
	assert options == {held: first["tenant_id"], SECOND_TENANT_NAME: SECOND_TENANT_ID}, options
	assert (
		desk.driver.execute_script("return document.querySelector('.modal.show select').value")
		== SECOND_TENANT_ID
	)
	desk.driver.find_element(
		"xpath",
		f"//div[contains(@class,'modal') and contains(@class,'show')]//select/option[@value='{first['tenant_id']}']",
	).click()
	desk.click(desk.button("Use this organisation"))
	refusal = desk.wait_xpath(
		"//div[contains(@class,'modal') and contains(@class,'show')]//div[contains(@class,'msgprint')]"
		"[contains(normalize-space(.), 'is already connected to company')]"
	)
	assert f"{DEMO_TENANT_NAME} is already connected to company {site.company}" in refusal.text, refusal.text
	desk.screenshot("23-organisation-held-by-another-company")
	# the refusal's answer (417) is the expected one; nothing else may be in the console
	errors = [e for e in desk.console_errors() if "assign_organisation" not in e and "417" not in e]
	assert not errors, errors
	assert site.execute("connection_of", company=site.company_b)["tenant_id"] == SECOND_TENANT_ID
	assert site.execute("connection_of", company=site.company)["tenant_id"] == first["tenant_id"]

	# the second company's defaults, then its invoice goes to its organisation only
	desk.go(f"xero-connection/{quote(site.company_b)}")
	desk.tab("Mapping")
	desk.pick("default_account_code", "200 - XTB")
	desk.tab("Connection")
	checkbox = desk.wait_css(".frappe-control[data-fieldname='enabled'] input[type=checkbox]")
	if not checkbox.is_selected():
		desk.click(checkbox)
	desk.save()
	name = site.execute("make_invoice_b")["name"]
	assert site.execute("wait_for_status", name=name, status="Synced") == "Synced", site.execute(
		"invoice", name=name
	)
	for tenant, count in ((SECOND_TENANT_ID, 1), (first["tenant_id"], 0)):
		xero = SandboxHttp(sandbox, tenant_id=tenant)
		try:
			answer = xero.get("/Invoices", params={"InvoiceNumbers": name})
			assert answer.status_code == 200, answer.text
			found = [i for i in answer.json()["Invoices"] if i.get("InvoiceNumber") == name]
		finally:
			xero.close()
		assert len(found) == count, (tenant, found)
	desk.go(f"sales-invoice/{name}")
	line = desk.xero_line()
	assert "AUTHORISED" in line, line
	desk.screenshot("24-second-company-invoice-in-its-organisation")
