"""The read-only web page at ``/``: what each organisation holds, newest first.

Served by the platform's server (``render_index``; ``render_page`` is the same
function). Plain HTML and CSS, refreshed every 10 seconds; no JavaScript.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from .state import Organisation

MAX_ROWS = 200

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1e2a35;background:#f6f8fa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 4px;border-bottom:2px solid #13b5ea}
h3{font-size:15px;margin:20px 0 6px}.meta{color:#5b6b7a;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:8px}
th,td{padding:4px 8px;border-bottom:1px solid #e3e8ee;text-align:left;white-space:nowrap}
th{background:#eef2f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.s{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:#e3e8ee}
.s-PAID{background:#d3f4d9}.s-AUTHORISED{background:#d9ecff}.s-VOIDED,.s-DELETED,.s-ARCHIVED{background:#f3d6d6}
.empty{color:#8a99a8;font-style:italic}
tr:target{background:#fff3c4}
"""


def render_index(orgs: list[Organisation]) -> str:
	"""The whole page for these organisations (called by the server for ``GET /``)."""
	body = "".join(_safely(org) for org in orgs) or '<p class="empty">No organisations.</p>'
	return (
		"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
		"<meta http-equiv='refresh' content='10'><title>Xero sandbox</title>"
		f"<style>{STYLE}</style></head><body><h1>Xero sandbox</h1>"
		"<p class='meta'>Read-only view of what has arrived; refreshes every 10 seconds.</p>"
		f"{body}</body></html>"
	)


render_page = render_index


def _safely(org: Organisation) -> str:
	"""The page may be drawn while a request writes to the organisation: retry a torn read."""
	for _ in range(3):
		try:
			return _organisation(org)
		except (KeyError, RuntimeError):
			continue
	return f"<h2>{escape(org.name)}</h2><p class='empty'>Busy; refresh in a moment.</p>"


def _organisation(org: Organisation) -> str:
	contacts = {c["ContactID"]: c["Name"] for c in org.contacts.values()}
	invoice_numbers = {i["InvoiceID"]: i.get("InvoiceNumber") for i in org.invoices.values()}
	note_numbers = {n["CreditNoteID"]: n.get("CreditNoteNumber") for n in org.credit_notes.values()}
	accounts = {a["AccountID"]: f"{a['Code']} {a['Name']}" for a in org.accounts.values()}
	sections = [
		f"<h2>{escape(org.name)}</h2><p class='meta'>Tenant {escape(org.tenant_id)} · "
		f"base currency {escape(org.base_currency)} · short code {escape(org.short_code)}</p>",
		_table(
			"Invoices",
			[
				"Number",
				"Contact",
				"Date",
				"Due",
				"Status",
				"Currency",
				"Total",
				"Amount due",
				"Amount paid",
				"Credited",
			],
			org.invoices.values(),
			lambda i: [
				i.get("InvoiceNumber"),
				contacts.get(i["ContactID"]),
				i.get("Date"),
				i.get("DueDate"),
				_status(i["Status"]),
				i["CurrencyCode"],
				_money(i["Total"]),
				_money(i["AmountDue"]),
				_money(i["AmountPaid"]),
				_money(i["AmountCredited"]),
			],
			anchor="InvoiceID",
		),
		_table(
			"Credit notes",
			["Number", "Contact", "Date", "Status", "Currency", "Total", "Remaining credit"],
			org.credit_notes.values(),
			lambda n: [
				n.get("CreditNoteNumber"),
				contacts.get(n["ContactID"]),
				n.get("Date"),
				_status(n["Status"]),
				n["CurrencyCode"],
				_money(n["Total"]),
				_money(n["RemainingCredit"]),
			],
			anchor="CreditNoteID",
		),
		_table(
			"Payments",
			["Date", "Document", "Amount", "Rate", "Account", "Status", "Reference"],
			org.payments.values(),
			lambda p: [
				p["Date"],
				invoice_numbers.get(p.get("InvoiceID")) or note_numbers.get(p.get("CreditNoteID")),
				_money(p["Amount"]),
				p["CurrencyRate"],
				accounts.get(p["AccountID"]),
				_status(p["Status"]),
				p.get("Reference"),
			],
		),
		_table(
			"Credit-note allocations",
			["Date", "Credit note", "Invoice", "Amount"],
			org.allocations.values(),
			lambda a: [
				a["Date"],
				note_numbers.get(a["CreditNoteID"]),
				invoice_numbers.get(a["InvoiceID"]),
				_money(a["Amount"]),
			],
		),
		_table(
			"Contacts",
			["Name", "Account number", "Email", "Status"],
			org.contacts.values(),
			lambda c: [c["Name"], c.get("AccountNumber"), c.get("EmailAddress"), _status(c["ContactStatus"])],
		),
	]
	return "".join(sections)


class _Raw(str):
	"""Already-escaped HTML for a cell."""


def _status(status: str) -> _Raw:
	return _Raw(f"<span class='s s-{escape(status)}'>{escape(status)}</span>")


class _Money(str):
	"""A right-aligned amount."""


def _money(value) -> _Money:
	return _Money("" if value is None else f"{Decimal(str(value)):,.2f}")


def _cell(value) -> str:
	if isinstance(value, _Raw):
		return f"<td>{value}</td>"
	if isinstance(value, _Money):
		return f"<td class='n'>{escape(value)}</td>"
	return f"<td>{escape('' if value is None else str(value))}</td>"


def _table(title: str, headings: list[str], records, row, anchor: str | None = None) -> str:
	"""A titled table, newest first; with ``anchor``, each row's id is that field (an
	invoice's or credit note's ID), so ``/#ID`` opens the page at it (the connector's
	"Open in Xero" link when the sandbox is in use)."""
	ordered = sorted(list(records), key=lambda r: r.get("UpdatedDateUTC", ""), reverse=True)
	shown = ordered[:MAX_ROWS]
	note = f" (newest {len(shown)} of {len(ordered)})" if len(ordered) > len(shown) else f" ({len(ordered)})"
	if not shown:
		return f"<h3>{escape(title)}{note}</h3><p class='empty'>None yet.</p>"
	head = "".join(f"<th>{escape(h)}</th>" for h in headings)
	rows = "".join(
		(f"<tr id='{escape(str(r.get(anchor) or ''))}'>" if anchor else "<tr>")
		+ "".join(_cell(v) for v in row(r))
		+ "</tr>"
		for r in shown
	)
	return f"<h3>{escape(title)}{note}</h3><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
