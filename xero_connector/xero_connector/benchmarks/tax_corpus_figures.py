"""The figures of the tax corpus (tax_corpus.py): what reached Xero, Xero's totals against
ERPNext's, the TaxAmount overrides sent and the pre-flight refusals; and their printout."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import frappe

from xero_connector.constants import OP_PUSH, STATUS_SUCCESS, SYNC_LOG
from xero_connector.xero_connector.benchmarks.submit_overhead import machine

CENT = Decimal("0.01")


def measure(names: list[str], outcomes: list) -> dict:
	"""What reached Xero, its totals against ERPNext's, the TaxAmount overrides and the refusals."""
	from xero_connector.engine.records import read_documents
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.sync.host import FrappeHost

	rows = frappe.get_all(
		"Sales Invoice",
		filters={"name": ("in", names)},
		fields=[
			"name",
			"is_return",
			"xero_invoice_id",
			"grand_total",
			"rounded_total",
			"disable_rounded_total",
		],
	)
	with open_engine(FrappeHost.for_invoice(names[0], commit=False), "reconciliation") as (engine, _client):
		rates = {t["TaxType"]: Decimal(str(t["EffectiveRate"])) for t in engine.reference().tax_rates}
		found = {}
		for kind, returns in (("invoice", 0), ("credit_note", 1)):
			ids = [r.xero_invoice_id for r in rows if r.is_return == returns and r.xero_invoice_id]
			found.update(read_documents(engine, kind, ids=ids) if ids else {})
	differences = []
	for row in rows:
		element = found.get(row.xero_invoice_id) if row.xero_invoice_id else None
		if element is not None:
			differences.append(abs(Decimal(str(element["Total"])) - owed(row)))
	overrides, lines = tax_overrides(names, rates)
	preflight = [o for o in outcomes if o.status != STATUS_SUCCESS and o.error_kind == "preflight"]
	other = [
		f"{o.name} {o.operation} {o.status}: {o.reason}"
		for o in outcomes
		if o.status != STATUS_SUCCESS and o.error_kind != "preflight"
	]
	seen = {o.name for o in outcomes}
	other += [
		f"{name}: no outcome (the job failed: see its Xero Sync Log)" for name in names if name not in seen
	]
	return {
		"documents": len(rows),
		"pushed": len({o.name for o in outcomes if o.operation == OP_PUSH and o.status == STATUS_SUCCESS}),
		"refused_preflight": len({o.name for o in preflight}),
		"refusal_reasons": dict(refusal_kinds([o.name for o in preflight])),
		"other_failures": other,
		"in_xero": len(differences),
		"totals_equal": sum(1 for d in differences if d == 0),
		"worst_difference": str(max(differences, default=Decimal(0))),
		"lines": lines,
		"tax_amount_lines": len(overrides),
		"largest_override": str(max(overrides, default=Decimal("0.00"))),
	}


def owed(row) -> Decimal:
	"""What the customer owes in ERPNext (fixtures.owed, in Decimal): the rounded total where
	ERPNext rounds, else the grand total."""
	rounded = Decimal(str(row.rounded_total or 0))
	return abs(rounded if not row.disable_rounded_total and rounded else Decimal(str(row.grand_total)))


def tax_overrides(names: list[str], rates: dict[str, Decimal]) -> tuple[list[Decimal], int]:
	"""For every line sent with a TaxAmount (the last Success push of each document, from its
	Sync Log request), how far it is from the tax Xero computes itself; and the lines sent."""
	from xero_connector.sandbox.totals import LineInput, compute_line

	latest = {}
	for log in frappe.get_all(
		SYNC_LOG,
		filters={"reference_name": ("in", names), "operation": OP_PUSH, "status": STATUS_SUCCESS},
		fields=["reference_name", "request"],
		order_by="creation asc",
	):
		if log.request:
			latest[log.reference_name] = json.loads(log.request)
	found, lines = [], 0
	for payload in latest.values():
		amount_types = payload.get("LineAmountTypes") or "Exclusive"
		for line in payload.get("LineItems") or []:
			lines += 1
			if line.get("TaxAmount") in (None, ""):
				continue
			entered = LineInput(Decimal(str(line["Quantity"])), Decimal(str(line["UnitAmount"])))
			own = compute_line(entered, rates.get(line.get("TaxType"), Decimal(0)), amount_types, unitdp=4)
			found.append(abs(Decimal(str(line["TaxAmount"])) - own.tax_amount))
	return found, lines


def refusal_kinds(names: list[str]) -> Counter:
	"""The pre-flight problem kinds of the refused documents, counted."""
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.sync.host import FrappeHost

	kinds: Counter = Counter()
	if not names:
		return kinds
	host = FrappeHost.for_invoice(names[0], commit=False)
	with open_engine(host, "readiness") as (engine, _client):
		for name in names:
			doc = host.load_invoice(name)
			kinds.update(p.kind or "other" for p in engine.preflight(doc, engine.context(doc)))
	return kinds


# -- report ----------------------------------------------------------------------------------------


def report(f: dict) -> None:
	print(f"== Tax corpus in a bench (site {frappe.local.site}, issue 18) ==")
	print(f"invoices created:      {f['created']} through ERPNext, kinds {f['kinds']}")
	print(f"                       discounts {f['discounts']}, rounded total on {f['rounded']}")
	foreign = f"{f['foreign']} in USD" if not f["foreign_skipped"] else f"skipped: {f['foreign_skipped']}"
	print(f"foreign currency:      {foreign}")
	print(f"returns:               {f['returns']} (credit notes allocated to their invoices)")
	print(f"first mapping alone:   {f['refused_at_submit_first_mapping']} refused by pre-flight at submit")
	print(
		f"readiness check:       {f['readiness_refused_before']} invoices Xero would refuse; "
		f"{len(f['rows_added'])} proposed rows added; then {f['readiness_refused_after']}"
	)
	for row in f["rows_added"]:
		print(
			f"  + {row['mapping_type']} {row['reference_name']} at {row['rate']}% -> "
			f"{row['xero_tax_type']} ({row['lines']} lines)"
		)
	print(f"pushed:                {f['pushed']} of {f['documents']} documents")
	print(f"refused by pre-flight: {f['refused_preflight']} {f['refusal_reasons'] or ''}")
	for failure in f["other_failures"][:10]:
		print(f"  other: {failure}")
	print(f"read back from Xero:   {f['in_xero']} of {f['documents']}")
	print(
		f"Xero total = ERPNext:  {f['totals_equal']} of {f['in_xero']} to the cent "
		f"(worst difference {f['worst_difference']})"
	)
	print(
		f"TaxAmount overrides:   {f['tax_amount_lines']} of {f['lines']} lines; largest "
		f"{f['largest_override']} [target <= 0.01: {'met' if Decimal(f['largest_override']) <= CENT else 'NOT met'}]"
	)
	print(f"elapsed:               {f['elapsed_s']} s {f['seconds']}")
	print(f"machine:               {machine()}")
