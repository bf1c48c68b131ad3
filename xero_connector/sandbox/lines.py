"""Line items of a sales document: Xero's per-line validation and amounts.

Called by :mod:`.documents` for invoices and credit notes alike.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from . import lengths, payables
from . import messages as msg
from .common import Ctx
from .totals import ZERO, BadNumber, LineInput, LineResult, compute_line, dec, money
from .tracking import line_tracking

NUMBER_FIELDS = ("Quantity", "UnitAmount", "LineAmount", "DiscountRate", "DiscountAmount", "TaxAmount")


def build_lines(
	ctx: Ctx,
	raw_lines: list,
	lat: str,
	status: str,
	previous: list[dict],
	unitdp: int,
	discounts: bool = True,
	purchases: bool = False,
) -> tuple[list[dict], list[LineResult], list[str]]:
	"""Validate and compute every line. Returns stored lines, their amounts and Xero's messages.

	``unitdp`` is 4 when re-validating stored lines, so their unit amounts are kept as they are;
	``discounts`` is False for credit notes and bills, whose lines take no DiscountRate/DiscountAmount;
	``purchases`` is True for bills and supplier credit notes (accounts and tax types of the buying
	side: sandbox/payables.py)."""
	stored, results, errors = [], [], []
	previous_ids = {line["LineItemID"] for line in previous}
	for raw in raw_lines:
		if not isinstance(raw, dict):
			errors.append(msg.DESCRIPTION_REQUIRED)
			continue
		line, result = _line(ctx, raw, lat, status, unitdp, errors, discounts, purchases)
		if raw.get("LineItemID") and str(raw["LineItemID"]).lower() in previous_ids:
			line["LineItemID"] = str(raw["LineItemID"]).lower()
		stored.append(line)
		results.append(result)
	return stored, results, _unique(errors)


def _unique(items: list[str]) -> list[str]:
	return list(dict.fromkeys(items))


def _line(
	ctx: Ctx,
	raw: dict,
	lat: str,
	status: str,
	unitdp: int,
	errors: list[str],
	discounts: bool = True,
	purchases: bool = False,
) -> tuple[dict, LineResult]:
	org = ctx.org
	item = org.item_by_code(raw.get("ItemCode")) if raw.get("ItemCode") else None
	if raw.get("ItemCode") and item is None:
		errors.append(msg.item_not_valid(raw["ItemCode"]))
	sales = (item or {}).get("SalesDetails") or {}
	numbers = {}
	for key in NUMBER_FIELDS:
		try:
			numbers[key] = dec(raw.get(key))
		except BadNumber:
			errors.append(msg.not_a_number(key))
			numbers[key] = None
	if numbers["UnitAmount"] is None and sales.get("UnitPrice") is not None:
		numbers["UnitAmount"] = Decimal(str(sales["UnitPrice"]))
	description = raw.get("Description") or (item or {}).get("Description")
	if not description:
		errors.append(msg.DESCRIPTION_REQUIRED)
	elif ctx.strict("field_lengths") and len(str(description)) > lengths.DESCRIPTION:
		errors.append(msg.too_long("Description", lengths.DESCRIPTION))
	if (
		not discounts
		and ctx.strict("credit_note_discount")
		and (numbers["DiscountRate"] or numbers["DiscountAmount"])
	):
		# components/schemas/LineItem/properties/DiscountRate (and DiscountAmount): "ACCPAY invoices
		# and credit notes in Xero do not support discounts"
		errors.append(msg.PAYABLE_NO_DISCOUNT if purchases else msg.CREDIT_NOTE_NO_DISCOUNT)
	account = _account(ctx, raw, sales, status, errors, purchases)
	tax_type, rate = _tax(ctx, raw, sales, account, lat, errors, purchases)
	result = compute_line(
		LineInput(
			quantity=numbers["Quantity"],
			unit_amount=numbers["UnitAmount"],
			line_amount=numbers["LineAmount"],
			discount_rate=numbers["DiscountRate"],
			discount_amount=numbers["DiscountAmount"],
			tax_amount=numbers["TaxAmount"],
		),
		rate,
		lat,
		unitdp,
	)
	given = numbers["LineAmount"]
	if (
		given is not None
		and numbers["Quantity"] is not None
		and numbers["UnitAmount"] is not None
		and money(given) != result.line_amount
		and ctx.strict("line_amount")
	):
		# Xero checks a LineAmount sent with Quantity and UnitAmount against its own
		# round(Quantity × UnitAmount × (1 − DiscountRate/100), 2) (or − DiscountAmount) to the cent,
		# and refuses it: "The line total 1.00 does not match the expected line total 0.00"
		# (XeroAPI/Xero-NetStandard#74, #147; community.xero.com/developer/discussion/144129369)
		errors.append(msg.line_total_mismatch(money(given), result.line_amount))
	if numbers["TaxAmount"] is not None and abs(result.tax_amount) > abs(result.line_amount):
		errors.append(msg.TAX_AMOUNT_TOO_BIG)
	line = {
		"LineItemID": str(uuid.uuid4()),
		"Description": description or "",
		"Quantity": str(result.quantity.quantize(Decimal("0.0001"))),
		"UnitAmount": str(result.unit_amount),
		"ItemCode": item["Code"] if item else None,
		"AccountCode": account["Code"] if account else raw.get("AccountCode"),
		"AccountID": account["AccountID"] if account else None,
		"TaxType": tax_type,
		"TaxAmount": str(result.tax_amount),
		"LineAmount": str(result.line_amount),
		"DiscountRate": str(numbers["DiscountRate"]) if numbers["DiscountRate"] else None,
		"DiscountAmount": str(numbers["DiscountAmount"]) if numbers["DiscountAmount"] else None,
		"Tracking": line_tracking(ctx, raw.get("Tracking"), errors),
		"_taxOverride": numbers["TaxAmount"] is not None and lat != "NoTax",
	}
	return line, result


# The one system account Xero takes on a sales line: Xero's own advice for a total that differs
# from another system's is an adjustment line on the document
# (https://developer.xero.com/documentation/api-guides/rounding-in-xero), and Xero's table of
# system accounts that block transactions (https://help.xero.com/uk/Chart-LockedSystem) does not
# list Rounding (default code 860, SystemAccount "ROUNDING").
LINE_SYSTEM_ACCOUNTS = frozenset({"ROUNDING"})


def _account(
	ctx: Ctx, raw: dict, sales: dict, status: str, errors: list[str], purchases: bool = False
) -> dict | None:
	"""The line's account, or None with Xero's message.

	Xero refuses, with "Account code 'X' is not a valid code for this document.":
	- an account Xero uses for its own entries (``SystemAccount`` set), except the Rounding account
	  (:data:`LINE_SYSTEM_ACCOUNTS`). Xero's staff on its developer forum: "pay attention to the
	  <SystemAccount> element ... if there is a value in there, it meant the account is used by Xero
	  for internal functions and you cannot post transactions to them"
	  (https://community.xero.com/developer/discussion/92539695, answering that very message for
	  Accounts Receivable); https://help.xero.com/uk/Chart-LockedSystem lists the system accounts
	  that block transactions, and Rounding is not among them;
	- a bank account (Type BANK) and any account outside the REVENUE class. Xero's documentation
	  is silent here (https://developer.xero.com/documentation/api/accounting/invoices: LineItems
	  AccountCode "See Accounts"; xero_accounting.yaml components/schemas/LineItem): the sandbox
	  keeps the stricter rule, so a connector that sends a sales line elsewhere fails a test rather
	  than, perhaps, production. The Rounding account (class LIABILITY) is the one exception the
	  documents support.
	"""
	org = ctx.org
	if raw.get("AccountID"):
		account = org.accounts.get(str(raw["AccountID"]).lower())
		code = account["Code"] if account else str(raw["AccountID"])
	else:
		code = raw.get("AccountCode") or sales.get("AccountCode")
		if not code:
			if status != "DRAFT":
				errors.append(msg.ACCOUNT_REQUIRED)
			return None
		account = org.account_by_code(code)
	if account is None:
		errors.append(msg.account_not_valid(code))
		return None
	if account["Status"] != "ACTIVE":
		errors.append(msg.account_archived(account["Code"]))
		return None
	if purchases:  # a bill's line: an expense or asset account (sandbox/payables.py)
		if payables.purchase_account_refusal(account, LINE_SYSTEM_ACCOUNTS):
			errors.append(msg.account_not_valid(account["Code"]))
			return None
		return account
	system = account.get("SystemAccount")
	if system in LINE_SYSTEM_ACCOUNTS:
		return account
	if account["Class"] != "REVENUE" or system or account["Type"] == "BANK":
		errors.append(msg.account_not_valid(account["Code"]))
		return None
	return account


def _tax(
	ctx: Ctx,
	raw: dict,
	sales: dict,
	account: dict | None,
	lat: str,
	errors: list[str],
	purchases: bool = False,
) -> tuple[str, Decimal]:
	"""The line's TaxType and its rate (0 for NoTax documents)."""
	if lat == "NoTax":
		return "NONE", ZERO
	tax_type = raw.get("TaxType") or sales.get("TaxType") or (account or {}).get("TaxType") or "NONE"
	tax_type = str(tax_type)
	rate = ctx.org.tax_rates.get(tax_type)
	if purchases:  # the rate's CanApplyTo… flag for the line's account class (sandbox/payables.py)
		usable = payables.purchase_tax_usable(rate, account)
	else:
		usable = rate is not None and rate["Status"] == "ACTIVE" and rate["CanApplyToRevenue"]
	if not usable:
		errors.append(msg.tax_type_invalid(tax_type))
		if account is not None:
			errors.append(msg.tax_type_not_for_account(tax_type, account["Code"]))
		return tax_type, ZERO
	return tax_type, Decimal(rate["EffectiveRate"])
