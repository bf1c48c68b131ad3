"""Issue 17 in the desk: how companies send. A Xero Manager chooses invoices in the Sales
Invoice list and sends them with Actions → Send to Xero (the draft among them is refused
with its reason, the rest go in one job, and a summary ends it); and with an approval
workflow, an invoice an Accounts User submits waits in "Awaiting Approval" and reaches Xero
only when an Accounts Manager approves it.

Runs on the first company's connection (``connected``), after test_desk_browser."""

from __future__ import annotations

from urllib.parse import quote

from tests.host.desk import Desk


def in_xero(xero, number: str) -> list[dict]:
	answer = xero.get("/Invoices", params={"InvoiceNumbers": number})
	assert answer.status_code == 200, answer.text
	return [i for i in answer.json()["Invoices"] if i.get("InvoiceNumber") == number]


def modal_text(desk: Desk, phrase: str, timeout: float = 60) -> str:
	"""The text of the open dialog that says ``phrase``."""
	return desk.wait_xpath(
		"//div[contains(@class,'modal') and contains(@class,'show')]//div[contains(@class,'modal-body')]"
		f"[contains(normalize-space(.), '{phrase}')]",
		timeout,
	).text


def close_dialogs(desk: Desk):
	desk.driver.execute_script(
		"document.querySelectorAll('.modal.show .btn-modal-close').forEach((b) => b.click())"
	)
	desk.wait_until(
		lambda: not desk.driver.find_elements("css selector", ".modal.show"), 15, "a dialog stayed open"
	)


def test_send_chosen_invoices_from_the_list(desk, site, xero, connected):
	import secrets

	customer = site.execute("make_customer", name=f"Xero Bulk {secrets.token_hex(4)}")["name"]
	site.execute("set_trigger", trigger="Manual")  # submitted invoices wait to be sent
	try:
		sent = [site.execute("make_invoice", customer=customer)["name"] for _ in range(2)]
		draft = site.execute("make_invoice", customer=customer, submit=False)["name"]
	finally:
		site.execute("set_trigger", trigger="On Submit")
	for name in sent:
		assert in_xero(xero, name) == [], f"{name} went to Xero before it was sent"

	desk.login(site.users["manager"], site.password)
	desk.go(f"sales-invoice?customer={quote(customer)}")
	for name in [*sent, draft]:
		desk.click(desk.wait_css(f".list-row-checkbox[data-name='{name}']"))
	desk.screenshot("31-sales-invoice-list-chosen")
	desk.click_button("Send to Xero", group="Actions")
	desk.click(desk.button("Yes"))  # "Send 3 Sales Invoice(s) to Xero?"
	answer = modal_text(desk, "queued for Xero")
	assert "2 queued for Xero" in answer and draft in answer and "not submitted" in answer, answer
	desk.screenshot("32-send-to-xero-answer")
	for name in sent:
		assert site.execute("wait_for_status", name=name, status="Synced") == "Synced", site.execute(
			"invoice", name=name
		)
		assert len(in_xero(xero, name)) == 1, f"{name} is not in Xero exactly once"
	assert in_xero(xero, draft) == []
	# (the job's progress bar and summary reach the user through Frappe's realtime server,
	# which these runs do not deliver to the browser yet: the bench test test_bulk_send checks
	# what the job publishes)
	close_dialogs(desk)
	desk.go(f"sales-invoice?customer={quote(customer)}")
	desk.screenshot("33-send-to-xero-done")


def test_an_invoice_reaches_xero_when_approved_and_not_before(desk, site, xero, connected):
	site.execute("use_workflow")
	try:
		name = site.execute("make_invoice", submit=False)["name"]
		# an Accounts User submits it for approval
		desk.login(site.users["accounts"], site.password)
		desk.go(f"sales-invoice/{name}")
		desk.click_button("Submit", group="Actions")
		if desk.driver.find_elements("xpath", "//div[contains(@class,'modal') and contains(@class,'show')]"):
			desk.click(desk.button("Yes"))  # "Permanently Submit ...?"
		desk.wait_until(
			lambda: site.execute("invoice", name=name).get("workflow_state") == "Awaiting Approval",
			60,
			"not submitted for approval",
		)
		desk.screenshot("34-awaiting-approval")
		stored = site.execute("invoice", name=name)
		assert stored["docstatus"] == 1 and stored["logs"] == [], stored
		assert in_xero(xero, name) == [], "sent before it was approved"

		# an Accounts Manager approves it: now it goes
		desk.login(site.users["accounts_manager"], site.password)
		desk.go(f"sales-invoice/{name}")
		desk.click_button("Approve", group="Actions")
		assert site.execute("wait_for_status", name=name, status="Synced") == "Synced", site.execute(
			"invoice", name=name
		)
		stored = site.execute("invoice", name=name)
		assert stored["workflow_state"] == "Approved", stored
		found = in_xero(xero, name)
		assert len(found) == 1 and found[0]["Status"] == "AUTHORISED", found
		desk.go(f"sales-invoice/{name}")
		assert "AUTHORISED" in desk.xero_line()
		desk.screenshot("35-approved-and-in-xero")
	finally:
		site.execute("drop_workflow")
