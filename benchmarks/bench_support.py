"""Shared pieces of the benchmark scripts (bench_push, soak, probe): the machine they run on,
a sandbox with Xero's limits at a time scale, client ports whose limiter uses the same scale,
a MemoryHost with indexes for large runs, and generated ERPNext Sales Invoices of ten lines
whose totals are computed the way ERPNext computes them.

Imported by the scripts in this folder only (they put the folder on ``sys.path``).
"""

from __future__ import annotations

import copy
import json
import os
import platform
import resource
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

from xero_connector.engine.context import MappingContext, Masters
from xero_connector.engine.mapping_file import load_mapping_file
from xero_connector.engine.memory_host import MemoryHost
from xero_connector.engine.xero_adapter import ClientPort
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.limits import RateLimiter as SandboxLimiter
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero.client import XeroClient
from xero_connector.xero.endpoints import Endpoints
from xero_connector.xero.limiter import Limits, MemoryLimiterBackend, RateLimiter
from xero_connector.xero.oauth import OAuthClient
from xero_connector.xero.retry import RetryPolicy
from xero_connector.xero.tokens import MemoryTokenStore, TokenManager, TokenSet

SAMPLES = ROOT / "xero_connector" / "samples"
TEMPLATE = "ACC-SINV-2026-00018"  # NZD, GST 15 % exclusive, two items
CENT, UNIT = Decimal("0.01"), Decimal("1")
LINES = (  # (item_code, description, rate, income_account, item_group)
	("WIDGET-A", "Widget A", Decimal("125.50"), "Sales - AL", "Products"),
	("CONSULT-HR", "Consulting hour", Decimal("165.00"), "Consulting Income - AL", "Services"),
)
GST = Decimal("15.0")


def machine() -> str:
	"""One line describing this machine (CPUs, CPU model, RAM, Python)."""
	model = "unknown CPU"
	try:
		for line in Path("/proc/cpuinfo").read_text().splitlines():
			if line.startswith("model name"):
				model = line.split(":", 1)[1].strip()
				break
	except OSError:
		pass
	ram = "?"
	try:
		kb = next(
			int(line.split()[1])
			for line in Path("/proc/meminfo").read_text().splitlines()
			if line.startswith("MemTotal")
		)
		ram = f"{kb / 1024 / 1024:.1f} GiB"
	except (OSError, StopIteration):
		pass
	return f"{os.cpu_count()} CPUs ({model}), {ram} RAM, Python {platform.python_version()}"


def say(text: str = "") -> None:
	"""Print a report line at once (the figure scripts run for minutes)."""
	print(text, flush=True)


def peak_rss_mib() -> float:
	"""Peak resident memory of this process so far (Linux reports KiB)."""
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def start_sandbox(
	time_scale: float = 1.0, limits: bool = True, fault_seed: int | None = None, loosen=()
) -> Sandbox:
	"""A started in-process sandbox with Xero's limits (scaled) on or off, and the strict rules
	named in ``loosen`` (sandbox/rules.py) loosened."""
	config = SandboxConfig(
		limits=LimitConfig(time_scale=time_scale, enabled=limits),
		fault_seed=fault_seed,
		webhook_retry_delays=(),
		loosen=frozenset(loosen),
	)
	return Sandbox(config).start()


def reset_sandbox_limits(sb: Sandbox, enabled: bool = True) -> None:
	"""Forget every call counted so far (after seeding) and switch the limits on or off."""
	config = LimitConfig(**{**sb.limiter.config.__dict__, "enabled": enabled})
	sb.limiter = SandboxLimiter(config, sb.clock)


