"""Two workers on the same invoice at once (issue 14's duplicate-hunting soak, in small).

With the sandbox's number rule loosened (``number_unique``: Xero's "Invoice # must be unique."
no longer stands in the way), nothing but the engine's own guarantees keeps an invoice from
being created twice when two workers send it in different batches, hence under different
Idempotency-Keys. The engine holds the documents (``Host.hold_documents``) from reading their
state to the last write, so the second worker finds the first one's link and skips.
"""

from __future__ import annotations

import threading

from tests.engine_support import make_env, sample
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig

A, B = "ACC-SINV-2026-00018", "ACC-SINV-2026-00019"


def loosened_env():
	config = SandboxConfig(limits=LimitConfig(time_scale=1.0), loosen=frozenset({"number_unique"}))
	return make_env(Sandbox(config).start())


def test_two_workers_sending_one_invoice_in_different_batches_create_it_once():
	env = loosened_env()
	try:
		env.add(sample("00018"), sample("00019"))
		env.engine.reference()
		other = SyncEngine(env.host, env.port, env.engine._reference)
		# the first worker's create is slow to be handled: the second one starts meanwhile
		env.sb.faults.add("slow", when="before", delay=0.6, method="PUT", path="Invoices", count=1)
		first = threading.Thread(target=env.engine.push, args=([A, B],))
		first.start()
		threading.Event().wait(0.2)
		second = other.push([A])
		first.join()

		assert [i["Status"] for i in env.xero_invoices(A)] == ["AUTHORISED"]
		assert len(env.xero_invoices(B)) == 1
		assert env.by_name(second, A).status == "Skipped"
		assert env.host.get_state(A).xero_id == env.xero_invoices(A)[0]["InvoiceID"]
	finally:
		env.sb.stop()


def test_the_rule_off_lets_the_sandbox_store_a_number_twice():
	"""The loosened rule really is off (else the test above proves nothing)."""
	env = loosened_env()
	try:
		env.add(sample("00018"))
		env.push(A)
		payload = {"Type": "ACCREC", "InvoiceNumber": A, "Contact": {"Name": "Someone"}, "LineItems": []}
		env.port.client.create_invoices([payload], idempotency_key="second-copy")
		assert len(env.xero_invoices(A)) == 2
	finally:
		env.sb.stop()
