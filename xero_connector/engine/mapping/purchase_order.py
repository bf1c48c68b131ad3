"""ERPNext Purchase Order (a plain dict) → Xero's PurchaseOrder (issue 16), to the cent.

The bill's mapping (:mod:`.bill`) does the work on the order seen as a bill (``transaction_date``
its date, never a return): the buying accounts (Item → Item Group → Expense Account → default
purchase account) and tax types (Item Tax Template → Purchase Taxes and Charges Template → tax
account → default purchase tax type), the lines, the taxes spread over them with TaxAmount where
Xero's own would differ, the discount and rounding lines, and the check that Xero's total is
ERPNext's (``rounded_total``, else ``grand_total``). What differs:

- the payload is xero_accounting.yaml's components/schemas/PurchaseOrder: PurchaseOrderNumber =
  the ERPNext name ("Unique alpha numeric code identifying purchase order"), Date =
  ``transaction_date``, DeliveryDate = ``schedule_date`` ("Date the goods are to be delivered"),
  DeliveryAddress = the shipping address (``shipping_address_display``, as text), Reference = the
  supplier's order confirmation number (``order_confirmation_no``) when there is one, Status
  AUTHORISED (a submitted order is an approved one); no Type and no DueDate;
- unit amounts to 2 decimals: the purchase order endpoints take no ``unitdp`` (createPurchaseOrders
  and updateOrCreatePurchaseOrders: summarizeErrors and Idempotency-Key only), and without it
  Xero keeps 2. Quantity × UnitAmount is chosen so that Xero's line amount is ERPNext's; where no
  2-decimal unit amount gives it, the line is 1 × the amount with the quantity and rate in its
  description, as invoice lines are when 4 decimals do not suffice;
- every problem names the Purchase Order, not an invoice or a bill.
"""

from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal

from xero_connector.engine.context import MappingContext
from xero_connector.engine.mapping.bill import BillBuilder
from xero_connector.engine.mapping.document import XeroDocument, add_currency_rate
from xero_connector.engine.mapping.lines import MAX_DESCRIPTION, Line
from xero_connector.engine.mapping.text import as_text, iso_date
from xero_connector.engine.money import CENT, ONE, ZERO, dec, fits_4dp, plain, rounds_to
from xero_connector.engine.problems import Problem

ORDER_STATUS = "AUTHORISED"
PURCHASE_ORDER_KIND = "purchase_order"

# the sales and bill wording of the shared checks, as it reads on a purchase order
_WORDS = (
	("Sales Invoice", "Purchase Order"),
	("Purchase Invoice", "Purchase Order"),
	("The invoice", "The purchase order"),
	("the invoice", "the purchase order"),
	("The bill", "The purchase order"),
	("the bill", "the purchase order"),
	("a bill line", "a purchase order line"),
	("bill lines", "purchase order lines"),
	("invoice lines", "purchase order lines"),
)


def reword(text: str) -> str:
	for old, new in _WORDS:
		text = text.replace(old, new)
	return text


def order_as_bill(order: dict) -> dict:
	"""The Purchase Order dict in the shape the bill mapping reads (only the keys that differ)."""
	doc = dict(order)
	doc["posting_date"] = order.get("transaction_date")
	doc["due_date"] = order.get("schedule_date") or order.get("transaction_date")
	doc["is_return"] = 0
	doc["return_against"] = None
	return doc


def address_text(value) -> str:
	"""ERPNext's address display (HTML lines: ``12 Wharf Rd<br>Auckland<br>``) as plain lines."""
	text = re.sub(r"<br\s*/?>", "\n", str(value or ""), flags=re.IGNORECASE)
	text = html.unescape(re.sub(r"<[^>]+>", "", text))
	return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def choose_quantity_and_unit_2dp(
	qty: Decimal, target: Decimal, preferred: list[Decimal]
) -> tuple[Decimal, Decimal, bool]:
	"""(Quantity, UnitAmount, kept) with a UnitAmount of at most 2 decimals such that Xero's
	round(Quantity × UnitAmount, 2) == target under any rounding convention; ``kept`` is False
	when the quantity had to become 1 (the unit amount is then the target)."""
	if qty and fits_4dp(qty):
		for unit in preferred:
			if unit == unit.quantize(CENT) and rounds_to(qty * unit, target):
				return qty, unit, True
		guess = (target / qty).quantize(CENT, ROUND_HALF_UP)
		for step in (0, 1, -1, 2, -2):
			unit = guess + step * CENT
			if rounds_to(qty * unit, target):
				return qty, unit, True
	elif not qty and not target:
		return qty, ZERO, True
	return ONE, target, False