class Connection:
	"""One connected organisation seen by several workers: the token store, the refresh lock
	and the limiter backend are shared, as they are between RQ workers of one site."""

	def __init__(self, sb: Sandbox, time_scale: float = 1.0, tenant_id: str | None = None):
		self.sb = sb
		self.time_scale = time_scale
		self.tenant_id = tenant_id or sb.tenant_id
		self.endpoints = Endpoints.from_sandbox(sb)
		self.oauth = OAuthClient(sb.client_id, sb.client_secret, self.endpoints)
		self.store = MemoryTokenStore(TokenSet.from_response(sb.issue_token_set([self.tenant_id])))
		self.limiter_backend = MemoryLimiterBackend()
		from xero_connector.xero.locks import ThreadLock

		self.lock = ThreadLock()
		self.clients: list[XeroClient] = []

	def port(self, retry: RetryPolicy | None = None, timeout=(10.0, 60.0), limits: bool = True) -> ClientPort:
		"""A new worker's port: its own XeroClient and TokenManager over the shared pieces.
		``limits=False`` for seeding and reading back with the sandbox's limits off."""
		manager = TokenManager(self.oauth, self.store, self.lock)
		if limits:  # the sandbox's day limit (5,000 unless it serves a tier: bench_day's Starter)
			chosen = Limits(time_scale=self.time_scale, day_limit=self.sb.limiter.config.per_day)
		else:
			chosen = Limits(
				minute_limit=10**9, concurrent_limit=10**6, day_limit=10**9, app_minute_limit=10**9
			)
		limiter = RateLimiter(chosen, self.limiter_backend)
		client = XeroClient(
			manager,
			self.tenant_id,
			endpoints=self.endpoints,
			limiter=limiter,
			retry=retry or RetryPolicy(),
			timeout=timeout,
		)
		self.clients.append(client)
		return ClientPort(client)

	def calls(self) -> int:
		"""API calls made so far: the sandbox's own count for the tenant when it keeps one
		(``Sandbox.stats``), else the sum of the clients' counters."""
		stats = getattr(self.sb, "stats", None)
		if stats is not None:
			value = _tenant_calls(stats, self.tenant_id)
			if value is not None:
				return value
		return sum(c.calls for c in self.clients)


def _tenant_calls(stats, tenant_id: str) -> int | None:
	"""Best effort over the shapes ``Sandbox.stats`` may take (object, dict, callable)."""
	if callable(stats):
		try:
			stats = stats()
		except TypeError:
			return None
	for name in ("calls_for", "api_calls_for"):
		method = getattr(stats, name, None)
		if callable(method):
			return int(method(tenant_id))
	data = stats if isinstance(stats, dict) else getattr(stats, "__dict__", {})
	for key in ("calls", "api_calls", "calls_by_tenant"):
		value = data.get(key)
		if isinstance(value, dict) and tenant_id in value:
			entry = value[tenant_id]
			return int(entry if isinstance(entry, int) else entry.get("calls", 0))
	tenants = data.get("tenants")
	if isinstance(tenants, dict) and tenant_id in tenants:
		entry = tenants[tenant_id]
		value = entry.get("calls") if isinstance(entry, dict) else getattr(entry, "calls", None)
		return int(value) if value is not None else None
	return None


