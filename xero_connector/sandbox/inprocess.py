"""An in-process client for the Accounting API, with the shape of ``requests`` calls.

For fast unit tests of code that talks to Xero: no server, no tokens, no
limits — just :meth:`.accounting.AccountingAPI.handle` on an organisation.
Tests that need the real HTTP behaviour use the platform's ``xero_http``
fixture instead; both return objects with ``status_code``, ``headers``,
``text`` and ``json()``.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

from .accounting import AccountingAPI
from .clock import ManualClock
from .rules import check
from .seed import demo_organisation
from .state import Organisation


class InProcessResponse:
	def __init__(self, status_code: int, body: dict | None, headers: dict[str, str], text: str | None):
		self.status_code = status_code
		self.headers = headers
		self._body = body
		self.text = json.dumps(body) if body is not None else (text or "")

	def json(self):
		if self._body is None:
			raise ValueError("response body is not JSON")
		return json.loads(self.text)


class InProcessClient:
	"""``get``/``put``/``post`` against one organisation; ``events`` collects emitted webhook events."""

	def __init__(self, org: Organisation | None = None, clock=None, loosen=()):
		"""``loosen``: strict rules to loosen for a test that needs it (names in :mod:`.rules`)."""
		self.org = org or demo_organisation()
		self.clock = clock or ManualClock()
		self.events: list[tuple[str, str, str]] = []
		self.api = AccountingAPI(
			self.org, self.clock, lambda *event: self.events.append(event), check(loosen)
		)

	def request(
		self, method: str, path: str, json_body=None, params=None, headers=None, data: bytes | None = None
	) -> InProcessResponse:
		path, _, query_text = path.partition("?")
		query = parse_qs(query_text, keep_blank_values=True)
		if params:
			query.update(parse_qs(urlencode(params, doseq=True), keep_blank_values=True))
		body = json.dumps(json_body).encode() if json_body is not None else (data or b"")
		lowered = {k.lower(): v for k, v in (headers or {}).items()}
		response = self.api.handle(method, path, query, lowered, body)
		return InProcessResponse(response.status, response.body, response.headers, response.text)

	def get(self, path, params=None, headers=None):
		return self.request("GET", path, None, params, headers)

	def put(self, path, json=None, params=None, headers=None, data=None):
		return self.request("PUT", path, json, params, headers, data)

	def post(self, path, json=None, params=None, headers=None, data=None):
		return self.request("POST", path, json, params, headers, data)
