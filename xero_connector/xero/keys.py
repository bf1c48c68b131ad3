"""Idempotency-Keys as Xero takes them: at most 128 characters, one per request of a batch."""

from __future__ import annotations

import hashlib

MAX_KEY_LENGTH = 128


def chunk_key(key: str, index: int, chunks: int) -> str:
	"""The Idempotency-Key of chunk ``index`` of a batch: the caller's key when the batch
	fits one request, else the key plus the chunk index; always ≤128 characters."""
	derived = key if chunks == 1 else f"{key}:{index}"
	return fit_key(derived)


def fit_key(key: str) -> str:
	"""``key`` shortened deterministically to Xero's 128-character limit."""
	if not key or not isinstance(key, str):
		raise ValueError("An Idempotency-Key is required for every write")
	if len(key) <= MAX_KEY_LENGTH:
		return key
	digest = hashlib.sha256(key.encode()).hexdigest()
	return f"{key[: MAX_KEY_LENGTH - 65]}-{digest}"
