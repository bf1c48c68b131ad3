"""Issue 17: contacts as Xero keeps them, in the desk. When two contacts are merged in Xero,
the one merged away is archived and Xero refuses invoices for it; the Sync Log row of that
refusal offers Use Merged Contact, which asks Xero where the contact went, links the
customer to the contact it was merged into and sends the invoice again. A contact archived
without a merge is not re-pointed: the person is told to restore it in Xero."""

import frappe

from xero_connector.sandbox import contacts as sandbox_contacts
from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import COMPANY, XeroTestCase, captured_jobs, sync_logs
from xero_connector.xero_connector.features.merged_contact import use_merged_contact

KEPT = "Xero Merge Test Kept Ltd"


class TestMergedContact(XeroTestCase):
	def setUp(self):
		super().setUp()
		# a customer of its own each time: Xero keeps the contacts archived by earlier runs
		self.customer = f"Xero Merge Test {frappe.generate_hash(length=8)}"
		fixtures.make_customer(self.customer, None)
		frappe.db.commit()

	def contact(self, contact_id: str) -> dict:
		org = self.sandbox.organisation()
		with self.sandbox.organisation_lock(self.sandbox.tenant_id):
			return dict(org.contacts[contact_id])

	def refused_after(self, change) -> tuple[str, str, object]:
		"""The customer's first invoice creates its contact; ``change(org, contact_id)`` then
		happens in Xero; the second invoice is refused. Returns (old ContactID, the refusal's
		row, the refused invoice)."""
		first = self.submit_and_sync(customer=self.customer)
		self.assertEqual(first.xero_sync_status, "Synced")
		old = fixtures.contact_id(self.customer)
		org = self.sandbox.organisation()
		with self.sandbox.organisation_lock(self.sandbox.tenant_id):
			change(org, old)
		refused = self.submit_and_sync(customer=self.customer)
		self.assertEqual(refused.xero_sync_status, "Failed")
		row = frappe.get_doc("Xero Sync Log", sync_logs(refused.name)[-1].name)
		row.run_method("onload")
		self.assertTrue(row.get_onload().get("contact_archived"), (row.cause, row.xero_messages))
		return old, row, refused

	def test_use_merged_contact_links_the_customer_to_the_kept_contact_and_sends_again(self):
		(created,) = fixtures.xero_client_of(COMPANY).create_contacts(
			[{"Name": f"{KEPT} {frappe.generate_hash(length=6)}"}], frappe.generate_hash()
		)
		kept = created.data

		def merge(org, old):
			sandbox_contacts.merge(org, old, kept["ContactID"], "2026-01-05T00:00:00.000")

		old, row, refused = self.refused_after(merge)
		self.assertIn("merged into", row.cause)
		self.assertIn("Use Merged Contact", row.resolution)
		with captured_jobs() as jobs:
			done = use_merged_contact(row.name)
			self.assertEqual(done["contact_id"], kept["ContactID"])
			jobs.run()
		self.assertEqual(fixtures.contact_id(self.customer), kept["ContactID"])
		refused.reload()
		self.assertEqual(refused.xero_sync_status, "Synced")
		invoice = fixtures.xero_client_of(COMPANY).get_invoice(refused.xero_invoice_id)
		self.assertEqual(invoice["Contact"]["ContactID"], kept["ContactID"])
		self.assertEqual(
			self.contact(old)["ContactStatus"], "ARCHIVED", "the merged contact stays as Xero has it"
		)

	def test_a_contact_archived_without_a_merge_is_not_repointed(self):
		def archive(org, old):
			org.contacts[old]["ContactStatus"] = "ARCHIVED"

		old, row, _refused = self.refused_after(archive)
		with captured_jobs() as jobs, self.assertRaises(frappe.ValidationError) as told:
			use_merged_contact(row.name)
		self.assertIn("was not merged into another one", str(told.exception))
		self.assertIn("Restore it in Xero", str(told.exception))
		self.assertEqual(jobs.calls, [], "nothing sent again")
		self.assertEqual(fixtures.contact_id(self.customer), old, "the link stays")
