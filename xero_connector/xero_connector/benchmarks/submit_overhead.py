"""What the app adds to submitting a Sales Invoice: milliseconds per submit with
the Xero Connection enabled (sync trigger On Submit) against disabled.

Run on a throw-away site (issue 7's "submit overhead" figure, target <= 5 ms median):

    bench --site SITE execute xero_connector.xero_connector.benchmarks.submit_overhead.run --kwargs "{'n': 200}"

It creates (or reuses) the test company, customer, item and GST template from
xero_connector.tests.fixtures, starts an in-process Sandbox, points the Xero Connection at
it and connects with the real OAuth flow (so reference data and mappings are there,
as on a live site). Then it submits ``n`` draft invoices with the app disabled and
``n`` with it enabled, in alternating blocks, timing only ``doc.submit()`` with
time.perf_counter and committing each one afterwards as the desk would. The queued
push jobs are not run: they are deleted from the Redis queue at the end (the
sandbox is gone by then). The invoices and their Queued sync log rows stay on the site.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import time

import frappe

from xero_connector.constants import OP_PUSH
from xero_connector.tests.fixtures import connected_sandbox
from xero_connector.xero_connector.benchmarks.sandbox_site import refuse_live_xero

TARGET_MS = 5.0


def run(n: int = 200, block: int = 20, warmup: int = 5, profile: int = 0) -> dict:
	"""bench execute entry point: set up, measure, print the figures and return them.

	``profile`` > 0 also runs that many enabled submits under cProfile and prints
	the top functions by cumulative time."""
	n, block = int(n), max(1, int(block))
	frappe.set_user("Administrator")
	refuse_live_xero()
	sandbox = _set_up()
	enabled_names: list[str] = []
	try:
		for mode in (False, True):
			_measure(mode, warmup, enabled_names)
		HOOK_MS.clear()  # keep only the measured enabled submits
		timings = {False: [], True: []}
		done, turn = 0, 0
		while done < n:
			size = min(block, n - done)
			order = (False, True) if turn % 2 == 0 else (True, False)
			for mode in order:
				timings[mode].extend(_measure(mode, size, enabled_names))
			done += size
			turn += 1
		stats = report(timings[False], timings[True])
		if profile:
			profile_enabled(int(profile), enabled_names)
		return stats
	finally:
		sandbox.stop()
		_drop_queued_jobs(enabled_names)


# -- set-up ---------------------------------------------------------------------------------------


def _set_up():
	"""Masters, a started sandbox, the Xero Connection connected to it and the GST template
	mapped (what XeroTestCase.setUpClass does). Returns the sandbox."""
	from xero_connector.tests import fixtures

	sandbox = connected_sandbox(time_scale=60.0)
	fixtures.map_tax("Sales Taxes and Charges Template", fixtures.TAX_TEMPLATE, "OUTPUT2")
	frappe.db.commit()
	return sandbox


def _set_enabled(enabled: bool) -> None:
	from xero_connector.tests import fixtures
	from xero_connector.xero_connector.connection import registry

	fixtures.set_defaults(enabled=int(enabled))
	frappe.db.commit()
	registry.for_company(fixtures.COMPANY)  # warm the cache as a running site would have it


# -- measuring ------------------------------------------------------------------------------------


def _draft():
	from xero_connector.tests.fixtures import make_invoice

	si = make_invoice(submit=False)
	frappe.db.commit()
	return si


HOOK_MS: list[float] = []  # time inside events.on_submit, per enabled submit


@contextlib.contextmanager
def _timed_hook(sink: list[float]):
	"""Time the app's on_submit hook from inside the submit (frappe resolves doc_events
	by dotted path at each call, so patching the module attribute is enough)."""
	from xero_connector.xero_connector import events

	original = events.on_submit

	def timed(doc, method=None):
		start = time.perf_counter()
		try:
			return original(doc, method)
		finally:
			sink.append((time.perf_counter() - start) * 1000)

	events.on_submit = timed
	try:
		yield
	finally:
		events.on_submit = original


def _measure(enabled: bool, count: int, enabled_names: list[str]) -> list[float]:
	"""Submit ``count`` fresh drafts in this mode; milliseconds of each submit() call."""
	_set_enabled(enabled)
	times = []
	for _ in range(count):
		si = _draft()
		with _timed_hook(HOOK_MS if enabled else []):
			start = time.perf_counter()
			si.submit()
			times.append((time.perf_counter() - start) * 1000)
		frappe.db.commit()  # as the desk's request would; queues the push job (after commit)
		if enabled:
			enabled_names.append(si.name)
	return times


def profile_enabled(count: int, enabled_names: list[str]) -> None:
	"""cProfile ``count`` enabled submits and print where the time goes."""
	import cProfile
	import io
	import pstats

	_set_enabled(True)
	profiler = cProfile.Profile()
	for _ in range(count):
		si = _draft()
		profiler.enable()
		si.submit()
		profiler.disable()
		frappe.db.commit()
		enabled_names.append(si.name)
	out = io.StringIO()
	pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"xero_connector", 40)
	print(f"\n== cProfile of {count} enabled submits (xero_connector functions, cumulative) ==")
	print(out.getvalue())


def _drop_queued_jobs(names: list[str]) -> None:
	"""Remove the push jobs these submits queued (no worker should run them later)."""
	from frappe.utils.background_jobs import get_job

	from xero_connector.xero_connector.jobs import job_id

	for name in names:
		job = get_job(job_id(name, OP_PUSH))
		if job:
			job.delete()


# -- report ---------------------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
	return statistics.quantiles(values, n=100, method="inclusive")[94]


def report(disabled: list[float], enabled: list[float]) -> dict:
	"""Print the figures and the machine; return them as a dict."""
	stats = {
		"n": len(enabled),
		"disabled_median_ms": statistics.median(disabled),
		"disabled_p95_ms": _p95(disabled),
		"enabled_median_ms": statistics.median(enabled),
		"enabled_p95_ms": _p95(enabled),
	}
	stats["overhead_median_ms"] = stats["enabled_median_ms"] - stats["disabled_median_ms"]
	stats["overhead_p95_ms"] = stats["enabled_p95_ms"] - stats["disabled_p95_ms"]
	print(f"== Submit overhead in a bench (site {frappe.local.site}) ==")
	print(f"submits:            {len(disabled)} disabled, {len(enabled)} enabled (alternating blocks)")
	print(
		f"app disabled:       median {stats['disabled_median_ms']:.2f} ms, p95 {stats['disabled_p95_ms']:.2f} ms"
	)
	print(
		f"app enabled:        median {stats['enabled_median_ms']:.2f} ms, p95 {stats['enabled_p95_ms']:.2f} ms"
	)
	print(
		f"difference:         median {stats['overhead_median_ms']:+.2f} ms, p95 {stats['overhead_p95_ms']:+.2f} ms"
		" (enabled - disabled; noisy on a shared machine)"
	)
	cost = stats["overhead_median_ms"]
	if HOOK_MS:
		stats["hook_median_ms"] = statistics.median(HOOK_MS)
		stats["hook_p95_ms"] = _p95(HOOK_MS)
		cost = stats["hook_median_ms"]
		print(
			f"inside the hook:    median {stats['hook_median_ms']:.2f} ms, p95 {stats['hook_p95_ms']:.2f} ms"
			f" (events.on_submit itself, timed from within the submit, {len(HOOK_MS)} calls)"
		)
	met = "met" if cost <= TARGET_MS else "NOT met"
	print(f"overhead:           median {cost:.2f} ms  [target <= {TARGET_MS:g} ms median: {met}]")
	print(f"machine:            {machine()}")
	return stats


def machine() -> str:
	cpu = next(
		(
			line.split(":", 1)[1].strip()
			for line in _read("/proc/cpuinfo").splitlines()
			if line.startswith("model name")
		),
		platform.processor() or "unknown CPU",
	)
	mem_kb = next(
		(int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")),
		0,
	)
	return (
		f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}, "
		f"Frappe {frappe.__version__}, MariaDB and Redis on the same machine"
	)


def _read(path: str) -> str:
	try:
		with open(path) as f:
			return f.read()
	except OSError:
		return ""
