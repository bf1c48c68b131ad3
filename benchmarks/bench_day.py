"""``make bench-day``: one working day of a company on a Starter app (1,000 calls a day),
through the real engine and client against the sandbox with Xero's Starter limits on.

The day (issue 23), 9:00 to 18:00: 500 invoices submitted (200 of them for customers new
to Xero), 50 returns (credit notes allocated to their invoices), 300 payments recorded in
Xero by the accountant and pulled back, 100 Customer panel views (one ``GET /Invoices?
ContactIDs=`` page each). Submitted documents are pushed in rounds (``--push-every``
minutes: the documents of the round in one engine.push), payments pulled every
``--pull-every`` minutes (Xero Settings' default interval is 30), reference data read once.
The Customer panel asks the priority policy (xero/budget.py) before each read.

Prints the calls used per activity and in all (the sandbox's own count), the budget the
client learned from Xero's headers, and the hour the budget would run out (goal: under 250
calls in all, never out). Payments recorded "in Xero" go straight to the sandbox's accounting
rules: a person in Xero's web app spends none of the app's calls.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (
	Connection,
	IndexedHost,
	add_customers,
	load_context,
	make_invoice,
	reset_sandbox_limits,
	say,
)

from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.contract import ApiRequest
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig
from xero_connector.xero.budget import decide
from xero_connector.xero.limiter import Limits, RateLimiter

DAY_START, DAY_END = 9 * 60, 18 * 60  # minutes after midnight
GOAL = 250
ACTIVITIES = ("reference", "contacts", "push", "credit notes", "allocate", "payment pull", "customer panel")


def clock(minute: int) -> str:
	return f"{minute // 60:02d}:{minute % 60:02d}"


def pay_in_xero(sb: Sandbox, tenant_id: str, payments: list[dict]) -> None:
	"""The accountant records payments in Xero (not through the app's API: no call counted)."""
	body = json.dumps({"Payments": payments}).encode()
	request = ApiRequest("PUT", "/Payments", {}, {}, body, tenant_id)
	with sb.organisation_lock(tenant_id):
		response = sb.backend.handle(sb.organisation(tenant_id), request)
	if response.status != 200:
		raise RuntimeError(f"payment refused: {response.status} {response.body}")


# the port method → the activity its calls count for (reads of invoices in a push round are the
# originals read before allocating; in a pull, the pull)
PUSH_ROUND = {
	"find_contacts": "contacts",
	"list_contacts": "contacts",
	"create_contacts": "contacts",
	"create_invoices": "push",
	"save_invoices": "push",
	"create_credit_notes": "credit notes",
	"save_credit_notes": "credit notes",
	"get_credit_notes": "credit notes",
	"get_invoices": "allocate",
	"allocate_credit_note": "allocate",
}


class CountingPort:
	"""The engine's port, counting the HTTP calls each method makes into ``used`` under the
	activity of the moment (``phase``; in a push round, by method: PUSH_ROUND)."""

	def __init__(self, port, used: dict[str, int]):
		self._port = port
		self._used = used
		self.phase = "reference"

	def __getattr__(self, name):
		attribute = getattr(self._port, name)
		if not callable(attribute):
			return attribute

		def counted(*args, **kwargs):
			before = self._port.client.calls
			try:
				return attribute(*args, **kwargs)
			finally:
				activity = PUSH_ROUND.get(name, "push") if self.phase == "push round" else self.phase
				self._used[activity] += self._port.client.calls - before

		return counted


def bench_day(args) -> int:
	scale = args.time_scale
	sb = Sandbox(SandboxConfig(limits=LimitConfig(tier="starter", time_scale=scale), webhook_retry_delays=()))
	sb.start()
	try:
		ctx, masters = load_context()
		customers = add_customers(masters, args.existing + args.new_customers)
		existing, new = customers[: args.existing], customers[args.existing :]
		conn = Connection(sb, time_scale=scale)
		host = IndexedHost(ctx, site_id="bench-day", tenant_id=conn.tenant_id)
		# Before the day: the company's existing customers are linked to Xero contacts already.
		reset_sandbox_limits(sb, enabled=False)
		setup = Connection(sb, time_scale=scale).port(limits=False)  # its own limiter backend
		for start in range(0, len(existing), 50):
			part = existing[start : start + 50]
			payloads = [
				{"Name": c, "AccountNumber": masters.customers[c]["xero_account_number"]} for c in part
			]
			for customer, element in zip(
				part, setup.create_contacts(payloads, f"day-seed-{start}"), strict=True
			):
				host.save_contact_id(customer, element["ContactID"])
		reset_sandbox_limits(sb, enabled=True)  # the day starts: nothing counted yet

		limiter = RateLimiter(Limits(time_scale=scale), conn.limiter_backend)  # Starter, learned
		used: dict[str, int] = dict.fromkeys(ACTIVITIES, 0)
		port = CountingPort(conn.port(), used)
		port.client.limiter = limiter
		engine = SyncEngine(host, port)
		timeline: list[tuple[int, int]] = []  # (minute, calls so far)

		def spend(activity: str, work):
			port.phase = activity
			return work()

		# The day's events, by minute: invoices and returns submitted, payments, panel views.
		minutes = DAY_END - DAY_START
		invoice_at = [DAY_START + i * minutes // args.invoices for i in range(args.invoices)]
		new_every = args.invoices / max(1, args.new_customers)
		docs: list[tuple[int, str]] = []  # (minute, name)
		for i, minute in enumerate(invoice_at):
			if args.new_customers and i % round(new_every) == 0 and i // round(new_every) < len(new):
				customer = new[i // round(new_every)]
			else:
				customer = existing[i % len(existing)]
			name = f"DAY-{i:04d}"
			host.add_invoice(make_invoice(name, customer, i, args.lines))
			docs.append((minute, name))
		returned = [docs[i * args.invoices // args.returns][1] for i in range(args.returns)]
		for k, original in enumerate(returned):
			doc = host.load_invoice(original)
			i = int(original.split("-")[1])
			ret = f"DAY-RET-{k:03d}"
			host.add_invoice(
				make_invoice(ret, doc["customer"], i, args.lines, sign=-1, return_against=original)
			)
			docs.append((min(invoice_at[i] + 45, DAY_END), ret))  # returned 45 minutes after it was invoiced
		docs.sort()
		paid_candidates = [n for _, n in docs if not n.startswith("DAY-RET") and n not in set(returned)]
		payments_left = list(paid_candidates[: args.payments])
		panel_at = [DAY_START + 5 + v * (minutes - 10) // args.panel_views for v in range(args.panel_views)]
		panel_customers = [existing[(v * 7) % len(existing)] for v in range(args.panel_views)]

		day_start_calls = conn.calls()  # the sandbox counts the setup's calls too
		spend("reference", engine.reference)
		timeline.append((DAY_START, conn.calls() - day_start_calls))
		pending = 0
		paused = 0
		started = time.perf_counter()
		for minute in range(DAY_START, DAY_END + 1):
			while panel_at and panel_at[0] <= minute:
				panel_at.pop(0)
				contact_id = host.get_contact_id(panel_customers.pop(0))
				if decide("customer_panel", limiter.budget(conn.tenant_id)).go:
					before = port.client.calls  # the panel reads through the client, as the shell does
					port.client.invoices_page(
						1, 10, contact_ids=[contact_id], where='Type=="ACCREC"', order="Date DESC"
					)
					used["customer panel"] += port.client.calls - before
				else:
					paused += 1
			if (minute - DAY_START) % args.push_every == 0 or minute == DAY_END:
				due = [n for m, n in docs[pending:] if m <= minute]
				if due:
					pending += len(due)
					for o in spend("push round", lambda due=due: engine.push(due)):
						if o.status in ("Failed", "Queued"):
							say(f"  failed: {o.name} {o.operation}: {o.reason}")
				# the accountant pays some of what is in Xero since the last round
				pushed = [n for n in payments_left if host.get_state(n) and host.get_state(n).xero_id]
				share = min(
					len(pushed),
					round(args.payments * (minute - DAY_START + 1) / minutes)
					- (args.payments - len(payments_left)),
				)
				if share > 0:
					batch = pushed[:share]
					pay_in_xero(
						sb,
						conn.tenant_id,
						[
							{
								"Invoice": {"InvoiceID": host.get_state(n).xero_id},
								"Account": {"Code": "090"},
								"Date": "2026-11-20",
								"Amount": "10.00",
							}
							for n in batch
						],
					)
					payments_left = [n for n in payments_left if n not in set(batch)]
			if ((minute - DAY_START) % args.pull_every == 0 and minute > DAY_START) or minute == DAY_END:
				time.sleep(1.05)  # If-Modified-Since has one-second resolution
				spend("payment pull", engine.pull)
			timeline.append((minute, conn.calls() - day_start_calls))
		elapsed = time.perf_counter() - started

		total = conn.calls() - day_start_calls
		assert total == sum(used.values()), (total, used)
		budget = limiter.budget(conn.tenant_id)
		xero_left = limiter.remaining.get(conn.tenant_id, {}).get("day")
		synced = sum(1 for _, n in docs if host.get_state(n) and host.get_state(n).xero_id)
		paid_seen = sum(
			1 for n in paid_candidates[: args.payments] if host.get_state(n) and host.get_state(n).amount_paid
		)
		out = next((m for m, c in timeline if c >= budget.limit), None)
		say("== A day on a Starter app (1,000 calls a day per organisation) ==")
		say(
			f"workload:       {args.invoices} invoices ({args.new_customers} for new customers), {args.returns} credit notes, "
			f"{args.payments} payments, {args.panel_views} Customer panel views, 9:00-18:00; pushes every "
			f"{args.push_every} min, payment pull every {args.pull_every} min, time scale {scale:g}"
		)
		say(
			f"in Xero:        {synced}/{len(docs)} documents, {paid_seen}/{args.payments} payments pulled back"
		)
		say("calls by activity:")
		for activity in ACTIVITIES:
			say(f"  {activity:<16}{used[activity]:>5}")
		say(f"calls in all:   {total}  [goal < {GOAL}: {'met' if total < GOAL else 'NOT met'}]")
		say(
			f"budget learned: limit {budget.limit}, {budget.remaining} left (Xero said {xero_left}), "
			f"learned from Xero's headers: {budget.learned}"
		)
		if out is None:
			say(
				f"runs out at:    never (at 18:00 {total} of {budget.limit} used; {budget.limit - total} left)"
			)
		else:
			say(f"runs out at:    {clock(out)}  [goal never: NOT met]")
		say(f"panel views paused by the priority policy: {paused}")
		say(f"429s:           {port.client.outcomes.get(429, 0)}; wall time {elapsed:.1f} s")
		ok = total < GOAL and out is None and synced == len(docs) and paid_seen == args.payments
		return 0 if ok else 1
	finally:
		sb.stop()


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--invoices", type=int, default=500)
	parser.add_argument("--returns", type=int, default=50)
	parser.add_argument("--payments", type=int, default=300)
	parser.add_argument("--new-customers", type=int, default=200)
	parser.add_argument("--existing", type=int, default=300, help="customers already linked to Xero")
	parser.add_argument("--panel-views", type=int, default=100)
	parser.add_argument("--lines", type=int, default=3)
	parser.add_argument("--push-every", type=int, default=60, help="minutes between push rounds")
	parser.add_argument("--pull-every", type=int, default=30, help="minutes between payment pulls")
	parser.add_argument("--time-scale", type=float, default=60.0)
	args = parser.parse_args(argv)
	return bench_day(args)


if __name__ == "__main__":
	sys.exit(main())
