"""Build a XeroClient wired to a running bundled sandbox, for tests, the demo and
benchmarks (the only module of this package that knows the sandbox exists; it
imports nothing from it).

    client = sandbox_client(sandbox)                     # demo organisation, fresh tokens
    client = sandbox_client(sandbox, tenant_id=other_id, retry=RetryPolicy(sleep=no_sleep))
"""

from __future__ import annotations

from xero_connector.xero.client import XeroClient
from xero_connector.xero.endpoints import Endpoints
from xero_connector.xero.limiter import Limits, RateLimiter
from xero_connector.xero.locks import Lock
from xero_connector.xero.oauth import OAuthClient
from xero_connector.xero.retry import RetryPolicy
from xero_connector.xero.tokens import MemoryTokenStore, TokenManager, TokenSet, TokenStore


def sandbox_tenant_id(sandbox) -> str:
	return getattr(sandbox, "demo_tenant_id", None) or sandbox.tenant_id


def sandbox_tokens(sandbox, tenant_ids: list[str] | None = None) -> TokenSet:
	"""A fresh token set from the sandbox's test shortcut (as if the OAuth flow ran)."""
	issue = getattr(sandbox, "issue_token_set", None) or sandbox.issue_tokens
	return TokenSet.from_response(issue(tenant_ids) if tenant_ids is not None else issue())


def sandbox_limits(sandbox) -> Limits:
	"""The client-side Limits matching the sandbox's configured limits and time scale."""
	config = getattr(getattr(sandbox, "limiter", None), "config", None)
	if config is None:
		return Limits()
	return Limits(
		minute_limit=config.per_minute,
		concurrent_limit=config.concurrent,
		day_limit=config.per_day,
		app_minute_limit=config.app_per_minute,
		time_scale=config.time_scale,
	)


def sandbox_oauth(sandbox, **options) -> OAuthClient:
	return OAuthClient(sandbox.client_id, sandbox.client_secret, Endpoints.from_sandbox(sandbox), **options)


def sandbox_client(
	sandbox,
	*,
	tenant_id: str | None = None,
	store: TokenStore | None = None,
	lock: Lock | None = None,
	limiter: RateLimiter | None = None,
	retry: RetryPolicy | None = None,
	timeout: tuple[float, float] = (5.0, 30.0),
	oauth: OAuthClient | None = None,
) -> XeroClient:
	"""A XeroClient for ``tenant_id`` (default: the demo organisation) of a started sandbox."""
	tenant = tenant_id or sandbox_tenant_id(sandbox)
	oauth = oauth or sandbox_oauth(sandbox)
	if store is None:
		store = MemoryTokenStore(sandbox_tokens(sandbox, [tenant] if tenant_id else None))
	manager = TokenManager(oauth, store, lock)
	return XeroClient(
		manager,
		tenant,
		endpoints=oauth.endpoints,
		limiter=limiter or RateLimiter(sandbox_limits(sandbox)),
		retry=retry or RetryPolicy(base_delay=0.02, max_delay=0.2),
		timeout=timeout,
	)
