"""The Xero sandbox as one object you can start in-process or from the CLI.

>>> with Sandbox(SandboxConfig(port=0)) as sandbox:  # doctest: +SKIP
...     tokens = sandbox.issue_token_set()
...     requests.get(
...         f"{sandbox.api_url}/Invoices",
...         headers={
...             "Authorization": f"Bearer {tokens['access_token']}",
...             "xero-tenant-id": sandbox.tenant_id,
...             "Accept": "application/json",
...         },
...     )

It wires together the identity provider, rate limiter, idempotency store,
fault injector, webhook hub and state file, and hands each admitted
Accounting API call to the accounting backend (:mod:`.contract`).
Its configuration (:class:`SandboxConfig`, the demo app's credentials and
organisations) is in :mod:`.config`, re-exported here.
"""

from __future__ import annotations

import logging
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xero_connector.sandbox.clock import Clock

# every public name of config is re-exported: callers import them from here
from xero_connector.sandbox.config import *
from xero_connector.sandbox.config import DEMO_TENANT_ID, SandboxConfig, config_with
from xero_connector.sandbox.contract import AccountingBackend
from xero_connector.sandbox.faults import FaultInjector
from xero_connector.sandbox.idempotency import IdempotencyStore
from xero_connector.sandbox.identity import IdentityProvider
from xero_connector.sandbox.limits import RateLimiter
from xero_connector.sandbox.persistence import Saver, read_state
from xero_connector.sandbox.pipeline import ApiPipeline
from xero_connector.sandbox.routes import SandboxHTTPServer
from xero_connector.sandbox.rules import check
from xero_connector.sandbox.stats import SandboxStats
from xero_connector.sandbox.webhooks import WebhookHub

log = logging.getLogger(__name__)


def default_backend(clock: Clock, loosen=()) -> AccountingBackend:
	"""The accounting rules shipped with the sandbox (``loosen``: rule names, sandbox/rules.py)."""
	from xero_connector.sandbox.accounting_backend import SandboxAccounting

	return SandboxAccounting(clock, loosen)


