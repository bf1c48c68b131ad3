"""``make bench``: bulk push and payment pull against the sandbox with Xero's limits on.

Push: N invoices (default 3,000, ten lines each) over C customers (default 300, a third new to
Xero) are handed to the engine's queue at once (the backlog a busy site builds up); one worker
takes ``--batch`` documents per ``SyncEngine.push`` call, as the Frappe shell's job does. Xero's
limits are on in the sandbox *and* in the client's limiter, both at ``--time-scale`` (a minute
lasts 60/time-scale real seconds; every figure below is in Xero time). The organisation's
accounts and tax rates are read before the clock starts (the Frappe shell caches them).

Pull: ``--open`` open invoices (default 20,000) are seeded with batch PUTs with the limits off,
then payments are applied to 0, 10 and 5,000 of them and one poll is measured each time.

Prints figures next to their targets; exits 1 only if an invoice could not be pushed.

    .venv/bin/python benchmarks/bench_push.py [--invoices 3000] [--customers 300] [--time-scale 2]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (
	Connection,
	IndexedHost,
	customer_name,
	load_context,
	machine,
	make_invoice,
	peak_rss_mib,
	percentile,
	reset_sandbox_limits,
	say,
	seeded_organisation,
	start_sandbox,
)

from xero_connector.engine.host import SyncState
from xero_connector.engine.records import state_from_element
from xero_connector.engine.sync import SyncEngine

CEILING = 3000  # invoices per minute per organisation: 60 calls × 50 invoices
TARGET_RATE = 2700
TARGET_INVOICES_PER_CALL = 45


class PushIndexedHost(IndexedHost):
	"""IndexedHost that also finds documents by Xero ID in O(1) (the pull sees 20,000)."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self._by_xero_id: dict[str, str] = {}

	def save_state(self, name: str, state: SyncState | None) -> None:
		super().save_state(name, state)
		if state is not None and state.xero_id:
			self._by_xero_id[state.xero_id] = name

	def find_by_xero_id(self, xero_id: str) -> str | None:
		name = self._by_xero_id.get(xero_id)
		state = self.states.get(name) if name else None
		return name if state is not None and state.xero_id == xero_id else None


def met(ok: bool) -> str:
	return "met" if ok else "NOT met"


def bench_push(args) -> int:
	scale = args.time_scale
	sb = start_sandbox(time_scale=scale, limits=False)
	try:
		new = max(0, round(args.customers * args.new_fraction))  # the first `new` are not in Xero
		ctx, customers, setup_port = seeded_organisation(sb, args.customers, new, scale)
		conn = Connection(sb, time_scale=scale)
		port = conn.port()
		host = PushIndexedHost(ctx, site_id="bench", tenant_id=conn.tenant_id)
		reference = SyncEngine(host, setup_port).reference()  # cached by the Frappe shell
		names = [
			host.add_invoice(make_invoice(f"BENCH-{n:06d}", customers[n % args.customers], n, args.lines))
			for n in range(args.invoices)
		]
		reset_sandbox_limits(sb, enabled=True)  # limits on; nothing counted yet
		engine = SyncEngine(host, port, reference)
		calls_before = conn.calls()
		start = time.perf_counter()  # every document is handed to the queue now
		outcomes = []
		for first in range(0, len(names), args.batch):
			outcomes += engine.push(names[first : first + args.batch])
		elapsed = time.perf_counter() - start
		calls = conn.calls() - calls_before
		client = port.client
		pushed = [o for o in outcomes if o.operation in ("push", "update") and o.status == "Success"]
		failed = [o for o in outcomes if o.status in ("Failed", "Queued")]
		rate_failures = [o for o in failed if "rate limit" in (o.reason or "").lower()]
		minutes = elapsed * scale / 60
		rate = len(pushed) / minutes if minutes else float("inf")
		latencies = [(host.synced_at[n] - start) * scale for n in names if n in host.synced_at]
		say("== Bulk push ==")
		say(f"machine:                 {machine()}")
		say(
			f"workload:                {args.invoices} invoices x {args.lines} lines, {args.customers} customers "
			f"({new} new to Xero), {args.batch} documents per engine.push, time scale {scale:g}"
		)
		say(f"invoices in Xero:        {len(pushed)}/{args.invoices} (failed or queued: {len(failed)})")
		say(f"elapsed:                 {minutes:.2f} Xero-minutes ({elapsed:.1f} s real)")
		say(
			f"throughput:              {rate:,.0f} invoices/minute = {rate / CEILING:.2f} of Xero's ceiling "
			f"of {CEILING:,}  [target >= {TARGET_RATE:,} (0.9): {met(rate >= TARGET_RATE)}]"
		)
		per = len(pushed) / calls if calls else float("inf")
		say(
			f"API calls:               {calls} ({calls / max(1, len(pushed)):.4f} per invoice, 1 per {per:.1f})"
			f"  [target <= 1 per {TARGET_INVOICES_PER_CALL}: {met(per >= TARGET_INVOICES_PER_CALL)}]"
		)
		say(
			f"429s:                    {client.outcomes.get(429, 0)} answered by Xero, "
			f"{len(rate_failures)} failures caused by a 429  [target 0: {met(not rate_failures)}]"
		)
		say(f"limiter waited:          {client.limiter.waited * scale:.1f} Xero-seconds before calls")
		say(
			f"enqueue -> synced:       p50 {percentile(latencies, 0.5):.1f} s, p95 {percentile(latencies, 0.95):.1f} s"
			" (Xero seconds; all documents enqueued at once)"
		)
		say(f"peak memory:             {peak_rss_mib():.0f} MiB max RSS (this process, sandbox included)")
		for outcome in failed[:5]:
			say(f"  failed: {outcome.name} {outcome.operation}: {outcome.reason}")
		return 1 if len(pushed) < args.invoices else 0
	finally:
		sb.stop()


