"""The rules the connector applies in several places, each written once (engine/rules.py):
which Xero accounts take a sales line, what the customer owes, what stops a void."""

from decimal import Decimal

import pytest

from xero_connector.engine.rules import (
	customer_owes,
	is_revenue_account,
	line_account_refusal,
	owed_sign_fits,
	void_blocked_by,
)


@pytest.mark.parametrize(
	"account_class, account_type, revenue",
	[
		("REVENUE", "REVENUE", True),
		("REVENUE", "SALES", True),
		("REVENUE", "OTHERINCOME", True),
		("REVENUE", None, True),  # Xero gave no type: the class decides
		(None, "SALES", True),  # no class: the type decides
		("EXPENSE", "EXPENSE", False),
		("ASSET", "BANK", False),
		("LIABILITY", "CURRLIAB", False),
		("EXPENSE", "SALES", False),  # a sales-typed account outside the revenue class
		("REVENUE", "CURRLIAB", False),
		(None, None, False),
	],
)
def test_only_revenue_accounts_take_a_sales_line(account_class, account_type, revenue):
	assert is_revenue_account(account_class, account_type) is revenue


@pytest.mark.parametrize(
	"account_class, account_type, system_account, rounding_line, refusal",
	[
		("REVENUE", "SALES", None, False, None),
		("REVENUE", "SALES", "", True, None),  # Xero sends "" for a non-system account
		("LIABILITY", "CURRLIAB", "ROUNDING", True, None),  # Xero's Rounding account: the rounding line
		("LIABILITY", "CURRLIAB", "ROUNDING", False, "system_account"),  # ...but no sales
		("LIABILITY", "CURRLIAB", "GST", True, "system_account"),
		("ASSET", "CURRENT", "DEBTORS", False, "system_account"),
		("EXPENSE", "OVERHEADS", None, True, "account_not_revenue"),
		("ASSET", "BANK", None, False, "account_not_revenue"),
	],
)
def test_which_accounts_take_a_sales_line(
	account_class, account_type, system_account, rounding_line, refusal
):
	assert line_account_refusal(account_class, account_type, system_account, rounding_line) == refusal


def test_the_customer_owes_the_rounded_total_where_erpnext_rounds():
	assert customer_owes({"grand_total": 114.99, "rounded_total": 115.0}) == Decimal("115.00")
	assert customer_owes(
		{"grand_total": 114.99, "rounded_total": 115.0, "disable_rounded_total": 1}
	) == Decimal("114.99")
	assert customer_owes({"grand_total": 114.99, "rounded_total": 0}) == Decimal("114.99")
	# a return is negative, as ERPNext keeps it
	assert customer_owes({"grand_total": -20.5, "rounded_total": -21.0, "is_return": 1}) == Decimal("-21.00")


def test_payments_and_credit_stop_a_void():
	assert void_blocked_by(0, 0) == []
	assert void_blocked_by(Decimal("10.00"), 0) == ["payments"]
	assert void_blocked_by(0, "5.00") == ["credit"]
	assert void_blocked_by(1, 1) == ["payments", "credit"]
	assert void_blocked_by(0, 0, "PAID") == ["payments"]  # paid in full, amounts not yet pulled
	assert void_blocked_by(None, None, "AUTHORISED") == []


@pytest.mark.parametrize(
	"doc, fits",
	[
		({"grand_total": 10.0}, True),
		({"grand_total": 0.0}, True),
		({"grand_total": -0.01, "disable_rounded_total": 1}, False),
		({"grand_total": -0.4, "rounded_total": 0.0}, False),  # no rounding to the dollar: -0.40 owed
		({"grand_total": -20.5, "rounded_total": -21.0, "is_return": 1}, True),
		({"grand_total": 20.5, "is_return": 1}, False),
	],
)
def test_an_invoice_owes_zero_or_more_and_a_return_credits(doc, fits):
	"""Xero refuses a document whose total is negative: an ordinary invoice must not owe less
	than zero, and a return (a credit note in Xero) must not owe more than zero."""
	assert owed_sign_fits(doc) is fits