class Sandbox:
	"""A running (or ready to run) Xero sandbox.

	Python API used by tests, the demo and benchmarks: :attr:`url`,
	:attr:`api_url`, :meth:`issue_token_set`, :attr:`faults`,
	:meth:`expire_tokens`, :attr:`webhooks`, :attr:`limiter`, :attr:`clock`,
	:attr:`stats`.

	Configure it with a :class:`SandboxConfig`, or with keywords::

	    Sandbox(
	        client_id=None,
	        client_secret=None,
	        time_scale=1.0,
	        minute_limit=60,
	        concurrent_limit=5,
	        day_limit=5000,
	        app_minute_limit=10000,
	        limits_enabled=True,
	        tier=None,  # "starter", "core", "plus", "advanced", "enterprise": that tier's day limit
	        data_file=None,
	        clock=None,
	        host=...,
	        port=...,
	    )

	(keywords given with a config override its values).
	"""

	def __init__(
		self,
		config: SandboxConfig | None = None,
		backend: AccountingBackend | None = None,
		clock: Clock | None = None,
		**keywords,
	):
		self.config = config_with(config, **keywords)
		self.clock = clock or Clock()
		self.stats_counter = SandboxStats()
		self.config.loosen = check(self.config.loosen)
		self.backend = backend or default_backend(self.clock, self.config.loosen)
		self.identity = IdentityProvider(self.clock)
		self.identity.register_client(
			self.config.client_id,
			self.config.client_secret,
			self.config.redirect_uris,
			granular_only=self.config.granular_only_app,
		)
		self.limiter = RateLimiter(self.config.limits, self.clock)
		self.idempotency = IdempotencyStore(self.clock)
		self.faults = FaultInjector(self.config.fault_seed)
		self.webhooks = WebhookHub(
			self.clock,
			lambda: self.url,
			self.config.webhook_timeout,
			self.config.webhook_retry_delays,
			connected=self.identity.has_connection,
		)
		self.pipeline = ApiPipeline(self)
		self.organisations: dict[str, Any] = {}
		self._locks: dict[str, threading.Lock] = {}
		self._locks_guard = threading.Lock()
		self._http: SandboxHTTPServer | None = None
		self._thread: threading.Thread | None = None
		self._saver: Saver | None = None
		self._load_or_seed()

	# ----- lifecycle ------------------------------------------------------------------

	def _load_or_seed(self) -> None:
		saved = read_state(Path(self.config.data_file)) if self.config.data_file else None
		saved_orgs = (saved or {}).get("organisations", {})
		for spec in self.config.organisations:
			if spec.tenant_id in saved_orgs:
				organisation = self.backend.load(saved_orgs[spec.tenant_id], self.clock)
			else:
				organisation = self.backend.new_organisation(
					spec.tenant_id, spec.name, self.clock, spec.base_currency
				)
			self._add(spec.tenant_id, spec.name, organisation, spec.connect_by_default)
		if saved:
			self.identity.load_dict(saved.get("identity", {}))
			self.webhooks.load_dict(saved.get("webhooks", {}))

	def _add(self, tenant_id: str, name: str, organisation: Any, default: bool) -> None:
		tenant_id = tenant_id.lower()  # xero-tenant-id is matched case-insensitively
		self.organisations[tenant_id] = organisation
		self.identity.register_tenant(tenant_id, name, default=default)

	def add_organisation(
		self, tenant_id: str | None = None, name: str = "Sandbox Organisation", base_currency: str = "NZD"
	) -> str:
		"""Seed another organisation (offered on the consent page); a new tenant id when none is
		given. Returns the tenant id."""
		tenant_id = tenant_id or str(uuid.uuid4())
		self._add(
			tenant_id, name, self.backend.new_organisation(tenant_id, name, self.clock, base_currency), False
		)
		self.changed()
		return tenant_id

	def start(self) -> Sandbox:
		if self._http:
			return self
		self._http = SandboxHTTPServer((self.config.host, self.config.port), self)
		self._thread = threading.Thread(
			target=self._http.serve_forever,
			kwargs={"poll_interval": 0.05},
			name="xero-sandbox-http",
			daemon=True,
		)
		self._thread.start()
		self.webhooks.start()
		if self.config.data_file:
			self._saver = Saver(Path(self.config.data_file), self.snapshot, self.config.save_interval)
			self._saver.start()
		return self

	def stop(self) -> None:
		if self._http:
			self._http.shutdown()
			self._http.server_close()
			self._http = None
		self.webhooks.stop()
		if self._saver:
			self._saver.stop()
			self._saver = None

	def __enter__(self) -> Sandbox:
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()

	# ----- addresses ------------------------------------------------------------------

	@property
	def port(self) -> int:
		return self._http.server_address[1] if self._http else self.config.port

	@property
	def url(self) -> str:
		host = self.config.host if self.config.host not in ("0.0.0.0", "::") else "127.0.0.1"
		return f"http://{host}:{self.port}"

	@property
	def api_url(self) -> str:
		return f"{self.url}/api.xro/2.0"

	@property
	def authorize_url(self) -> str:
		return f"{self.url}/identity/connect/authorize"

	@property
	def token_url(self) -> str:
		return f"{self.url}/connect/token"

	@property
	def revocation_url(self) -> str:
		return f"{self.url}/connect/revocation"

	@property
	def connections_url(self) -> str:
		return f"{self.url}/connections"

	@property
	def tenant_id(self) -> str:
		"""The demo organisation's tenant id."""
		return next((s.tenant_id for s in self.config.organisations if s.connect_by_default), DEMO_TENANT_ID)

	@property
	def demo_tenant_id(self) -> str:
		"""Alias of :attr:`tenant_id`."""
		return self.tenant_id

	@property
	def client_id(self) -> str:
		return self.config.client_id

	@property
	def client_secret(self) -> str:
		return self.config.client_secret

	def info(self) -> dict:
		"""``GET /sandbox``: where everything is (no secrets)."""
		return {
			"name": "Xero sandbox",
			"clientId": self.client_id,
			"authorizeUrl": self.authorize_url,
			"tokenUrl": self.token_url,
			"revocationUrl": self.revocation_url,
			"connectionsUrl": self.connections_url,
			"apiUrl": self.api_url,
			"organisations": [
				{
					"tenantId": t.tenant_id,
					"name": t.name,
					"connectedByDefault": t.tenant_id in self.identity.default_tenant_ids,
				}
				for t in self.identity.tenants.values()
			],
			"limits": self.limiter.config.__dict__,
		}

	# ----- Python API -------------------------------------------------------------------

	def issue_token_set(self, tenant_ids: list[str] | None = None, scope: str | None = None) -> dict:
		"""Connect organisations to the sandbox's client and return a token set, as
		after the browser flow (default: the demo organisation)."""
		options = {"scope": scope} if scope else {}
		tokens = self.identity.issue_token_set(self.client_id, tenant_ids, **options)
		self.changed()
		return tokens

	issue_tokens = issue_token_set

	@property
	def stats(self) -> dict:
		"""What the sandbox has served since it started (or :meth:`reset_stats`), as plain dicts:
		``calls``, ``writes``, ``rate_limited`` (429 answers) and ``idempotent_replays``, each
		``{tenant_id: n}``; ``token_requests`` (``POST /connect/token``, answered or refused) and
		``token_requests_by_grant``; ``totals`` of the per-tenant counters. A call is any Accounting
		API request whose token and tenant were accepted (429 answers included); a write is a
		non-GET call the accounting rules handled (not a replay)."""
		return self.stats_counter.snapshot()

	def reset_stats(self) -> None:
		"""Start counting from zero (e.g. after a benchmark's warm-up)."""
		self.stats_counter.reset()

	def expire_tokens(self) -> int:
		"""Fault injection: every access token issued so far is now expired."""
		return self.identity.expire_access_tokens()

	def organisation(self, tenant_id: str | None = None) -> Any:
		return self.organisations[tenant_id or self.tenant_id]

	@contextmanager
	def organisation_lock(self, tenant_id: str):
		"""Serialises accounting calls per organisation (the backend is not thread-safe)."""
		with self._locks_guard:
			lock = self._locks.setdefault(tenant_id, threading.Lock())
		with lock:
			yield

	def render_page(self) -> str:
		ordered = [self.organisations[t] for t in self.organisations]
		return self.backend.render_page(ordered)

	# ----- persistence ------------------------------------------------------------------

	def changed(self) -> None:
		if self._saver:
			self._saver.mark_dirty()

	def snapshot(self) -> dict:
		organisations = {}
		for tenant_id, organisation in self.organisations.items():
			with self.organisation_lock(tenant_id):
				organisations[tenant_id] = self.backend.dump(organisation)
		return {
			"identity": self.identity.to_dict(),
			"webhooks": self.webhooks.to_dict(),
			"organisations": organisations,
		}

	def save(self) -> None:
		"""Write the state file now (no-op without ``data_file``)."""
		if self._saver:
			self._saver.flush()
