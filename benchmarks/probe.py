"""``make probe``: bad input through the real paths (engine + XeroClient + sandbox, the webhook
verifier and the OAuth client). Each case must get its specific error and leave nothing
half-written (no Xero object, no partial sync state). Afterwards every log line (captured at
DEBUG), every Sync Log entry, outcome and error string the run produced is scanned for the
tokens and secrets in use.

Prints a table (case, expected, got, ok); exits 1 if any case is not handled or a secret is found.

    .venv/bin/python benchmarks/probe.py
"""

from __future__ import annotations

import io
import json
import logging
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import (
	Connection,
	IndexedHost,
	add_customers,
	customer_name,
	load_context,
	make_invoice,
	start_sandbox,
)

from xero_connector.engine.context import MappingContext, Mappings, Settings
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.server import DEMO_CLIENT_SECRET, SECOND_TENANT_ID
from xero_connector.xero import webhooks
from xero_connector.xero.errors import InvalidState, OAuthError
from xero_connector.xero.oauth import OAuthClient

WEBHOOK_KEY = "probe-webhook-key-Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=="
REDIRECT = "http://127.0.0.1:8765/callback"


@dataclass
class Result:
	case: str
	expected: str
	got: str
	ok: bool


class Probe:
	def __init__(self):
		self.results: list[Result] = []
		self.texts: list[str] = []  # every error string / outcome / repr produced, for the secret scan

	def run(self, case: str, expected: str, fn: Callable[[], tuple[bool, str]]) -> None:
		try:
			ok, got = fn()
		except Exception as error:  # an unhandled exception is a case not handled
			self.texts.append(traceback.format_exc())
			ok, got = False, f"unhandled {type(error).__name__}: {error}"
		self.texts.append(got)
		self.results.append(Result(case, expected, got, ok))

	def expect_raise(self, fn: Callable[[], object], kind: type, needle: str = "") -> tuple[bool, str]:
		try:
			value = fn()
		except kind as error:
			self.texts += [str(error), repr(error)]
			text = f"{type(error).__name__}: {error}"
			return needle.lower() in text.lower(), text
		return False, f"no error (returned {value!r})"


class EngineCases:
	"""Push bad documents through SyncEngine + ClientPort + sandbox and check the outcome."""

	def __init__(self, probe: Probe, sb, conn: Connection, host: IndexedHost, engine: SyncEngine):
		self.probe, self.sb, self.conn, self.host, self.engine = probe, sb, conn, host, engine
		self.counter = 0

	def xero_counts(self) -> tuple[int, int, int]:
		org = self.sb.organisation()
		return len(org.invoices), len(org.credit_notes), len(org.payments)

	def doc(self, **changes) -> dict:
		self.counter += 1
		doc = make_invoice(f"PROBE-{self.counter:03d}", customer_name(self.counter % 3), self.counter, 3)
		doc.update(changes)
		return doc

	def push_fails(
		self, doc: dict, needle: str, status: str = "Failed", engine: SyncEngine | None = None
	) -> tuple[bool, str]:
		engine = engine or self.engine
		engine.host.add_invoice(doc)
		before = self.xero_counts()
		outcomes = engine.push([doc["name"]])
		mine = [o for o in outcomes if o.name == doc["name"]]
		if not mine:
			return False, "no outcome recorded"
		last = mine[-1]
		self.probe.texts += [last.reason or "", str(last.cause), str(last.resolution)]
		state = engine.host.get_state(doc["name"])
		clean = self.xero_counts() == before and (state is None or not state.xero_id)
		got = f"{last.status}: {last.reason[:110]}"
		if not clean:
			got += " [left a Xero object or sync state]"
		return last.status == status and needle.lower() in (last.reason or "").lower() and clean, got


def secrets_in_use(sb, conns: list[Connection]) -> set[str]:
	found = {DEMO_CLIENT_SECRET, WEBHOOK_KEY, sb.client_secret}
	for conn in conns:
		for tokens in conn.seen_tokens:
			found |= {tokens.access_token, tokens.refresh_token, tokens.id_token}
	return {s for s in found if s and len(s) >= 8}


def watch_tokens(conn: Connection) -> None:
	"""Remember every token set the shared store ever holds (refreshes rotate them)."""
	conn.seen_tokens = [conn.store.load()]
	original = conn.store.save

	def save(tokens):
		conn.seen_tokens.append(replace(tokens))
		original(tokens)

	conn.store.save = save


