"""The engine's Host, implemented over Frappe: Sales Invoices and their masters,
the mapping doctypes, its connection (connection/registry.py), the sync state in
Sales Invoice custom fields, the Customer's ContactID and the Xero Sync Log.

Built by jobs.py (one per background job) and events.py (pre-flight on submit), for
the connection of the documents' company (:meth:`FrappeHost.for_company`).
The engine (``xero_connector.engine``) calls its methods; it never calls Xero.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import frappe
from frappe.utils import convert_utc_to_system_timezone

from xero_connector.constants import (
	SETTINGS,
	STATUS_FAILED,
	STATUS_SKIPPED,
	STATUS_SUCCESS,
	SYNC_LOG,
)
from xero_connector.engine.context import MappingContext, Mappings, Masters, Settings
from xero_connector.engine.host import LogEntry, SyncState
from xero_connector.exceptions import WrongConnection
from xero_connector.xero_connector.connection import registry
from xero_connector.xero_connector.connection.reference import codes_by_name, has_reference, xero_reference
from xero_connector.xero_connector.connection.settings_state import write_state
from xero_connector.xero_connector.custom_fields import ORDER_FIELDS_LEFT_OUT
from xero_connector.xero_connector.doctype.xero_account_mapping.xero_account_mapping import (
	get_account_mappings,
)
from xero_connector.xero_connector.doctype.xero_tax_mapping.xero_tax_mapping import get_tax_mappings
from xero_connector.xero_connector.doctype.xero_tracking_mapping.xero_tracking_mapping import (
	get_tracking_mappings,
)
from xero_connector.xero_connector.sync import contact_links, ledger
from xero_connector.xero_connector.sync.ledger import INVOICE_DOCTYPES
from xero_connector.xero_connector.sync.masters import as_plain_dict, masters_of

SALES_INVOICE = "Sales Invoice"
DOCUMENT_TYPES = {"invoice": "Invoice", "credit_note": "Credit Note"}
# a Purchase Invoice's Xero document (issue 16)
BUYING_DOCUMENT_TYPES = {
	"invoice": "Bill",
	"credit_note": "Supplier Credit Note",
	"purchase_order": "Purchase Order",
}
PURCHASE_ORDER = "Purchase Order"


class FrappeHost:
	"""Host over this site. ``commit`` makes each state/log write durable at once
	(jobs: the write-ahead mark must survive a crash); pre-flight in a document
	event uses ``commit=False`` so nothing escapes the submit's transaction."""

	def __init__(
		self,
		connection,
		*,
		commit: bool = True,
		queued_log: str | None = None,
		queued_logs: dict[str, str] | None = None,
		job_id: str | None = None,
		doctype: str = SALES_INVOICE,
	):
		self.connection = connection
		# the documents this host serves: Sales Invoices, or (issue 16) Purchase Invoices, bills
		self.doctype = doctype
		self._doctypes: dict[str, str] = {}  # documents the pull found of the other invoice doctype
		self.company = connection.company
		self.site_id = frappe.local.site
		self.tenant_id = connection.tenant_id or ""
		self.commit = commit
		self.queued_log = queued_log  # a Queued Xero Sync Log row the next matching entry completes
		# a push round's Queued rows, by document: each completed by that document's entry
		self.queued_logs = dict(queued_logs or {})
		self.job_id = job_id
		self._mappings: Mappings | None = None
		self._reference = None
		self.logs_written: list[str] = []
		self.new_versions: list[str] = []  # invoices Xero accepted anew whose PDF goes next (issue 17)
		self.client = None  # set by sync_session.open_engine: each row notes the calls made for it
		self._calls_counted = 0

	@classmethod
	def for_company(cls, company: str | None, **kwargs) -> FrappeHost:
		"""The host for ``company``'s connection (XeroNotConnected naming the company when
		it has none)."""
		return cls(registry.require(company), **kwargs)

	@classmethod
	def for_invoice(cls, name: str, doctype: str = SALES_INVOICE, **kwargs) -> FrappeHost:
		"""The host for the connection of the invoice's company."""
		return cls.for_company(frappe.db.get_value(doctype, name, "company"), doctype=doctype, **kwargs)

	# -- documents ------------------------------------------------------------------------------

	def load_invoice(self, name: str) -> dict | None:
		doctype = self.doctype_of(name)
		if not frappe.db.exists(doctype, name):
			return None
		return as_plain_dict(frappe.get_doc(doctype, name))

	def doctype_of(self, name: str) -> str:
		"""The doctype of invoice ``name``: the host's, or what :meth:`find_by_xero_id` found it
		to be (a payment pull meets invoices and bills alike)."""
		return self._doctypes.get(name, self.doctype)

	def mapping_context(self, doc: dict) -> MappingContext:
		return MappingContext(
			mappings=self.mappings(),
			settings=self.engine_settings(doc),
			masters=self.masters(doc),
			xero=self.reference(),
		)

	def mappings(self) -> Mappings:
		if self._mappings is None:
			accounts = get_account_mappings(self.company)
			taxes = get_tax_mappings(self.company)
			tracking = get_tracking_mappings(self.company)
			self._mappings = Mappings(
				account_by_item=accounts.get("Item", {}),
				account_by_item_group=accounts.get("Item Group", {}),
				account_by_income_account=accounts.get("Income Account", {}),
				tax_by_item_tax_template=taxes.get("Item Tax Template", {}),
				tax_by_sales_taxes_template=taxes.get("Sales Taxes and Charges Template", {}),
				tax_by_tax_account=taxes.get("Tax Account", {}),
				# the buying side (bills, issue 16)
				expense_account_by_item=accounts.get("Item (Buying)", {}),
				expense_account_by_item_group=accounts.get("Item Group (Buying)", {}),
				account_by_expense_account=accounts.get("Expense Account", {}),
				purchase_tax_by_item_tax_template=taxes.get("Item Tax Template (Buying)", {}),
				tax_by_purchase_taxes_template=taxes.get("Purchase Taxes and Charges Template", {}),
				purchase_tax_by_tax_account=taxes.get("Tax Account (Buying)", {}),
				tracking_by_field=tracking["tracking_by_field"],
				tracking_options=tracking["tracking_options"],
			)
		return self._mappings

	def engine_settings(self, doc: dict) -> Settings:
		s = self.connection
		if doc.get("company") and doc.get("company") != self.company:
			raise WrongConnection(
				f"{doc.get('name')} is of {doc.get('company')}, but this is {self.company}'s Xero connection"
			)
		company_currency = frappe.get_cached_value("Company", doc.get("company"), "default_currency")
		codes = codes_by_name(self.company)  # the defaults link rows of the company's organisation
		return Settings(
			default_account_code=codes.get(s.default_account_code) or None,
			default_tax_type=codes.get(s.default_tax_type) or None,
			zero_tax_type=codes.get(s.zero_tax_type) or None,
			rounding_account_code=codes.get(s.rounding_account_code) or None,
			billing_code_field=s.billing_code_field or "xero_account_number",
			invoice_status=s.invoice_status or "AUTHORISED",
			company_currency=company_currency or s.base_currency or "NZD",
			default_purchase_account_code=codes.get(s.get("default_purchase_account_code")) or None,
			default_purchase_tax_type=codes.get(s.get("default_purchase_tax_type")) or None,
			supplier_code_field=s.get("supplier_code_field") or "xero_account_number",
			bill_status=s.get("bill_status") or "AUTHORISED",
		)

	def reference(self):
		"""Xero's accounts and tax rates as last fetched; None before the first fetch
		(the engine then reads them from Xero)."""
		if self._reference is None and has_reference(self.company):
			self._reference = xero_reference(self.connection)
		return self._reference

	def masters(self, doc: dict) -> Masters:
		"""Only the master records this document uses, and only the fields the engine reads
		(this runs inside every submit, so it stays small)."""
		if doc.get("doctype") in ("Purchase Invoice", "Purchase Order"):
			return masters_of(doc, self.connection.get("supplier_code_field"))
		return masters_of(doc, self.connection.billing_code_field)

	# -- sync state -----------------------------------------------------------------------------

	def get_state(self, name: str) -> SyncState | None:
		raw = frappe.db.get_value(self.doctype_of(name), name, "xero_sync_state")
		if not raw:
			return None
		return SyncState.from_dict(json.loads(raw))

	def save_state(self, name: str, state: SyncState | None) -> None:
		doctype = self.doctype_of(name)
		pdfs = self.connection.get("attach_pdf") and doctype == SALES_INVOICE  # a bill has no print to attach
		before = self.get_state(name) if pdfs else None
		values = state_fields(state, self.connection, buying=doctype != SALES_INVOICE)
		if doctype == PURCHASE_ORDER:  # an order has no amounts due or paid
			values = {k: v for k, v in values.items() if k not in ORDER_FIELDS_LEFT_OUT}
		frappe.db.set_value(doctype, name, values, update_modified=False)
		if pdfs:
			from xero_connector.xero_connector.features.invoice_pdf import is_new_version

			if is_new_version(self.connection, before, state):
				self.new_versions.append(name)  # jobs.run_engine queues their PDFs
		# an open Sales Invoice form refreshes its Xero panel (public/js/sales_invoice.js)
		frappe.publish_realtime(
			"xero_sync_update", {"name": name}, doctype=doctype, docname=name, after_commit=True
		)
		self._commit()

	def get_contact_id(self, customer: str, doctype: str = "Customer") -> str | None:
		"""The party's ContactID in this connection's organisation (Xero Contact Link)."""
		return contact_links.contact_id(doctype, customer, self.connection)

	def save_contact_id(self, customer: str, contact_id: str, doctype: str = "Customer") -> None:
		if frappe.db.exists(doctype, customer):
			contact_links.save(doctype, customer, self.connection, contact_id)
			self._commit()

	def find_by_xero_id(self, xero_id: str) -> str | None:
		for doctype in dict.fromkeys((self.doctype, *INVOICE_DOCTYPES)):
			name = frappe.db.get_value(doctype, {"xero_invoice_id": xero_id}, "name")
			if name:
				if doctype != self.doctype:
					self._doctypes[name] = doctype
				return name
		return None

	# -- sync log -------------------------------------------------------------------------------

	def write_log(self, entry: LogEntry) -> None:
		values = ledger.entry_values(entry)
		values.update(tenant_id=self.tenant_id or None, job_id=self.job_id, company=self.company)
		if values["reference_doctype"] == SETTINGS:  # the engine's word for "the connection" (a pull)
			values.update(reference_doctype=self.connection.doctype, reference_name=self.connection.name)
		if self.client is not None:
			values["api_calls"] = self.client.calls - self._calls_counted
			self._calls_counted = self.client.calls
		by_document = self.queued_logs.get(entry.reference_name)
		log, completed = ledger.record(values, queued=by_document or self.queued_log)
		if completed and by_document:
			del self.queued_logs[entry.reference_name]
		elif completed:
			self.queued_log = None
		self.logs_written.append(log)
		self._commit()

	def hold_customers(self, customers: list[str]):
		"""The engine's hold on customers whose Xero contact it may create (Host port):
		the customer locks every worker of the site shares (sync_session.holding_customers)."""
		from xero_connector.xero_connector.connection.sync_session import holding_customers

		return holding_customers(customers)

	def finish_queued(self) -> None:
		"""Close the job's Queued rows the engine wrote nothing for (nothing to do)."""
		rows = [row for row in (self.queued_log, *self.queued_logs.values()) if row]
		closed = [
			row
			for row in rows
			if ledger.close_queued(
				row, "Nothing to send: Xero already matches this document.", job_id=self.job_id
			)
		]
		if closed:
			self._commit()
		self.queued_log = None
		self.queued_logs = {}

	def count_attempts(self, name: str, operation: str) -> int:
		return frappe.db.count(
			SYNC_LOG,
			{
				"reference_name": name,
				"operation": operation,
				"status": ("in", (STATUS_SUCCESS, STATUS_FAILED, STATUS_SKIPPED)),
			},
		)

	# -- payment pull watermarks ------------------------------------------------------------------

	def get_watermark(self, tenant_id: str, resource: str) -> datetime | None:
		value = self._watermarks().get(f"{tenant_id}:{resource}")
		return datetime.fromisoformat(value) if value else None

	def set_watermark(self, tenant_id: str, resource: str, value: datetime) -> None:
		marks = self._watermarks()
		marks[f"{tenant_id}:{resource}"] = value.isoformat()
		newest = max(marks.values())
		write_state(
			self.connection, {"watermarks": json.dumps(marks, sort_keys=True), "payment_watermark": newest}
		)
		self._commit()

	def _watermarks(self) -> dict:
		"""The pull's watermarks as stored now (not the cached connection: a pull running
		beside this one may have moved them)."""
		c = self.connection
		raw = frappe.db.get_value(c.doctype, c.name, "watermarks", cache=False)
		return json.loads(raw) if raw else {}

	def _commit(self) -> None:
		if self.commit:
			frappe.db.commit()


