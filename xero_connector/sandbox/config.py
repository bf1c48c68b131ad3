"""How a sandbox runs: :class:`SandboxConfig`, the demo app's credentials and
organisations, and :func:`config_with` (the keyword form of ``Sandbox(...)``).

Used by :class:`xero_connector.sandbox.server.Sandbox`; server.py re-exports every
public name here, and the CLI, the demo, the engine's sandbox connection, tests and
benchmarks import them from :mod:`xero_connector.sandbox.server`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.webhooks import DEFAULT_RETRY_DELAYS

__all__ = [
	"DEMO_CLIENT_ID",
	"DEMO_CLIENT_SECRET",
	"DEMO_TENANT_ID",
	"DEMO_TENANT_NAME",
	"MAX_BODY_BYTES",
	"SECOND_TENANT_ID",
	"SECOND_TENANT_NAME",
	"OrganisationSpec",
	"SandboxConfig",
	"config_with",
]

# The ready-to-use app credentials the sandbox prints and the README documents.
# They only ever open this local sandbox.
DEMO_CLIENT_ID = "5A4DB0XSANDB0XDEM0C1IENT00000001"
DEMO_CLIENT_SECRET = "sandbox.demo.secret-not.for-production"
DEMO_TENANT_ID = "5a4db0c5-0e6f-4b7e-9d1a-000000000001"
DEMO_TENANT_NAME = "Demo Company (NZ)"
SECOND_TENANT_ID = "5a4db0c5-0e6f-4b7e-9d1a-000000000002"
SECOND_TENANT_NAME = "Sandbox Trading (AU)"
MAX_BODY_BYTES = 3_500_000


@dataclass
class OrganisationSpec:
	tenant_id: str
	name: str
	base_currency: str = "NZD"
	connect_by_default: bool = False


def _default_organisations() -> list[OrganisationSpec]:
	return [
		OrganisationSpec(DEMO_TENANT_ID, DEMO_TENANT_NAME, "NZD", connect_by_default=True),
		OrganisationSpec(SECOND_TENANT_ID, SECOND_TENANT_NAME, "AUD"),
	]


@dataclass
class SandboxConfig:
	"""How a sandbox runs. ``port=0`` picks a free port (tests)."""

	host: str = "127.0.0.1"
	port: int = 0
	client_id: str = DEMO_CLIENT_ID
	client_secret: str = field(default=DEMO_CLIENT_SECRET, repr=False)
	redirect_uris: tuple[str, ...] = ()
	data_file: Path | None = None
	limits: LimitConfig = field(default_factory=LimitConfig)
	consent_page: bool = False
	organisations: list[OrganisationSpec] = field(default_factory=_default_organisations)
	max_body_bytes: int = MAX_BODY_BYTES
	webhook_timeout: float = 5.0
	webhook_retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
	fault_seed: int | None = None
	save_interval: float = 1.0
	# strict rules loosened for a test that needs it, by name (sandbox/rules.py); strict by default
	loosen: frozenset[str] = frozenset()
	# the app was created from 2 March 2026: only granular accounting scopes (sandbox/scopes.py)
	granular_only_app: bool = False


# Sandbox(**keywords) → (SandboxConfig field, LimitConfig field or None)
_KEYWORDS = {
	"host": ("host", None),
	"port": ("port", None),
	"client_id": ("client_id", None),
	"client_secret": ("client_secret", None),
	"data_file": ("data_file", None),
	"time_scale": (None, "time_scale"),
	"minute_limit": (None, "per_minute"),
	"day_limit": (None, "per_day"),
	"concurrent_limit": (None, "concurrent"),
	"app_minute_limit": (None, "app_per_minute"),
	"limits_enabled": (None, "enabled"),
	"tier": (None, "tier"),
	"loosen": ("loosen", None),
}


def config_with(config: SandboxConfig | None, **keywords) -> SandboxConfig:
	"""``config`` (default: SandboxConfig()) with the keyword form's values applied; ``None`` values
	keep the config's. Raises TypeError for an unknown keyword. Called by :class:`Sandbox`."""
	unknown = sorted(set(keywords) - set(_KEYWORDS))
	if unknown:
		raise TypeError(f"Sandbox() got unexpected keyword arguments: {', '.join(unknown)}")
	base = config or SandboxConfig()
	top, limits = {}, {}
	for name, value in keywords.items():
		if value is None:
			continue
		config_field, limit_field = _KEYWORDS[name]
		if config_field == "data_file":
			value = Path(value)
		if config_field:
			top[config_field] = value
		else:
			limits[limit_field] = value
	if "per_day" in limits and "tier" not in limits:
		limits["tier"] = None  # a day limit given by number is no tier's
	if limits:
		top["limits"] = replace(base.limits, **limits)
	return replace(base, **top) if top else base
