"""Two workers pushing invoices of one new customer at the same moment create one Xero contact
(issue 14). Each worker sends its own batch (the new customer and another one), so the contact
creates go under different Idempotency-Keys and Xero's replay cannot merge them; the sandbox's
contact rule is loosened (``contact_unique``), so that Xero's "The contact name ... must be unique"
is no safety net either. Both workers' look-ups are made to finish before either creates (a
barrier), which is the race itself; the engine holds the customer (``Host.hold_customers``) from
its look-up to its stored ContactID, and looks the customer up again once it holds it.
"""

from __future__ import annotations

import copy
import threading

import pytest

from tests.engine_support import make_env, sample
from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.memory_host import MemoryHost
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero.locks import LockTimeout
from xero_connector.xero.retry import RetryPolicy, no_sleep

pytestmark = pytest.mark.timeout(120)

NEW = "Race Ltd"  # the customer both workers invoice, in Xero by neither
OTHERS = ("Other One Ltd", "Other Two Ltd")


@pytest.fixture
def env():
	config = SandboxConfig(limits=LimitConfig(time_scale=1.0), loosen=frozenset({"contact_unique"}))
	env = make_env(Sandbox(config).start())
	for n, name in enumerate((NEW, *OTHERS)):
		env.host.context.masters.customers[name] = {
			"name": name,
			"customer_name": name,
			"xero_account_number": f"RACE{n}",
		}
	try:
		yield env
	finally:
		env.sb.stop()


def invoice(name: str, customer: str) -> dict:
	doc = sample("00018")
	doc.update(name=name, customer=customer, customer_name=customer)
	return doc


def worker(env, host: MemoryHost, barrier: threading.Barrier) -> SyncEngine:
	"""A worker of its own (its own client) whose contact look-up waits for the other's (at most 1 s:
	with the hold, the other is waiting for the customer and never gets there)."""
	port = sandbox_port(env.sb, retry=RetryPolicy(attempts=3, sleep=no_sleep))
	find = port.find_contacts

	def find_then_wait(*args, **kwargs):
		found = find(*args, **kwargs)
		try:
			barrier.wait(timeout=1.0)
		except threading.BrokenBarrierError:
			pass
		return found

	port.find_contacts = find_then_wait
	return SyncEngine(host, port, env.engine.reference())


def race(env, hosts: tuple[MemoryHost, MemoryHost]) -> dict:
	"""Both workers push at once: worker i sends RACE-i (the new customer) and OTHER-i."""
	barrier = threading.Barrier(2)
	outcomes, errors = {}, []

	def run(i: int):
		engine = worker(env, hosts[i], barrier)
		names = [f"ACC-SINV-RACE-{i}", f"ACC-SINV-OTHER-{i}"]
		hosts[i].add_invoice(invoice(names[0], NEW))
		hosts[i].add_invoice(invoice(names[1], OTHERS[i]))
		try:
			outcomes.update({o.name: o for o in engine.push(names)})
		except Exception as error:  # reported by the test
			errors.append(error)

	threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert not errors, errors
	return outcomes


def contacts_named(env, name: str) -> list[dict]:
	return [c for c in env.org.contacts.values() if c.get("Name") == name]


def test_two_workers_on_one_new_customer_create_one_contact(env):
	outcomes = race(env, (env.host, env.host))
	(contact,) = contacts_named(env, NEW)
	for i in (0, 1):
		assert outcomes[f"ACC-SINV-RACE-{i}"].status == "Success", outcomes[f"ACC-SINV-RACE-{i}"].reason
		(sent,) = env.xero_invoices(f"ACC-SINV-RACE-{i}")
		assert sent["ContactID"] == contact["ContactID"]
	assert env.host.get_contact_id(NEW) == contact["ContactID"]
	assert all(len(contacts_named(env, name)) == 1 for name in OTHERS)


def test_a_worker_that_cannot_see_the_stored_contact_finds_it_in_xero(env):
	"""The Frappe host's second worker may read the Customer in a transaction older than the first
	worker's commit, so it does not see the stored ContactID: once it holds the customer it looks
	the customer up in Xero again and matches the contact the first one created."""
	second = MemoryHost(env.host.context, site_id=env.host.site_id, tenant_id=env.host.tenant_id)
	second._locks, second._locks_guard = env.host._locks, env.host._locks_guard  # one lock service
	outcomes = race(env, (env.host, second))
	(contact,) = contacts_named(env, NEW)
	assert {env.host.get_contact_id(NEW), second.get_contact_id(NEW)} == {contact["ContactID"]}
	assert sorted(o.status for n, o in outcomes.items() if "RACE" in n) == ["Success", "Success"]
	matched = [e.messages for h in (env.host, second) for e in h.log if e.reference_name == NEW]
	assert sorted(matched) == [["matched by rule account_number"], ["matched by rule created"]]


def test_the_rule_off_lets_the_sandbox_store_a_contact_twice(env):
	"""The loosened rule really is off (else the tests above prove nothing)."""
	for key in ("first", "second"):
		env.port.client.create_contacts([{"Name": NEW, "AccountNumber": "RACE0"}], f"contact-{key}")
	assert len(contacts_named(env, NEW)) == 2


def test_a_customer_held_too_long_by_another_worker_leaves_the_invoice_queued(env):
	class Busy(MemoryHost):
		def hold_customers(self, customers):
			raise LockTimeout(f"Could not take lock 'customer:{customers[0]}' within 30 s")

	host = Busy(env.host.context, site_id="test-site", tenant_id=env.host.tenant_id)
	host.add_invoice(copy.deepcopy(invoice("ACC-SINV-RACE-9", NEW)))
	outcome = SyncEngine(host, env.port).push(["ACC-SINV-RACE-9"])[-1]
	assert (outcome.status, outcome.error_kind) == ("Queued", "transient")
	assert "another worker" in outcome.reason
	assert not contacts_named(env, NEW) and not env.xero_invoices("ACC-SINV-RACE-9")
