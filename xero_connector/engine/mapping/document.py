"""The builder: an ERPNext Sales Invoice dict → the Xero document, phase by phase
(checks, lines, taxes, totals, contact), and the two ways the engine calls it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine import taxes as tax_model
from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping.checks import ChecksMixin
from xero_connector.engine.mapping.contacts import ContactMixin
from xero_connector.engine.mapping.lines import MAX_DESCRIPTION, LinesMixin
from xero_connector.engine.mapping.taxes import TaxesMixin
from xero_connector.engine.mapping.text import iso_date
from xero_connector.engine.mapping.totals import TotalsMixin
from xero_connector.engine.money import HUNDRED, ONE, RATE_6DP, dec, dumps
from xero_connector.engine.problems import MappingError, Problem
from xero_connector.engine.resolve import Resolved, resolve_account
from xero_connector.engine.rules import customer_owes
from xero_connector.engine.tax_mapping import TaxUse


@dataclass
class XeroDocument:
	kind: str  # "invoice" or "credit_note"
	number: str  # InvoiceNumber / CreditNoteNumber (= ERPNext name)
	payload: dict  # Xero JSON (PascalCase) for PUT/POST /Invoices or /CreditNotes; numbers are Decimal
	expected_total: Decimal  # what the customer owes in ERPNext, document currency, positive
	currency: str
	return_against: str | None = None

	def payload_hash(self) -> str:
		"""Stable sha256 of the canonical JSON payload (idempotency keys, change detection)."""
		return hashlib.sha256(dumps(self.payload).encode()).hexdigest()

	def to_json(self) -> str:
		"""The payload as JSON text with exact Decimal numbers (``requests``' ``json=`` cannot encode Decimal)."""
		return dumps(self.payload)


def expected_total(doc: dict) -> Decimal:
	"""What the customer owes in ERPNext, in the document currency, positive for returns."""
	owed = customer_owes(doc)
	return -owed if doc.get("is_return") else owed


def add_currency_rate(payload: dict, doc: dict, currency: str, ctx: MappingContext) -> None:
	"""A document in a foreign currency carries Xero's CurrencyRate: 1 / ERPNext's conversion_rate,
	to 6 decimals (Xero's rate is foreign units per company-currency unit)."""
	if currency != ctx.settings.company_currency:
		payload["CurrencyRate"] = (ONE / dec(doc.get("conversion_rate"))).quantize(
			RATE_6DP, rounding=ROUND_HALF_UP
		)


class Builder(ChecksMixin, LinesMixin, TaxesMixin, TotalsMixin, ContactMixin):
	"""One document's mapping: its problems, and the Xero document when there are none."""

	TYPES = ("ACCREC", "ACCRECCREDIT")  # Xero's Type of the document, of its return

	def __init__(self, doc: dict, ctx: MappingContext):
		self.doc = doc
		self.ctx = ctx
		self.name = doc.get("name") or ""
		self.problems: list[Problem] = []
		self.lines: list = []  # the built lines, kept for tax_uses
		self.sign = -1 if doc.get("is_return") else 1
		self._tax_rates: dict[str, tuple[dict | None, Decimal | None]] = {}
		# resolutions shared by all documents mapped with this context: accounts by (item code,
		# item group, income account), the zero tax type, rounding accounts
		self._resolved: dict[tuple, Resolved] = ctx.memo("mapping")

	def account_for(self, item: dict) -> Resolved:
		"""Rate-to-Account for an item row, resolved once per context and key."""
		get = item.get
		key = (get("item_code"), get("item_group"), get("income_account"))
		found = self._resolved.get(key)
		if found is None:
			found = self._resolved[key] = resolve_account(item, self.ctx)
		return found

	def problem(self, row, field, message, fix, value=None, kind="", row_to_add=None):
		self.problems.append(Problem(self.name, row, field, message, fix, value, kind, row_to_add))

	def collect(self, contact: dict | None) -> tuple[XeroDocument | None, list[Problem]]:
		"""Map and check in one pass: (the document, or None when there are problems; every
		problem). One rule for every kind of document (a subclass maps a bill, an order)."""
		try:
			self.check_document()
			result = self.build(contact)
		except (ValueError, TypeError, ArithmeticError):
			# a field that should be a number is not: name it (and the customer's problems) instead
			self.problems = []
			if self.check_numbers():
				raise
			self.check_customer()
			return None, self.problems
		return (None if self.problems else result), self.problems

	def mapped(self, contact: dict | None) -> XeroDocument:
		"""The document, or MappingError listing every problem."""
		result, problems = self.collect(contact)
		if problems:
			raise MappingError(problems)
		return result

	def build(self, contact: dict | None) -> XeroDocument | None:
		"""The XeroDocument, or None when problems were found (they are in self.problems)."""
		doc, ctx = self.doc, self.ctx
		if not doc.get("items"):
			return None  # reported by check_document; nothing to map
		rows = tax_model.read_tax_rows(doc, ctx.masters.accounts)
		tax_rows = [row for row in rows if not row.is_charge]
		if not tax_rows:
			amount_types = "Exclusive" if ctx.settings.zero_tax_type else "NoTax"
		else:
			amount_types = "Inclusive" if any(row.inclusive for row in tax_rows) else "Exclusive"
		lines, nets, quantities, overrides = self.item_lines()
		templates = [item.get("item_tax_template") or None for item in doc.get("items") or []]
		line_taxes, parts = tax_model.line_taxes(nets, quantities, overrides, rows, templates)
		lines.extend(self.charge_line(rows[part.position], part) for part in parts)
		self.assign_tax_types(lines, line_taxes, rows, tax_rows, overrides, parts)
		if len(parts) > 1:
			lines, line_taxes = self.join_charge_parts(lines, line_taxes)
		self.lines = lines
		if tax_rows:
			self.spread_tax(lines, line_taxes, tax_rows, amount_types)
		for line in lines:
			if line.account.value is None:
				self.unmapped_account(line)
		owed = expected_total(doc)
		lines.extend(self.adjustment_lines(lines, owed, amount_types))
		if ctx.xero is not None:
			self.check_xero_codes(lines)
		for line in lines:
			if len(line.description) > MAX_DESCRIPTION:
				self.description_too_long(line, line.description)
		if self.problems:
			return None
		payload_lines = [self.line_payload(line, amount_types) for line in lines]
		if self.problems:  # a description the quantity note took over Xero's limit
			return None
		currency = doc.get("currency") or ctx.settings.company_currency
		return self.document(payload_lines, amount_types, currency, owed, contact)

	def numbers(self) -> tuple[str, dict]:
		"""The document's number in Xero, and the payload fields that carry it (and its Reference)."""
		doc = self.doc
		if doc.get("is_return"):
			reference = doc.get("return_against") or doc.get("po_no") or self.name
			return self.name, {"CreditNoteNumber": self.name, "Reference": reference}
		return self.name, {
			"InvoiceNumber": self.name,
			"Reference": (doc.get("po_no") or "").strip() or self.name,
		}

	def document(
		self, lines: list[dict], amount_types: str, currency: str, owed: Decimal, contact
	) -> XeroDocument:
		"""The Xero invoice or credit note (a bill's too: its TYPES and numbers differ)."""
		doc, ctx = self.doc, self.ctx
		is_return = bool(doc.get("is_return"))
		posting = iso_date(doc.get("posting_date"))
		number, number_fields = self.numbers()
		payload = {
			"Type": self.TYPES[is_return],
			"Contact": dict(contact) if contact else {"Name": self.contact_name()},
			"Date": posting,
			"DueDate": iso_date(doc.get("due_date")) or posting,
			"CurrencyCode": currency,
			"LineAmountTypes": amount_types,
			"LineItems": lines,
			"Status": ctx.settings.invoice_status,
			**number_fields,
		}
		add_currency_rate(payload, doc, currency, ctx)
		return XeroDocument(
			kind="credit_note" if is_return else "invoice",
			number=number,
			payload=payload,
			expected_total=owed,
			currency=currency,
			return_against=(doc.get("return_against") or None) if is_return else None,
		)


def collect(
	doc: dict, ctx: MappingContext, contact: dict | None = None
) -> tuple[XeroDocument | None, list[Problem]]:
	"""Map and check in one pass: (the document, or None when there are problems; every problem).
	Called by map_sales_invoice and preflight."""
	return Builder(doc, ctx).collect(contact)


def tax_uses(doc: dict, ctx: MappingContext) -> list[TaxUse]:
	"""How each taxed line of ``doc`` uses its tax account (rate, Item Tax Template, the Xero tax
	type the mapping gives it). Called by the readiness check; a document that cannot be read
	(a field that is not a number) has none."""
	builder = Builder(doc, ctx)
	try:
		builder.build(None)
	except (ValueError, TypeError, ArithmeticError):
		return []
	uses = []
	for line in builder.lines:
		if not line.tax_heads:
			continue
		tax = line.tax_type
		rate = line.coefficient * HUNDRED if line.coefficient is not None else None
		uses.append(
			TaxUse(
				line.tax_heads[0],
				rate.quantize(RATE_6DP).normalize() if rate is not None else None,
				line.template,
				tax.value if tax else None,
				tax.source if tax else "",
				tax.fits if tax else None,
			)
		)
	return uses


def map_sales_invoice(doc: dict, ctx: MappingContext, contact: dict | None = None) -> XeroDocument:
	"""The Xero Invoice (or, for a return, CreditNote) for an ERPNext Sales Invoice dict.

	``contact`` is the Xero contact reference for payload["Contact"] (e.g. {"ContactID": …}); when
	None the payload carries {"Name": customer_name} for the engine to replace after contact
	resolution. The document's docstatus is not checked here (the engine decides what to push).
	Raises MappingError listing every problem. Called by the engine's push and by the CLI.
	"""
	return Builder(doc, ctx).mapped(contact)
