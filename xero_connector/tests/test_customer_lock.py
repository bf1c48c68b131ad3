"""Two workers never both create a customer's Xero contact (issue 14): the engine holds the
customer's lock (FrappeHost.hold_customers, shared through Redis) from the look-up to the
stored ContactID; a push that cannot get it waits Queued and creates nothing."""

from unittest.mock import patch

from xero_connector.tests import fixtures
from xero_connector.tests.fixtures import ITEM, XeroTestCase, captured_jobs, make_customer, make_invoice
from xero_connector.xero_connector.connection import sync_session

CUSTOMER = "Xero Lock Customer"


class TestCustomerLock(XeroTestCase):
	def contacts_named(self, name: str) -> int:
		from xero_connector.tests.fixtures import xero_client

		return len([c for c in xero_client().list_contacts(where=f'Name=="{name}"')])

	def test_a_push_waits_while_another_worker_creates_the_contact(self):
		make_customer(CUSTOMER, None)
		fixtures.forget_contact(CUSTOMER)
		with patch.object(sync_session, "CUSTOMER_WAIT_SECONDS", 0.5):
			with sync_session.holding_customers([CUSTOMER]):  # another worker is creating it
				with captured_jobs() as jobs:
					si = make_invoice(customer=CUSTOMER, items=[(ITEM, 1, 10)])
					jobs.run()
				si.reload()
				self.assertEqual(si.xero_sync_status, "Queued", "it waits; it does not fail")
				self.assertFalse(si.xero_invoice_id)
				self.assertEqual(self.contacts_named(CUSTOMER), 0, "no contact created without the lock")
		with captured_jobs() as jobs:  # the sweep, once the other worker is done
			from xero_connector.xero_connector.jobs import enqueue_sync

			enqueue_sync(si.name)
			jobs.run()
		si.reload()
		self.assertEqual(si.xero_sync_status, "Synced")
		self.assertEqual(self.contacts_named(CUSTOMER), 1)
