"""Decimal helpers for the mapping: converting ERPNext numbers, rounding the way
Xero does, spreading cents, and writing Decimals into JSON exactly.

ERPNext's ``as_dict()`` gives floats (``15.689999999999998``); they are read
through ``str()`` so that ``0.333`` stays ``0.333``, then rounded to the
precision that matters (2 dp for money). Called by mapping.py, taxes.py and
the engine when it serialises payloads.
"""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
UNIT_4DP = Decimal("0.0001")
RATE_6DP = Decimal("0.000001")
HALF_CENT = Decimal("0.005")


# ERPNext's numbers repeat a lot (rates, quantities, amounts), and Decimal(repr(float)) is
# the mapping's most frequent operation: remember recent conversions (bounded).
_FLOATS: dict[float, Decimal] = {}
_CENTS: dict[float, Decimal] = {}
_PLAIN: dict[Decimal, Decimal] = {}
_CACHE_LIMIT = 1 << 16


# ERPNext stores amounts, rates and quantities as decimal(21, 9): nothing it holds reaches 1e12, so
# NaN, Infinity and anything from 1e15 on is a document that did not come from ERPNext as it is
# (and would overflow the 4-decimal arithmetic: decimal.InvalidOperation out of the engine)
LARGEST = Decimal("1e15")


def _not_erpnext(value) -> ValueError:
	return ValueError(f"{value!r} is not a number ERPNext holds (not finite, or 1e15 or more)")


def _from_float(value: float) -> Decimal:
	found = _FLOATS.get(value)
	if found is None:
		if not math.isfinite(value) or abs(value) >= 1e15:
			raise _not_erpnext(value)
		if len(_FLOATS) >= _CACHE_LIMIT:
			_FLOATS.clear()
		found = _FLOATS[value] = Decimal(repr(value))
	return found


def dec(value) -> Decimal:
	"""An ERPNext number (float, int, str, Decimal, None) → Decimal; None and "" → 0."""
	kind = type(value)
	if kind is float:
		return _FLOATS.get(value) or _from_float(value)
	if kind is Decimal:
		return value
	if kind is int:
		return Decimal(value)
	if value is None or value == "":
		return ZERO
	if isinstance(value, float):
		return _from_float(float(value))
	if isinstance(value, Decimal):
		found = value
	else:
		try:
			found = Decimal(str(value).strip())
		except InvalidOperation:
			raise ValueError(f"{value!r} is not a number")
	if not found.is_finite() or abs(found) >= LARGEST:
		raise _not_erpnext(value)
	return found


def money(value) -> Decimal:
	"""Round to cents, half up (Xero rounds money half up)."""
	if type(value) is float:
		found = _CENTS.get(value)
		if found is None:
			if len(_CENTS) >= _CACHE_LIMIT:
				_CENTS.clear()
			found = _CENTS[value] = Decimal(repr(value)).quantize(CENT, ROUND_HALF_UP)
		return found
	if type(value) is Decimal:
		return value.quantize(CENT, ROUND_HALF_UP)
	return dec(value).quantize(CENT, ROUND_HALF_UP)


def q4(value: Decimal) -> Decimal:
	"""Round a unit amount to Xero's 4 decimal places (``unitdp=4``)."""
	return value.quantize(UNIT_4DP, ROUND_HALF_UP)


def plain(value: Decimal) -> Decimal:
	"""The same number without trailing zeros or exponent (3.0 → 3, 19.9900 → 19.99, 100 stays 100)."""
	found = _PLAIN.get(value)
	if found is None:
		if not value:
			return ZERO
		normal = value.normalize()
		found = normal.quantize(ONE) if normal.as_tuple().exponent > 0 else normal
		if len(_PLAIN) >= _CACHE_LIMIT:
			_PLAIN.clear()
		_PLAIN[value] = found
	return found


def decimal_places(value: Decimal) -> int:
	"""How many decimal places a Decimal really has (trailing zeros ignored)."""
	if not value:
		return 0
	exponent = value.normalize().as_tuple().exponent
	return max(0, -exponent)


def is_cent_midpoint(value: Decimal) -> bool:
	"""True when rounding ``value`` to cents is a tie (…5 exactly in the third place),
	where half-up and half-even disagree; the mapping avoids relying on such ties."""
	return abs(value % CENT) == HALF_CENT