def main(argv: list[str] | None = None) -> int:
	logs = io.StringIO()
	handler = logging.StreamHandler(logs)
	handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
	root = logging.getLogger()
	root.addHandler(handler)
	root.setLevel(logging.DEBUG)
	for noisy in ("urllib3",):
		logging.getLogger(noisy).setLevel(logging.DEBUG)

	probe = Probe()
	sb = start_sandbox(limits=False)
	sb2 = start_sandbox(limits=False)  # its connection is revoked by one case
	conns = []
	try:
		ctx, masters = load_context()
		add_customers(masters, 3)
		conn = Connection(sb)
		watch_tokens(conn)
		conns.append(conn)
		port = conn.port()
		host = IndexedHost(ctx, site_id="probe", tenant_id=conn.tenant_id)
		engine = SyncEngine(host, port)
		e = EngineCases(probe, sb, conn, host, engine)
		P = probe.run

		# --- malformed and impossible documents (pre-flight / mapping: no Xero call) -----------
		P("invoice without lines", "Failed, no lines", lambda: e.push_fails(e.doc(items=[]), "line"))
		P(
			"unknown currency XYZ",
			"Failed, currency",
			lambda: e.push_fails(e.doc(currency="XYZ", conversion_rate=2.0), "XYZ"),
		)

		def negative():
			doc = e.doc()
			doc["items"][0]["qty"] = -2.0
			return e.push_fails(doc, "negative")

		P("negative quantity on a non-return", "Failed, negative quantity", negative)

		def bad_qty():
			doc = e.doc()
			doc["items"][0]["qty"] = "three"
			return e.push_fails(doc, "qty")

		P("quantity is text", "Failed, names the quantity", bad_qty)

		def bad_rate():
			doc = e.doc()
			for key in ("rate", "net_rate", "base_rate", "base_net_rate", "amount", "net_amount"):
				doc["items"][1][key] = None
			return e.push_fails(doc, "not sent")

		P("rate and amount missing", "Failed before sending", bad_rate)
		P(
			"posting date not a date",
			"Failed, names the date",
			lambda: e.push_fails(e.doc(posting_date="2026-13-45"), "date"),
		)
		P(
			"customer missing",
			"Failed, customer",
			lambda: e.push_fails(e.doc(customer=None, customer_name=None), "customer"),
		)

		def unmapped():
			bare = MappingContext(Mappings(), Settings(), ctx.masters)
			other = IndexedHost(bare, site_id="probe", tenant_id=conn.tenant_id)
			doc = e.doc(taxes_and_charges="Nowhere Tax", customer="Nobody Ltd", customer_name="Nobody Ltd")
			for row in doc["items"]:
				row.update(
					{"income_account": "Nowhere - AL", "item_code": "NO-SUCH-ITEM", "item_group": "None"}
				)
			doc["taxes"][0]["account_head"] = "Nowhere GST - AL"
			return e.push_fails(doc, "map", engine=SyncEngine(other, port, engine.reference()))

		P("unmapped everything", "Failed, lists the mappings", unmapped)
		P(
			"draft (docstatus 0)",
			"Skipped, only submitted",
			lambda: e.push_fails(e.doc(docstatus=0), "submitted", status="Skipped"),
		)
		P(
			"tampered grand total",
			"Failed before sending, totals differ",
			lambda: e.push_fails(e.doc(grand_total=1.0, rounded_total=1.0), "total"),
		)
		P(
			"foreign currency, rate 0",
			"Failed, exchange rate",
			lambda: e.push_fails(e.doc(currency="USD", conversion_rate=0), "rate"),
		)
		P(
			"return without the original",
			"Failed, original not in Xero",
			lambda: e.push_fails(
				make_invoice("PROBE-RET-1", customer_name(0), 1, 3, sign=-1, return_against="NO-SUCH-INV"),
				"original",
			),
		)

		def huge():
			e.counter += 1
			doc = make_invoice(f"PROBE-HUGE-{e.counter}", customer_name(0), 1, 1000)
			for row in doc["items"]:
				row["description"] = "x" * 4000  # each within the 4,000 a line takes: 4 MB in all
			return e.push_fails(doc, "large")

		P("huge invoice (1,000 lines x 4,000 chars)", "Failed, request too large, nothing stored", huge)
		P("unknown document name", "Failed, not found", lambda: _missing(engine))

		def injection():
			name = 'Evil" OR Name!="x'
			masters.customers[name] = {"name": name, "customer_name": name, "xero_account_number": "EVIL1"}
			doc = e.doc(customer=name, customer_name=name)
			host.add_invoice(doc)
			outcomes = engine.push([doc["name"]])
			contact = host.get_contact_id(name)
			made = [c for c in sb.organisation().contacts.values() if c.get("ContactID") == contact]
			ok = outcomes[-1].status == "Success" and made and made[0]["Name"] == name
			return bool(ok), f"{outcomes[-1].status}; contact named {made[0]['Name'] if made else None!r}"

		P(
			"where-clause injection in a customer name",
			"Success, exact contact, nothing matched wrongly",
			injection,
		)

		# --- the connection ------------------------------------------------------------------
		def not_connected():
			other = Connection(sb)
			conns.append(other)
			watch_tokens(other)
			bad = other.port()
			bad.client.tenant_id = bad.tenant_id = SECOND_TENANT_ID  # token has no access to it
			doc = e.doc()
			other_host = IndexedHost(ctx, site_id="probe", tenant_id=SECOND_TENANT_ID)
			return e.push_fails(doc, "connection", status="Queued", engine=SyncEngine(other_host, bad))

		P("organisation not connected (403)", "Queued, waiting for the connection", not_connected)

		def switched():
			twin = sb.add_organisation("5a4db0c5-0e6f-4b7e-9d1a-0000000000f3", "Another NZ Ltd", "NZD")
			other = Connection(sb, tenant_id=twin)
			conns.append(other)
			watch_tokens(other)
			doc = e.doc()
			remembered = IndexedHost(ctx, site_id="probe", tenant_id=conn.tenant_id)
			second = sb.organisation(twin)
			before = len(second.invoices)
			remembered.add_invoice(doc)
			outcomes = SyncEngine(remembered, other.port()).push([doc["name"]])
			last = outcomes[-1] if outcomes else None
			written = len(second.invoices) - before
			got = f"{last.status if last else None}: {(last.reason if last else '')[:80]}; {written} written to the other organisation"
			return bool(last and last.status != "Success" and written == 0), got

		P("tenant switched underneath", "refused: connected organisation differs", switched)

		def garbage_token():
			other = Connection(sb)
			conns.append(other)
			watch_tokens(other)
			tokens = other.store.load()
			other.store.save(replace(tokens, access_token="garbage.not-a-jwt"))
			doc = e.doc()
			h = IndexedHost(ctx, site_id="probe", tenant_id=other.tenant_id)
			h.add_invoice(doc)
			p = other.port()
			outcomes = SyncEngine(h, p, engine.reference()).push([doc["name"]])
			return outcomes[-1].status == "Success" and p.client.outcomes.get(401) == 1, (
				f"{outcomes[-1].status} after {p.client.outcomes.get(401, 0)} x 401 and one refresh"
			)

		P("access token rejected (401)", "refreshed once, then Success", garbage_token)

		def revoked():
			c2 = Connection(sb2)
			conns.append(c2)
			watch_tokens(c2)
			c2.oauth.revoke(c2.store.load().refresh_token)
			sb2.expire_tokens()
			ctx2, masters2 = load_context()
			add_customers(masters2, 3)
			h = IndexedHost(ctx2, site_id="probe", tenant_id=c2.tenant_id)
			doc = make_invoice("PROBE-REVOKED", customer_name(0), 1, 3)
			h.add_invoice(doc)
			before = len(sb2.organisation().invoices)
			outcomes = SyncEngine(h, c2.port()).push([doc["name"]])
			last = outcomes[-1]
			probe.texts += [last.reason, str(last.cause)]
			marked = c2.store.load().needs_reauthorisation
			ok = last.status == "Queued" and "re-authoris" in last.reason and marked
			ok = ok and len(sb2.organisation().invoices) == before
			return ok, f"{last.status}: {last.reason[:90]}; flagged={marked}"

		P("revoked refresh token", "Queued, needs re-authorisation, flagged once", revoked)

		# --- OAuth callback ----------------------------------------------------------------
		oauth = OAuthClient(sb.client_id, sb.client_secret, conn.endpoints)
		P(
			"forged OAuth state",
			"InvalidState",
			lambda: probe.expect_raise(
				lambda: oauth.complete({"state": "forged-state", "code": "abc"}), InvalidState
			),
		)

		def reused_state():
			request = oauth.begin(REDIRECT)
			oauth.state_store.take(request.state)  # a first callback consumed it
			return probe.expect_raise(
				lambda: oauth.complete({"state": request.state, "code": "abc"}), InvalidState
			)

		P("replayed OAuth callback (state reused)", "InvalidState", reused_state)

		def no_code():
			request = oauth.begin(REDIRECT)
			return probe.expect_raise(lambda: oauth.complete({"state": request.state}), OAuthError, "no code")

		P("callback without a code", "OAuthError invalid_request", no_code)

		def denied():
			request = oauth.begin(REDIRECT)
			return probe.expect_raise(
				lambda: oauth.complete({"state": request.state, "error": "access_denied"}),
				OAuthError,
				"access_denied",
			)

		P("callback with error=access_denied", "OAuthError access_denied", denied)

		def bad_code():
			request = oauth.begin(REDIRECT)
			return probe.expect_raise(
				lambda: oauth.complete({"state": request.state, "code": "not-a-real-code"}), OAuthError
			)

		P("callback with a forged code", "OAuthError invalid_grant", bad_code)

		# --- webhooks ----------------------------------------------------------------------
		body = json.dumps(
			{
				"events": [
					{
						"resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/1",
						"resourceId": "1",
						"eventDateUtc": "2026-11-22T00:00:00",
						"eventType": "UPDATE",
						"eventCategory": "INVOICE",
						"tenantId": conn.tenant_id,
						"tenantType": "ORGANISATION",
					}
				],
				"firstEventSequence": 1,
				"lastEventSequence": 1,
				"entropy": "PROBE",
			}
		).encode()
		signature = webhooks.signature_for(body, WEBHOOK_KEY)

		def verdict(raw, sig, key=WEBHOOK_KEY, want=False):
			got = webhooks.verify_signature(raw, sig, key)
			return got is want, f"verify_signature -> {got}"

		P(
			"webhook body tampered",
			"rejected (401)",
			lambda: verdict(body.replace(b"UPDATE", b"CREATE"), signature),
		)
		P(
			"webhook signed with another key",
			"rejected (401)",
			lambda: verdict(body, webhooks.signature_for(body, "x" * 40)),
		)
		P("webhook without a signature", "rejected (401)", lambda: verdict(body, None))
		P("webhook signature truncated", "rejected (401)", lambda: verdict(body, signature[:-4]))
		P("webhook signature not ASCII", "rejected (401)", lambda: verdict(body, "sïgnature=="))

		def replayed():
			first = webhooks.verify_signature(body, signature, WEBHOOK_KEY)
			engine.pull()
			again = webhooks.verify_signature(body, signature, WEBHOOK_KEY)
			report = engine.pull()  # the replay only triggers another (idempotent) pull
			return first and again and not report.updated, (
				f"accepted twice; second pull updated {len(report.updated)} documents"
			)

		P("webhook replayed", "accepted, harmless: a pull changes nothing", replayed)
		P(
			"webhook body not JSON (valid signature)",
			"WebhookPayloadError",
			lambda: probe.expect_raise(
				lambda: webhooks.parse_payload(b"<xml/>"), webhooks.WebhookPayloadError
			),
		)
	finally:
		sb.stop()
		sb2.stop()
		root.removeHandler(handler)

	# --- secret scan ---------------------------------------------------------------------
	secrets = secrets_in_use(sb, conns)
	sources = {
		"log lines": logs.getvalue(),
		"sync log": "\n".join(json.dumps(entry.to_dict(), default=str) for entry in host.log),
		"errors and outcomes": "\n".join(probe.texts),
		"reprs": "\n".join(
			repr(x) for c in conns for x in (c.store, c.oauth, *c.clients, *(cl.tokens for cl in c.clients))
		),
	}
	leaks = [(where, s[:6] + "…") for where, text in sources.items() for s in secrets if s in text]

	width = [max(len(r.case) for r in probe.results), 44]
	print(f"{'case':<{width[0]}}  {'expected':<{width[1]}}  ok   got")
	print("-" * (width[0] + width[1] + 60))
	for r in probe.results:
		print(f"{r.case:<{width[0]}}  {r.expected:<{width[1]}}  {'ok ' if r.ok else 'NO '}  {r.got}")
	failed = [r for r in probe.results if not r.ok]
	print(
		f"\n{len(probe.results)} cases, {len(probe.results) - len(failed)} handled, {len(failed)} not handled; "
		f"scanned {sum(len(t) for t in sources.values()):,} characters "
		f"({len(logs.getvalue().splitlines()):,} log lines, {len(host.log)} sync log rows) "
		f"for {len(secrets)} secrets: {len(leaks)} found"
	)
	for where, prefix in leaks:
		print(f"SECRET FOUND in {where}: {prefix}")
	return 1 if failed or leaks else 0


def _missing(engine) -> tuple[bool, str]:
	outcomes = engine.push(["NO-SUCH-INVOICE"])
	last = outcomes[-1]
	return last.status == "Failed" and "not found" in last.reason, f"{last.status}: {last.reason}"


if __name__ == "__main__":
	sys.exit(main())
