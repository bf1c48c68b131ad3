"""``make soak``: a chaos run. N invoices (default 5,000) are pushed by 4 concurrent workers, each
with its own XeroClient over a shared token store, refresh lock and limiter backend (as several
RQ workers of one site), while the sandbox injects 10 % 5xx (half of them after the write is
committed), 5 % time-outs after commit, 429 bursts and forced token expiry. Resends,
cancellations and returns are mixed in. Then the chaos stops, a sweep resends whatever is not
settled (the scheduler's job in the Frappe shell), and Xero is read back:

- every invoice and credit note exists exactly once, with the right status and a total equal to
  ERPNext's; nothing else is in Xero;
- every Sync Log entry is Success/Skipped, or Failed/Queued with a reason.

Prints the counts; exits 1 on any duplicate, loss, wrong status or total, or log entry without a
reason.

    .venv/bin/python benchmarks/soak.py [--n 5000] [--workers 4] [--time-scale 30]
"""

from __future__ import annotations

import argparse
import copy
import queue
import random
import sys
import threading
import time
import traceback
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (
	Connection,
	IndexedHost,
	expected_total,
	machine,
	make_invoice,
	peak_rss_mib,
	reset_sandbox_limits,
	say,
	seeded_organisation,
	start_sandbox,
)

from xero_connector.engine.sync import SyncEngine
from xero_connector.xero.retry import RetryPolicy


class Chaos:
	"""Faults in the sandbox while the workers run: 5xx before/after commit, time-outs after
	commit, 429 bursts and token expiry at random moments."""

	def __init__(self, sb, rng: random.Random, timeout_delay: float, period: float):
		self.sb, self.rng, self.period = sb, rng, period
		self.stop_event = threading.Event()
		self.expiries = self.bursts = self.exhausted = 0
		sb.faults.add("error", when="before", status=500, count=None, probability=0.05)
		sb.faults.add("error", when="after", status=503, count=None, probability=0.0526)
		sb.faults.add("slow", when="after", delay=timeout_delay, count=None, probability=0.0556)
		self.thread = threading.Thread(target=self._run, name="chaos", daemon=True)

	def start(self) -> Chaos:
		self.thread.start()
		return self

	def _run(self) -> None:
		while not self.stop_event.wait(self.period * (0.5 + self.rng.random())):
			roll = self.rng.random()
			if roll < 0.4:
				self.sb.expire_tokens()
				self.expiries += 1
			elif roll < 0.8:
				self.sb.faults.add("rate_limit", count=self.rng.randint(3, 8), retry_after=1)
				self.bursts += 1
			else:
				self.sb.limiter.exhaust(self.sb.tenant_id)
				self.exhausted += 1

	def stop(self) -> None:
		self.stop_event.set()
		self.thread.join()
		self.sb.faults.clear()


class Workers:
	"""``count`` threads, each a SyncEngine over its own port, taking jobs (lists of names) from a queue."""

	def __init__(self, conn: Connection, host, reference, count: int, retry: RetryPolicy, timeout):
		self.engines = [
			SyncEngine(host, conn.port(retry=retry, timeout=timeout), reference) for _ in range(count)
		]
		self.crashes: list[str] = []

	def run(self, jobs: list[list[str]]) -> None:
		work: queue.Queue = queue.Queue()
		for job in jobs:
			work.put(job)
		threads = [
			threading.Thread(target=self._loop, args=(engine, work), name=f"worker-{i}")
			for i, engine in enumerate(self.engines)
		]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()

	def _loop(self, engine: SyncEngine, work: queue.Queue) -> None:
		while True:
			try:
				names = work.get_nowait()
			except queue.Empty:
				return
			try:
				engine.push(names)
			except Exception:  # a crash would lose the job: count it, the run fails
				self.crashes.append(traceback.format_exc(limit=3))

	def outcomes(self):
		return [o for engine in self.engines for o in engine.recorder.outcomes]


def chunked(names: list[str], size: int) -> list[list[str]]:
	return [names[i : i + size] for i in range(0, len(names), size)]


def unsettled(host, expected: dict[str, str]) -> list[str]:
	"""Documents whose ERPNext state does not (yet) show the expected Xero status."""
	out = []
	for name, status in expected.items():
		state = host.get_state(name)
		if status == "VOIDED" and never_reached(host, name):
			continue  # cancelled before its push got through: nothing to void
		if state is None or not state.xero_id or state.outcome_unknown or state.xero_status != status:
			out.append(name)
	return out


def never_reached(host, name: str) -> bool:
	"""No Xero document was ever linked to ``name`` and no write of it is in doubt."""
	state = host.get_state(name)
	pushed = any(e.operation in ("push", "update") and e.status == "Success" for e in host.log_for(name))
	return not pushed and (state is None or (not state.xero_id and not state.outcome_unknown))


