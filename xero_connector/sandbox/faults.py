"""Fault injection, switchable while the sandbox runs.

A :class:`Fault` applies to the next ``count`` Accounting API calls that match
it (method, path fragment, tenant), optionally with a probability for chaos
runs. Kinds:

- ``error``: answer with ``status`` (default 500) — ``when="before"`` the write
  happens (nothing stored) or ``"after"`` it is committed (the write stands, the
  client only sees the error);
- ``drop``: close the connection without an answer, before or after the commit;
- ``slow``: wait ``delay`` seconds before handling (``before``) or before
  answering a committed write (``after``, i.e. a client time-out after commit);
- ``rate_limit``: answer 429 with ``Retry-After`` and ``X-Rate-Limit-Problem``
  (a 429 burst; the call is not handled).

Token expiry is an action, not a queued fault:
:meth:`xero_connector.sandbox.server.Sandbox.expire_tokens`.

Controlled from Python (``sandbox.faults.add(...)``) or over HTTP
(``POST/GET/DELETE /sandbox/faults``).
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import asdict, dataclass, field

KINDS = ("error", "drop", "slow", "rate_limit")
PHASES = ("before", "after")


class FaultSpecError(ValueError):
	"""A fault description that cannot be used (answered 400 by the admin endpoint)."""


@dataclass
class Fault:
	kind: str
	when: str = "before"
	count: int | None = 1
	status: int = 500
	delay: float = 0.0
	retry_after: int = 1
	problem: str = "minute"
	probability: float = 1.0
	method: str | None = None
	path: str | None = None
	tenant_id: str | None = None
	id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
	fired: int = 0

	def __post_init__(self):
		if self.kind not in KINDS:
			raise FaultSpecError(f"kind must be one of {', '.join(KINDS)}")
		if self.when not in PHASES:
			raise FaultSpecError("when must be 'before' or 'after'")
		if self.kind == "rate_limit" and self.when != "before":
			raise FaultSpecError("a rate_limit fault can only happen before the call is handled")
		if self.kind == "error" and not 400 <= int(self.status) <= 599:
			raise FaultSpecError("status must be an HTTP error status (400-599)")
		if self.count is not None and int(self.count) < 1:
			raise FaultSpecError("count must be at least 1, or null for 'until cleared'")
		if not 0.0 < float(self.probability) <= 1.0:
			raise FaultSpecError("probability must be in (0, 1]")
		if float(self.delay) < 0:
			raise FaultSpecError("delay must not be negative")

	def matches(self, method: str, path: str, tenant_id: str | None) -> bool:
		if self.method and self.method.upper() != method.upper():
			return False
		if self.path and self.path.lower() not in path.lower():
			return False
		return not (self.tenant_id and self.tenant_id != tenant_id)

	@classmethod
	def from_dict(cls, data: dict) -> Fault:
		allowed = set(cls.__dataclass_fields__) - {"id", "fired"}
		unknown = set(data) - allowed
		if unknown:
			raise FaultSpecError(f"unknown fault fields: {', '.join(sorted(map(str, unknown)))}")
		if "kind" not in data:
			raise FaultSpecError("kind is required")
		try:
			return cls(**data)
		except (TypeError, ValueError) as error:
			if isinstance(error, FaultSpecError):
				raise
			raise FaultSpecError(str(error))


class FaultInjector:
	"""Queue of active faults. The API pipeline calls :meth:`take` at each phase."""

	def __init__(self, seed: int | None = None):
		self._lock = threading.Lock()
		self._faults: list[Fault] = []
		self._random = random.Random(seed)

	def add(self, kind: str | Fault, **options) -> Fault:
		fault = kind if isinstance(kind, Fault) else Fault(kind=kind, **options)
		with self._lock:
			self._faults.append(fault)
		return fault

	def clear(self) -> None:
		with self._lock:
			self._faults.clear()

	def list(self) -> list[dict]:
		with self._lock:
			return [asdict(f) for f in self._faults]

	def take(self, phase: str, method: str, path: str, tenant_id: str | None) -> Fault | None:
		"""The first matching fault for this phase, counted as fired (and removed
		when its count is used up); None when no fault applies."""
		with self._lock:
			for fault in self._faults:
				if fault.when != phase or not fault.matches(method, path, tenant_id):
					continue
				if fault.probability < 1.0 and self._random.random() >= fault.probability:
					continue
				fault.fired += 1
				if fault.count is not None:
					fault.count -= 1
					if fault.count <= 0:
						self._faults.remove(fault)
				return fault
			return None
