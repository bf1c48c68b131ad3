"""Idempotency keys for Xero writes (DESIGN.md, "Delivery guarantees").

A key is derived from the site, the document, the operation and the payload
hash, so that the same write retried within Xero's replay window is answered
from Xero's stored response instead of being applied twice, while a changed
document gets a new key. Xero accepts keys of at most 128 characters.

Called by the engine modules before every write; batch writes use
:func:`batch_key` over their elements' keys.
"""

from __future__ import annotations

import hashlib
import json
import re

MAX_KEY_LENGTH = 128
_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]+")


def payload_hash(payload) -> str:
	"""SHA-256 of a JSON payload with sorted keys (Decimals and dates as text)."""
	text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
	return hashlib.sha256(text.encode()).hexdigest()


def idempotency_key(site_id: str, document: str, operation: str, digest: str) -> str:
	"""``site:document:operation:hash`` in a header-safe alphabet, ≤128 characters.

	Readable when it fits; otherwise the site and document are shortened and a
	hash of the full key keeps it unique.

	>>> idempotency_key("erp.example.com", "ACC-SINV-2026-00018", "push", "ab" * 32)[:44]
	'erp.example.com:ACC-SINV-2026-00018:push:abab'
	"""
	site = _UNSAFE.sub("_", site_id)
	doc = _UNSAFE.sub("_", document)
	key = f"{site}:{doc}:{operation}:{digest[:24]}"
	if len(key) <= MAX_KEY_LENGTH:
		return key
	full = hashlib.sha256(f"{site_id}\0{document}\0{operation}\0{digest}".encode()).hexdigest()
	return f"{site[:24]}:{doc[:40]}:{operation}:{full[:48]}"[:MAX_KEY_LENGTH]


def batch_key(site_id: str, operation: str, element_keys: list[str]) -> str:
	"""One key for a request that carries several elements: the same elements in the
	same order give the same key."""
	digest = hashlib.sha256("\n".join(element_keys).encode()).hexdigest()
	return idempotency_key(site_id, "batch", operation, digest)
