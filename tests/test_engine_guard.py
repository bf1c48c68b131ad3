"""The organisation guard against a sandbox holding two organisations: the cheap path
makes no call, a tenant switched underneath is caught with the user's message, and
nothing reaches the other organisation."""

import pytest

from tests.engine_support import start_sandbox
from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.guard import (
	OrganisationChanged,
	OrganisationIdentity,
	check_organisation,
	ensure_same_organisation,
)
from xero_connector.sandbox.server import SECOND_TENANT_ID, SECOND_TENANT_NAME
from xero_connector.xero.retry import RetryPolicy, no_sleep


@pytest.fixture
def sb():
	sandbox = start_sandbox()
	try:
		yield sandbox
	finally:
		sandbox.stop()


def port_for(sb, tenant_id=None):
	return sandbox_port(sb, tenant_id=tenant_id, retry=RetryPolicy(attempts=2, sleep=no_sleep))


def remembered(port) -> OrganisationIdentity:
	return OrganisationIdentity.from_organisation(port.get_organisation(), port.tenant_id)


def test_first_connection_remembers_id_name_and_base_currency(sb):
	port = port_for(sb)
	result = check_organisation(None, port.tenant_id, port.get_organisation)
	assert result.ok and result.remember and result.called
	org = sb.organisation(port.tenant_id)
	assert result.current.organisation_id == org.profile["OrganisationID"]
	assert (result.current.name, result.current.base_currency) == ("Demo Company (NZ)", "NZD")
	assert result.current.tenant_id == port.tenant_id


def test_same_tenant_needs_no_call(sb):
	port = port_for(sb)
	expected = remembered(port)
	before = port.calls
	result = ensure_same_organisation(port, expected)
	assert result.ok and not result.called
	assert port.calls == before


def test_cached_identity_of_the_current_tenant_is_used(sb):
	port = port_for(sb)
	expected = remembered(port)
	before = port.calls
	assert ensure_same_organisation(port, expected, known=expected).ok
	assert port.calls == before


def test_switched_tenant_is_refused_with_both_organisations_named(sb):
	expected = remembered(port_for(sb))
	other = port_for(sb, SECOND_TENANT_ID)
	with pytest.raises(OrganisationChanged) as caught:
		ensure_same_organisation(other, expected, known=expected)
	error = caught.value
	other_id = sb.organisation(SECOND_TENANT_ID).profile["OrganisationID"]
	assert error.current.organisation_id == other_id
	assert error.current.base_currency == "AUD"
	assert str(error) == (
		f"Xero connection now points at organisation {SECOND_TENANT_NAME} (ID {other_id}), "
		f"not Demo Company (NZ) which this site was synced with: reconnect to Demo Company (NZ) "
		"or confirm the switch on the Xero Connection"
	)
	assert error.kind == "permanent" and "Confirm Organisation Switch" in error.resolution


def test_stale_cache_of_another_tenant_is_refreshed_by_one_call(sb):
	expected = remembered(port_for(sb))
	other = port_for(sb, SECOND_TENANT_ID)
	before = other.calls
	result = check_organisation(expected, other.tenant_id, other.get_organisation, known=expected)
	assert not result.ok and result.called
	assert other.calls == before + 1
	# once the new tenant's identity is cached, checking again costs nothing and still refuses
	again = check_organisation(expected, other.tenant_id, other.get_organisation, known=result.current)
	assert not again.ok and not again.called
	assert other.calls == before + 1


def test_same_organisation_under_a_new_tenant_id_is_accepted(sb):
	port = port_for(sb)
	expected = OrganisationIdentity.from_organisation(port.get_organisation(), "old-tenant-id")
	result = ensure_same_organisation(port, expected)
	assert result.ok and result.called
	assert result.current.tenant_id == port.tenant_id


def test_guard_blocks_before_anything_is_written_to_the_other_organisation(sb):
	from tests.engine_support import make_env, sample

	env = make_env(sb)
	expected = remembered(env.port)
	other = port_for(sb, SECOND_TENANT_ID)
	doc = sample("00018")
	env.add(doc)
	before = dict(sb.stats["writes"])
	with pytest.raises(OrganisationChanged):
		ensure_same_organisation(other, expected)
	org = sb.organisation(SECOND_TENANT_ID)
	assert not [i for i in org.invoices.values() if i.get("InvoiceNumber") == doc["name"]]
	assert sb.stats["writes"] == before
