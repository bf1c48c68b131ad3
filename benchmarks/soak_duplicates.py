"""The duplicate-hunting soak (issue 14): several workers push, cancel and resend the *same*
invoices at once, against a sandbox whose number rule ("Invoice # must be unique.") is loosened
(``SandboxConfig(loosen={"number_unique"})``), so that nothing but the connector's own guarantees
(write-ahead mark, idempotency keys, look-up by number, the document claim) stands between a race
and a second copy in Xero. Faults are on throughout the racing phases: 503 after the write is
committed, time-outs after commit, dropped connections after commit and 500 before.

Each worker is its own SyncEngine over its own XeroClient, over one shared host state and one
connection (token store, refresh lock, limiter backend), as several RQ workers of one site.

Rounds:
1. every worker pushes every invoice, each in its own order and batching;
2. a share is cancelled and every worker sends cancels, resends and pushes of the same invoices;
3. the chaos stops and a sweep resends whatever is not settled (the scheduler's job).

Then Xero is read back and three figures printed, all of which must be 0:

- duplicates: ERPNext numbers with more than one live Xero document;
- lost: submitted invoices not in Xero at the end;
- totals not exact: Xero's Total differs from ERPNext's.

Exits 1 if any of them (or any other problem the soak's check finds: wrong status, links, a
worker crash) is not 0.

    .venv/bin/python benchmarks/soak_duplicates.py [--n 300] [--workers 4] [--seed 11]
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (
	Connection,
	IndexedHost,
	make_invoice,
	say,
	seeded_organisation,
	start_sandbox,
)
from soak import check, read_back, unsettled

from xero_connector.engine.sync import SyncEngine
from xero_connector.xero.retry import RetryPolicy

READ_TIMEOUT = 0.5  # the workers' read time-out; a "slow" fault waits longer, after the commit


def faults_on(sb) -> None:
	"""Faults on every Accounting call while the workers race."""
	sb.faults.add("error", when="after", status=503, count=None, probability=0.10)
	sb.faults.add("slow", when="after", delay=READ_TIMEOUT + 0.3, count=None, probability=0.05)
	sb.faults.add("drop", when="after", count=None, probability=0.03)
	sb.faults.add("error", when="before", status=500, count=None, probability=0.05)


class RacingWorkers:
	"""``count`` threads, each a SyncEngine over its own port; each runs its own list of jobs
	(lists of names) at the same time as the others."""

	def __init__(self, conn: Connection, host, reference, count: int):
		retry = RetryPolicy(attempts=3, base_delay=0.02, max_delay=0.1)
		self.engines = [
			SyncEngine(host, conn.port(retry=retry, timeout=(5.0, READ_TIMEOUT), limits=False), reference)
			for _ in range(count)
		]
		self.crashes: list[str] = []

	def run(self, plans: list[list[list[str]]]) -> None:
		start = threading.Barrier(len(plans))
		threads = [
			threading.Thread(target=self._loop, args=(engine, jobs, start), name=f"racer-{i}")
			for i, (engine, jobs) in enumerate(zip(self.engines, plans, strict=False))
		]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()

	def _loop(self, engine: SyncEngine, jobs: list[list[str]], start: threading.Barrier) -> None:
		start.wait()
		for names in jobs:
			try:
				engine.push(names)
			except Exception:  # a crash would lose the job: count it, the run fails
				self.crashes.append(traceback.format_exc(limit=4))


def plan(names: list[str], rng: random.Random, batch: int) -> list[list[str]]:
	"""The same names in a worker's own order and batching (1..batch per job)."""
	order = rng.sample(names, len(names))
	jobs, i = [], 0
	while i < len(order):
		size = rng.randint(1, batch)
		jobs.append(order[i : i + size])
		i += size
	return jobs


