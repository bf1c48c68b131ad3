"""The shipped accounting rules (:mod:`.accounting`, :mod:`.seed`, :mod:`.state`)
behind the server's :class:`~xero_connector.sandbox.contract.AccountingBackend` seam.

Called by :class:`~xero_connector.sandbox.server.Sandbox` for every admitted
Accounting API call, for seeding and persistence, and for the web page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from xero_connector.sandbox.accounting import AccountingAPI
from xero_connector.sandbox.clock import Clock
from xero_connector.sandbox.contract import ApiRequest, ApiResponse, ResourceEvent
from xero_connector.sandbox.page import render_index
from xero_connector.sandbox.rules import check
from xero_connector.sandbox.seed import demo_organisation
from xero_connector.sandbox.state import Organisation


class SandboxAccounting:
	"""Adapter from the server's contract to :class:`.accounting.AccountingAPI`."""

	def __init__(self, clock: Clock | None = None, loosen=()):
		self.clock = clock or Clock()
		self.loosened = check(loosen)  # strict rules a test loosened (sandbox/rules.py)

	def new_organisation(self, tenant_id: str, name: str, clock: Clock, base_currency: str = "NZD") -> Any:
		return demo_organisation(tenant_id, name, base_currency)

	def handle(self, organisation: Any, request: ApiRequest) -> ApiResponse:
		raised: list[tuple[str, str, str]] = []
		api = AccountingAPI(organisation, self.clock, lambda *event: raised.append(event), self.loosened)
		query = parse_qs(request.raw_query, keep_blank_values=True)
		answer = api.handle(request.method, request.path, query, request.headers, request.body)
		headers = dict(answer.headers or {})
		if answer.body is None and answer.text is not None:
			headers.setdefault("Content-Type", "text/plain; charset=utf-8")
			body: Any = answer.text.encode()
		else:
			body = answer.body
		events = [self._event(organisation, *event) for event in raised]
		return ApiResponse(answer.status, body, headers, events)

	@staticmethod
	def _event(organisation: Any, category: str, resource_id: str, event_type: str) -> ResourceEvent:
		data = None
		if category == "CREDITNOTE":
			note = organisation.credit_notes.get(resource_id) or {}
			data = {"Type": note.get("Type", "ACCRECCREDIT"), "Status": note.get("Status", "DRAFT")}
		return ResourceEvent(category, resource_id, event_type, data)

	def dump(self, organisation: Any) -> dict:
		return organisation.to_dict()

	def load(self, data: dict, clock: Clock) -> Any:
		return Organisation.from_dict(data)

	def render_page(self, organisations: list[Any]) -> str:
		return render_index(organisations)
