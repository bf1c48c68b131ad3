"""The ``--data FILE`` state file: one JSON document written atomically.

The server marks itself dirty after every change and a background saver
writes at most every ``interval`` seconds, plus once on shutdown, so a busy
benchmark does not rewrite the file on every call.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

FORMAT_VERSION = 1


class StateFileError(Exception):
	"""The state file exists but cannot be used (unreadable JSON or another format)."""


def _default(value):
	if isinstance(value, Decimal):
		return str(value)
	if isinstance(value, (set, tuple)):
		return list(value)
	raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def read_state(path: Path) -> dict | None:
	"""The saved state, or None when the file does not exist yet."""
	if not path.exists():
		return None
	try:
		data = json.loads(path.read_text(encoding="utf-8"))
	except (OSError, ValueError) as error:
		raise StateFileError(f"cannot read sandbox state from {path}: {error}")
	if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
		raise StateFileError(f"{path} is not a sandbox state file (format {FORMAT_VERSION})")
	return data


def write_state(path: Path, state: dict) -> None:
	"""Write atomically: a temporary file in the same folder, then rename."""
	path.parent.mkdir(parents=True, exist_ok=True)
	document = {"format": FORMAT_VERSION, **state}
	handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
	try:
		with os.fdopen(handle, "w", encoding="utf-8") as out:
			json.dump(document, out, default=_default, separators=(",", ":"))
		os.replace(temporary, path)
	except BaseException:
		Path(temporary).unlink(missing_ok=True)
		raise


class Saver:
	"""Background writer: :meth:`mark_dirty` after changes, :meth:`flush` to save now."""

	def __init__(self, path: Path, snapshot: Callable[[], dict], interval: float = 0.5):
		self.path = path
		self.snapshot = snapshot
		self.interval = interval
		self._dirty = threading.Event()
		self._stopping = threading.Event()
		self._save_lock = threading.Lock()
		self._thread: threading.Thread | None = None

	def start(self) -> None:
		self._thread = threading.Thread(target=self._run, name="xero-sandbox-saver", daemon=True)
		self._thread.start()

	def mark_dirty(self) -> None:
		self._dirty.set()

	def flush(self) -> None:
		with self._save_lock:
			self._dirty.clear()
			write_state(self.path, self.snapshot())

	def stop(self) -> None:
		self._stopping.set()
		self._dirty.set()
		if self._thread:
			self._thread.join(timeout=10)
		self.flush()

	def _run(self) -> None:
		while not self._stopping.is_set():
			self._dirty.wait()
			if self._stopping.is_set():
				return
			self.flush()
			self._stopping.wait(self.interval)
