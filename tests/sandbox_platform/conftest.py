"""Fixtures for the sandbox platform tests: a started sandbox with a manual
clock and a recording accounting backend, and an API client for it."""

import pytest
from sandbox_platform_support import Api, running_sandbox


@pytest.fixture
def sandbox():
	with running_sandbox() as started:
		yield started


@pytest.fixture
def api(sandbox):
	return Api(sandbox, sandbox.issue_token_set())
