"""Bytes on the wire: Xero's JSON (Decimal money kept exact), its problem
responses for 401/403/429/5xx, and the small HTML pages of the identity flow.
Called by :mod:`xero_connector.sandbox.routes` and :mod:`.pipeline`."""

from __future__ import annotations

import html
import json
import re
import uuid
from decimal import Decimal

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
_DECIMAL_MARK = re.compile(r'"\\u0000sandbox-decimal:([-+0-9.Ee]+)"')


def _decimal_placeholder(value):
	if isinstance(value, Decimal):
		return "\u0000sandbox-decimal:" + format(value, "f")
	if isinstance(value, (set, tuple)):
		return list(value)
	raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value) -> bytes:
	"""JSON with Decimals written as exact numbers (``115.00`` stays ``115.00``)."""
	text = json.dumps(value, default=_decimal_placeholder, separators=(",", ":"))
	return _DECIMAL_MARK.sub(r"\1", text).encode()


def problem(status: int, title: str, detail: str) -> dict:
	"""Xero's problem body, e.g. ``{"Type":null,"Title":"Unauthorized","Status":401,
	"Detail":"AuthenticationUnsuccessful","Instance":"…","Extensions":{}}``."""
	return {
		"Type": None,
		"Title": title,
		"Status": status,
		"Detail": detail,
		"Instance": str(uuid.uuid4()),
		"Extensions": {},
	}


TITLES = {
	400: "Bad Request",
	401: "Unauthorized",
	403: "Forbidden",
	404: "Not Found",
	405: "Method Not Allowed",
	411: "Length Required",
	413: "Request Entity Too Large",
	429: "Too Many Requests",
	500: "Internal Server Error",
	502: "Bad Gateway",
	503: "Service Unavailable",
	504: "Gateway Timeout",
}


def problem_for(status: int, detail: str | None = None) -> dict:
	title = TITLES.get(status, "Error")
	return problem(status, title, detail or title)


def page(title: str, body_html: str) -> bytes:
	"""A minimal, self-contained HTML page."""
	return (
		"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
		f"<title>{html.escape(title)}</title>"
		"<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:40rem;color:#1e2b38}"
		"button{padding:.5rem 1.2rem;margin-right:.5rem}label{display:block;margin:.4rem 0}"
		".muted{color:#667}</style></head><body>"
		f"{body_html}</body></html>"
	).encode()


def consent_page(action: str, hidden: dict[str, str], client_name: str, scope: str, tenants: list) -> bytes:
	"""Xero-like consent page: pick the organisations to connect, Allow or Cancel."""
	fields = "".join(
		f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
		for k, v in hidden.items()
		if v
	)
	choices = "".join(
		f"<label><input type='checkbox' name='tenant_id' value='{html.escape(t.tenant_id)}'"
		f"{' checked' if index == 0 else ''}> {html.escape(t.name)}</label>"
		for index, t in enumerate(tenants)
	)
	scopes = "".join(f"<li>{html.escape(s)}</li>" for s in scope.split())
	body = (
		f"<h1>{html.escape(client_name)} wants to access your Xero data</h1>"
		f"<p class='muted'>Xero sandbox — requested permissions:</p><ul>{scopes}</ul>"
		f"<form method='post' action='{html.escape(action)}'>{fields}"
		f"<fieldset><legend>Organisations</legend>{choices}</fieldset><p>"
		"<button type='submit' name='decision' value='allow'>Allow access</button>"
		"<button type='submit' name='decision' value='deny'>Cancel</button></p></form>"
	)
	return page("Xero sandbox — allow access", body)


def error_page(error: str, description: str) -> bytes:
	body = f"<h1>Sorry, something went wrong</h1><p><code>{html.escape(error)}</code></p><p>{html.escape(description)}</p>"
	return page("Xero sandbox — error", body)
