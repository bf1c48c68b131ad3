"""Keep secrets out of logs, exception messages and stored request/response bodies.

Used by the client's own logging, by its exceptions, and by the Sync Log (which
stores request and response bodies): ``redact(body)``, ``redact_headers(headers)``
and ``redact_text(text)`` return copies with every token and secret replaced by
``***``. ``SecretFilter`` is a logging filter that scrubs values registered with
``register_secret`` from every log record that passes through a handler.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable, Mapping

MASK = "***"

# Keys whose values are secret, compared case-insensitively...
SECRET_KEYS = frozenset(
	{
		"access_token",
		"refresh_token",
		"id_token",
		"client_secret",
		"code_verifier",
		"authorization",
		"proxy-authorization",
		"cookie",
		"set-cookie",
		"password",
		"secret",
		"token",
		"webhook_key",
		"x-xero-signature",
		"assertion",
	}
)
# ...and keys that are secret only in their exact lower-case OAuth spelling
# (Xero's own "Code" is an account or item code, not a secret).
SECRET_KEYS_EXACT = frozenset({"code", "state"})

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_FORM_SECRET = re.compile(
	r"\b((?i:access_token|refresh_token|id_token|client_secret|code_verifier|token)|code)=([^&\s\"'=][^&\s\"']*)"
)
_JSON_SECRET = re.compile(
	r"(?i)(\"(?:access_token|refresh_token|id_token|client_secret|code_verifier)\"\s*:\s*\")([^\"]*)(\")"
)

_registry_lock = threading.Lock()
_registered: set[str] = set()


def is_secret_key(key) -> bool:
	if not isinstance(key, str):
		return False
	return key.lower() in SECRET_KEYS or key in SECRET_KEYS_EXACT


def redact(value):
	"""A deep copy of a JSON-like value with secret fields masked and secret
	substrings removed from strings."""
	if isinstance(value, Mapping):
		return {
			k: (MASK if is_secret_key(k) and v not in (None, "") else redact(v)) for k, v in value.items()
		}
	if isinstance(value, list | tuple):
		return [redact(v) for v in value]
	if isinstance(value, str):
		return redact_text(value)
	return value


def redact_headers(headers: Mapping | Iterable | None) -> dict:
	"""Headers as a dict with Authorization, cookies and signatures masked."""
	if headers is None:
		return {}
	items = headers.items() if isinstance(headers, Mapping) else headers
	out = {}
	for key, value in items:
		if isinstance(key, str) and key.lower() in ("authorization", "proxy-authorization"):
			scheme = str(value).split(" ", 1)[0] if value else ""
			out[key] = f"{scheme} {MASK}".strip()
		elif is_secret_key(key):
			out[key] = MASK
		else:
			out[key] = redact_text(value) if isinstance(value, str) else value
	return out


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
	"""``text`` with bearer/basic credentials, JWTs, ``token=...`` pairs, JSON token
	fields, registered secrets and the given ``secrets`` masked."""
	if not text:
		return text
	for secret in (*secrets, *_snapshot()):
		if secret and len(secret) >= 6 and secret in text:
			text = text.replace(secret, MASK)
	text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
	text = _JWT.sub(MASK, text)
	text = _JSON_SECRET.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
	text = _FORM_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
	return text


def register_secret(value: str | None) -> None:
	"""Remember a secret value (token, client secret, webhook key) so that
	``redact_text`` and ``SecretFilter`` mask it wherever it shows up. Called by
	the token and OAuth code whenever a secret enters the process."""
	if value and len(value) >= 6:
		with _registry_lock:
			_registered.add(value)
			if len(_registered) > 5000:  # bounded: forget the oldest-ish half
				for old in list(_registered)[:2500]:
					_registered.discard(old)


def _snapshot() -> tuple[str, ...]:
	with _registry_lock:
		return tuple(_registered)


def mask(value: str | None, keep: int = 4) -> str:
	"""A hint for humans: the last ``keep`` characters of a secret, e.g. ``***a1b2``."""
	if not value:
		return ""
	return MASK + value[-keep:] if len(value) > keep * 4 else MASK


class SecretFilter(logging.Filter):
	"""A logging filter that rewrites each record's message with ``redact_text``.

	Install it on handlers (``install_log_redaction()`` does so for the root
	logger's handlers); it never drops a record."""

	def filter(self, record: logging.LogRecord) -> bool:
		try:
			message = record.getMessage()
		except Exception:
			return True
		clean = redact_text(message)
		if clean != message:
			record.msg = clean
			record.args = ()
		return True


_installed: weakref.WeakSet = weakref.WeakSet()


def install_log_redaction(logger: logging.Logger | None = None) -> None:
	"""Add a ``SecretFilter`` to every handler of ``logger`` (default: root) that
	does not have one yet. Called by the Frappe shell and the CLI at start-up."""
	target = logger or logging.getLogger()
	for handler in target.handlers:
		if handler not in _installed:
			handler.addFilter(SecretFilter())
			_installed.add(handler)


class Secret(str):
	"""A token or secret that still works as a ``str`` (requests sends it as it is) but
	shows as ``'***'`` wherever it is repr'd: traceback locals (Frappe's Error Log prints
	every frame's variables), logs and debuggers."""

	def __repr__(self) -> str:
		return "'***'"


def redacted_json(value) -> str | None:
	"""Readable JSON text of a request or response body (JSON text or an object), with
	secrets masked; text that is not JSON is redacted as text. Used for the Sync Log."""
	import json

	if value in (None, ""):
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			return redact_text(value)
	return json.dumps(redact(value), indent=1, sort_keys=True, default=str)
