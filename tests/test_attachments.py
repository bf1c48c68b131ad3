"""Attachments and the online invoice link (issue 17): the sandbox with Xero's rules (10 files a
document, 25 MB a file, IncludeOnline; the online invoice only for an approved sales invoice), and
the client and port attaching a PDF and fetching the link."""

from __future__ import annotations

import pytest

from tests import engine_support
from tests.engine_support import sample
from xero_connector.sandbox import attachments as sandbox_attachments
from xero_connector.xero.errors import XeroError, XeroValidationError

env = engine_support.env  # the fixture
pytestmark = pytest.mark.timeout(120)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def new_invoice(xero, status="AUTHORISED") -> dict:
	contact = xero.get("/Contacts", params={"where": 'Name=="Boom FM"'}).json()["Contacts"][0]
	body = {
		"Type": "ACCREC",
		"Contact": {"ContactID": contact["ContactID"]},
		"Date": "2026-01-05",
		"DueDate": "2026-02-05",
		"Status": status,
		"LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200"}],
	}
	answer = xero.put("/Invoices", json={"Invoices": [body]})
	assert answer.status_code == 200, answer.text
	return answer.json()["Invoices"][0]


def attach(xero, invoice_id: str, name: str, content: bytes, method: str = "PUT", **params):
	path = f"/Invoices/{invoice_id}/Attachments/{name}"
	headers = {"Content-Type": "application/octet-stream"}
	call = xero.put if method == "PUT" else xero.post
	return call(path, data=content, params=params or None, headers=headers)


def errors(answer) -> list[str]:
	return [m["Message"] for e in answer.json()["Elements"] for m in e["ValidationErrors"]]


# ---- the sandbox ------------------------------------------------------------------------------


def test_a_pdf_attached_is_listed_with_its_size_and_type(xero):
	invoice = new_invoice(xero)
	answer = attach(xero, invoice["InvoiceID"], "INV-1.pdf", PDF, IncludeOnline="true")
	assert answer.status_code == 200, answer.text
	(stored,) = answer.json()["Attachments"]
	assert (stored["FileName"], stored["MimeType"], stored["ContentLength"]) == (
		"INV-1.pdf",
		"application/pdf",
		len(PDF),
	)
	assert stored["IncludeOnline"] is True and stored["Url"].endswith(
		f"/{invoice['InvoiceID']}/Attachments/INV-1.pdf"
	)
	listed = xero.get(f"/Invoices/{invoice['InvoiceID']}/Attachments").json()["Attachments"]
	assert [(a["AttachmentID"], a["FileName"]) for a in listed] == [(stored["AttachmentID"], "INV-1.pdf")]


def test_the_same_file_name_replaces_the_file(xero):
	invoice = new_invoice(xero)
	first = attach(xero, invoice["InvoiceID"], "a.pdf", PDF).json()["Attachments"][0]
	second = attach(xero, invoice["InvoiceID"], "A.pdf", PDF + b"more", method="POST").json()["Attachments"][
		0
	]
	listed = xero.get(f"/Invoices/{invoice['InvoiceID']}/Attachments").json()["Attachments"]
	assert len(listed) == 1 and second["AttachmentID"] == first["AttachmentID"]
	assert listed[0]["ContentLength"] == len(PDF) + 4


def test_at_most_ten_attachments_per_document(xero):
	invoice = new_invoice(xero)
	for n in range(sandbox_attachments.MAX_ATTACHMENTS):
		assert attach(xero, invoice["InvoiceID"], f"f{n}.pdf", PDF).status_code == 200
	eleventh = attach(xero, invoice["InvoiceID"], "f10.pdf", PDF)
	assert eleventh.status_code == 400 and errors(eleventh) == [sandbox_attachments.TOO_MANY]


def test_a_file_over_25_mb_or_empty_is_refused():
	from xero_connector.sandbox.inprocess import InProcessClient

	xero = InProcessClient()  # 25 MB in-process; over HTTP the same module answers
	invoice = new_invoice(xero)
	too_big = attach(xero, invoice["InvoiceID"], "big.pdf", b"x" * (sandbox_attachments.MAX_BYTES + 1))
	assert too_big.status_code == 413 and errors(too_big) == [sandbox_attachments.TOO_LARGE]
	just_fits = attach(xero, invoice["InvoiceID"], "fits.pdf", b"x" * sandbox_attachments.MAX_BYTES)
	assert just_fits.status_code == 200
	empty = attach(xero, invoice["InvoiceID"], "empty.pdf", b"")
	assert empty.status_code == 400 and errors(empty) == [sandbox_attachments.EMPTY]


