"""One signed webhook POST, as Xero sends it: the ``x-xero-signature`` header
(base64 of HMAC-SHA256 of the raw body with the subscription's key), straight to
the receiver (never through a proxy from the environment), with a time-out.

Called by :class:`xero_connector.sandbox.webhooks.WebhookHub` for Intent to
Receive and event deliveries; webhooks.py re-exports :func:`sign`, which tests use
to sign payloads.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.error
import urllib.request

# Deliveries go straight to the receiver, never through a proxy from the environment.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign(key: str, body: bytes) -> str:
	"""The ``x-xero-signature`` value for ``body``."""
	return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def send(url: str, body: bytes, signature: str, timeout: float) -> tuple:
	"""POST ``body`` signed ``signature``; returns (status, seconds, response body, error,
	response header names). A time-out or refused connection is an error with no status."""
	request = urllib.request.Request(
		url,
		data=body,
		method="POST",
		headers={
			"Content-Type": "application/json",
			"x-xero-signature": signature,
			"User-Agent": "Xero-Sandbox-Webhooks",
		},
	)
	started = time.monotonic()
	try:
		with _DIRECT.open(request, timeout=timeout) as response:
			answer = response.read()
			return (
				response.status,
				time.monotonic() - started,
				answer,
				None,
				list(response.headers.keys()),
			)
	except urllib.error.HTTPError as error:
		answer = error.read() if error.fp else b""
		names = list(error.headers.keys()) if error.headers else []
		return error.code, time.monotonic() - started, answer, None, names
	except (TimeoutError, OSError) as error:
		elapsed = time.monotonic() - started
		if isinstance(error, TimeoutError) or "timed out" in str(error):
			return None, elapsed, b"", f"no answer within {timeout:g}s", []
		return None, elapsed, b"", f"could not connect: {error.__class__.__name__}", []
