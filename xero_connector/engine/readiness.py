"""Readiness: is a set of Sales Invoices ready to go to Xero, and if not, what to fix.

For every submitted invoice of a company and period the pre-flight (:mod:`.preflight`)
is run against Xero's accounts, tax rates and currencies, and every customer is
matched against Xero's contacts by the engine's rules (:mod:`.contacts`). The
problems are grouped — one :class:`Issue` per thing to fix (an item, a tax
template, a currency, a customer), listing the invoices it affects — and each
carries the one-click fix that exists for it: create a mapping
(``map_account`` / ``map_tax``; a tax line no mapping row fits carries the row to
add, ``action_args["row"]``), create the contact in Xero (``create_contact``)
or link the Xero contact of the same name (``link_contact``). Nothing is ever
enabled in Xero: a currency or an archived contact is reported with what to do
there. The report also proposes the Tax Mapping rows the period's invoices need
(``tax_rows``, :mod:`.readiness_taxes`): each tax account and effective rate they
use, with a Xero tax type of that rate.

Called by the Frappe shell's "Xero Readiness" page (xero_connector/xero_connector/features/readiness.py)
and usable from the CLI; pure (no Frappe).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xero_connector.engine.contacts import customer_key
from xero_connector.engine.context import MappingContext, XeroReference
from xero_connector.engine.mapping import tax_uses
from xero_connector.engine.preflight import preflight
from xero_connector.engine.problems import Problem
from xero_connector.engine.readiness_taxes import ProposedTaxRow, propose_tax_rows
from xero_connector.engine.resolve import income_account_of, item_group_of
from xero_connector.engine.tax_mapping import TaxUse, percent
from xero_connector.engine.tracking import KINDS as TRACKING_KINDS
from xero_connector.engine.tracking_readiness import readiness_subject

ERROR = "error"  # Xero would refuse the invoice: fix before sending
WARNING = "warning"  # the first push would handle it, but a person may prefer to decide

ACCOUNT_KINDS = {"unmapped_account", "unknown_account", "archived_account", "system_account"}
ACCOUNT_KINDS |= {"account_not_revenue"}
TAX_KINDS = {"unmapped_tax", "unknown_tax_type", "archived_tax_type", "tax_type_not_revenue"}
TAX_KINDS |= {"tax_rate_mismatch"}
CURRENCY_KINDS = {"currency_not_enabled", "base_currency_mismatch", "missing_exchange_rate"}
CUSTOMER_KINDS = {"customer_without_match_key", "customer_not_found", "missing_customer"}

CSV_HEADER = (
	"Severity",
	"Problem Kind",
	"Subject Type",
	"Subject",
	"Invoices Affected",
	"Example Invoices",
	"Problem",
	"Fix",
	"One-Click Fix",
)
ACTION_LABELS = {
	"map_account": "Create account mapping",
	"map_tax": "Create tax mapping",
	"create_contact": "Create contact in Xero",
	"link_contact": "Link existing Xero contact",
	"create_tracking_option": "Create tracking option in Xero",
}


@dataclass
class Issue:
	"""One thing to fix, and the invoices it holds back."""

	kind: str
	severity: str  # ERROR or WARNING
	subject_type: str  # "Item", "Account", "Sales Taxes and Charges Template", "Currency", "Customer", …
	subject: str
	message: str
	fix: str
	action: str | None = None  # a key of ACTION_LABELS, or None when the fix is done by hand
	action_args: dict = field(default_factory=dict)
	invoices: list[str] = field(default_factory=list)

	@property
	def key(self) -> tuple[str, str, str]:
		return (self.kind, self.subject_type, self.subject)

	def as_dict(self) -> dict:
		return {
			"kind": self.kind,
			"severity": self.severity,
			"subject_type": self.subject_type,
			"subject": self.subject,
			"message": self.message,
			"fix": self.fix,
			"action": self.action,
			"action_label": ACTION_LABELS.get(self.action or ""),
			"action_args": dict(self.action_args),
			"invoices": list(self.invoices),
		}


@dataclass
class Report:
	issues: list[Issue]
	invoices_checked: int
	customers_checked: int
	tax_rows: list[ProposedTaxRow] = field(default_factory=list)  # the Tax Mapping rows the period needs

	@property
	def ready(self) -> bool:
		return not any(issue.severity == ERROR for issue in self.issues)

	def as_dict(self) -> dict:
		return {
			"ready": self.ready,
			"invoices_checked": self.invoices_checked,
			"customers_checked": self.customers_checked,
			"errors": sum(1 for i in self.issues if i.severity == ERROR),
			"warnings": sum(1 for i in self.issues if i.severity == WARNING),
			"issues": [issue.as_dict() for issue in self.issues],
			"tax_rows": [row.as_dict() for row in self.tax_rows],
		}


def check_readiness(
	docs: Iterable[dict],
	context_for: Callable[[dict], MappingContext],
	contacts: list[dict],
	stored_contacts: dict[str, str | None],
) -> Report:
	"""Every issue of ``docs`` (Sales Invoice dicts with items and taxes).

	``context_for(doc)``: the document's MappingContext, with Xero's reference data in ``xero``;
	``contacts``: Xero's contacts (archived included), e.g. ``GET /Contacts`` paged to the end;
	``stored_contacts``: each Customer's stored ContactID (None when it has none)."""
	found: dict[tuple, Issue] = {}
	customers: dict[str, tuple[str, str | None]] = {}
	first_invoice: dict[str, list[str]] = {}
	uses: list[tuple[str, list[TaxUse]]] = []
	xero: XeroReference | None = None
	count = 0
	for doc in docs:
		count += 1
		ctx = context_for(doc)
		xero = ctx.xero or xero
		for issue in document_issues(doc, ctx):
			_merge(found, issue)
		uses.append((doc.get("name") or "", tax_uses(doc, ctx)))
		customer = doc.get("customer")
		if customer and customer in ctx.masters.customers:
			customers.setdefault(customer, customer_key(customer, ctx))
			first_invoice.setdefault(customer, []).append(doc.get("name") or "")
	for issue in contact_issues(customers, contacts, stored_contacts):
		issue.invoices = list(dict.fromkeys(first_invoice.get(issue.subject, [])))
		_merge(found, issue)
	ordered = sorted(found.values(), key=lambda i: (i.severity != ERROR, i.subject_type, i.subject, i.kind))
	return Report(ordered, count, len(customers), propose_tax_rows(uses, xero))


