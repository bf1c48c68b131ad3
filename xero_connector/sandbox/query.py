"""The read side of Xero's list endpoints: ``where``, ``order``, ``If-Modified-Since`` and paging.

``where`` takes the C#-like expressions Xero accepts, e.g.
``AccountNumber=="A1" AND ContactStatus=="ACTIVE"``,
``Contact.ContactID==Guid("…")``, ``Status!="DELETED"``, ``AmountDue>0``,
``Date>=DateTime(2026,01,31)``, ``Name.Contains("acme")``, ``Name.StartsWith("A")``,
``Name.ToLower()=="acme"``, with ``AND``/``&&``, ``OR``/``||``, ``NOT``/``!`` and parentheses.
String comparisons are case-sensitive, as in Xero, where ``ToLower()`` is the way to compare
without case (calcinai/xero-php#416, freakboy3742/pyxero#71, XeroAPI/xero-ruby#184). Expressions are evaluated against the
rendered (wire-format) record, with ``/Date(…)/`` values compared as dates.
Called by :mod:`.accounting` for every list endpoint.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from .xerodates import parse_stamp

PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 1000

_TOKEN = re.compile(
	r"""\s*(?:
	(?P<string>"(?:[^"\\]|\\.)*")
	|(?P<number>-?\d+(?:\.\d+)?)
	|(?P<op>==|!=|>=|<=|&&|\|\||[<>!(),.])
	|(?P<name>[A-Za-z_][A-Za-z0-9_]*)
	)""",
	re.VERBOSE,
)
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


class BadQuery(ValueError):
	"""A ``where`` or ``order`` Xero would not parse."""


# ---- where -------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
	out, pos = [], 0
	while pos < len(text):
		if text[pos:].strip() == "":
			break
		match = _TOKEN.match(text, pos)
		if not match or match.end() == pos:
			raise BadQuery(f"cannot parse where clause near {text[pos:]!r}")
		kind = match.lastgroup
		out.append((kind, match.group(kind)))
		pos = match.end()
	return out


class _Parser:
	"""Recursive descent over: expr := term (OR term)*; term := unary (AND unary)*; unary := NOT unary | atom."""

	def __init__(self, text: str):
		self.tokens = _tokens(text)
		self.pos = 0

	def peek(self):
		return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

	def take(self, value: str | None = None):
		token = self.peek()
		if token[0] is None or (value is not None and token[1].upper() != value.upper()):
			raise BadQuery(f"expected {value or 'more'} in where clause")
		self.pos += 1
		return token

	def parse(self):
		node = self.expr()
		if self.pos != len(self.tokens):
			raise BadQuery("unexpected text at end of where clause")
		return node

	def expr(self):
		node = self.term()
		while self.peek()[1] is not None and self.peek()[1].upper() in ("OR", "||"):
			self.take()
			node = ("or", node, self.term())
		return node

	def term(self):
		node = self.unary()
		while self.peek()[1] is not None and self.peek()[1].upper() in ("AND", "&&"):
			self.take()
			node = ("and", node, self.unary())
		return node

	def unary(self):
		if self.peek()[1] is not None and self.peek()[1].upper() in ("NOT", "!"):
			self.take()
			return ("not", self.unary())
		if self.peek()[1] == "(":
			self.take("(")
			node = self.expr()
			self.take(")")
			return node
		return self.comparison()

	def comparison(self):
		left = self.operand()
		kind, value = self.peek()
		if kind == "op" and value in ("==", "!=", ">", ">=", "<", "<="):
			self.take()
			return ("cmp", value, left, self.operand())
		return ("truthy", left)

	def operand(self):
		kind, value = self.take()
		if kind == "string":
			return ("lit", bytes(value[1:-1], "utf-8").decode("unicode_escape"))
		if kind == "number":
			return ("lit", Decimal(value))
		if kind != "name":
			raise BadQuery(f"unexpected {value!r} in where clause")
		upper = value.upper()
		if upper in ("TRUE", "FALSE"):
			return ("lit", upper == "TRUE")
		if upper == "NULL":
			return ("lit", None)
		if upper in ("GUID", "DATETIME") and self.peek()[1] == "(":
			args = self.arguments()
			if upper == "GUID":
				return ("lit", str(args[0]).lower())
			return ("lit", date(*(int(a) for a in args[:3])))
		path = [value]
		node = None
		while self.peek()[1] == ".":
			self.take(".")
			name = self.take()[1]
			if self.peek()[1] == "(":
				node = ("call", name.upper(), node or ("field", path), self.arguments())
			elif node is not None:
				raise BadQuery(f"unexpected {name!r} after a method call in where clause")
			else:
				path.append(name)
		return node or ("field", path)

	def arguments(self) -> list:
		self.take("(")
		args = []
		while self.peek()[1] != ")":
			kind, value = self.take()
			if kind == "string":
				args.append(value[1:-1])
			elif kind == "number":
				args.append(Decimal(value))
			elif value != ",":
				raise BadQuery(f"unexpected {value!r} in where clause")
		self.take(")")
		return args


def _field(record: dict, path: list[str]):
	value = record
	for name in path:
		if not isinstance(value, dict):
			return None
		match = next((k for k in value if k.lower() == name.lower()), None)
		value = value.get(match) if match else None
	return value


def _normal(value, fold: bool = True):
	"""Make a record value comparable with a literal: numbers → Decimal, MS dates → date, strings
	folded when ``fold`` (ordering; and ``where`` only with the loosened rule ``where_case``)."""
	if isinstance(value, bool) or value is None:
		return value
	if isinstance(value, (int, float)):
		return Decimal(str(value))
	if isinstance(value, str):
		match = _MS_DATE.match(value)
		if match:
			return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=timezone.utc).date()
		return value.casefold() if fold else value
	return value


def _raw(node, record):
	"""A field's value, or a string method's result (``Name.ToLower()``) before normalising."""
	if node[0] == "field":
		return _field(record, node[1])
	if node[0] == "call" and node[1] in ("TOLOWER", "TOUPPER"):
		text = _raw(node[2], record)
		if text is None:
			return None
		return str(text).lower() if node[1] == "TOLOWER" else str(text).upper()
	return _value(node, record, False)


def _value(node, record, fold: bool):
	kind = node[0]
	if kind == "lit":
		return _normal(node[1], fold) if isinstance(node[1], str) else node[1]
	if kind == "field":
		return _normal(_field(record, node[1]), fold)
	if kind == "call":
		_, method, target, args = node
		if method in ("TOLOWER", "TOUPPER"):
			return _normal(_raw(node, record), fold)
		text = _raw(target, record)
		text = "" if text is None else str(text)
		arg = str(args[0]) if args else ""
		# Xero compares strings case-sensitively; ToLower() is how a caller asks otherwise
		# (calcinai/xero-php#416, freakboy3742/pyxero#71, XeroAPI/xero-ruby#184)
		if fold:
			text, arg = text.casefold(), arg.casefold()
		if method in ("CONTAINS", "EQUALS"):
			return arg in text if method == "CONTAINS" else arg == text
		if method == "STARTSWITH":
			return text.startswith(arg)
		if method == "ENDSWITH":
			return text.endswith(arg)
		raise BadQuery(f"unsupported method {method} in where clause")
	raise BadQuery("bad where clause")


def _eval(node, record, fold: bool) -> bool:
	kind = node[0]
	if kind == "and":
		return _eval(node[1], record, fold) and _eval(node[2], record, fold)
	if kind == "or":
		return _eval(node[1], record, fold) or _eval(node[2], record, fold)
	if kind == "not":
		return not _eval(node[1], record, fold)
	if kind == "truthy":
		return bool(_value(node[1], record, fold))
	_, op, left_node, right_node = node
	left, right = _value(left_node, record, fold), _value(right_node, record, fold)
	if op == "==":
		return left == right
	if op == "!=":
		return left != right
	if left is None or right is None:
		return False
	try:
		return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]
	except TypeError:
		return False


def where_filter(text: str, case_sensitive: bool = True):
	"""Compile a ``where`` clause into a predicate over rendered records. Strings compare
	case-sensitively, as in Xero (``case_sensitive=False``: the loosened rule ``where_case``)."""
	tree = _Parser(text).parse()
	fold = not case_sensitive
	return lambda record: _eval(tree, record, fold)


# ---- order, modified-since, paging --------------------------------------------


def order_key(text: str):
	"""``order=UpdatedDateUTC DESC`` (or ``Name``, ``Date ASC``, …) → (key function, reverse)."""
	parts = text.strip().split()
	if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1].upper() not in ("ASC", "DESC")):
		raise BadQuery(f"cannot order by {text!r}")
	path = parts[0].split(".")

	def key(record):
		value = _normal(_field(record, path))
		return (value is None, value if value is not None else "")

	return key, len(parts) == 2 and parts[1].upper() == "DESC"


def modified_since(stored_stamp: str, since: datetime) -> bool:
	"""Xero's If-Modified-Since: the record's UpdatedDateUTC is strictly later than the header."""
	return parse_stamp(stored_stamp) > since


def page_of(records: list, page: int, page_size: int) -> tuple[list, dict]:
	"""One page and the v16 ``pagination`` object."""
	count = len(records)
	start = (page - 1) * page_size
	return records[start : start + page_size], {
		"page": page,
		"pageSize": page_size,
		"pageCount": math.ceil(count / page_size) if count else 0,
		"itemCount": count,
	}


def paging(query: dict[str, list[str]]) -> tuple[int, int] | None:
	"""``page``/``pageSize`` from the query string; None when the request is not paged."""
	page_text = first(query, "page")
	if page_text is None:
		return None
	try:
		page = max(1, int(page_text))
		size_text = first(query, "pageSize")
		size = int(size_text) if size_text else PAGE_SIZE_DEFAULT
	except ValueError:
		raise BadQuery("page and pageSize must be whole numbers")
	return page, min(max(1, size), PAGE_SIZE_MAX)


def first(query: dict[str, list[str]], name: str) -> str | None:
	"""A query parameter by name, case-insensitively (Xero accepts ``Page`` and ``page``)."""
	for key, values in query.items():
		if key.lower() == name.lower() and values:
			return values[0]
	return None


def id_list(query: dict[str, list[str]], name: str) -> list[str] | None:
	"""A comma-separated list parameter (``IDs``, ``InvoiceNumbers``, ``Statuses``, ``ContactIDs``)."""
	text = first(query, name)
	if text is None:
		return None
	return [part.strip() for part in text.split(",") if part.strip()]


def filtered_and_ordered(records: list[dict], query, case_sensitive: bool = True) -> list[dict]:
	"""Xero's ``where`` and ``order`` query parameters over rendered records (a new list:
	the organisation's own lists are never reordered)."""
	where = first(query, "where")
	if where:
		predicate = where_filter(where, case_sensitive)
		records = [r for r in records if predicate(r)]
	order = first(query, "order")
	if order:
		sort_key, reverse = order_key(order)
		records = sorted(records, key=sort_key, reverse=reverse)
	return records
