"""The sync engine's front door: make Xero match a set of ERPNext Sales Invoices.

``SyncEngine(host, port)`` ties a :class:`~.host.Host` (where documents and
states live) to a :class:`~.xero_port.XeroPort` (one connected Xero
organisation). Its methods return the :class:`~.log.Outcome` of every step they
ran, in order; each step also wrote a Sync Log row through the Host.

Called by the Frappe shell's background jobs, ``xero-connector`` (:mod:`xero_connector.cli`)
and the demo. Usage::

    engine = SyncEngine(host, port)
    outcomes = engine.push(["ACC-SINV-2026-00018", "ACC-SINV-2026-00031"])
    report = engine.pull()
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace

from xero_connector.engine.cancel import cancel_documents
from xero_connector.engine.context import MappingContext, XeroReference
from xero_connector.engine.host import Host
from xero_connector.engine.log import Outcome, Recorder
from xero_connector.engine.pull import PullReport, pull_changes
from xero_connector.engine.purchase_orders import sync_purchase_orders
from xero_connector.engine.push import push_documents
from xero_connector.engine.returns import allocate_returns
from xero_connector.engine.rules import is_purchase, is_purchase_order
from xero_connector.engine.tracking import ensure_reference as ensure_tracking
from xero_connector.engine.xero_port import XeroPort


class SyncEngine:
	def __init__(self, host: Host, port: XeroPort, reference: XeroReference | None = None):
		"""``reference``: the organisation's accounts, tax rates, currencies and items when the
		caller has them cached; otherwise they are read (5 calls) the first time they are needed."""
		from xero_connector.engine import mapping, preflight, preflight_bill, preflight_purchase_order
		from xero_connector.engine.mapping import bill, purchase_order
		from xero_connector.engine.problems import MappingError

		self.host = host
		self.port = port
		self.recorder = Recorder(host)
		self.MappingError = MappingError
		self._map = mapping.map_sales_invoice
		self._preflight = preflight.preflight
		# Purchase Invoices (issue 16): bills and supplier credit notes, through the same steps
		self._map_bill = bill.map_purchase_invoice
		self._preflight_bill = preflight_bill.preflight_bill
		# Purchase Orders (issue 16): Xero purchase orders (engine/purchase_orders.py)
		self._map_order = purchase_order.map_purchase_order
		self._preflight_order = preflight_purchase_order.preflight_purchase_order
		self._reference = reference

	@property
	def site_id(self) -> str:
		return self.host.site_id

	# -- used by the step modules -----------------------------------------------------------------

	def reference(self) -> XeroReference:
		"""The organisation's accounts, tax rates, currencies and items, read once per engine."""
		if self._reference is None:
			org = self.port.get_organisation()
			self._reference = XeroReference(
				accounts=self.port.get_accounts(),
				tax_rates=self.port.get_tax_rates(),
				currencies=self.port.get_currencies(),
				items=self.port.get_items(),
				base_currency=org.get("BaseCurrency"),
			)
		return self._reference

	def context(self, doc: dict) -> MappingContext:
		ctx = self.host.mapping_context(doc)
		ctx = ctx if ctx.xero is not None else replace(ctx, xero=self.reference())
		ensure_tracking(ctx, self.port)  # read once, only when a tracking mapping is set
		return ctx

	def preflight(self, doc: dict, ctx: MappingContext) -> list:
		if is_purchase_order(doc):
			return self._preflight_order(doc, ctx)
		return (self._preflight_bill if is_purchase(doc) else self._preflight)(doc, ctx)

	def map(self, doc: dict, ctx: MappingContext, contact_id: str | None):
		contact = {"ContactID": contact_id} if contact_id else None
		if is_purchase_order(doc):
			return self._map_order(doc, ctx, contact=contact)
		return (self._map_bill if is_purchase(doc) else self._map)(doc, ctx, contact=contact)

	# -- public operations --------------------------------------------------------------------------

	def push(self, names: list[str]) -> list[Outcome]:
		"""Sync these documents: submitted ones are created/updated (returns as credit notes,
		then allocated), cancelled ones (docstatus 2) voided or deleted, drafts skipped.
		Purchase Orders go their own way (:mod:`.purchase_orders`: created, updated, BILLED when
		closed, DELETED when cancelled).
		An unsynced original of a return in the set is pushed first if the Host has it.
		The documents are held (:meth:`_hold`) from the first read of their state to the last
		write, so that two workers on one invoice never both create it."""
		with self._hold(names):
			return self._push(names)

	def _push(self, names: list[str]) -> list[Outcome]:
		start = len(self.recorder.outcomes)
		docs = self._load(names)
		if self._refused_other_organisation(docs, "push"):
			return self.recorder.outcomes[start:]
		orders = [d for d in docs if is_purchase_order(d)]  # Purchase Orders: their own way
		docs = [d for d in docs if not is_purchase_order(d)]
		for doc in orders:
			if doc.get("docstatus") not in (1, 2):
				self.recorder.doctypes[doc["name"]] = "Purchase Order"
				reason = "draft: only submitted purchase orders go to Xero"
				self.recorder.record(Outcome(doc["name"], "push", "Skipped", reason))
		self._guarded(sync_purchase_orders, [d for d in orders if d.get("docstatus") in (1, 2)])
		invoices = [d for d in docs if d.get("docstatus") == 1 and not d.get("is_return")]
		returns = [d for d in docs if d.get("docstatus") == 1 and d.get("is_return")]
		cancelled = [d for d in docs if d.get("docstatus") == 2]
		for doc in docs:
			if doc.get("docstatus") not in (1, 2):
				self.recorder.record(
					Outcome(doc["name"], "push", "Skipped", "draft: only submitted invoices go to Xero")
				)
		invoices += self._missing_originals(returns, invoices)
		self._guarded(push_documents, invoices, "invoice")
		ready = [d for d in returns if self._original_synced(d)]
		pushed = self._guarded(push_documents, ready, "credit_note") or []
		self._guarded(
			allocate_returns, [d for d in ready if d["name"] in pushed or self._needs_allocation(d)]
		)
		self._guarded(cancel_documents, cancelled)
		return self.recorder.outcomes[start:]

	def cancel(self, names: list[str]) -> list[Outcome]:
		"""Void or delete the Xero documents of these (cancelled) Sales Invoices (and Purchase
		Invoices); delete the Xero purchase orders of cancelled Purchase Orders."""
		with self._hold(names):
			start = len(self.recorder.outcomes)
			docs = self._load(names)
			if not self._refused_other_organisation(docs, "void"):
				orders = [d for d in docs if is_purchase_order(d)]
				self._guarded(sync_purchase_orders, [d for d in orders if d.get("docstatus") == 2])
				self._guarded(cancel_documents, [d for d in docs if not is_purchase_order(d)])
			return self.recorder.outcomes[start:]

	def allocate(self, names: list[str]) -> list[Outcome]:
		"""Retry only the allocation step of these returns."""
		with self._hold(names):
			start = len(self.recorder.outcomes)
			docs = self._load(names)
			if not self._refused_other_organisation(docs, "allocate"):
				self._guarded(allocate_returns, docs)
			return self.recorder.outcomes[start:]

	def _hold(self, names: list[str]):
		"""The host's hold on these documents (``Host.hold_documents``): without it, two workers
		sending one invoice in different batches (so under different Idempotency-Keys) both
		read "not in Xero" and both create it, and where Xero's number rule does not refuse the
		second, the invoice is in Xero twice (the duplicate-hunting soak, issue 14). A host
		without the method holds its documents itself: the Frappe shell's jobs and backfill run
		the engine inside ``RedisLock`` on ``document:NAME``."""
		hold = getattr(self.host, "hold_documents", None)
		return hold(list(names)) if hold else nullcontext()

	def pull(self, kinds=("invoice", "credit_note"), page_size: int = 1000) -> PullReport:
		"""Bring payment status back for everything changed in Xero since the last pull."""
		return pull_changes(self, kinds, page_size)

	# -- helpers ----------------------------------------------------------------------------------

	def _refused_other_organisation(self, docs: list[dict], operation: str) -> bool:
		"""The last line of the organisation guard, for every Host (the Frappe shell also compares
		OrganisationIDs before it builds the engine): the Host's documents belong to the tenant it
		names; a port connected to another tenant must not receive them. Records a Failed outcome
		per document and returns True when refused; nothing is sent."""
		expected = (self.host.tenant_id or "").lower()
		current = (getattr(self.port, "tenant_id", "") or "").lower()
		if not docs or not expected or not current or expected == current:
			return False
		reason = (
			f"the Xero connection now points at organisation {current}, not {expected} which these "
			f"invoices are synced with: nothing was sent"
		)
		for doc in docs:
			self.recorder.record(
				Outcome(
					doc["name"],
					operation,
					"Failed",
					reason,
					cause="The connection was switched to a different Xero organisation.",
					resolution=(
						"Reconnect to the organisation these invoices were synced with, or, if the switch "
						"is intended, confirm it on the Xero Connection (a Xero Manager)."
					),
				)
			)
		return True

	def _guarded(self, step, docs: list[dict], *args):
		"""Run a step unless there is nothing to do; a failed reference read queues its documents."""
		if not docs:
			return None
		from xero_connector.engine.log import outcome_for_error
		from xero_connector.xero.errors import XeroError

		try:
			return step(self, docs, *args)
		except XeroError as error:
			done = {o.name for o in self.recorder.outcomes}
			for doc in docs:
				if doc["name"] not in done:
					self.recorder.record(outcome_for_error(doc["name"], "push", error))
			return None

	def _load(self, names: list[str]) -> list[dict]:
		docs = []
		for name in dict.fromkeys(names):
			doc = self.host.load_invoice(name)
			if doc is None:
				self.recorder.record(Outcome(name, "push", "Failed", f"Sales Invoice {name} not found"))
			else:
				# each row of the Sync Log names its document's doctype (a bill: Purchase Invoice)
				self.recorder.doctypes.setdefault(name, doc.get("doctype") or "Sales Invoice")
				docs.append(doc)
		return docs

	def _missing_originals(self, returns: list[dict], invoices: list[dict]) -> list[dict]:
		have = {d["name"] for d in invoices}
		extra = []
		for doc in returns:
			original = doc.get("return_against")
			if not original or original in have or self._synced(original):
				continue
			found = self.host.load_invoice(original)
			if found and found.get("docstatus") == 1:
				extra.append(found)
				have.add(original)
		return extra

	def _synced(self, name: str) -> bool:
		state = self.host.get_state(name)
		return bool(state and state.xero_id)

	def _original_synced(self, doc: dict) -> bool:
		original = doc.get("return_against")
		if not original or self._synced(original):
			return True
		self.recorder.record(
			Outcome(
				doc["name"],
				"push",
				"Failed",
				f"the original invoice {original} is not in Xero yet: push it first, then resend this return",
				cause=f"A return is a credit note against {original}, which has not reached Xero.",
				resolution=f"Resolve the failure of {original} (see its Xero Sync Log), then resend both.",
			)
		)
		return False

	def _needs_allocation(self, doc: dict) -> bool:
		state = self.host.get_state(doc["name"])
		return bool(
			state
			and state.xero_id
			and state.total
			and (state.allocated or 0) < state.total
			and doc.get("return_against")
		)