def seed_open_invoices(
	port, host, count: int, customers: list[str], marks: dict[int, float] | None = None
) -> list[str]:
	"""``count`` one-line open invoices created with batch PUTs (limits off), linked in the host.
	``marks`` (if given) gets, for each 1,000 created, the seconds the last 1,000 took, so the cost
	of a create can be compared at 2,000 and at 20,000 documents (issue 12: it must not grow)."""
	tick = time.perf_counter()
	contact_ids = {}
	for start in range(0, len(customers), 50):
		part = customers[start : start + 50]
		for name, element in zip(
			part, port.create_contacts([{"Name": c} for c in part], f"pull-contacts-{start}"), strict=True
		):
			contact_ids[name] = element["ContactID"]
	names = []
	for start in range(0, count, 50):
		if start and start + 50 >= count:
			# If-Modified-Since has one-second resolution: the poll's watermark second is the last
			# batch's, so keep it apart from the bulk (a real organisation does not create
			# thousands of invoices in one second; the sandbox now does, issue 12)
			time.sleep(1.1)
			tick += 1.1  # the pause is not seeding time
		batch = []
		for n in range(start, min(count, start + 50)):
			name = f"OPEN-{n:06d}"
			batch.append(
				{
					"Type": "ACCREC",
					"InvoiceNumber": name,
					"Contact": {"ContactID": contact_ids[customers[n % len(customers)]]},
					"Date": "2026-11-02",
					"DueDate": "2026-12-02",
					"Status": "AUTHORISED",
					"LineAmountTypes": "Exclusive",
					"LineItems": [
						{
							"Description": "Widget A",
							"Quantity": 1,
							"UnitAmount": 100,
							"AccountCode": "200",
							"TaxType": "OUTPUT2",
						}
					],
				}
			)
		for payload, element in zip(batch, port.create_invoices(batch, f"pull-seed-{start}"), strict=True):
			if element.get("ValidationErrors"):
				raise RuntimeError(f"seeding failed: {element['ValidationErrors']}")
			host.save_state(payload["InvoiceNumber"], state_from_element(element, "invoice"))
			names.append(payload["InvoiceNumber"])
		if marks is not None and len(names) % 1000 == 0:
			now = time.perf_counter()
			marks[len(names)] = now - tick
			tick = now
	return names


def seeding_line(marks: dict[int, float], count: int) -> str:
	"""Seconds per 1,000 creates around 2,000 and around ``count`` documents, and their ratio."""
	early = [marks[k] for k in (1000, 2000, 3000) if k in marks]
	late = [marks[k] for k in sorted(marks)[-3:]]
	if not early or not late:
		return "seeding per 1,000:      (too few invoices to compare)"
	small, large = sum(early) / len(early), sum(late) / len(late)
	return (
		f"seeding per 1,000:      {small:.2f} s at 2,000 invoices, {large:.2f} s at {count:,} "
		f"(ratio {large / small:.2f}; target near 1.0: {met(large / small <= 1.5)})"
	)


