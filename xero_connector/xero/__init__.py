"""The pure-Python Xero client (no frappe): OAuth2 and tokens, rate limiting,
retries, the error catalogue, webhooks and redaction.

Typical use (the Frappe shell, the CLI and tests build it the same way)::

    from xero_connector.xero import (
        Endpoints,
        OAuthClient,
        TokenManager,
        MemoryTokenStore,
        RateLimiter,
        Limits,
        RetryPolicy,
        XeroClient,
    )

    oauth = OAuthClient(client_id, client_secret, Endpoints())
    tokens = TokenManager(oauth, MemoryTokenStore(token_set))
    client = XeroClient(tokens, tenant_id, limiter=RateLimiter(Limits()))
    results = client.create_invoices([...], idempotency_key="site:SINV-0001:push:ab12")
"""

from xero_connector.xero.catalogue import CatalogueEntry
from xero_connector.xero.client import XeroClient
from xero_connector.xero.endpoints import Endpoints
from xero_connector.xero.errors import (
	DayLimitReached,
	InvalidState,
	NeedsReauthorisation,
	OAuthError,
	RateLimitWait,
	XeroAuthError,
	XeroBadRequest,
	XeroError,
	XeroNotFound,
	XeroRateLimited,
	XeroRequestTooLarge,
	XeroTransientError,
	XeroValidationError,
)
from xero_connector.xero.keys import chunk_key, fit_key
from xero_connector.xero.limiter import LimiterBackend, Limits, MemoryLimiterBackend, RateLimiter
from xero_connector.xero.locks import FileLock, Lock, LockTimeout, ThreadLock
from xero_connector.xero.oauth import AuthorizationRequest, MemoryStateStore, OAuthClient, StateStore
from xero_connector.xero.results import ElementResult
from xero_connector.xero.retry import RetryPolicy
from xero_connector.xero.scopes import BROAD, GRANULAR, scopes_for
from xero_connector.xero.tokens import (
	JsonFileTokenStore,
	MemoryTokenStore,
	TokenManager,
	TokenSet,
	TokenStore,
)

__all__ = [
	"BROAD",
	"GRANULAR",
	"AuthorizationRequest",
	"CatalogueEntry",
	"DayLimitReached",
	"ElementResult",
	"Endpoints",
	"FileLock",
	"InvalidState",
	"JsonFileTokenStore",
	"LimiterBackend",
	"Limits",
	"Lock",
	"LockTimeout",
	"MemoryLimiterBackend",
	"MemoryStateStore",
	"MemoryTokenStore",
	"NeedsReauthorisation",
	"OAuthClient",
	"OAuthError",
	"RateLimitWait",
	"RateLimiter",
	"RetryPolicy",
	"StateStore",
	"ThreadLock",
	"TokenManager",
	"TokenSet",
	"TokenStore",
	"XeroAuthError",
	"XeroBadRequest",
	"XeroClient",
	"XeroError",
	"XeroNotFound",
	"XeroRateLimited",
	"XeroRequestTooLarge",
	"XeroTransientError",
	"XeroValidationError",
	"chunk_key",
	"fit_key",
	"scopes_for",
]
