"""An in-memory :class:`~.host.Host`: documents, states, contact links, log rows
and watermarks kept in dicts, optionally saved to a JSON file between runs.

Used by the tests, ``xero-connector push|pull`` (:mod:`xero_connector.cli`) and
the demo (:mod:`xero_connector.demo`). The Frappe shell has its own Host.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from xero_connector.engine.context import MappingContext
from xero_connector.engine.host import LogEntry, SyncState

STATE_FORMAT = "xero-connector-state"
_LEGACY_STATE_KEYS = {"tenant_id", "states", "contacts", "watermarks"}


class StateFileError(ValueError):
	"""A ``--state`` file this tool must not read or overwrite; the message says why and what to do."""


def read_json_object(path: str | Path, what: str) -> dict:
	"""A JSON file that must hold an object; errors name the file (and the line)."""
	path = Path(path)
	try:
		text = path.read_text(encoding="utf-8")
	except FileNotFoundError:
		raise ValueError(f"{path}: no such file ({what})") from None
	except (OSError, UnicodeDecodeError) as error:
		raise ValueError(f"{path}: cannot be read ({what}): {error}") from None
	try:
		data = json.loads(text)
	except json.JSONDecodeError as error:
		raise ValueError(
			f"{path}: not valid JSON ({what}), line {error.lineno} column {error.colno}: {error.msg}"
		) from None
	if not isinstance(data, dict):
		raise ValueError(f"{path}: {what} must be a JSON object ({{...}}), not a {type(data).__name__}")
	return data


def _party(name: str, doctype: str) -> str:
	"""The key of a party's contact link: a Customer's name, else ``Supplier:NAME`` (issue 16)."""
	return name if doctype == "Customer" else f"{doctype}:{name}"


@dataclass
class MemoryHost:
	context: MappingContext
	site_id: str = "local"
	tenant_id: str = ""
	invoices: dict[str, dict] = field(default_factory=dict)
	states: dict[str, SyncState] = field(default_factory=dict)
	contacts: dict[str, str] = field(default_factory=dict)
	log: list[LogEntry] = field(default_factory=list)
	watermarks: dict[tuple[str, str], datetime] = field(default_factory=dict)
	_locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False, compare=False)
	_locks_guard: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

	def hold_documents(self, names: list[str]):
		"""Hold these documents against every other thread using this host (the engine's claim)."""
		return self._hold([f"document:{name}" for name in names], names)

	def hold_customers(self, customers: list[str]):
		"""Hold these customers while their Xero contacts are looked up and created, so that two
		threads sending invoices of one new customer never both create its contact."""
		return self._hold([f"customer:{customer}" for customer in customers], customers)

	@contextmanager
	def _hold(self, keys: list[str], names: list[str]) -> Iterator[list[str]]:
		"""One lock per key, taken in sorted order, so that two overlapping holds never wait on
		each other forever (the engine takes documents before customers, never the other way)."""
		with self._locks_guard:
			locks = [self._locks.setdefault(key, threading.Lock()) for key in sorted(set(keys))]
		held = []
		try:
			for lock in locks:
				lock.acquire()
				held.append(lock)
			yield list(names)
		finally:
			for lock in reversed(held):
				lock.release()

	def add_invoice(self, doc: dict) -> str:
		"""Add or replace a Sales Invoice dict (``doc.as_dict()`` or REST ``{"data": {...}}``)."""
		doc = doc.get("data", doc) if isinstance(doc.get("data"), dict) else doc
		self.invoices[doc["name"]] = doc
		return doc["name"]

	def load_invoice(self, name: str) -> dict | None:
		return self.invoices.get(name)

	def mapping_context(self, doc: dict) -> MappingContext:
		return self.context

	def get_state(self, name: str) -> SyncState | None:
		return self.states.get(name)

	def save_state(self, name: str, state: SyncState | None) -> None:
		if state is None:
			self.states.pop(name, None)
		else:
			self.states[name] = state

	def get_contact_id(self, customer: str, doctype: str = "Customer") -> str | None:
		return self.contacts.get(_party(customer, doctype))

	def save_contact_id(self, customer: str, contact_id: str, doctype: str = "Customer") -> None:
		self.contacts[_party(customer, doctype)] = contact_id

	def write_log(self, entry: LogEntry) -> None:
		self.log.append(entry)

	def count_attempts(self, name: str, operation: str) -> int:
		return sum(1 for e in self.log if e.reference_name == name and e.operation == operation)

	def get_watermark(self, tenant_id: str, resource: str) -> datetime | None:
		return self.watermarks.get((tenant_id, resource))

	def set_watermark(self, tenant_id: str, resource: str, value: datetime) -> None:
		self.watermarks[(tenant_id, resource)] = value

	def find_by_xero_id(self, xero_id: str) -> str | None:
		return next((name for name, s in self.states.items() if s.xero_id == xero_id), None)

	# -- helpers for tests, CLI and demo -----------------------------------------------------------

	def log_for(self, name: str, operation: str | None = None) -> list[LogEntry]:
		return [e for e in self.log if e.reference_name == name and operation in (None, e.operation)]

	def last_log(self, name: str, operation: str | None = None) -> LogEntry | None:
		rows = self.log_for(name, operation)
		return rows[-1] if rows else None

	def save(self, path: str | Path) -> None:
		"""Write states, contact links and watermarks (not documents or the log) to a JSON file,
		marked as this tool's and bound to the connected organisation; written whole or not
		at all (a temporary file renamed over it)."""
		data = {
			"format": STATE_FORMAT,
			"version": 1,
			"tenant_id": self.tenant_id,
			"states": {name: s.to_dict() for name, s in self.states.items()},
			"contacts": self.contacts,
			"watermarks": [[t, r, v.isoformat()] for (t, r), v in self.watermarks.items()],
		}
		path = Path(path)
		partial = path.with_name(path.name + ".partial")
		partial.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
		partial.replace(path)

	def load(self, path: str | Path) -> None:
		"""Read what :meth:`save` wrote; a missing file is an empty state. Raises
		StateFileError for a file that is not this tool's state (never overwritten later) or
		holds another organisation's state than the connected one."""
		path = Path(path)
		if not path.exists():
			return
		try:
			data = read_json_object(path, "--state file")
		except ValueError as error:
			raise StateFileError(f"{error}; give --state a new file name") from None
		legacy = "format" not in data and "states" in data and set(data) <= _LEGACY_STATE_KEYS
		if data.get("format") != STATE_FORMAT and not legacy:
			raise StateFileError(
				f"{path} is not a xero-connector state file, so it is neither read nor overwritten: "
				"give --state a new file name, or the file an earlier run wrote"
			)
		if self.tenant_id and data.get("tenant_id") and data["tenant_id"] != self.tenant_id:
			raise StateFileError(
				f"{path} holds the state of another Xero organisation (tenant {data['tenant_id']}), "
				f"not the one connected now ({self.tenant_id}): give --state another file"
			)
		self.states.update({n: SyncState.from_dict(s) for n, s in data.get("states", {}).items()})
		self.contacts.update(data.get("contacts", {}))
		for tenant, resource, value in data.get("watermarks", []):
			self.watermarks[(tenant, resource)] = datetime.fromisoformat(value)
