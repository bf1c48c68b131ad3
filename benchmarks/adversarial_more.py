"""``make adversarial``, continued (issue 14's remaining parts in the pure core): Xero's 200
answers that do not say what became of a document, values Xero would refuse or an accountant
would not want sent, two workers creating one customer's contact at once, and the command
line's fixes in the mapping file's words. Called by :func:`adversarial.main` with its
:class:`adversarial.Engine` (strict sandbox, real client) and the probe's ``P``.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import threading
from pathlib import Path

from bench_support import customer_name, make_invoice

from xero_connector.engine.sync import SyncEngine
from xero_connector.xero import transport
from xero_connector.xero.retry import RetryPolicy

SAMPLES = Path(__file__).resolve().parents[1] / "xero_connector" / "samples"


@contextlib.contextmanager
def rewritten(path: str, change, times: int = 1, status: int | None = None):
	"""The next ``times`` writes (PUT/POST) to ``path`` are applied by the sandbox, then answered
	with ``change(the answer's bytes)`` (and ``status``, when given) instead."""
	original = transport.SdkTransport.request
	left = {"n": times}

	def request(this, method, url, *args, **kwargs):
		response = original(this, method, url, *args, **kwargs)
		if method in ("PUT", "POST") and path in url and left["n"] > 0:
			left["n"] -= 1
			response.data = change(response.data)
			response.status = status or response.status
		return response

	transport.SdkTransport.request = request
	try:
		yield
	finally:
		transport.SdkTransport.request = original


def unclear_answer_cases(P, e) -> None:
	"""A 200 that does not say what became of the invoice: Queued with the write-ahead mark, then
	linked by number on the next run, one copy, never linked to another invoice's ID."""
	P(
		"Xero answers 200: element without InvoiceID",
		"Queued with the mark, then linked once",
		lambda: e.answered(200, b'{"Invoices": [{"StatusAttributeString": "OK"}]}'),
	)
	P(
		"Xero answers 200: element is null",
		"Queued, then linked once",
		lambda: e.answered(200, b'{"Invoices": [null]}'),
	)
	P("Xero answers 200: body is a JSON list", "Queued, then linked once", lambda: e.answered(200, b"[]"))

	def out_of_order():
		docs = [e.doc(), e.doc()]
		names = [d["name"] for d in docs]
		for doc in docs:
			e.host.add_invoice(doc)

		def swap(raw):
			body = json.loads(raw)
			body["Invoices"].reverse()
			return json.dumps(body).encode()

		with rewritten("/Invoices", swap):
			first = [o.status for o in e.engine.push(names) if o.operation == "push"]
		second = [o.status for o in e.engine.push(names) if o.operation == "push"]
		ids = {i["InvoiceNumber"]: i["InvoiceID"] for i in e.sb.organisation().invoices.values()}
		linked = all(e.host.get_state(n).xero_id == ids[n] for n in names)
		copies = [e.copies(n) for n in names]
		ok = (
			first == ["Queued", "Queued"] and second == ["Success", "Success"] and linked and copies == [1, 1]
		)
		return ok, f"{first}, then {second}; each linked to its own: {linked}; copies {copies}"

	P("Xero answers a batch of 2 out of order", "both Queued, then each linked to its own", out_of_order)


def negative_total(e) -> dict:
	"""A consistent invoice (not a return) whose every line has a positive quantity and a negative
	rate: ERPNext's totals add up, and come to less than zero."""
	doc = make_invoice(f"ADV-NEG-{e.n}", customer_name(0), e.n, 3, sign=-1)
	e.n += 1
	for row in doc["items"]:
		row["qty"] = row["stock_qty"] = -row["qty"]
		for field in ("rate", "net_rate", "base_rate", "base_net_rate"):
			row[field] = -row[field]
	return doc


def value_cases(P, e) -> None:
	P(
		"invoice (not a return) with a negative total",
		"Failed before sending, names the total and the fix (a return)",
		lambda: e.refused(negative_total(e), "below zero"),
	)

	def positive_return():
		original = e.doc()
		if e.push(original).status != "Success":
			return False, "the original invoice was not sent"
		return e.refused(e.doc(is_return=1, return_against=original["name"]), "above zero")

	P("return with a positive total", "Failed before sending, names the total", positive_return)


def text_cases(P, e) -> None:
	"""Text over Xero's lengths: refused naming the row and the limit, never cut off silently."""

	def line(description: str) -> dict:
		doc = e.doc()
		doc["items"][1]["description"] = description
		return doc

	P(
		"line description of 10,000 characters",
		"Failed before sending, names row 2 and 4,000",
		lambda: e.refused(line("x" * 10000), "row 2 has 10,000 characters; Xero takes at most 4,000"),
	)
	P(
		"line description of exactly 4,000 characters",
		"stored whole, once",
		lambda: e.stored(line("y" * 4000), lambda i: i["LineItems"][1]["Description"] == "y" * 4000),
	)


def contact_race(e) -> tuple[bool, str]:
	"""Two workers (own clients, one host) push invoices of one new customer at once, each with
	another new customer (so their contact creates differ in Idempotency-Key); both look-ups end
	before either creates. The strict sandbox refuses a second contact of that name, so without
	the per-customer hold one of the invoices fails; with it, both go, to one contact."""
	customers = ["ADV Race Ltd", "ADV Race Other 0", "ADV Race Other 1"]
	for n, name in enumerate(customers):
		e.host.context.masters.customers[name] = {
			"name": name,
			"customer_name": name,
			"xero_account_number": f"ADVR{n}",
		}
	barrier, outcomes = threading.Barrier(2), {}

	def run(i: int):
		port = e.conn.port(retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02))
		find = port.find_contacts

		def find_then_wait(*args, **kwargs):
			found = find(*args, **kwargs)
			with contextlib.suppress(threading.BrokenBarrierError):
				barrier.wait(timeout=1.0)
			return found

		port.find_contacts = find_then_wait
		names = [f"ADV-RACE-{i}", f"ADV-RACE-OTHER-{i}"]
		for name, customer in zip(names, (customers[0], customers[1 + i]), strict=True):
			doc = make_invoice(name, customer, i, 2)
			e.host.add_invoice(doc)
		for outcome in SyncEngine(e.host, port, e.engine.reference()).push(names):
			outcomes[outcome.name] = outcome.status

	threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	made = [c for c in e.sb.organisation().contacts.values() if c.get("Name") == customers[0]]
	statuses = [outcomes.get(f"ADV-RACE-{i}") for i in (0, 1)]
	ok = len(made) == 1 and statuses == ["Success", "Success"]
	return ok, f"{len(made)} contact(s) for the customer; its invoices {statuses}"


