"""The glue between the official ``xero-python`` SDK and our request pipeline.

The SDK's ``AccountingApi`` builds each call (path, query, headers such as
``Idempotency-Key`` and ``If-Modified-Since``); this module supplies what it
sends them with:

- ``SdkTransport`` replaces the SDK's urllib3 transport so that urllib3 never
  retries on its own (our RetryPolicy decides, with the same Idempotency-Key),
  timeouts are always set, and request bodies are sent exactly as encoded by
  ``encode_json`` (money stays Decimal text; the SDK would turn it into float);
- ``BearerAuth`` gives the SDK the access token for the current thread only.

Called by XeroClient; nothing else needs it.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

import urllib3
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.exceptions import HTTPStatusException
from xero_python.rest import RESTClientObject, RESTResponse

_MARK = f"@@decimal-{secrets.token_hex(8)}:"
_MARK_RE = re.compile('"' + re.escape(_MARK) + r'(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"')


def _prepare(value):
	if isinstance(value, Decimal):
		if not value.is_finite():
			raise ValueError(f"Cannot send {value} to Xero")
		return f"{_MARK}{value}"
	if isinstance(value, dict):
		return {k: _prepare(v) for k, v in value.items()}
	if isinstance(value, list | tuple):
		return [_prepare(v) for v in value]
	if isinstance(value, datetime | date):
		return value.isoformat()
	return value


def encode_json(value) -> bytes:
	"""JSON bytes for a request body; Decimal values are written as JSON numbers with
	their exact digits (never through float)."""
	text = json.dumps(_prepare(value), separators=(",", ":"), ensure_ascii=False)
	return _MARK_RE.sub(lambda m: m.group(1), text).encode("utf-8")


def decode_json(data: bytes | str | None):
	"""Parse a response body; numbers with a fraction become Decimal."""
	if not data:
		return None
	if isinstance(data, bytes):
		data = data.decode("utf-8-sig")
	return json.loads(data, parse_float=Decimal)


class BearerAuth:
	"""Stands in for the SDK's OAuth2Token: the SDK asks it for the Authorization
	header of each call; the value is set per thread by XeroClient."""

	def __init__(self):
		self._local = threading.local()

	def set(self, access_token: str | None) -> None:
		self._local.value = access_token

	def get_auth_settings(self):
		token = getattr(self._local, "value", None)
		return {
			"type": "oauth2",
			"in": "header",
			"key": "Authorization",
			"value": f"Bearer {token}" if token else None,
		}

	def __repr__(self) -> str:
		return "BearerAuth(***)"


class SdkTransport(RESTClientObject):
	"""urllib3 transport for the SDK without hidden retries and with our encoding."""

	def __init__(self, configuration, pool_size: int = 16, timeout: tuple[float, float] = (10.0, 60.0)):
		self.default_timeout = timeout
		self.pool_manager = urllib3.PoolManager(num_pools=4, maxsize=pool_size, retries=False, block=False)

	def request(
		self,
		method,
		url,
		query_params=None,
		headers=None,
		body=None,
		post_params=None,
		_preload_content=True,
		_request_timeout=None,
	):
		headers = dict(headers or {})
		if query_params:
			url += ("&" if "?" in url else "?") + urlencode(query_params)
		if body is not None and not isinstance(body, bytes | str):
			body = encode_json(body)
		if isinstance(body, str):
			body = body.encode("utf-8")
		if body is not None:
			headers.setdefault("Content-Type", "application/json")
		timeout = _request_timeout or self.default_timeout
		if isinstance(timeout, tuple):
			timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
		else:
			timeout = urllib3.Timeout(total=timeout)
		response = self.pool_manager.request(
			method, url, body=body, headers=headers, timeout=timeout, retries=False, preload_content=True
		)
		wrapped = RESTResponse(response)
		if not 200 <= response.status <= 299:
			raise HTTPStatusException(http_resp=wrapped)
		return wrapped


def make_api_client(
	timeout: tuple[float, float] = (10.0, 60.0), pool_size: int = 16
) -> tuple[ApiClient, BearerAuth]:
	"""An SDK ApiClient wired to SdkTransport and a per-thread BearerAuth."""
	bearer = BearerAuth()
	# Configuration() hands out copies of a process-wide default and ignores its
	# arguments after the first call, so the token source is set on the copy.
	configuration = Configuration()
	configuration.oauth2_token = bearer
	api_client = ApiClient(configuration, pool_threads=1)
	api_client.rest_client = SdkTransport(configuration, pool_size=pool_size, timeout=timeout)
	api_client.user_agent = "xero_connector (xero-python)"
	return api_client, bearer