def state_fields(state: SyncState | None, connection, buying: bool = False) -> dict:
	"""The invoice's custom field values for ``state`` (all empty for None); the "Open in Xero"
	link goes to the connection's Xero (or sandbox). ``buying``: a Purchase Invoice's (a bill,
	which has no online invoice)."""
	if state is None:
		empty = {
			"xero_invoice_id": None,
			"xero_document_type": None,
			"xero_status": None,
			"xero_amount_due": 0,
			"xero_amount_paid": 0,
			"xero_fully_paid_on": None,
			"xero_last_synced": None,
			"xero_link": None,
			"xero_online_invoice_url": None,
			"xero_sync_state": None,
		}
		if buying:
			del empty["xero_online_invoice_url"]
		return empty
	from xero_connector.xero_connector.connection.client import document_url

	url = document_url(state.kind, state.xero_id, registry.app_of(connection), buying=buying)
	types = BUYING_DOCUMENT_TYPES if buying else DOCUMENT_TYPES
	return {
		"xero_invoice_id": state.xero_id,
		"xero_document_type": types.get(state.kind or "", state.kind),
		"xero_status": state.xero_status,
		"xero_amount_due": state.amount_due or 0,
		"xero_amount_paid": state.amount_paid or 0,
		"xero_fully_paid_on": state.fully_paid_on or None,
		"xero_last_synced": _system_time(state.last_synced_at) if state.last_synced_at else None,
		"xero_link": url,
		"xero_sync_state": json.dumps(state.to_dict(), sort_keys=True),
	}


def _system_time(value: datetime) -> datetime:
	if value.tzinfo is None:
		value = value.replace(tzinfo=timezone.utc)
	return convert_utc_to_system_timezone(value.astimezone(timezone.utc).replace(tzinfo=None)).replace(
		tzinfo=None
	)