def run(n: int = 300, workers: int = 4, customers: int = 20, lines: int = 3, batch: int = 8, seed: int = 11):
	"""The soak; returns (figures, other problems, crashes, examples)."""
	rng = random.Random(seed)
	sb = start_sandbox(time_scale=60.0, limits=False, fault_seed=seed, loosen={"number_unique"})
	try:
		ctx, names_of_customers, setup_port = seeded_organisation(sb, customers, customers // 3, 60.0)
		host = IndexedHost(ctx, site_id="dupsoak", tenant_id=sb.tenant_id)
		reference = SyncEngine(host, setup_port).reference()
		docs = {}
		for i in range(n):
			doc = make_invoice(f"DUP-{i:05d}", names_of_customers[i % customers], i, lines)
			docs[doc["name"]] = doc
			host.add_invoice(doc)
		names = list(docs)
		conn = Connection(sb, time_scale=60.0)
		racers = RacingWorkers(conn, host, reference, workers)
		faults_on(sb)
		phase = time.perf_counter()
		racers.run([plan(names, rng, batch) for _ in range(workers)])
		say(f"round 1 (every worker pushes every invoice, faults on): {time.perf_counter() - phase:.1f} s")

		cancel = rng.sample(names, max(1, n // 5))
		expected = {name: "AUTHORISED" for name in names}
		expected.update({name: "VOIDED" for name in cancel})
		phase = time.perf_counter()
		for name in cancel[: len(cancel) // 2]:  # half cancelled before the round starts
			host.add_invoice({**copy.deepcopy(docs[name]), "docstatus": 2})
		flipper = threading.Thread(
			target=lambda: [
				(time.sleep(0.002), host.add_invoice({**copy.deepcopy(docs[name]), "docstatus": 2}))
				for name in cancel[len(cancel) // 2 :]
			]
		)  # the other half while the workers send them
		flipper.start()
		racers.run([plan(names, rng, batch) for _ in range(workers)])
		flipper.join()
		say(f"round 2 (cancel {len(cancel)}, resend all, faults on):    {time.perf_counter() - phase:.1f} s")

		sb.faults.clear()
		phase = time.perf_counter()
		sweeps = []
		for _ in range(4):
			stuck = unsettled(host, expected)
			sweeps.append(len(stuck))
			if not stuck:
				break
			racers.run([plan(stuck, rng, batch)])
		say(
			f"round 3 (sweep, faults off):                           {time.perf_counter() - phase:.1f} s, {sweeps}"
		)

		reader = Connection(sb, time_scale=60.0).port(limits=False)
		invoices, notes, contacts = read_back(reader)
		result = check(host, docs, expected, invoices, notes, contacts)
		outcomes = Counter(c for client in conn.clients for c in client.outcomes.elements())
		say(f"HTTP outcomes: {dict(sorted(outcomes.items(), key=str))}")
		say(f"sync log: {dict(sorted(Counter((e.operation, e.status) for e in host.log).items()))}")
		say(f"Xero holds {len(invoices)} invoices for {n} ERPNext invoices ({len(cancel)} cancelled)")
		return result, racers.crashes
	finally:
		sb.stop()


FIGURES = (("duplicates", "duplicate"), ("lost", "lost"), ("totals not exact", "wrong total"))


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--n", type=int, default=300, help="invoices (every worker sends all of them)")
	parser.add_argument("--workers", type=int, default=4)
	parser.add_argument("--customers", type=int, default=20)
	parser.add_argument("--lines", type=int, default=3)
	parser.add_argument("--batch", type=int, default=8, help="largest job (documents per push)")
	parser.add_argument("--seed", type=int, default=11)
	args = parser.parse_args(argv)
	started = time.perf_counter()
	say(
		f"duplicate-hunting soak: {args.n} invoices, {args.workers} workers on the same invoices, "
		"sandbox rule number_unique loosened, 503/time-out/drop after commit"
	)
	result, crashes = run(args.n, args.workers, args.customers, args.lines, args.batch, args.seed)
	problems = result["problems"]
	for label, kind in FIGURES:
		say(f"{label + ':':<19}{problems.get(kind, 0)}")
	others = {k: v for k, v in problems.items() if k not in dict(FIGURES).values()}
	say(f"other problems:    {others or 0}; worker crashes: {len(crashes)}")
	for example in result["examples"]:
		say(f"  {example}")
	for crash in crashes[:3]:
		say(crash)
	say(f"elapsed:           {time.perf_counter() - started:.1f} s")
	ok = not problems and not crashes
	say("RESULT: " + ("PASS (zero duplicates, zero lost, every total exact)" if ok else "FAIL"))
	return 0 if ok else 1


if __name__ == "__main__":
	sys.exit(main())
