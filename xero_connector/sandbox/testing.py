"""A ready-to-use HTTP client for a started sandbox's Accounting API, for tests,
the demo and benchmarks:

    with Sandbox(SandboxConfig()) as sandbox:
        xero = SandboxHttp(sandbox)
        xero.put("/Contacts", json={"Contacts": [{"Name": "Acme"}]}).json()

Paths are relative to ``/api.xro/2.0``; the bearer token, ``xero-tenant-id``
and ``Accept: application/json`` are set on every call; answers are
``requests.Response`` objects. ``tests/conftest.py`` exposes it as the
``xero_http`` fixture.
"""

from __future__ import annotations

import requests


class SandboxHttp:
	"""Calls the Accounting API of ``sandbox`` as a connected app would."""

	def __init__(
		self, sandbox, tenant_id: str | None = None, tokens: dict | None = None, timeout: float = 30.0
	):
		self.sandbox = sandbox
		self.tenant_id = tenant_id or sandbox.tenant_id
		self.tokens = tokens or sandbox.issue_token_set([self.tenant_id])
		self.timeout = timeout
		self.session = requests.Session()
		self.session.headers.update(
			{
				"Authorization": f"Bearer {self.tokens['access_token']}",
				"xero-tenant-id": self.tenant_id,
				"Accept": "application/json",
			}
		)

	def request(self, method: str, path: str, **kwargs) -> requests.Response:
		kwargs.setdefault("timeout", self.timeout)
		return self.session.request(method, f"{self.sandbox.api_url}{path}", **kwargs)

	def get(self, path: str, **kwargs) -> requests.Response:
		return self.request("GET", path, **kwargs)

	def put(self, path: str, json=None, **kwargs) -> requests.Response:
		return self.request("PUT", path, json=json, **kwargs)

	def post(self, path: str, json=None, **kwargs) -> requests.Response:
		return self.request("POST", path, json=json, **kwargs)

	def delete(self, path: str, **kwargs) -> requests.Response:
		return self.request("DELETE", path, **kwargs)

	def close(self) -> None:
		self.session.close()

	def __repr__(self) -> str:
		return f"SandboxHttp({self.sandbox.api_url!r}, tenant_id={self.tenant_id!r})"
