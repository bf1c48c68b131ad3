"""``make adversarial``: hostile and malformed input across the webhook, the client, the engine
and the command line (issue 14). Builds on ``make probe`` (benchmarks/probe.py: its 31 cases
are bad documents, the connection, OAuth and webhook signatures) with cases it does not have:
webhook bodies of the wrong types, huge or replayed; Xero answering HTML, nothing, 200 without
the element, odd Retry-After values, 5xx storms; invoices with NaN, huge, negative, over-long,
unicode and HTML values; CLI input that is not what it should be.

Each case prints what was expected and what was observed; the run exits 1 if any case fails
(including any case that raised where it should have answered).

    .venv/bin/python benchmarks/adversarial.py
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import adversarial_more
from bench_support import Connection, IndexedHost, add_customers, customer_name, load_context, make_invoice
from bench_support import start_sandbox as start
from probe import Probe

from xero_connector import cli
from xero_connector.engine.sync import SyncEngine
from xero_connector.xero import catalogue, webhooks
from xero_connector.xero.client import retry_after_seconds
from xero_connector.xero.retry import RetryPolicy

KEY = "adversarial-webhook-key-c2VjcmV0c2VjcmV0c2VjcmV0MTIz"
SAMPLE = Path(__file__).resolve().parents[1] / "xero_connector" / "samples" / "invoices"
INVOICE_FILE = SAMPLE / "ACC-SINV-2026-00018.json"


# ---- webhook ---------------------------------------------------------------------------------


def webhook_verdict(body) -> tuple[bool, str]:
	"""A correctly signed body must be parsed or refused with WebhookPayloadError, never raise
	anything else (the receiver answers 401 for the error, 200 for a payload)."""
	raw = body if isinstance(body, bytes) else json.dumps(body).encode()
	if not webhooks.verify_signature(raw, webhooks.signature_for(raw, KEY), KEY):
		return False, "signature of the exact body not accepted"
	try:
		payload = webhooks.parse_payload(raw)
	except webhooks.WebhookPayloadError as error:
		return True, f"refused: {str(error)[:70]}"
	return True, f"parsed: {len(payload.events)} events"


def event(**changes) -> dict:
	base = {
		"resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/1",
		"resourceId": "0b4d5d6e-1111-2222-3333-444455556666",
		"eventDateUtc": "2026-12-03T10:00:00.000",
		"eventType": "UPDATE",
		"eventCategory": "INVOICE",
		"tenantId": "5a4db0c5-0e6f-4b7e-9d1a-000000000001",
		"tenantType": "ORGANISATION",
	}
	return {**base, **changes}


def body(*events, **fields) -> dict:
	return {"events": list(events), "firstEventSequence": 1, "lastEventSequence": 1, "entropy": "X"} | fields


def webhook_cases(P) -> None:
	P("webhook tenantId is a number", "refused, no raise", lambda: webhook_verdict(body(event(tenantId=42))))
	P(
		"webhook firstEventSequence is text",
		"refused, no raise",
		lambda: webhook_verdict(body(event(), firstEventSequence="one")),
	)
	P(
		"webhook resourceId is a list",
		"refused, no raise",
		lambda: webhook_verdict(body(event(resourceId=["a", "b"]))),
	)
	P("webhook events is an object", "refused", lambda: webhook_verdict({"events": {"a": 1}}))
	P("webhook events holds a string", "refused", lambda: webhook_verdict(body("INVOICE")))
	P("webhook body is a JSON array", "refused", lambda: webhook_verdict([1, 2, 3]))
	P("webhook body is JSON null", "refused", lambda: webhook_verdict(b"null"))
	P("webhook body is not UTF-8", "refused", lambda: webhook_verdict(b"\xff\xfe{\x00"))
	P(
		"webhook sequence is a boolean",
		"refused (true is not a sequence number)",
		lambda: webhook_verdict(body(event(), lastEventSequence=True)),
	)
	P(
		"webhook sequence is a float",
		"refused",
		lambda: webhook_verdict(body(event(), firstEventSequence=1.5)),
	)

	def huge():
		many = body(*[event(resourceId=f"id-{i}") for i in range(20000)])
		started = time.perf_counter()
		ok, got = webhook_verdict(many)
		took = time.perf_counter() - started
		return ok and took < 5, f"{got} in {took:.2f} s"

	P("webhook with 20,000 events (~5 MB)", "parsed in well under 5 s", huge)

	def deep():
		raw = b'{"events": ' + b"[" * 100000 + b"]" * 100000 + b"}"
		return webhook_verdict(raw)

	P("webhook nested 100,000 deep", "refused, no RecursionError", deep)
	P(
		"webhook intent-to-receive (no events)",
		"parsed: 0 events",
		lambda: webhook_verdict(body()),
	)

	def signature_case(sig):
		raw = json.dumps(body(event())).encode()
		return (not webhooks.verify_signature(raw, sig, KEY)), "rejected" if not webhooks.verify_signature(
			raw, sig, KEY
		) else "accepted!"

	P("webhook signature of 10,000 characters", "rejected", lambda: signature_case("A" * 10000))
	P("webhook signature with whitespace only", "rejected", lambda: signature_case("   "))

	def empty_key():
		raw = b"{}"
		return (
			not webhooks.verify_signature(raw, webhooks.signature_for(raw, ""), "")
		), "empty key refuses all"

	P("webhook key not configured (empty)", "every delivery rejected", empty_key)


# ---- client ----------------------------------------------------------------------------------


def retry_after_case(value, want) -> tuple[bool, str]:
	got = retry_after_seconds(value, now=1_000_000.0)
	ok = want(got)
	return ok, f"Retry-After {value!r} -> {got!r}"


def client_cases(P) -> None:
	P("Retry-After '30'", "30 s", lambda: retry_after_case("30", lambda s: s == 30.0))
	P(
		"Retry-After as an HTTP date",
		"seconds until then",
		lambda: retry_after_case("Mon, 12 Jan 1970 13:46:50 GMT", lambda s: s == 10.0),
	)
	P("Retry-After negative", "0 (now)", lambda: retry_after_case("-5", lambda s: s == 0.0))
	P("Retry-After 'NaN'", "ignored (None)", lambda: retry_after_case("NaN", lambda s: s is None))
	P("Retry-After 'inf'", "ignored (None)", lambda: retry_after_case("inf", lambda s: s is None))
	P("Retry-After garbage", "ignored (None)", lambda: retry_after_case("soon-ish", lambda s: s is None))
	P(
		"Retry-After date without a zone",
		"ignored (None)",
		lambda: retry_after_case("2026-12-03 10:00", lambda s: s is None),
	)

	def catalogue_time():
		hostile = ("a" * 199_999 + "!", "(" * 200_000, " " * 200_000 + "x", "Invoice # " * 20000)
		started = time.perf_counter()
		for text in hostile:
			catalogue.match_message(text)
		took = (time.perf_counter() - started) / len(hostile)
		return took < 0.05, f"{took * 1000:.1f} ms per 200 KB message"

	P("error catalogue on 200 KB hostile messages", "< 50 ms each (linear)", catalogue_time)


# ---- engine (through the real client and the sandbox) ------------------------------------------


class Engine:
	def __init__(self, probe: Probe):
		self.probe = probe
		self.sb = start(limits=False)
		ctx, masters = load_context()
		add_customers(masters, 3)
		self.conn = Connection(self.sb)
		self.port = self.conn.port(retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02))
		self.host = IndexedHost(ctx, site_id="adversarial", tenant_id=self.conn.tenant_id)
		self.engine = SyncEngine(self.host, self.port)
		self.n = 0

	def doc(self, **changes) -> dict:
		self.n += 1
		doc = make_invoice(f"ADV-{self.n:04d}", customer_name(self.n % 3), self.n, 3)
		doc.update(changes)
		return doc

	def copies(self, number: str) -> int:
		return sum(1 for i in self.sb.organisation().invoices.values() if i.get("InvoiceNumber") == number)

	def push(self, doc: dict):
		self.host.add_invoice(doc)
		outcomes = self.engine.push([doc["name"]])
		last = [o for o in outcomes if o.name == doc["name"]][-1]
		self.probe.texts.append(last.reason)
		return last

	def refused(self, doc: dict, needle: str = "") -> tuple[bool, str]:
		"""Failed before anything reached Xero, saying why."""
		last = self.push(doc)
		ok = (
			last.status == "Failed"
			and self.copies(doc["name"]) == 0
			and needle.lower() in last.reason.lower()
		)
		return ok, f"{last.status}: {last.reason[:90]}; {self.copies(doc['name'])} in Xero"

	def stored(self, doc: dict, check=lambda element: True) -> tuple[bool, str]:
		"""Sent once and stored as sent."""
		last = self.push(doc)
		found = [i for i in self.sb.organisation().invoices.values() if i.get("InvoiceNumber") == doc["name"]]
		ok = last.status == "Success" and len(found) == 1 and check(found[0])
		return ok, f"{last.status}: {last.reason[:70]}; {len(found)} in Xero"

	def answers(self, status: int, data: bytes, times: int = 1):
		"""The next ``times`` invoice writes are applied, then answered with ``status``/``data``."""
		return adversarial_more.rewritten("/Invoices", lambda _: data, times, status)

	def answered(self, status: int, data: bytes) -> tuple[bool, str]:
		"""A write answered with something that does not say what happened: kept Queued with
		the write-ahead mark; the next run links it by number (one copy in Xero)."""
		doc = self.doc()
		with self.answers(status, data):
			first = self.push(doc)
		state = self.host.get_state(doc["name"])
		marked = bool(state and state.outcome_unknown)
		second = self.push(doc)
		copies = self.copies(doc["name"])
		ok = first.status == "Queued" and marked and second.status == "Success" and copies == 1
		return ok, f"{first.status} (mark kept: {marked}), then {second.status}; {copies} in Xero"


def engine_cases(P, e: Engine) -> None:
	def line(**changes):
		doc = e.doc()
		doc["items"][0].update(changes)
		return doc

	nan = {k: math.nan for k in ("rate", "net_rate", "base_rate", "base_net_rate")}
	P("every rate is NaN", "Failed before sending", lambda: e.refused(line(**nan)))
	inf = {k: math.inf for k in ("rate", "net_rate", "base_rate", "base_net_rate", "amount", "net_amount")}
	P("rate and amount Infinity", "Failed before sending, no raise", lambda: e.refused(line(**inf)))
	text_nan = {k: "NaN" for k in ("rate", "net_rate", "base_rate", "base_net_rate", "amount", "net_amount")}
	P("rate and amount the text 'NaN'", "Failed before sending", lambda: e.refused(line(**text_nan)))
	P("qty is 1e300", "Failed before sending", lambda: e.refused(line(qty=1e300)))
	P(
		"posting date in year 0",
		"Failed, names the date",
		lambda: e.refused(e.doc(posting_date="0000-01-01"), "date"),
	)
	P(
		"description with HTML and script",
		"stored as text, once",
		lambda: e.stored(
			line(description="<script>alert(1)</script><b>x</b>"),
			lambda i: "alert(1)" in str(i["LineItems"][0].get("Description")),
		),
	)
	P(
		"description in unicode (emoji, RTL, CJK)",
		"stored as sent, once",
		lambda: e.stored(
			line(description="Café ☕ 東京 עברית 🚀"),
			lambda i: i["LineItems"][0].get("Description") == "Café ☕ 東京 עברית 🚀",
		),
	)
	P(
		"invoice name of 300 characters",
		"Failed before sending (number ≤ 255)",
		lambda: e.refused(e.doc(name="N" * 300)),
	)
	P(
		"Xero answers 200 with HTML",
		"Queued with the mark, then linked once",
		lambda: e.answered(200, b"<html><body>Bad gateway</body></html>"),
	)
	P("Xero answers 200 with an empty body", "Queued, then linked once", lambda: e.answered(200, b""))
	P(
		"Xero answers 200 without the element",
		"Queued, then linked once",
		lambda: e.answered(200, b'{"Invoices": []}'),
	)

	def storm():
		doc = e.doc()
		e.sb.faults.add("error", when="before", status=503, count=None)
		try:
			first = e.push(doc)
		finally:
			e.sb.faults.clear()
		second = e.push(doc)
		ok = first.status == "Queued" and second.status == "Success" and e.copies(doc["name"]) == 1
		return (
			ok,
			f"{first.status}: {first.reason[:50]}; then {second.status}; {e.copies(doc['name'])} in Xero",
		)

	P("5xx storm (every call 503)", "Queued (transient), then sent once", storm)

	def storm_after():
		doc = e.doc()
		e.sb.faults.add("error", when="after", status=502, count=None, path="Invoices")
		try:
			first = e.push(doc)
		finally:
			e.sb.faults.clear()
		second = e.push(doc)
		ok = first.status == "Queued" and second.status == "Success" and e.copies(doc["name"]) == 1
		return ok, f"{first.status}; then {second.status}; {e.copies(doc['name'])} in Xero"

	P("502 after every commit", "Queued, then linked, one copy", storm_after)


# ---- command line ----------------------------------------------------------------------------


def cli_case(argv: list[str], code: int = 2, needle: str = "") -> tuple[bool, str]:
	out, err = io.StringIO(), io.StringIO()
	with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
		try:
			got = cli.main(argv)
		except SystemExit as exit_:
			got = exit_.code
	text = err.getvalue().strip()
	lines = text.splitlines()
	ok = got == code and "Traceback" not in text and len(lines) <= 3 and needle.lower() in text.lower()
	return ok, f"exit {got}: {(lines or [''])[-1][:100]}"


def cli_cases(P, tmp: Path) -> None:
	def write(name: str, text: str | bytes) -> str:
		path = tmp / name
		path.write_bytes(text if isinstance(text, bytes) else text.encode())
		return str(path)

	P(
		"CLI: invoice file is a JSON list",
		"exit 2, one line",
		lambda: cli_case(["push", write("a.json", "[1]")]),
	)
	P(
		"CLI: invoice file is broken JSON",
		"exit 2, names the line",
		lambda: cli_case(["push", write("b.json", '{\n"name": ,\n}')], needle="line"),
	)
	P(
		"CLI: invoice file is binary",
		"exit 2, one line",
		lambda: cli_case(["push", write("c.json", b"\x00\xff\xfe")]),
	)
	P("CLI: invoice file missing", "exit 2, one line", lambda: cli_case(["push", str(tmp / "nope.json")]))
	P(
		"CLI: --sandbox-url without a scheme",
		"exit 2",
		lambda: cli_case(["push", str(INVOICE_FILE), "--sandbox-url", "localhost:8089"]),
	)
	P(
		"CLI: --sandbox-url port out of range",
		"exit 2",
		lambda: cli_case(["push", str(INVOICE_FILE), "--sandbox-url", "http://127.0.0.1:99999"]),
	)
	P(
		"CLI: --config is a JSON string",
		"exit 2",
		lambda: cli_case(["pull", "--config", write("d.json", '"x"')]),
	)
	P(
		"CLI: --mapping is an empty file",
		"exit 2",
		lambda: cli_case(["push", str(INVOICE_FILE), "--mapping", write("e.json", "")]),
	)
	P(
		"CLI: --state in a folder that does not exist",
		"exit 2",
		lambda: cli_case(["push", str(INVOICE_FILE), "--state", str(tmp / "no" / "state.json")]),
	)
	P(
		"CLI: --state is someone else's JSON",
		"exit 2, refused",
		lambda: cli_case(["push", str(INVOICE_FILE), "--state", write("f.json", '{"a": 1}')]),
	)
	P("CLI: unknown command", "exit 2 (argparse)", lambda: cli_case(["teleport"]))


def main(argv: list[str] | None = None) -> int:
	started = time.perf_counter()
	probe = Probe()
	P = probe.run
	webhook_cases(P)
	client_cases(P)
	e = Engine(probe)
	try:
		engine_cases(P, e)
		adversarial_more.cases(P, e)
	finally:
		e.sb.stop()
	with tempfile.TemporaryDirectory() as folder:
		cli_cases(P, Path(folder))
	failed = [r for r in probe.results if not r.ok]
	width = max(len(r.case) for r in probe.results)
	for r in probe.results:
		print(f"{'ok  ' if r.ok else 'FAIL'} {r.case:<{width}}  expected: {r.expected}")
		print(f"     {'':<{width}}  observed: {r.got}")
	print(f"\n{len(probe.results)} cases, {len(failed)} failed, {time.perf_counter() - started:.1f} s")
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
