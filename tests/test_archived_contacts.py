"""Archived and merged contacts (issue 17): the sandbox keeps Xero's MergedToContactID and refuses
invoices for an archived contact with Xero's message; the push explains the refusal with the way
forward (the contact it was merged into, or restoring it in Xero), Xero's message kept beside."""

from __future__ import annotations

import pytest

from tests import engine_support
from tests.engine_support import sample
from tests.test_engine_contacts import invoice_for
from xero_connector.sandbox import contacts as sandbox_contacts
from xero_connector.sandbox import messages as msg
from xero_connector.sandbox.inprocess import InProcessClient

env = engine_support.env  # the fixture
pytestmark = pytest.mark.timeout(120)


def org_of(xero):
	return xero.org if isinstance(xero, InProcessClient) else xero.sandbox.organisation(xero.tenant_id)


def named(org, name: str) -> dict:
	return next(c for c in org.contacts.values() if c["Name"] == name)


def merge(org, merged: str, kept: str) -> tuple[dict, dict]:
	gone, stays = named(org, merged), named(org, kept)
	sandbox_contacts.merge(org, gone["ContactID"], stays["ContactID"], "2026-01-05T00:00:00.000")
	return gone, stays


# ---- the sandbox ----------------------------------------------------------------------------------


def test_a_merged_contact_is_archived_and_points_at_the_one_kept(xero):
	gone, stays = merge(org_of(xero), "Marine Systems", "City Agency")
	by_id = xero.get(f"/Contacts/{gone['ContactID']}").json()["Contacts"][0]
	assert by_id["ContactStatus"] == "ARCHIVED" and by_id["MergedToContactID"] == stays["ContactID"]
	paged = xero.get("/Contacts", params={"includeArchived": "true", "page": "1"}).json()["Contacts"]
	assert next(c for c in paged if c["ContactID"] == gone["ContactID"])["MergedToContactID"]
	# Xero returns it "only when using paging or when fetching a contact by ContactId"
	unpaged = xero.get("/Contacts", params={"includeArchived": "true"}).json()["Contacts"]
	assert "MergedToContactID" not in next(c for c in unpaged if c["ContactID"] == gone["ContactID"])


def test_an_invoice_for_a_merged_contact_is_refused_with_xeros_message(xero):
	gone, _ = merge(org_of(xero), "Marine Systems", "City Agency")
	body = {
		"Type": "ACCREC",
		"Contact": {"ContactID": gone["ContactID"]},
		"DueDate": "2026-02-05",
		"Status": "AUTHORISED",
		"LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}],
	}
	answer = xero.put("/Invoices", json={"Invoices": [body]})
	assert answer.status_code == 400
	(element,) = answer.json()["Elements"]
	assert [m["Message"] for m in element["ValidationErrors"]] == [msg.CONTACT_ARCHIVED]


# ---- the push -----------------------------------------------------------------------------------


def test_a_stored_contact_merged_in_xero_is_refused_with_the_contact_to_use(env):
	invoice_for(env, "Marine Systems", None, "INV-MERGED")
	gone, stays = merge(env.org, "Marine Systems", "City Agency")
	env.host.save_contact_id("Marine Systems", gone["ContactID"])

	failed = env.by_name(env.push("INV-MERGED"), "INV-MERGED")

	assert failed.status == "Failed" and env.xero_invoices("INV-MERGED") == []
	assert failed.messages == [msg.CONTACT_ARCHIVED]  # Xero's own words stay
	assert "merged into 'City Agency'" in failed.cause and "Marine Systems" in failed.cause
	assert (
		f"Use the contact it was merged into ({stays['ContactID']}): Use Merged Contact" in failed.resolution
	)
	assert "'CITY01'" in failed.resolution  # or match it by its account number


def test_a_stored_contact_archived_in_xero_is_refused_with_restore_as_the_way(env):
	invoice_for(env, "Marine Systems", None, "INV-ARCHIVED")
	contact = named(env.org, "Marine Systems")
	contact["ContactStatus"] = "ARCHIVED"
	env.host.save_contact_id("Marine Systems", contact["ContactID"])

	failed = env.by_name(env.push("INV-ARCHIVED"), "INV-ARCHIVED")

	assert failed.status == "Failed" and failed.messages == [msg.CONTACT_ARCHIVED]
	assert "'Marine Systems'" in failed.cause and "is archived" in failed.cause
	assert failed.resolution.startswith("Restore the contact in Xero")
	# the way forward works: restored, the resend goes through
	contact["ContactStatus"] = "ACTIVE"
	assert env.by_name(env.fresh_engine().push(["INV-ARCHIVED"]), "INV-ARCHIVED").status == "Success"


def test_a_match_by_account_number_on_a_merged_contact_names_the_contact_to_use(env):
	invoice_for(env, "Marine Co", "MARINE9", "INV-M9")
	gone = named(env.org, "Marine Systems")
	gone["AccountNumber"] = "MARINE9"
	env.org.reindex_contact(gone)
	_, stays = merge(env.org, "Marine Systems", "City Agency")

	failed = env.by_name(env.push("INV-M9"), "INV-M9")

	assert failed.status == "Failed" and "merged into" in failed.cause
	assert stays["ContactID"] in failed.resolution


def test_other_refusals_keep_the_catalogues_explanation(env):
	doc = sample("00018")
	doc["name"] = "INV-OTHER"
	env.add(doc)
	for account in env.org.accounts.values():
		if account["Code"] == "200":
			account["Status"] = "ARCHIVED"
	failed = env.by_name(env.fresh_engine().push(["INV-OTHER"]), "INV-OTHER")
	assert failed.status == "Failed" and "contact" not in (failed.cause or "").lower()