def cli_fix(tmp: Path) -> tuple[bool, str]:
	"""``push`` with a mapping file that maps nothing for an item and has no default account: the
	fix names the mapping file's keys, and nothing printed names a desk form."""
	from xero_connector import cli
	from xero_connector.cli_fixes import desk_words

	mapping = json.loads((SAMPLES / "mapping.json").read_text())
	mapping["accounts"] = {}
	mapping["defaults"]["account_code"] = None
	(tmp / "mapping.json").write_text(json.dumps(mapping))
	out, err = io.StringIO(), io.StringIO()
	invoice = SAMPLES / "invoices" / "ACC-SINV-2026-00018.json"
	with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
		code = cli.main(["push", str(invoice), "--mapping", str(tmp / "mapping.json")])
	fixes = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("fix:")]
	left = desk_words(out.getvalue() + err.getvalue())
	named = all("accounts.item" in f and "defaults.account_code" in f for f in fixes)
	ok = code == 1 and bool(fixes) and named and not left
	return ok, f"exit {code}; {(fixes or ['no fix line'])[0][:90]}; desk words: {left or 'none'}"


def cases(P, e) -> None:
	unclear_answer_cases(P, e)
	value_cases(P, e)
	text_cases(P, e)
	P(
		"two workers, one new customer, at once",
		"one Xero contact, both invoices sent",
		lambda: contact_race(e),
	)
	with tempfile.TemporaryDirectory() as folder:
		P(
			"CLI: an item with no account mapping",
			"exit 1, fix names accounts.* and defaults.account_code, no desk form",
			lambda: cli_fix(Path(folder)),
		)
