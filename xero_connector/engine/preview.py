"""Payload preview: the Xero JSON a Sales Invoice would be sent as, and what changed
since the last request Xero accepted for it.

:func:`build_preview` maps a document with the current mappings exactly as a push
would (the same :func:`~.mapping.map_sales_invoice`, the stored ContactID, the
InvoiceID/CreditNoteID an update carries) without calling Xero.
:func:`diff_payloads` compares two payloads field by field (``DueDate``,
``LineItems[1].Quantity``); numbers compare by value, so ``"100.0000"`` as stored
in the Sync Log equals ``Decimal("100")``.

Called by the Frappe shell (``xero_connector.xero_connector.features.preview``: the Sales
Invoice's "Xero payload" button and the Sync Log form). Pure (no frappe).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from xero_connector.engine.context import MappingContext
from xero_connector.engine.host import SyncState
from xero_connector.engine.mapping import map_sales_invoice
from xero_connector.engine.preflight import preflight
from xero_connector.engine.problems import MappingError

# Keys whose values are numbers in Xero's JSON (the Sync Log stores them as text)
NUMERIC_KEYS = frozenset(
	{
		"Quantity",
		"UnitAmount",
		"LineAmount",
		"TaxAmount",
		"DiscountRate",
		"DiscountAmount",
		"CurrencyRate",
		"SubTotal",
		"TotalTax",
		"Total",
		"Amount",
	}
)
ID_FIELDS = {"invoice": "InvoiceID", "credit_note": "CreditNoteID"}
MISSING = object()


@dataclass(frozen=True)
class Change:
	"""One field that differs: ``path`` like ``LineItems[0].UnitAmount``."""

	path: str
	old: object
	new: object

	@property
	def change(self) -> str:
		if self.old is MISSING:
			return "added"
		if self.new is MISSING:
			return "removed"
		return "changed"

	def to_dict(self) -> dict:
		return {
			"path": self.path,
			"change": self.change,
			"old": None if self.old is MISSING else _shown(self.old),
			"new": None if self.new is MISSING else _shown(self.new),
		}


def flatten(value, prefix: str = "") -> dict[str, object]:
	"""Every leaf of a JSON value by its path (empty lists and objects are leaves)."""
	out: dict[str, object] = {}
	if isinstance(value, dict) and value:
		for key in value:
			out.update(flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
	elif isinstance(value, list) and value:
		for index, item in enumerate(value):
			out.update(flatten(item, f"{prefix}[{index}]"))
	else:
		out[prefix] = value
	return out


def diff_payloads(old: dict | None, new: dict) -> list[Change]:
	"""Field-level differences from ``old`` (the last accepted request) to ``new``, in the
	order the fields appear (new payload first, then fields only the old one had)."""
	before = flatten(old or {})
	after = flatten(new or {})
	changes = []
	for path, value in after.items():
		previous = before.get(path, MISSING)
		if previous is MISSING or not _same(path, previous, value):
			changes.append(Change(path, previous, value))
	for path, value in before.items():
		if path not in after:
			changes.append(Change(path, value, MISSING))
	return changes


def _same(path: str, a, b) -> bool:
	key = path.rsplit(".", 1)[-1].split("[", 1)[0]
	if key in NUMERIC_KEYS:
		x, y = _number(a), _number(b)
		if x is not None and y is not None:
			return x == y
	return a == b


def _number(value) -> Decimal | None:
	if isinstance(value, bool):
		return None
	try:
		return Decimal(str(value))
	except (InvalidOperation, ValueError):
		return None


def _shown(value):
	"""A leaf as JSON can carry it (Decimals as exact text)."""
	return format(value, "f") if isinstance(value, Decimal) else value


def pretty(value, indent: str = "  ", level: int = 0) -> str:
	"""Indented JSON with Decimals written as exact JSON numbers (``json`` cannot)."""
	pad, inner = indent * level, indent * (level + 1)
	if isinstance(value, dict):
		if not value:
			return "{}"
		body = ",\n".join(
			f"{inner}{json.dumps(str(k))}: {pretty(v, indent, level + 1)}" for k, v in value.items()
		)
		return "{\n" + body + "\n" + pad + "}"
	if isinstance(value, list | tuple):
		if not value:
			return "[]"
		return "[\n" + ",\n".join(inner + pretty(v, indent, level + 1) for v in value) + "\n" + pad + "]"
	if isinstance(value, Decimal):
		return format(value, "f")
	return json.dumps(value, default=str)


@dataclass
class Preview:
	"""What the preview shows. ``payload`` is None when the document cannot be mapped
	(``problems`` says why); ``changes`` is None when nothing was accepted before."""

	name: str
	kind: str | None = None
	method: str | None = None  # "PUT" (create) or "POST" (update)
	endpoint: str | None = None
	payload: dict | None = None
	problems: list[str] = field(default_factory=list)
	changes: list[Change] | None = None
	unchanged: bool = False  # same payload as the last accepted write: a resend sends nothing
	contact_resolved: bool = True  # False: the contact is looked up / created at send time
	last_sync: str | None = None  # the Sync Log row the diff is against

	def to_dict(self) -> dict:
		return {
			"name": self.name,
			"kind": self.kind,
			"method": self.method,
			"endpoint": self.endpoint,
			"payload": json.loads(_exact_json(self.payload)) if self.payload is not None else None,
			"payload_json": pretty(self.payload) if self.payload is not None else None,
			"problems": list(self.problems),
			"changes": None if self.changes is None else [c.to_dict() for c in self.changes],
			"unchanged": self.unchanged,
			"contact_resolved": self.contact_resolved,
			"last_sync": self.last_sync,
		}


def _exact_json(payload: dict) -> str:
	"""JSON text with Decimals as strings (safe for frappe's response encoder)."""
	return json.dumps(payload, default=lambda v: format(v, "f") if isinstance(v, Decimal) else str(v))


def build_preview(
	doc: dict,
	ctx: MappingContext,
	state: SyncState | None = None,
	contact_id: str | None = None,
	last_request: dict | None = None,
	last_sync: str | None = None,
) -> Preview:
	"""The payload a push of ``doc`` would send now, and its diff against ``last_request``
	(the request of the last successful push/update, as stored in the Sync Log)."""
	preview = Preview(name=doc.get("name"), last_sync=last_sync)
	problems = preflight(doc, ctx)
	if problems:
		preview.problems = [p.message for p in problems]
		return preview
	try:
		xdoc = map_sales_invoice(doc, ctx, contact={"ContactID": contact_id} if contact_id else None)
	except MappingError as error:
		preview.problems = [p.message for p in error.problems]
		return preview
	payload = dict(xdoc.payload)
	xero_id = state.xero_id if state else None
	if xero_id:
		payload[ID_FIELDS[xdoc.kind]] = xero_id
	preview.kind = xdoc.kind
	preview.method = "POST" if xero_id else "PUT"
	preview.endpoint = "/CreditNotes" if xdoc.kind == "credit_note" else "/Invoices"
	preview.payload = payload
	preview.contact_resolved = bool(contact_id)
	preview.unchanged = bool(
		state and xero_id and state.payload_hash == xdoc.payload_hash() and not state.outcome_unknown
	)
	if last_request is not None:
		preview.changes = diff_payloads(last_request, payload)
	return preview