class IndexedHost(MemoryHost):
	"""MemoryHost with O(1) attempt counts (large runs write tens of thousands of log rows).
	Thread-safe enough for the soak's workers: every method is one dict/list operation."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self._attempts: dict[tuple[str, str], int] = {}
		self.synced_at: dict[str, float] = {}  # name -> perf_counter of its first Success push

	def write_log(self, entry) -> None:
		super().write_log(entry)
		key = (entry.reference_name, entry.operation)
		self._attempts[key] = self._attempts.get(key, 0) + 1
		if (
			entry.status == "Success"
			and entry.reference_doctype == "Sales Invoice"
			and entry.operation in ("push", "update")
		):
			import time

			self.synced_at.setdefault(entry.reference_name, time.perf_counter())

	def count_attempts(self, name: str, operation: str) -> int:
		return self._attempts.get((name, operation), 0)


def load_context() -> tuple[MappingContext, Masters]:
	masters = Masters.from_export(json.loads((SAMPLES / "masters.json").read_text()))
	mappings, settings = load_mapping_file(SAMPLES / "mapping.json", "NZD")
	return MappingContext(mappings, settings, masters), masters


def customer_name(c: int) -> str:
	return f"Bench Customer {c:04d}"


def account_number(c: int) -> str:
	return f"B{c:05d}"


def add_customers(masters: Masters, count: int) -> list[str]:
	"""ERPNext Customers ``Bench Customer 0000``… with billing codes ``B00000``…"""
	names = []
	for c in range(count):
		name = customer_name(c)
		masters.customers[name] = {
			"name": name,
			"customer_name": name,
			"xero_account_number": account_number(c),
		}
		names.append(name)
	return names


def seed_contacts(port: ClientPort, numbers: list[int]) -> None:
	"""Create the Xero contacts of these bench customers (so they exist before the run)."""
	for start in range(0, len(numbers), 50):
		part = numbers[start : start + 50]
		contacts = [{"Name": customer_name(c), "AccountNumber": account_number(c)} for c in part]
		port.create_contacts(contacts, f"seed-contacts-{part[0]}-{part[-1]}")


def seeded_organisation(
	sb: Sandbox, customers: int, new: int, time_scale: float
) -> tuple[MappingContext, list[str], ClientPort]:
	"""The start of a push run (bench_push, soak): Acceptance Ltd's context with ``customers``
	bench customers, all but the first ``new`` already contacts in Xero, and the unlimited port
	that seeded them (for reading reference data before the clock starts)."""
	ctx, masters = load_context()
	names = add_customers(masters, customers)
	setup_port = Connection(sb, time_scale=time_scale).port(limits=False)
	seed_contacts(setup_port, list(range(new, customers)))
	return ctx, names, setup_port


_TEMPLATE_CACHE: dict = {}


def _template() -> dict:
	if "doc" not in _TEMPLATE_CACHE:
		doc = json.loads((SAMPLES / "invoices" / f"{TEMPLATE}.json").read_text())
		doc = doc.get("data", doc) if isinstance(doc.get("data"), dict) else doc
		doc.pop("other_charges_calculation", None)
		doc["payment_schedule"] = []
		_TEMPLATE_CACHE["doc"] = doc
	return _TEMPLATE_CACHE["doc"]


def make_invoice(
	name: str, customer: str, seed: int, lines: int = 10, sign: int = 1, return_against: str | None = None
) -> dict:
	"""A submitted NZD Sales Invoice with ``lines`` lines (GST 15 % exclusive), totals as ERPNext
	computes them (tax unrounded per item, rounded once per tax row; rounded total to the dollar).
	``sign=-1`` with ``return_against`` makes a full return of that invoice (same ``seed``)."""
	base = _template()
	item_rows, net, tax_by_item = [], Decimal("0"), {}
	for i in range(lines):
		code, description, rate, income, group = LINES[i % len(LINES)]
		qty = Decimal(1 + (seed + i) % 4) * sign
		amount = (qty * rate).quantize(CENT)
		row = copy.copy(base["items"][i % len(LINES)])
		row.update(
			{
				"name": f"{name}-row{i + 1}",
				"idx": i + 1,
				"parent": name,
				"item_code": code,
				"item_name": description,
				"description": description,
				"qty": float(qty),
				"stock_qty": float(qty),
				"rate": float(rate),
				"net_rate": float(rate),
				"base_rate": float(rate),
				"base_net_rate": float(rate),
				"amount": float(amount),
				"net_amount": float(amount),
				"base_amount": float(amount),
				"base_net_amount": float(amount),
				"income_account": income,
				"item_group": group,
			}
		)
		item_rows.append(row)
		net += amount
		tax_by_item[code] = tax_by_item.get(code, Decimal("0")) + amount * GST / 100
	tax = sum(tax_by_item.values(), Decimal("0")).quantize(CENT, ROUND_HALF_UP)
	grand = net + tax
	rounded = grand.quantize(UNIT, ROUND_HALF_UP)
	adjustment = rounded - grand
	tax_row = copy.copy(base["taxes"][0])
	tax_row.update(
		{
			"parent": name,
			"tax_amount": float(tax),
			"base_tax_amount": float(tax),
			"tax_amount_after_discount_amount": float(tax),
			"base_tax_amount_after_discount_amount": float(tax),
			"total": float(grand),
			"base_total": float(grand),
			"item_wise_tax_detail": json.dumps({k: [float(GST), float(v)] for k, v in tax_by_item.items()}),
		}
	)
	doc = copy.copy(base)
	money = {
		"total": net,
		"net_total": net,
		"base_total": net,
		"base_net_total": net,
		"total_taxes_and_charges": tax,
		"base_total_taxes_and_charges": tax,
		"grand_total": grand,
		"base_grand_total": grand,
		"rounded_total": rounded,
		"base_rounded_total": rounded,
		"rounding_adjustment": adjustment,
		"base_rounding_adjustment": adjustment,
		"outstanding_amount": rounded,
		"amount_eligible_for_commission": net,
	}
	doc.update({k: float(v) for k, v in money.items()})
	doc.update(
		{
			"name": name,
			"customer": customer,
			"customer_name": customer,
			"title": customer,
			"items": item_rows,
			"taxes": [tax_row],
			"total_qty": float(sum(Decimal(str(r["qty"])) for r in item_rows)),
			"is_return": 1 if return_against else 0,
			"return_against": return_against,
			"docstatus": 1,
			"remarks": "benchmark",
		}
	)
	return doc


def expected_total(doc: dict) -> Decimal:
	"""What Xero's Total must equal: ERPNext's rounded total (grand total when not rounded), unsigned."""
	value = doc.get("rounded_total") or doc.get("grand_total")
	return abs(Decimal(str(value))).quantize(CENT)


def percentile(values: list[float], fraction: float) -> float:
	if not values:
		return float("nan")
	ordered = sorted(values)
	index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
	return ordered[index]