def read_back(port) -> tuple[list[dict], list[dict], list[dict]]:
	client = port.client
	invoices = client.list_invoices(page_size=1000)
	notes = client.list_credit_notes(page_size=1000)
	contacts = client.list_contacts(include_archived=True, page_size=1000)
	return invoices, notes, contacts


def history(host, name: str) -> str:
	"""The document's Sync Log in one line (for the examples of a failed check)."""
	return "; ".join(f"{e.operation} {e.status} {(e.messages or [''])[0][:60]}" for e in host.log_for(name))


def check(host, docs: dict[str, dict], expected: dict[str, str], invoices, notes, contacts) -> dict:
	"""Compare Xero with ERPNext: counts of every kind of problem (all must be zero)."""
	problems: Counter = Counter()
	examples: list[str] = []

	def bad(kind: str, text: str) -> None:
		problems[kind] += 1
		if len(examples) < 12:
			examples.append(f"{kind}: {text}")

	absent_ok: list[str] = []
	found: dict[str, list[dict]] = {}
	for element in invoices:
		if element.get("Status") != "DELETED":
			found.setdefault(element.get("InvoiceNumber"), []).append(element)
	for element in notes:
		if element.get("Status") != "DELETED":
			found.setdefault(element.get("CreditNoteNumber"), []).append(element)
	for name, status in expected.items():
		copies = found.get(name, [])
		if not copies and status == "VOIDED" and never_reached(host, name):
			problems["cancelled before reaching Xero (correctly absent)"] += 0
			absent_ok.append(name)
			continue
		if not copies:
			bad("lost", f"{name} ({history(host, name)})")
			continue
		if len(copies) > 1:
			bad("duplicate", f"{name} x{len(copies)}")
		element = copies[0]
		if element.get("Status") != status:
			bad("wrong status", f"{name}: Xero {element.get('Status')}, expected {status}")
		total = Decimal(str(element.get("Total"))).quantize(Decimal("0.01"))
		if total != expected_total(docs[name]):
			bad("wrong total", f"{name}: Xero {total}, ERPNext {expected_total(docs[name])}")
		state = host.get_state(name)
		xero_id = element.get("InvoiceID") or element.get("CreditNoteID")
		if not state or state.xero_id != xero_id:
			bad("ERPNext not linked", f"{name} ({history(host, name)})")
	for number in set(found) - set(expected):
		bad("unexpected in Xero", str(number))
	by_account = Counter(c.get("AccountNumber") for c in contacts if c.get("AccountNumber"))
	for number, count in by_account.items():
		if count > 1:
			bad("duplicate contact", f"AccountNumber {number} x{count}")
	for entry in host.log:
		if entry.status not in ("Success", "Skipped", "Failed", "Queued"):
			bad("log status", f"{entry.reference_name}: {entry.status}")
		elif entry.status in ("Failed", "Queued") and not (entry.messages or entry.cause):
			bad("failure without reason", f"{entry.reference_name} {entry.operation}")
	problems = Counter({k: v for k, v in problems.items() if v})
	return {"problems": problems, "examples": examples, "absent_ok": absent_ok}


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--n", type=int, default=5000, help="invoices")
	parser.add_argument("--workers", type=int, default=4)
	parser.add_argument("--customers", type=int, default=200)
	parser.add_argument("--lines", type=int, default=10)
	parser.add_argument("--batch", type=int, default=50, help="documents per job")
	parser.add_argument("--time-scale", type=float, default=30.0)
	parser.add_argument("--seed", type=int, default=7)
	args = parser.parse_args(argv)
	rng = random.Random(args.seed)
	scale = args.time_scale
	started = time.perf_counter()
	sb = start_sandbox(time_scale=scale, limits=False, fault_seed=args.seed)
	try:
		new = args.customers // 3
		ctx, customers, setup_port = seeded_organisation(sb, args.customers, new, scale)
		host = IndexedHost(ctx, site_id="soak", tenant_id=sb.tenant_id)
		reference = SyncEngine(host, setup_port).reference()
		docs = {}
		for n in range(args.n):
			doc = make_invoice(f"SOAK-{n:06d}", customers[n % args.customers], n, args.lines)
			docs[doc["name"]] = doc
			host.add_invoice(doc)
		names = list(docs)
		picks = rng.sample(names, len(names))
		share = max(1, len(names) // 20)
		cancel, returned, resend = picks[:share], picks[share : 2 * share], picks[2 * share : 4 * share]
		expected = {n: "AUTHORISED" for n in names}
		expected.update({n: "VOIDED" for n in cancel})
		expected.update({n: "PAID" for n in returned})  # fully credited by its return
		returns = {}
		for original in returned:
			doc = docs[original]
			ret = make_invoice(
				original.replace("SOAK-", "RET-"),
				doc["customer"],
				int(original.split("-")[1]),
				args.lines,
				sign=-1,
				return_against=original,
			)
			returns[ret["name"]] = ret
			expected[ret["name"]] = "PAID"  # a fully allocated credit note
		all_docs = {**docs, **returns}

		reset_sandbox_limits(sb, enabled=True)
		conn = Connection(sb, time_scale=scale)
		retry = RetryPolicy(attempts=5, base_delay=0.05, max_delay=0.5)
		workers = Workers(conn, host, reference, args.workers, retry, timeout=(5.0, 2.0))
		chaos = Chaos(sb, rng, timeout_delay=2.5, period=60 / scale).start()
		say(f"machine: {machine()}")
		say(
			f"soak: {args.n} invoices x {args.lines} lines, {args.customers} customers ({new} new), "
			f"{args.workers} workers, time scale {scale:g}"
		)
		phase = time.perf_counter()
		workers.run(chunked(names, args.batch))
		say(f"phase 1 (push all, chaos on):             {time.perf_counter() - phase:.1f} s")
		phase = time.perf_counter()
		for name in cancel:
			host.add_invoice({**copy.deepcopy(docs[name]), "docstatus": 2})
		for ret in returns.values():
			host.add_invoice(ret)
		mixed = cancel + list(returns) + resend
		rng.shuffle(mixed)
		workers.run(chunked(mixed, max(1, args.batch // 2)))
		say(
			f"phase 2 (cancel {len(cancel)}, return {len(returns)}, resend {len(resend)}, chaos on): "
			f"{time.perf_counter() - phase:.1f} s"
		)
		chaos.stop()
		phase = time.perf_counter()
		sweeps = []
		for _ in range(4):
			workers.engines[0].pull()  # the scheduled payment pull brings allocations back
			stuck = unsettled(host, expected)
			sweeps.append(len(stuck))
			if not stuck:
				break
			workers.run(chunked(stuck, args.batch))
		say(
			f"phase 3 (pull + sweep, chaos off):        {time.perf_counter() - phase:.1f} s, unsettled per round {sweeps}"
		)

		reset_sandbox_limits(sb, enabled=False)
		reader = Connection(sb, time_scale=scale).port(limits=False)
		invoices, notes, contacts = read_back(reader)
		result = check(host, all_docs, expected, invoices, notes, contacts)
		outcomes = Counter(c for client in conn.clients for c in client.outcomes.elements())
		log_status = Counter((e.operation, e.status) for e in host.log)
		refreshes = sum(client.tokens.refresh_count for client in conn.clients)
		say("")
		say(
			f"Xero holds:          {len(invoices)} invoices, {len(notes)} credit notes, {len(contacts)} contacts"
		)
		say(f"expected:            {len(docs)} invoices, {len(returns)} credit notes")
		say(f"HTTP outcomes:       {dict(sorted(outcomes.items(), key=str))}")
		say(
			f"chaos:               {chaos.expiries} token expiries, {chaos.bursts} 429 bursts, "
			f"{chaos.exhausted} minute allowances used up; {refreshes} token refreshes"
		)
		say(f"sync log:            {len(host.log)} entries {dict(sorted(log_status.items()))}")
		reasons = Counter(
			f"{e.operation} {e.status}: {(e.messages or [''])[0][:70]}"
			for e in host.log
			if e.status == "Failed"
		)
		for reason, count in reasons.most_common(5):
			say(f"  {count:>5} x {reason}")
		linked = Counter(
			"by number (already in Xero)" if "already in Xero" in text else "after an unknown outcome"
			for e in host.log
			if e.status == "Success" and e.operation == "push"
			for text in (e.messages or [""])[:1]
			if "linked" in text
		)
		say(f"recovered links:     {dict(sorted(linked.items())) or 0}")
		say(f"worker crashes:      {len(workers.crashes)}")
		for crash in workers.crashes[:3]:
			say(crash)
		problems = result["problems"]
		say(f"cancelled before reaching Xero (correctly absent): {len(result['absent_ok'])}")
		for kind in (
			"duplicate",
			"lost",
			"wrong status",
			"wrong total",
			"ERPNext not linked",
			"unexpected in Xero",
			"duplicate contact",
			"failure without reason",
			"log status",
		):
			say(f"{kind + ':':<21}{problems.get(kind, 0)}")
		for example in result["examples"]:
			say(f"  {example}")
		say(
			f"elapsed:             {time.perf_counter() - started:.1f} s; peak memory {peak_rss_mib():.0f} MiB"
		)
		ok = not problems and not workers.crashes
		say("RESULT: " + ("PASS (zero duplicates, zero losses)" if ok else "FAIL"))
		return 0 if ok else 1
	finally:
		sb.stop()


if __name__ == "__main__":
	sys.exit(main())
