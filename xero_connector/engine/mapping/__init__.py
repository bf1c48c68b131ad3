"""ERPNext Sales Invoice (a plain dict, as ``doc.as_dict()`` or the REST API gives it)
→ the Xero Invoice or CreditNote payload, to the cent.

The rule this module keeps: Xero's own computed ``Total`` equals what the
customer owes in ERPNext (``rounded_total`` where ERPNext rounds, else
``grand_total``), in the document currency. How:

- Lines mirror ERPNext's ledger: each item line carries its ``net_amount`` (after
  the line discount *and* its share of any invoice-level discount, which is how
  ERPNext books income), so ``rate`` is never discounted twice and no
  ``DiscountRate`` is sent. ``Quantity`` and ``UnitAmount`` (≤4 dp, sent with
  ``unitdp=4``) are chosen so that Xero's ``round(Quantity × UnitAmount, 2)`` is
  exactly the wanted line amount — the ERPNext ``rate`` when it fits, else the
  amount divided by the quantity; never a value whose rounding is a tie (…5),
  where rounding conventions differ. If no 4-dp unit price fits (e.g. a quantity
  with more than 4 decimals) the line is sent as 1 × amount with the original
  quantity and rate in its description.
- Tax: ERPNext rounds each tax row's total; Xero rounds each line. taxes.py
  splits every tax row over the lines (compound rows included), and the cents are
  spread (largest remainder) so that the lines' taxes add up exactly to ERPNext's
  tax rows. A line gets an explicit ``TaxAmount`` only where that differs from
  what Xero would compute itself at the tax type's EffectiveRate (or where Xero's
  result would hinge on a tie); without Xero's reference data (``ctx.xero`` None)
  the rate Xero will apply is unknown, so every taxed line states its TaxAmount.
  Xero accepts an overridden TaxAmount on invoice and credit-note lines.
- "Inclusive" when a tax row is ``included_in_print_rate`` (line amount = net +
  tax, so an undiscounted line keeps its ERPNext rate), else "Exclusive"; no tax
  rows at all → "NoTax" (or Exclusive with Settings.zero_tax_type).
- Charge rows that are not taxes ("Actual" freight or a fixed fee on an income
  account, a charge "On Previous Row Total") become their own line on the account
  mapped for that account head, taxed when a later "On Previous Row …" row taxes
  them. ERPNext spreads a charge over the items and taxes each item's share at the
  item's rate, so over items taxed differently (standard-rated and exempt) the
  charge becomes one line per Xero tax type, each share on the line of its rate:
  Xero's own computation then gives ERPNext's tax, and a line's ``TaxAmount``
  differs from Xero's own by at most the cent ERPNext's rounding moved. No tax is
  ever scaled to fit. (An "Actual" amount on a tax account is a tax without a
  base: it is spread over the items by net amount, as ERPNext does, each line
  stating its TaxAmount.)
- A non-trade (cash) discount becomes a negative line; ERPNext's rounding
  adjustment becomes a line on Settings.rounding_account_code with no tax
  (Settings.zero_tax_type, else Xero's "NONE"). Sales lines must use revenue
  accounts; the rounding line may also use Xero's Rounding account (860), the one
  system account Xero takes on lines (engine/rules.py: line_account_refusal).
- The lines and taxes must add up to ERPNext's total within 0.10 (the rounding
  line takes the cents); otherwise the document is refused as inconsistent.
- Returns become ACCRECCREDIT credit notes with every sign flipped (positive).
- Foreign currency: ``CurrencyRate`` = 1 / ``conversion_rate`` (Xero's rate is
  base → foreign), 6 decimal places as Xero stores it.

Called by the engine (push) and by preflight.py, which shares the checks.

The phases live in their own modules: ``checks`` (numbers, the document, Xero's
codes), ``lines``, ``taxes``, ``totals`` and ``contacts``; ``document`` holds the
builder that runs them and the entry points below.
"""

from xero_connector.engine.mapping.document import (
	XeroDocument,
	collect,
	expected_total,
	map_sales_invoice,
	tax_uses,
)

__all__ = ["XeroDocument", "collect", "expected_total", "map_sales_invoice", "tax_uses"]
