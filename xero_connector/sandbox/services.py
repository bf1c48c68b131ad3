"""What the HTTP surface (:mod:`.routes`) and the API pipeline (:mod:`.pipeline`) use of a
running sandbox, as a Protocol that :class:`.server.Sandbox` satisfies: so neither needs to
import the server that imports them (no import cycle, issue 13)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

from xero_connector.sandbox.contract import AccountingBackend
from xero_connector.sandbox.faults import FaultInjector
from xero_connector.sandbox.idempotency import IdempotencyStore
from xero_connector.sandbox.identity import IdentityProvider
from xero_connector.sandbox.limits import RateLimiter
from xero_connector.sandbox.stats import SandboxStats
from xero_connector.sandbox.webhooks import WebhookHub


class SandboxServices(Protocol):
	config: Any  # server.SandboxConfig
	identity: IdentityProvider
	limiter: RateLimiter
	idempotency: IdempotencyStore
	faults: FaultInjector
	webhooks: WebhookHub
	backend: AccountingBackend
	organisations: dict[str, Any]
	stats_counter: SandboxStats
	pipeline: Any  # pipeline.ApiPipeline

	@property
	def url(self) -> str: ...

	def changed(self) -> None: ...

	def organisation_lock(self, tenant_id: str) -> AbstractContextManager: ...

	def render_page(self) -> str: ...

	def info(self) -> dict: ...

	def expire_tokens(self) -> int: ...
