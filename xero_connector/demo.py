"""``make demo`` / ``python -m xero_connector.demo``: the connector end to end, offline.

Starts the bundled Xero sandbox, pushes sample ERPNext invoices (NZD, USD and AUD,
a return, an invoice that is then cancelled and its amendment), a Purchase Invoice (a
Xero bill) and a Purchase Order (a Xero purchase order), records one full and one part
payment in the sandbox through Xero's Payments API, pulls payment status back, and
prints a table of what happened plus the sandbox's web address.
``--keep-running`` leaves the sandbox up (Ctrl-C to stop). Exits 1 if a step failed.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "samples"
CASES = [
	("ACC-SINV-2026-00018", "NZD, GST exclusive"),
	("ACC-SINV-2026-00019", "NZD, GST inclusive; paid in full"),
	("ACC-SINV-2026-00024", "USD export; part paid"),
	("ACC-SINV-2026-00025", "AUD with GST"),
	("ACC-SINV-2026-00031", "return of 00018 (credit note)"),
	("ACC-SINV-2026-00033", "submitted, then cancelled"),
	("ACC-SINV-2026-00033-1", "amendment of 00033"),
]
# the buying side (issue 16): samples/buying/ holds the documents and setup.json the Supplier,
# the buying mappings and defaults the demo adds to the sales mapping
BUYING = [
	("ACC-PINV-2026-00007", "Purchase Invoice (bill)"),
	("PUR-ORD-2026-00003", "Purchase Order"),
]
FULL_PAYMENT, PART_PAYMENT = ("ACC-SINV-2026-00019", None), ("ACC-SINV-2026-00024", Decimal("1000.00"))


class Progress:
	"""A one-line text progress bar on stderr."""

	def __init__(self, total: int, stream=None, width: int = 30):
		self.total, self.done, self.width = total, 0, width
		self.stream = stream or sys.stderr

	def step(self, label: str) -> None:
		self.done += 1
		filled = round(self.width * self.done / self.total)
		bar = "#" * filled + "-" * (self.width - filled)
		end = "\n" if self.done == self.total else ""
		self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label:<40}{end}")
		self.stream.flush()


def load_host(tenant_id: str):
	from xero_connector.engine.context import MappingContext, Masters
	from xero_connector.engine.mapping_file import load_mapping_file
	from xero_connector.engine.memory_host import MemoryHost

	masters = Masters.from_export(json.loads((SAMPLES / "masters.json").read_text()))
	mappings, settings = load_mapping_file(SAMPLES / "mapping.json", masters.company.get("default_currency"))
	setup = json.loads((SAMPLES / "buying" / "setup.json").read_text())
	masters.suppliers = {row["name"]: row for row in setup["suppliers"]}
	for key, table in setup["mappings"].items():
		setattr(mappings, key, table)
	for key, value in setup["settings"].items():
		setattr(settings, key, value)
	host = MemoryHost(MappingContext(mappings, settings, masters), site_id="demo", tenant_id=tenant_id)
	for name, _ in CASES:
		host.add_invoice(json.loads((SAMPLES / "invoices" / f"{name}.json").read_text()))
	for name, _ in BUYING:
		host.add_invoice(json.loads((SAMPLES / "buying" / f"{name}.json").read_text()))
	return host


def record_payments(port, host) -> list[dict]:
	"""PUT /Payments: pay one invoice in full and part of another, into bank account 090."""
	payments = []
	for name, amount in (FULL_PAYMENT, PART_PAYMENT):
		state = host.get_state(name)
		payments.append(
			{
				"Invoice": {"InvoiceID": state.xero_id},
				"Account": {"Code": "090"},
				"Date": host.load_invoice(name)["posting_date"],
				"Amount": amount or state.amount_due,
			}
		)
	return port.create_payments(payments, "demo-payments")


def table(host, outcomes) -> str:
	"""One row per sample document: what Xero holds now and what the connector did."""
	headers = ("Document", "Case", "Xero", "Status", "ERPNext", "Xero total", "Due", "Paid", "Steps")
	rows = []
	for name, case in CASES + BUYING:
		state = host.get_state(name)
		doc = host.load_invoice(name)
		owed = doc.get("rounded_total") or doc.get("grand_total")
		steps = ", ".join(f"{o.operation} {o.status}" for o in outcomes if o.name == name)
		money = lambda v: "-" if v is None else f"{v}"  # noqa: E731
		rows.append(
			(
				name,
				case,
				_xero_kind(doc, state),
				(state.xero_status if state else "-") or "-",
				f"{doc['currency']} {abs(Decimal(str(owed))):.2f}",
				money(state.total if state else None),
				money(state.amount_due if state else None),
				money(state.amount_paid if state else None),
				steps,
			)
		)
	widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
	line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True))  # noqa: E731
	return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _xero_kind(doc: dict, state) -> str:
	"""What the document is in Xero: invoice, credit note, bill or purchase order."""
	if state is None:
		return "-"
	if state.kind == "purchase_order":
		return "purchase order"
	if doc.get("doctype") == "Purchase Invoice":
		return "supplier credit note" if state.kind == "credit_note" else "bill"
	return "credit note" if state.kind == "credit_note" else "invoice"


def run(keep_running: bool = False, out=None) -> int:
	from xero_connector.engine.connection import sandbox_port
	from xero_connector.engine.sync import SyncEngine
	from xero_connector.sandbox.server import Sandbox

	out = out or sys.stdout
	progress = Progress(8)
	sb = Sandbox().start()
	try:
		progress.step("sandbox started")
		port = sandbox_port(sb)
		host = load_host(port.tenant_id)
		engine = SyncEngine(host, port)
		submitted = copy.deepcopy(host.load_invoice("ACC-SINV-2026-00033"))
		cancelled = host.load_invoice("ACC-SINV-2026-00033")
		host.add_invoice({**submitted, "docstatus": 1})
		outcomes = engine.push(
			[n for n, _ in CASES if n not in ("ACC-SINV-2026-00031", "ACC-SINV-2026-00033-1")]
		)
		progress.step("invoices pushed")
		outcomes += engine.push(["ACC-SINV-2026-00031"])
		progress.step("return pushed and allocated")
		host.add_invoice(cancelled)
		outcomes += engine.push(["ACC-SINV-2026-00033", "ACC-SINV-2026-00033-1"])
		progress.step("cancellation and amendment synced")
		outcomes += engine.push([name for name, _ in BUYING])
		progress.step("bill and purchase order pushed")
		paid = record_payments(port, host)
		progress.step("payments recorded in Xero")
		report = engine.pull()
		outcomes += [o for o in engine.recorder.outcomes if o.operation == "pull"]
		progress.step("payment status pulled back")
		progress.step("done")
		print(table(host, outcomes), file=out)
		failures = [o for o in outcomes if o.failed] + [p for p in paid if p.get("ValidationErrors")]
		print(
			f"\n{len(report.updated)} document(s) updated from Xero. "
			f"{'All steps succeeded.' if not failures else f'{len(failures)} step(s) failed.'}",
			file=out,
		)
		for failure in failures:
			print(f"FAILED: {failure}", file=out)
		if keep_running:
			print(f"Sandbox web page: {sb.url}/", file=out)
		else:
			print(
				f"Sandbox web page: {sb.url}/ (it stops with the demo: run `make demo ARGS=--keep-running` "
				"to keep it up and browse what arrived)",
				file=out,
			)
		out.flush()
		if keep_running:
			print("Sandbox running; press Ctrl-C to stop.", file=out, flush=True)
			try:
				while True:
					time.sleep(1)
			except KeyboardInterrupt:
				pass
		return 1 if failures else 0
	finally:
		sb.stop()


def main(argv: list[str] | None = None) -> int:
	parser = argparse.ArgumentParser(
		prog="python -m xero_connector.demo", description=__doc__.split("\n\n")[0]
	)
	parser.add_argument("--keep-running", action="store_true", help="keep the sandbox up to look at its page")
	args = parser.parse_args(argv)
	return run(args.keep_running)


if __name__ == "__main__":
	sys.exit(main())
