"""Shared set-up for the sync-engine tests: a started sandbox, the real Xero client
over HTTP (retries without sleeping), an in-memory Host loaded with the bundled
sample masters and mapping, and helpers to read what the sandbox holds.

Imported by tests/test_engine_*.py (fixtures ``env``); no fake XeroPort anywhere.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.context import MappingContext, Masters
from xero_connector.engine.mapping_file import load_mapping_file
from xero_connector.engine.memory_host import MemoryHost
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero.retry import RetryPolicy, no_sleep

SAMPLES = Path(__file__).resolve().parents[1] / "xero_connector" / "samples"


def sample(name: str) -> dict:
	"""A bundled sample Sales Invoice (a fresh copy), e.g. ``sample("00018")``."""
	return json.loads((SAMPLES / "invoices" / f"ACC-SINV-2026-{name}.json").read_text())


def sample_context() -> MappingContext:
	masters = Masters.from_export(json.loads((SAMPLES / "masters.json").read_text()))
	mappings, settings = load_mapping_file(SAMPLES / "mapping.json", masters.company.get("default_currency"))
	return MappingContext(mappings, settings, masters)


@dataclass
class Env:
	sb: Sandbox
	port: object
	host: MemoryHost
	engine: SyncEngine

	def add(self, *docs: dict) -> list[str]:
		return [self.host.add_invoice(copy.deepcopy(d)) for d in docs]

	def push(self, *names: str):
		return self.engine.push(list(names))

	def fresh_engine(self) -> SyncEngine:
		"""A new engine on the same host and port (the next background job), with the
		reference data cached as the Frappe shell caches it."""
		self.engine = SyncEngine(self.host, self.port, self.engine._reference)
		return self.engine

	@property
	def org(self):
		return self.sb.organisation(self.port.tenant_id)

	def xero_invoices(self, number: str) -> list[dict]:
		"""Every invoice (any status) with that number, read straight from the sandbox's state."""
		return [i for i in self.org.invoices.values() if i.get("InvoiceNumber") == number]

	def xero_credit_notes(self, number: str) -> list[dict]:
		return [c for c in self.org.credit_notes.values() if c.get("CreditNoteNumber") == number]

	def by_name(self, outcomes, name: str, operation: str | None = None):
		found = [o for o in outcomes if o.name == name and operation in (None, o.operation)]
		assert found, f"no outcome for {name} {operation or ''}: {outcomes}"
		return found[-1]


def start_sandbox(**limits) -> Sandbox:
	config = SandboxConfig(limits=LimitConfig(**({"time_scale": 1.0} | limits)))
	return Sandbox(config).start()


def make_env(sb: Sandbox, site_id: str = "test-site") -> Env:
	port = sandbox_port(sb, retry=RetryPolicy(attempts=3, sleep=no_sleep))
	host = MemoryHost(sample_context(), site_id=site_id, tenant_id=port.tenant_id)
	return Env(sb, port, host, SyncEngine(host, port))


@pytest.fixture
def env():
	sb = start_sandbox()
	try:
		yield make_env(sb)
	finally:
		sb.stop()


def garble(monkeypatch, path: str, change, times: int = 1) -> None:
	"""Xero (or a proxy) answers the next ``times`` writes (PUT/POST) to ``path`` with HTTP 200 and
	``change(the answer's bytes)`` instead, after the sandbox applied them."""
	from xero_connector.xero import transport

	original = transport.SdkTransport.request
	left = {"n": times}

	def request(self, method, url, *args, **kwargs):
		response = original(self, method, url, *args, **kwargs)
		if method in ("PUT", "POST") and path in url and left["n"] > 0:
			left["n"] -= 1
			response.data = change(response.data)
		return response

	monkeypatch.setattr(transport.SdkTransport, "request", request)
