"""Issue 18's corpus in a real ERPNext site: a few hundred realistic Sales Invoices, mapped the
way an administrator first maps taxes, pushed to Xero and read back.

Run on a throw-away site (never on one connected to a real Xero: refused):

    bench --site SITE execute xero_connector.xero_connector.benchmarks.tax_corpus.run --kwargs "{'n': 300}"

1. An in-process Sandbox, the Xero Connection pointing at it, connected with the real OAuth flow
   (tests.fixtures.connected_sandbox), the masters of xero_connector.tests.fixtures and the corpus's
   own (tax_corpus_docs.py); sending "In Rounds", Xero's 860 Rounding account for ERPNext's
   rounding adjustment.
2. The first mapping: one Xero Tax Mapping row per Sales Taxes and Charges Template, per
   Item Tax Template (unless ``item_templates`` is False) and per tax account, one account
   mapping per charge income account (through the Readiness page's create_mapping, as the
   one-click fixes do).
3. ``n`` Sales Invoices made and submitted through ERPNext's documents (ERPNext computes every
   figure), dated in June of last year. Submitting runs the app's pre-flight: those it
   refuses with the first mapping alone are counted.
4. The readiness check (engine.readiness.check_readiness, what the Xero Readiness page runs)
   over these invoices; each Tax Mapping row it proposes as needed is added with its rate
   (features/readiness.create_mapping ``rate``).
5. Every invoice pushed as the push round sends them (jobs.run_engine, 50 to a call, each
   under its document lock), then returns of some of them, pushed the same way (credit notes,
   allocated to their invoices).
6. Each document read back from Xero by its ID: Xero's Total against what the customer owes in
   ERPNext (rounded total where ERPNext rounds); and, from each Success row's request in the
   Xero Sync Log, every TaxAmount sent set against the tax Xero would compute itself
   (sandbox/totals.compute_line, at the tax type's EffectiveRate in Xero).

It prints the figures and returns them; with ``check`` (the default) it raises CorpusFailed
after printing when a document did not reach Xero, a total differs or a TaxAmount override
exceeds a cent (so ``bench execute`` exits non-zero). The invoices and their Sync Log rows
stay on the site; the mapping rows it added are removed again, and the sync trigger is put
back.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections import Counter
from decimal import Decimal

import frappe

from xero_connector.constants import (
	ACCOUNT_MAPPING,
	CONNECTION,
	OP_PUSH,
	STATUS_QUEUED,
	SYNC_FAILED,
	SYNC_LOG,
	TAX_MAPPING,
	TRIGGER_IN_ROUNDS,
)
from xero_connector.tests.fixtures import connected_sandbox
from xero_connector.xero_connector.benchmarks import tax_corpus_docs as docs
from xero_connector.xero_connector.benchmarks.sandbox_site import refuse_live_xero
from xero_connector.xero_connector.benchmarks.tax_corpus_figures import CENT, measure, report
from xero_connector.xero_connector.connection import registry

FOREIGN_EVERY = 25  # one invoice in 25 is a USD export
RETURN_SHARE = 0.15  # of the invoices that reached Xero, this share is returned


class CorpusFailed(Exception):
	"""The corpus did not reach Xero whole, to the cent, with overrides of at most a cent."""


def run(n: int = 300, seed: int = 18, check: bool = True, item_templates: bool = True) -> dict:
	"""bench execute entry point: make, map, push and read back ``n`` invoices and their returns;
	print the figures and return them (see the module docstring). ``item_templates`` False: the
	first mapping leaves the Item Tax Templates out (the Sales Taxes and Charges Templates and the
	tax account only), so the exempt and zero-rated lines need the rows the check proposes."""
	n, rng = int(n), random.Random(int(seed))
	frappe.set_user("Administrator")
	refuse_live_xero()
	started, seconds = time.perf_counter(), {}
	trigger = frappe.db.get_value(CONNECTION, docs.fixtures.COMPANY, "sync_trigger")
	with kept_mappings():
		sandbox = connected_sandbox(rounding_account_code="860", sync_trigger=TRIGGER_IN_ROUNDS)
		try:
			docs.make_masters()
			first_mapping(item_templates)
			frappe.db.commit()
			clock = time.perf_counter()
			drawn, foreign_skipped = make_invoices(n, rng)
			names = [d.name for d in drawn]
			refused_at_submit = frappe.db.count(
				"Sales Invoice", {"name": ("in", names), "xero_sync_status": SYNC_FAILED}
			)
			seconds["submitting"] = time.perf_counter() - clock
			clock = time.perf_counter()
			before, added = check_and_add_rows(names)
			after, _ = check_and_add_rows(names, add=False)
			seconds["readiness"] = time.perf_counter() - clock
			clock = time.perf_counter()
			outcomes = push(names)
			returns = make_returns(names, rng)
			outcomes += push(returns)
			seconds["pushing"] = time.perf_counter() - clock
			clock = time.perf_counter()
			figures = measure(names + returns, outcomes)
			seconds["reading back"] = time.perf_counter() - clock
		finally:
			docs.fixtures.set_defaults(sync_trigger=trigger or "On Submit")
			frappe.db.commit()
			sandbox.stop()
	figures.update(
		created=len(drawn),
		returns=len(returns),
		kinds=dict(Counter(d.kind for d in drawn)),
		foreign=sum(1 for d in drawn if d.currency != "NZD"),
		foreign_skipped=foreign_skipped,
		discounts=dict(Counter(d.discount_on for d in drawn if d.discount_on)),
		rounded=sum(1 for d in drawn if d.rounded),
		refused_at_submit_first_mapping=refused_at_submit,
		readiness_refused_before=before,
		readiness_refused_after=after,
		rows_added=added,
		seconds={k: round(v, 1) for k, v in seconds.items()},
		elapsed_s=round(time.perf_counter() - started, 1),
	)
	report(figures)
	if check and not met(figures):
		raise CorpusFailed(json.dumps(figures, default=str))
	return figures


def met(figures: dict) -> bool:
	return (
		figures["in_xero"] == figures["documents"]
		and figures["totals_equal"] == figures["documents"]
		and Decimal(figures["largest_override"]) <= CENT
	)


# -- mapping ---------------------------------------------------------------------------------------


def first_mapping(item_templates: bool = True) -> None:
	"""What an administrator maps first: each template (``item_templates``: the Item Tax
	Templates too) and the tax account to one Xero tax type, the charges' income accounts to
	Other Revenue (260)."""
	from xero_connector.xero_connector.features.readiness import create_mapping

	templates = [docs.template(kind) for kind in (*docs.TEMPLATE_TITLES, "gst")]
	rows = [("Sales Taxes and Charges Template", t, "OUTPUT2") for t in templates]
	if item_templates:
		rows += [
			("Item Tax Template", docs.item_tax_template("GST Standard"), "OUTPUT2"),
			("Item Tax Template", docs.item_tax_template("Exempt"), "EXEMPTOUTPUT"),
			("Item Tax Template", docs.item_tax_template("Zero Rated"), "ZERORATEDOUTPUT"),
		]
	rows.append(("Tax Account", docs.fixtures.GST_ACCOUNT, "OUTPUT2"))
	for mapping_type, reference, tax_type in rows:
		create_mapping("tax", mapping_type, reference, tax_type)
	for account in (docs.FREIGHT, docs.FEES):
		create_mapping("account", "Income Account", account, "260")


def check_and_add_rows(names: list[str], add: bool = True) -> tuple[int, list[dict]]:
	"""The readiness check over ``names`` (contacts aside: the push creates them): how many of
	them it finds Xero would refuse, and (``add``) the Tax Mapping rows it proposes as needed,
	created with their rate."""
	from xero_connector.engine.readiness import ERROR, check_readiness
	from xero_connector.xero_connector.connection.sync_session import open_engine
	from xero_connector.xero_connector.features.readiness import create_mapping
	from xero_connector.xero_connector.sync.host import FrappeHost

	host = FrappeHost.for_invoice(names[0], commit=False)
	with open_engine(host, "readiness") as (engine, _client):
		found = check_readiness((host.load_invoice(name) for name in names), engine.context, [], {})
	refused = {
		name
		for issue in found.issues
		if issue.severity == ERROR and issue.subject_type != "Customer"  # contacts: created on push
		for name in issue.invoices
	}
	added = []
	for proposed in found.tax_rows if add else []:
		row = proposed.row
		if proposed.needed and row.xero_tax_type:
			create_mapping("tax", row.mapping_type, row.reference_name, row.xero_tax_type, rate=str(row.rate))
			added.append({**row.as_dict(), "lines": proposed.lines})
	frappe.db.commit()
	return len(refused), added


@contextlib.contextmanager
def kept_mappings():
	"""Leave the site's account and tax mappings as they were: rows added meanwhile are deleted,
	rows repointed get their Xero code back."""
	from xero_connector.xero_connector.features.mapping_document import forget_mappings

	fields = {TAX_MAPPING: "xero_tax_type", ACCOUNT_MAPPING: "xero_account_code"}
	before = {
		doctype: dict(frappe.get_all(doctype, fields=["name", f], as_list=True))
		for doctype, f in fields.items()
	}
	try:
		yield
	finally:
		frappe.db.rollback()
		for doctype, field in fields.items():
			for name, code in frappe.get_all(doctype, fields=["name", field], as_list=True):
				if name not in before[doctype]:
					frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
				elif code != before[doctype][name]:
					frappe.db.set_value(doctype, name, field, before[doctype][name])
			for company in frappe.get_all("Company", pluck="name"):
				forget_mappings(frappe.get_doc({"doctype": doctype}).cache_key, company)
		frappe.db.commit()


# -- ERPNext documents -----------------------------------------------------------------------------


def make_invoices(n: int, rng: random.Random) -> tuple[list, str | None]:
	"""``n`` submitted corpus invoices; a USD one where the site takes it, else the reason not."""
	drawn, foreign_skipped = [], None
	for i in range(n):
		foreign = i % FOREIGN_EVERY == FOREIGN_EVERY // 2 and foreign_skipped is None
		try:
			drawn.append(docs.make_invoice(i, rng, foreign))
		except Exception as error:
			frappe.db.rollback()
			if not foreign:
				raise
			foreign_skipped = f"{type(error).__name__}: {error}"
			drawn.append(docs.make_invoice(i, rng, False))
		frappe.db.commit()
	return drawn, foreign_skipped


def make_returns(names: list[str], rng: random.Random) -> list[str]:
	"""Returns of about RETURN_SHARE of the invoices that reached Xero: all of it, or one unit."""
	synced = frappe.get_all(
		"Sales Invoice",
		filters={"name": ("in", names), "xero_invoice_id": ("is", "set")},
		pluck="name",
		order_by="name asc",
	)
	made = []
	for name in synced:
		if rng.random() < RETURN_SHARE:
			made.append(docs.make_return(name, docs.can_return_part(name) and rng.random() < 0.5))
			frappe.db.commit()
	return made


# -- pushing and reading back ----------------------------------------------------------------------


def push(names: list[str]) -> list:
	"""Send ``names`` as a push round does (jobs.push_round): 50 to a call, each under its
	document lock, the Queued row each submit wrote completed by its outcome."""
	from xero_connector.engine.xero_port import chunks
	from xero_connector.xero_connector.connection.sync_session import locked_documents
	from xero_connector.xero_connector.jobs import run_engine

	waiting = dict(
		frappe.get_all(
			SYNC_LOG,
			filters={"reference_name": ("in", names), "status": STATUS_QUEUED, "operation": OP_PUSH},
			fields=["reference_name", "name"],
			as_list=True,
		)
	)
	outcomes = []
	connection = registry.for_document("Sales Invoice", names[0]) if names else None
	for part in chunks(names):
		with locked_documents(part) as held:
			outcomes += (
				run_engine(
					lambda engine, batch=held: engine.push(batch),
					connection=connection,
					name=held,
					operation=OP_PUSH,
					queued={name: waiting[name] for name in held if name in waiting},
				)
				or []
			)
	return outcomes