def rounds_to(value: Decimal, target: Decimal) -> bool:
	"""True if ``value`` rounds to ``target`` cents under any rounding mode Xero might use."""
	rounded = value.quantize(CENT, ROUND_HALF_UP)
	# a tie (…5 exactly in the third place) is exactly half a cent from its half-up rounding
	return rounded == target and abs(value - rounded) != HALF_CENT


_FITS_4DP: dict[Decimal, bool] = {}


def fits_4dp(value: Decimal) -> bool:
	"""True if ``value`` has no more than 4 significant decimal places (Xero's ``unitdp=4``).
	Quantities and unit prices repeat a lot, so answers are remembered (bounded)."""
	found = _FITS_4DP.get(value)
	if found is None:
		found = value == value.quantize(UNIT_4DP)
		if len(_FITS_4DP) >= _CACHE_LIMIT:
			_FITS_4DP.clear()
		_FITS_4DP[value] = found
	return found


def distribute(
	raw: list[Decimal], preferred: list[Decimal], target: Decimal, eligible: list[bool]
) -> list[Decimal]:
	"""Cent amounts close to ``raw`` that sum exactly to ``target``.

	Starts from ``preferred`` (already in cents) and moves the difference one
	cent at a time onto eligible entries, first to those whose raw value is
	furthest from their preferred value in the needed direction (largest
	remainder). Used to spread ERPNext's tax-row totals over Xero lines.
	"""
	result = list(preferred)
	residual = target - sum(result, ZERO)
	if not residual:
		return result
	candidates = [i for i, ok in enumerate(eligible) if ok] or list(range(len(result)))
	if not candidates:
		return result
	step = CENT if residual > 0 else -CENT
	order = sorted(candidates, key=lambda i: (raw[i] - result[i]) * step, reverse=True)
	steps = int(abs(residual) / CENT)
	for n in range(steps):
		result[order[n % len(order)]] += step
	return result


_encode_str = json.encoder.encode_basestring  # what json.dumps(text, ensure_ascii=False) writes
_encode_key = json.encoder.encode_basestring_ascii  # what json.dumps(str(key)) writes
_LITERALS = {None: "null", True: "true", False: "false"}


def _encode(value, out: list[str]) -> None:
	"""Append ``value``'s canonical JSON to ``out``. The common types are dispatched on their exact
	type (payload hashing runs for every document pushed); the output is json.dumps'."""
	kind = type(value)
	if kind is str:
		out.append(_encode_str(value))
	elif kind is Decimal:
		out.append(str(value) if value.is_finite() else "null")
	elif kind is dict:
		out.append("{")
		first = True
		for key in sorted(value):
			if first:
				first = False
			else:
				out.append(",")
			out.append(_encode_key(key if type(key) is str else str(key)))
			out.append(":")
			_encode(value[key], out)
		out.append("}")
	elif kind is list or kind is tuple:
		out.append("[")
		for n, item in enumerate(value):
			if n:
				out.append(",")
			_encode(item, out)
		out.append("]")
	elif value is None or kind is bool:
		out.append(_LITERALS[value])
	elif kind is int:
		out.append(int.__repr__(value))
	else:
		_encode_other(value, out)


def _encode_other(value, out: list[str]) -> None:
	"""Subclasses of the JSON types and anything else, as json.dumps would write them."""
	if isinstance(value, Decimal):
		out.append(str(value) if value.is_finite() else "null")
	elif isinstance(value, dict):
		_encode(dict(value), out)
	elif isinstance(value, list | tuple):
		_encode(list(value), out)
	elif isinstance(value, float):
		raise TypeError("floats are not allowed in Xero payloads; use Decimal")
	else:
		out.append(json.dumps(value, ensure_ascii=False))


def dumps(value) -> str:
	"""Canonical JSON (sorted keys, no spaces) with Decimals written as exact JSON numbers.

	Used for payload hashes and for request bodies: ``requests``' ``json=`` cannot
	encode Decimal, so the engine sends ``data=dumps(body)`` with a JSON content type.
	"""
	out: list[str] = []
	_encode(value, out)
	return "".join(out)