def _merge(found: dict, issue: Issue) -> None:
	existing = found.get(issue.key)
	if existing is None:
		found[issue.key] = issue
		return
	for name in issue.invoices:
		if name not in existing.invoices:
			existing.invoices.append(name)


# -- invoices ----------------------------------------------------------------------------------------


def document_issues(doc: dict, ctx: MappingContext) -> list[Issue]:
	"""The pre-flight problems of one invoice as issues naming what to fix."""
	return [_issue(doc, ctx, problem) for problem in preflight(doc, ctx)]


def _issue(doc: dict, ctx: MappingContext, problem: Problem) -> Issue:
	name = doc.get("name") or ""
	base = {
		"kind": problem.kind or "other",
		"severity": ERROR,
		"message": problem.message,
		"fix": problem.fix,
		"invoices": [name],
	}
	kind = problem.kind
	if kind in ACCOUNT_KINDS:
		return _account_issue(doc, ctx, problem, base)
	if kind in TAX_KINDS:
		return _tax_issue(doc, problem, base)
	if kind in CURRENCY_KINDS:
		return Issue(subject_type="Currency", subject=problem.value or doc.get("currency") or "", **base)
	if kind in CUSTOMER_KINDS:
		return Issue(subject_type="Customer", subject=problem.value or doc.get("customer") or "", **base)
	if kind in TRACKING_KINDS:
		return Issue(**base, **readiness_subject(problem, doc, ctx.mappings))
	return Issue(subject_type="Sales Invoice", subject=name, **base)


def _row(rows: list[dict], idx) -> dict:
	for position, row in enumerate(rows or []):
		if (row.get("idx") or position + 1) == idx:
			return row
	return {}


def _account_issue(doc: dict, ctx: MappingContext, problem: Problem, base: dict) -> Issue:
	"""An item without a usable Xero account: offer a mapping on the item, its group or its
	income account. Charge rows and the discount account map their account head."""
	if problem.field == "items.item_code":
		line = _row(doc.get("items"), problem.row)
		options = {
			"Item": line.get("item_code"),
			"Item Group": item_group_of(line, ctx),
			"Income Account": income_account_of(line, ctx),
		}
		options = {k: v for k, v in options.items() if v}
		subject = ("Item", line.get("item_code") or problem.value or "")
		if problem.kind != "unmapped_account":  # the mapped code is wrong: one issue per code
			subject = ("Xero Account", problem.value or "")
		return Issue(
			subject_type=subject[0],
			subject=subject[1],
			action="map_account" if options else None,
			action_args={"options": options} if options else {},
			**base,
		)
	head = None
	if problem.field == "taxes.account_head":
		head = _row(doc.get("taxes"), problem.row).get("account_head")
	elif problem.field == "additional_discount_account":
		head = doc.get("additional_discount_account")
	if head:
		return Issue(
			subject_type="Account",
			subject=head,
			action="map_account",
			action_args={"options": {"Income Account": head}},
			**base,
		)
	return Issue(subject_type="Xero Connection", subject=problem.field, **base)


