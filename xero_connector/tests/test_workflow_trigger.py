"""Issue 17: Send Invoices "On Workflow State". With an approval workflow on Sales Invoice,
an invoice goes to Xero when its workflow reaches a chosen state ("Approved"), not when it
is submitted into "Awaiting Approval"; a connection that sends on states no workflow has
says so when saved."""

import frappe
from frappe.model.workflow import apply_workflow

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import (
	XeroTestCase,
	captured_jobs,
	make_invoice,
	make_workflow,
	remove_workflow,
	sync_logs,
)


class TestWorkflowTrigger(XeroTestCase):
	def setUp(self):
		super().setUp()
		make_workflow()
		self.send_on(["Approved"])
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		remove_workflow()
		connection = fixtures.connection_doc()
		connection.sync_trigger = "On Submit"
		connection.set("send_on_workflow_states", [])
		connection.save(ignore_permissions=True)
		frappe.db.commit()

	def send_on(self, states):
		connection = fixtures.connection_doc()
		connection.sync_trigger = "On Workflow State"
		connection.set("send_on_workflow_states", [{"workflow_state": s} for s in states])
		connection.save(ignore_permissions=True)

	def test_an_invoice_goes_to_xero_when_approved_and_not_before(self):
		si = make_invoice(submit=False)
		self.assertEqual(si.workflow_state, "Draft")
		with captured_jobs() as jobs:
			si = apply_workflow(si, "Submit")
			self.assertEqual((si.docstatus, si.workflow_state), (1, "Awaiting Approval"))
			self.assertEqual(jobs.calls, [], "submitted, not yet approved: nothing for Xero")
		self.assertEqual(sync_logs(si.name), [])
		self.assertFalse(frappe.db.get_value("Sales Invoice", si.name, "xero_sync_status"))

		with captured_jobs() as jobs:
			si = apply_workflow(si, "Approve")
			self.assertEqual([c["kwargs"]["name"] for c in jobs.calls], [si.name])
			jobs.run()
		si.reload()
		self.assertEqual((si.workflow_state, si.xero_sync_status), ("Approved", "Synced"))
		invoice = fixtures.xero_client().get_invoice(si.xero_invoice_id)
		self.assertEqual((invoice["InvoiceNumber"], invoice["Status"]), (si.name, "AUTHORISED"))

	def test_submitting_straight_into_a_sending_state_sends_on_submit(self):
		self.send_on(["Awaiting Approval", "Approved"])
		si = make_invoice(submit=False)
		with captured_jobs() as jobs:
			si = apply_workflow(si, "Submit")
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_sync_status, "Synced")
		with captured_jobs() as jobs:
			apply_workflow(si, "Approve")  # already in Xero: approving sends nothing again
			self.assertEqual(jobs.calls, [])

	def test_states_are_required_and_unknown_ones_are_named(self):
		connection = fixtures.connection_doc()
		connection.set("send_on_workflow_states", [])
		with self.assertRaises(frappe.ValidationError):
			connection.save(ignore_permissions=True)
		fixtures.ensure("Workflow State", "Xero Nowhere", {"workflow_state_name": "Xero Nowhere"})
		connection.reload()
		connection.set("send_on_workflow_states", [{"workflow_state": "Xero Nowhere"}])
		frappe.clear_messages()
		connection.save(ignore_permissions=True)
		shown = " ".join(str(m) for m in frappe.get_message_log())
		self.assertIn("Xero Nowhere", shown)
