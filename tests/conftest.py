"""Shared fixtures: a started Xero sandbox (the shipped accounting rules, Xero's
limits, a manual clock set to now so tests can move time on) and ``xero_http``,
an authenticated client for its Accounting API (paths relative to
``/api.xro/2.0``, answers are ``requests.Response``), and ``xero``, which runs a
test once against the in-process sandbox and once over HTTP."""

import time

import pytest

from xero_connector.sandbox.clock import ManualClock
from xero_connector.sandbox.inprocess import InProcessClient
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.sandbox.testing import SandboxHttp


@pytest.fixture
def sandbox():
	with Sandbox(SandboxConfig(port=0), clock=ManualClock(start=time.time())) as started:
		yield started


@pytest.fixture
def xero_http(sandbox):
	client = SandboxHttp(sandbox)
	yield client
	client.close()


@pytest.fixture(params=["direct", "http"])
def xero(request):
	"""The sandbox's Accounting API, in-process and over HTTP; used by the test_sandbox_* modules."""
	if request.param == "direct":
		return InProcessClient()
	return request.getfixturevalue("xero_http")