def _tax_issue(doc: dict, problem: Problem, base: dict) -> Issue:
	"""A line without a usable Xero tax type: offer a tax mapping on the invoice's Sales Taxes
	and Charges Template, the line's Item Tax Template or the tax row's account head; a line no
	mapping row fits offers the row to add (``action_args["row"]``), one issue per account and rate."""
	options = {}
	if doc.get("taxes_and_charges"):
		options["Sales Taxes and Charges Template"] = doc["taxes_and_charges"]
	template = None
	if problem.field.startswith("items."):
		template = _row(doc.get("items"), problem.row).get("item_tax_template")
		if template:
			options["Item Tax Template"] = template
	if problem.field == "taxes.account_head":
		head = _row(doc.get("taxes"), problem.row).get("account_head")
		if head:
			options["Tax Account"] = head
	add = problem.row_to_add
	if add is not None:
		options[add.mapping_type] = add.reference_name
	if add is not None and problem.kind == "tax_rate_mismatch":
		subject_type, subject = add.mapping_type, f"{add.reference_name} at {percent(add.rate)}"
	elif problem.kind == "unmapped_tax" and template and problem.field == "items.item_tax_template":
		subject_type, subject = "Item Tax Template", template
	elif problem.kind == "unmapped_tax" and options:
		subject_type, subject = next(iter(options.items()))
	else:
		subject_type, subject = "Xero Tax Type", problem.value or ""
	args = {"options": options} if options else {}
	if add is not None:
		args["row"] = add.as_dict()
	return Issue(
		subject_type=subject_type,
		subject=subject,
		action="map_tax" if options else None,
		action_args=args,
		**base,
	)


# -- customers ----------------------------------------------------------------------------------------


def contact_issues(
	customers: dict[str, tuple[str, str | None]],
	contacts: list[dict],
	stored_contacts: dict[str, str | None],
) -> list[Issue]:
	"""How each customer would meet Xero's contacts (the engine's rules: stored ContactID →
	AccountNumber → exact name → create), as issues where a person should act.

	``customers``: customer → (contact name, billing account code), see contacts.customer_key."""
	by_id = {c.get("ContactID"): c for c in contacts if c.get("ContactID")}
	by_number: dict[str, dict] = {}
	by_name: dict[str, dict] = {}
	for contact in contacts:
		if contact.get("AccountNumber"):
			_prefer_active(by_number, contact["AccountNumber"], contact)
		if contact.get("Name"):
			_prefer_active(by_name, contact["Name"], contact)
	issues = []
	for customer, (name, code) in customers.items():
		issue = _contact_issue(customer, name, code, stored_contacts.get(customer), by_id, by_number, by_name)
		if issue:
			issues.append(issue)
	return issues


def _prefer_active(index: dict, key: str, contact: dict) -> None:
	if key not in index or index[key].get("ContactStatus") == "ARCHIVED":
		index[key] = contact


def _contact_issue(customer, name, code, stored, by_id, by_number, by_name) -> Issue | None:
	def issue(kind, severity, message, fix, action=None, **args):
		return Issue(
			kind=kind,
			severity=severity,
			subject_type="Customer",
			subject=customer,
			message=message,
			fix=fix,
			action=action,
			action_args={"customer": customer, **args} if action else {},
		)

	if stored:
		contact = by_id.get(stored)
		if contact is None:
			return issue(
				"contact_not_in_xero",
				ERROR,
				f"Customer {customer} is linked to Xero contact {stored}, which this Xero organisation does not have.",
				"Create the contact in Xero again, or clear the Customer's Xero Contact ID so that it is matched again.",
				"create_contact",
			)
		if contact.get("ContactStatus") == "ARCHIVED":
			return _archived(issue, customer, contact)
		return None
	match = by_number.get(code) if code else None
	if match is not None:
		return _archived(issue, customer, match) if match.get("ContactStatus") == "ARCHIVED" else None
	match = by_name.get(name)
	if match is not None:
		if match.get("ContactStatus") == "ARCHIVED":
			return _archived(issue, customer, match)
		held = match.get("AccountNumber")
		detail = f" (its account number is {held})" if held else ""
		missing = f"no Xero contact has account number {code}, but " if code else ""
		return issue(
			"contact_matched_by_name",
			WARNING,
			f"Customer {customer}: {missing}Xero has a contact named {name!r}{detail}.",
			"Link that contact to the Customer if it is the same business; otherwise give one of them another name.",
			"link_contact",
			contact_id=match.get("ContactID"),
			contact_name=match.get("Name"),
		)
	what = f"with account number {code} or " if code else ""
	return issue(
		"contact_missing",
		WARNING,
		f"Customer {customer} has no Xero contact {what}named {name!r}.",
		"Create the contact in Xero now (the first invoice would otherwise create it).",
		"create_contact",
	)


def _archived(issue, customer: str, contact: dict) -> Issue:
	return issue(
		"contact_archived",
		ERROR,
		f"The Xero contact {contact.get('Name')!r} of customer {customer} is archived, so Xero refuses invoices for it.",
		"Restore the contact in Xero (Contacts → Archived → Restore), or give the Customer another billing account code.",
	)


# -- export -----------------------------------------------------------------------------------------


def to_csv(report: Report, examples: int = 5) -> str:
	"""The issues as CSV text (one row per issue), for the page's Export button."""
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(CSV_HEADER)
	for issue in report.issues:
		writer.writerow(
			(
				issue.severity,
				issue.kind,
				issue.subject_type,
				issue.subject,
				len(issue.invoices),
				" ".join(issue.invoices[:examples]),
				issue.message,
				issue.fix,
				ACTION_LABELS.get(issue.action or "", ""),
			)
		)
	return out.getvalue()