def test_the_online_invoice_for_an_authorised_invoice_and_not_for_a_draft(xero):
	authorised, draft = new_invoice(xero), new_invoice(xero, "DRAFT")
	link = xero.get(f"/Invoices/{authorised['InvoiceID']}/OnlineInvoice")
	assert link.status_code == 200
	(online,) = link.json()["OnlineInvoices"]
	assert online["OnlineInvoiceUrl"].startswith("https://in.xero.com/")
	refused = xero.get(f"/Invoices/{draft['InvoiceID']}/OnlineInvoice")
	assert refused.status_code == 400 and errors(refused) == [sandbox_attachments.NO_ONLINE_INVOICE]


def test_attachments_need_the_attachments_scope(sandbox):
	from xero_connector.sandbox.testing import SandboxHttp

	scope = "openid accounting.transactions accounting.contacts accounting.settings offline_access"
	client = SandboxHttp(sandbox, tokens=sandbox.issue_token_set(scope=scope))
	try:
		invoice = new_invoice(client)
		answer = attach(client, invoice["InvoiceID"], "a.pdf", PDF)
		assert answer.status_code == 403
		assert "accounting.attachments" in answer.headers["WWW-Authenticate"]
	finally:
		client.close()


def test_the_file_comes_back_as_it_was_sent(xero_http):
	invoice = new_invoice(xero_http)
	stored = attach(xero_http, invoice["InvoiceID"], "INV 1.pdf", PDF).json()["Attachments"][0]
	for key in ("INV 1.pdf", stored["AttachmentID"]):
		answer = xero_http.get(f"/Invoices/{invoice['InvoiceID']}/Attachments/{key}")
		assert answer.status_code == 200 and answer.content == PDF
		assert answer.headers["Content-Type"] == "application/pdf"


# ---- the client and the port ----------------------------------------------------------------------


def pushed(env) -> str:
	env.add(sample("00018"))
	outcome = env.by_name(env.push("ACC-SINV-2026-00018"), "ACC-SINV-2026-00018")
	assert outcome.status == "Success", outcome.reason
	return outcome.xero_id


def test_the_port_attaches_a_pdf_and_lists_it(env):
	invoice_id = pushed(env)
	stored = env.port.attach_pdf(invoice_id, "ACC-SINV-2026-00018.pdf", PDF, "test-site:pdf:1", True)
	assert stored["FileName"] == "ACC-SINV-2026-00018.pdf" and stored["ContentLength"] == len(PDF)
	assert stored["IncludeOnline"] is True
	listed = env.port.get_invoice_attachments(invoice_id)
	assert [a["AttachmentID"] for a in listed] == [stored["AttachmentID"]]
	(kept,) = env.org.attachments[invoice_id]
	assert kept["ContentLength"] == len(PDF) and kept["MimeType"] == "application/pdf"


def test_the_port_returns_the_online_invoice_url_and_refuses_a_draft(env):
	invoice_id = pushed(env)
	assert env.port.get_online_invoice_url(invoice_id).startswith("https://in.xero.com/")
	env.org.invoices[invoice_id]["Status"] = "DRAFT"
	with pytest.raises(XeroValidationError) as refused:
		env.port.get_online_invoice_url(invoice_id)
	assert sandbox_attachments.NO_ONLINE_INVOICE in str(refused.value)


def test_an_eleventh_pdf_is_refused_with_xeros_message(env):
	invoice_id = pushed(env)
	for n in range(sandbox_attachments.MAX_ATTACHMENTS):
		env.port.attach_pdf(invoice_id, f"{n}.pdf", PDF, f"test-site:pdf:{n}", False)
	with pytest.raises(XeroError) as refused:
		env.port.attach_pdf(invoice_id, "10.pdf", PDF, "test-site:pdf:10", False)
	assert sandbox_attachments.TOO_MANY in str(refused.value)
