"""The engine's own organisation guard: a Host's invoices never go to a connection that
points at another Xero organisation, whatever drives the engine (CLI, demo, Frappe)."""

from tests.engine_support import env, sample  # noqa: F401  (the pytest fixture)
from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.sync import SyncEngine
from xero_connector.xero.retry import RetryPolicy, no_sleep


def test_push_to_a_switched_tenant_is_refused_and_nothing_is_written(env):  # noqa: F811
	other_tenant = env.sb.add_organisation(name="Another NZ Ltd", base_currency="NZD")
	other_org = env.sb.organisation(other_tenant)
	contacts_before = len(other_org.contacts)
	switched = sandbox_port(env.sb, other_tenant, retry=RetryPolicy(attempts=3, sleep=no_sleep))
	(name,) = env.add(sample("00018"))

	outcomes = SyncEngine(env.host, switched).push([name])

	assert [(o.name, o.operation, o.status) for o in outcomes] == [(name, "push", "Failed")]
	assert other_tenant.lower() in outcomes[0].reason and "nothing was sent" in outcomes[0].reason
	assert "confirm it on the Xero Connection" in outcomes[0].resolution
	assert other_org.invoices == {} and len(other_org.contacts) == contacts_before
	assert env.host.get_state(name) is None or env.host.get_state(name).xero_id is None
	assert env.xero_invoices(name) == []


def test_cancel_and_allocate_to_a_switched_tenant_are_refused(env):  # noqa: F811
	(name,) = env.add(sample("00018"))
	assert env.push(name)[-1].status == "Success"
	other_tenant = env.sb.add_organisation(name="Another NZ Ltd", base_currency="NZD")
	switched = sandbox_port(env.sb, other_tenant, retry=RetryPolicy(attempts=3, sleep=no_sleep))
	engine = SyncEngine(env.host, switched)

	assert [o.status for o in engine.cancel([name])] == ["Failed"]
	assert [o.status for o in engine.allocate([name])] == ["Failed"]
	assert env.xero_invoices(name)[0]["Status"] == "AUTHORISED"


def test_same_tenant_in_another_case_is_not_a_switch(env):  # noqa: F811
	env.host.tenant_id = env.port.tenant_id.upper()
	(name,) = env.add(sample("00018"))
	assert env.push(name)[-1].status == "Success"
