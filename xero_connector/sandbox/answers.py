"""The Accounting API's answers shared by :mod:`.accounting` and :mod:`.quotes` (kept apart so
that neither imports the other: issue 13)."""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_FOUND_TEXT = "The resource you're looking for cannot be found"


@dataclass
class ApiResponse:
	"""What the server sends back. ``body`` is JSON; when it is None and ``text`` is set, the
	server sends ``text`` as ``text/plain`` (Xero's 404 body is plain text)."""

	status: int
	body: dict | None
	headers: dict[str, str] = field(default_factory=dict)
	text: str | None = None


class BadRequest(Exception):
	def __init__(self, body: dict):
		super().__init__(body.get("Message", "bad request"))
		self.body = body


def validation_body(elements: list[dict]) -> dict:
	return {
		"ErrorNumber": 10,
		"Type": "ValidationException",
		"Message": "A validation exception occurred",
		"Elements": elements,
	}


def not_found() -> ApiResponse:
	return ApiResponse(404, None, {"Content-Type": "text/plain; charset=utf-8"}, NOT_FOUND_TEXT)