class PurchaseOrderBuilder(BillBuilder):
	"""One Purchase Order's mapping (see the module's docstring for what differs from a bill)."""

	def __init__(self, order: dict, ctx: MappingContext):
		super().__init__(order_as_bill(order), ctx)
		self.order = order

	def problem(self, row, field, message, fix, value=None, kind="", row_to_add=None):
		currency = self.doc.get("currency") or self.full.settings.company_currency
		if kind == "negative_quantity":
			message = (
				f"Quantity {value} is negative on row {row}; a Xero purchase order's lines order goods, "
				"so their quantities are zero or more."
			)
			fix = "Make the quantity positive on the Purchase Order (order less instead), then resend."
		elif kind == "negative_total":
			message = (
				f"The purchase order's total is {value} {currency}, below zero: Xero refuses a purchase "
				"order whose total is negative."
			)
			fix = "Correct the Purchase Order's lines so that the total is zero or more, then resend."
		else:
			message, fix = reword(message), reword(fix)
		super().problem(row, field, message, fix, value, kind, row_to_add)

	def line_payload(self, line: Line, amount_types: str) -> dict:
		"""The bill's line, its Quantity and UnitAmount chosen again for a 2-decimal unit amount."""
		payload = super().line_payload(line, amount_types)
		unit = dec(payload["UnitAmount"])
		if unit == unit.quantize(CENT):
			return payload
		inclusive = amount_types == "Inclusive"
		target = line.net + line.tax if inclusive else line.net
		preferred = line.unit_preferred  # as the bill's line chose them (lines.line_payload)
		if inclusive:
			preferred = preferred[:1] if line.amount_gross == target else []
		quantity, unit, kept = choose_quantity_and_unit_2dp(line.quantity, target, preferred)
		if not kept:  # the bill's line kept its quantity (its unit amount had 4 decimals)
			shown = preferred[0] if preferred else target / line.quantity
			payload["Description"] = f"{payload['Description']} ({as_text(line.quantity)} × {as_text(shown)})"
			if len(payload["Description"]) > MAX_DESCRIPTION:
				self.description_too_long(line, payload["Description"])
		payload["Quantity"], payload["UnitAmount"] = plain(quantity), plain(unit)
		return payload

	def document(
		self, lines: list[dict], amount_types: str, currency: str, owed: Decimal, contact
	) -> XeroDocument:
		order, ctx = self.order, self.ctx
		payload = {
			"PurchaseOrderNumber": self.name,
			"Contact": dict(contact) if contact else {"Name": self.contact_name()},
			"Date": iso_date(order.get("transaction_date")),
			"CurrencyCode": currency,
			"LineAmountTypes": amount_types,
			"LineItems": lines,
			"Status": ORDER_STATUS,
		}
		delivery = iso_date(order.get("schedule_date"))
		if delivery:
			payload["DeliveryDate"] = delivery
		address = address_text(order.get("shipping_address_display"))
		if address:
			payload["DeliveryAddress"] = address
		reference = str(order.get("order_confirmation_no") or "").strip()
		if reference:
			payload["Reference"] = reference
		add_currency_rate(payload, order, currency, ctx)
		return XeroDocument(
			kind=PURCHASE_ORDER_KIND,
			number=self.name,
			payload=payload,
			expected_total=owed,
			currency=currency,
		)


def collect_purchase_order(
	order: dict, ctx: MappingContext, contact: dict | None = None
) -> tuple[XeroDocument | None, list[Problem]]:
	"""Map and check a Purchase Order in one pass (as mapping.collect does a Sales Invoice)."""
	return PurchaseOrderBuilder(order, ctx).collect(contact)


def map_purchase_order(order: dict, ctx: MappingContext, contact: dict | None = None) -> XeroDocument:
	"""The Xero PurchaseOrder of an ERPNext Purchase Order dict. Raises MappingError listing every
	problem. The order's docstatus and status are not checked here (the engine decides)."""
	return PurchaseOrderBuilder(order, ctx).mapped(contact)