def pay(port, host, names: list[str], tag: str) -> None:
	for start in range(0, len(names), 50):
		payments = [
			{
				"Invoice": {"InvoiceID": host.get_state(n).xero_id},
				"Account": {"Code": "090"},
				"Date": "2026-11-20",
				"Amount": "40.00",
			}
			for n in names[start : start + 50]
		]
		for element in port.create_payments(payments, f"pull-pay-{tag}-{start}"):
			if element.get("ValidationErrors"):
				raise RuntimeError(f"payment failed: {element['ValidationErrors']}")


def bench_pull(args) -> int:
	scale = args.time_scale
	sb = start_sandbox(time_scale=scale, limits=False)
	try:
		ctx, _ = load_context()
		setup = Connection(sb, time_scale=scale)
		seeder = setup.port(limits=False)
		host = PushIndexedHost(ctx, site_id="bench", tenant_id=setup.tenant_id)
		began = time.perf_counter()
		marks: dict[int, float] = {}
		names = seed_open_invoices(seeder, host, args.open, [customer_name(c) for c in range(100)], marks)
		say("\n== Payment pull ==")
		say(f"seeded:                  {len(names):,} open invoices in {time.perf_counter() - began:.1f} s")
		say(seeding_line(marks, len(names)))
		reset_sandbox_limits(sb, enabled=True)
		conn = Connection(sb, time_scale=scale)
		engine = SyncEngine(host, conn.port())
		before = conn.calls()
		report = engine.pull(kinds=("invoice",))
		first = conn.calls() - before
		say(
			f"first poll (no watermark): {first} calls for {report.seen:,} invoices "
			f"(⌈{report.seen}/1000⌉+1 = {math.ceil(report.seen / 1000) + 1})"
		)
		ok = True
		done = 0
		for changes in args.changes:
			changed = names[done : done + changes]
			done += changes
			reset_sandbox_limits(sb, enabled=False)
			pay(seeder, host, changed, str(changes))
			reset_sandbox_limits(sb, enabled=True)
			time.sleep(1.05)  # If-Modified-Since has one-second resolution
			before = conn.calls()
			started = time.perf_counter()
			report = engine.pull(kinds=("invoice",))
			calls = conn.calls() - before
			target = math.ceil(changes / 1000) + 1
			updated = len(set(report.updated) & set(changed))
			ok &= calls <= target and updated == changes
			say(
				f"poll with {changes:>5,} of {len(names):,} changed: {calls} calls, {updated:,} updated, "
				f"saw {report.seen:,}, {time.perf_counter() - started:.1f} s  "
				f"[target <= ⌈{changes}/1000⌉+1 = {target}: {met(calls <= target and updated == changes)}]"
			)
		say("(a credit-note poll, when enabled, costs the same again for credit notes)")
		say(f"peak memory:             {peak_rss_mib():.0f} MiB max RSS")
		return 0 if ok else 1
	finally:
		sb.stop()


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--invoices", type=int, default=3000)
	parser.add_argument("--customers", type=int, default=300)
	parser.add_argument("--new-fraction", type=float, default=1 / 3, help="customers not yet in Xero")
	parser.add_argument("--lines", type=int, default=10)
	parser.add_argument("--batch", type=int, default=500, help="documents per engine.push call")
	parser.add_argument("--time-scale", type=float, default=2.0, help="Xero minutes per real minute")
	parser.add_argument("--open", type=int, default=20000, help="open invoices for the pull")
	parser.add_argument("--changes", type=lambda s: [int(x) for x in s.split(",")], default=[0, 10, 5000])
	parser.add_argument("--skip-pull", action="store_true")
	parser.add_argument("--skip-push", action="store_true")
	args = parser.parse_args(argv)
	status = 0
	if not args.skip_push:
		status |= bench_push(args)
	if not args.skip_pull:
		status |= bench_pull(args)
	say(
		"\n== Submit overhead in a bench ==\nmeasured inside a Frappe bench, not here: on a test site run\n"
		"  bench --site SITE execute xero_connector.xero_connector.benchmarks.submit_overhead.run"
		" --kwargs \"{'n': 200}\"\n(figures in benchmarks/RESULTS.md)"
	)
	return status


if __name__ == "__main__":
	sys.exit(main())
