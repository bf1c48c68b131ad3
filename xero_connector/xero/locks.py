"""The Lock interface the token refresh runs under, and two implementations.

Only one worker may refresh a connection's tokens at a time (Xero's refresh
tokens are single-use). The default ``ThreadLock`` covers threads of one process;
``FileLock`` covers processes on one machine (the CLI); the Frappe shell supplies
a Redis lock for many workers on many machines. All have one method, ``hold``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class LockTimeout(TimeoutError):
	"""The lock could not be taken in time (another worker holds it too long)."""


class Lock(Protocol):
	def hold(self, name: str, timeout: float = 30.0) -> contextlib.AbstractContextManager[None]:
		"""Hold the lock called ``name`` for the ``with`` block; raise ``LockTimeout``
		if it cannot be taken within ``timeout`` seconds."""
		...


class ThreadLock:
	"""In-process lock per name (the default)."""

	def __init__(self):
		self._guard = threading.Lock()
		self._locks: dict[str, threading.Lock] = {}

	@contextlib.contextmanager
	def hold(self, name: str, timeout: float = 30.0) -> Iterator[None]:
		with self._guard:
			lock = self._locks.setdefault(name, threading.Lock())
		if not lock.acquire(timeout=timeout):
			raise LockTimeout(f"Could not take lock {name!r} within {timeout} s")
		try:
			yield
		finally:
			lock.release()


class FileLock:
	"""Cross-process lock on one machine using ``flock`` on a file per name
	(POSIX only). Also serialises threads of the same process."""

	def __init__(self, directory: str | os.PathLike):
		self.directory = Path(directory)
		self.directory.mkdir(parents=True, exist_ok=True)
		self._threads = ThreadLock()

	@contextlib.contextmanager
	def hold(self, name: str, timeout: float = 30.0) -> Iterator[None]:
		import fcntl

		path = self.directory / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
		deadline = time.monotonic() + timeout
		with self._threads.hold(name, timeout):
			with open(path, "a+") as handle:
				while True:
					try:
						fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
						break
					except BlockingIOError:
						if time.monotonic() >= deadline:
							raise LockTimeout(f"Could not take lock {name!r} within {timeout} s")
						time.sleep(0.01)
				try:
					yield
				finally:
					fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
