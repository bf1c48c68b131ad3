"""Xero's money rules in the sandbox: line amounts, per-line tax rounding, Inclusive/Exclusive/NoTax."""

from decimal import Decimal as D

import pytest

from xero_connector.sandbox.totals import LineInput, compute_line, document_totals


def line(quantity, unit_amount, **kwargs):
	return LineInput(D(quantity), D(unit_amount), **{k: D(v) for k, v in kwargs.items()})


def test_exclusive_line_rounds_amount_and_tax_half_up_per_line():
	result = compute_line(line("3", "10.125"), D("15"), "Exclusive", unitdp=4)
	assert result.line_amount == D("30.38")  # 30.375 rounds half up
	assert result.tax_amount == D("4.56")  # 4.557


def test_without_unitdp_4_the_unit_amount_is_rounded_to_two_places_first():
	result = compute_line(line("3", "10.125"), D("15"), "Exclusive", unitdp=2)
	assert result.unit_amount == D("10.13")
	assert result.line_amount == D("30.39")


def test_inclusive_tax_is_the_tax_fraction_of_the_line_amount():
	result = compute_line(line("1", "115.00"), D("15"), "Inclusive")
	assert (result.line_amount, result.tax_amount) == (D("115.00"), D("15.00"))
	odd = compute_line(line("1", "10.00"), D("15"), "Inclusive")
	assert odd.tax_amount == D("1.30")  # 10 × 0.15 / 1.15 = 1.3043…


def test_no_tax_lines_carry_no_tax_even_with_a_rate():
	assert compute_line(line("2", "50"), D("15"), "NoTax").tax_amount == D("0.00")


def test_discount_rate_applies_before_rounding():
	result = compute_line(line("3", "33.33", discount_rate="12.5"), D("15"), "Exclusive")
	assert result.line_amount == D("87.49")  # 99.99 × 0.875 = 87.49125
	assert result.discount == D("12.50")


def test_client_tax_amount_overrides_the_computed_tax():
	result = compute_line(line("1", "100", tax_amount="14.99"), D("15"), "Exclusive")
	assert result.tax_amount == D("14.99")


def test_document_totals_sum_the_rounded_lines():
	lines = [compute_line(line("1", "0.05"), D("15"), "Exclusive") for _ in range(3)]
	totals = document_totals(lines, "Exclusive")
	# each line's tax 0.0075 rounds to 0.01, so the document's tax is 0.03, not round(0.0225) = 0.02
	assert (totals.sub_total, totals.total_tax, totals.total) == (D("0.15"), D("0.03"), D("0.18"))


def test_inclusive_document_subtotal_excludes_tax():
	lines = [
		compute_line(line("1", "115"), D("15"), "Inclusive"),
		compute_line(line("1", "10"), D("0"), "Inclusive"),
	]
	totals = document_totals(lines, "Inclusive")
	assert (totals.sub_total, totals.total_tax, totals.total) == (D("110.00"), D("15.00"), D("125.00"))


@pytest.mark.parametrize("given", [None, "250.00"])
def test_a_line_amount_alone_fills_the_missing_quantity_and_unit(given):
	result = compute_line(LineInput(None, None, line_amount=D(given) if given else None), D("0"), "Exclusive")
	assert result.line_amount == (D(given) if given else D("0.00"))
	assert result.quantity == D("1")
