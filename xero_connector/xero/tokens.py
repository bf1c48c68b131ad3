"""OAuth2 tokens: the TokenSet value, where it is kept (TokenStore) and the
TokenManager that hands out a valid access token and refreshes it safely.

Xero's refresh tokens rotate on every use and are single-use, with a 30-minute
grace period during which the previous one still works. ``TokenManager``:

- refreshes ahead of expiry (``refresh_margin`` seconds early) under a ``Lock``,
  reloading the stored tokens after taking it (double-checked), so concurrent
  workers never send a rotated refresh token twice;
- retries a refresh whose answer was lost (timeout, dropped connection, 5xx)
  with the same refresh token, which Xero still accepts within the grace period;
- on ``invalid_grant`` marks the connection as needing re-authorisation once
  (flag + message saved with the tokens, callback called once) and from then on
  raises ``NeedsReauthorisation`` without calling Xero.

Called by the XeroClient before every API call and by the Frappe shell (which
provides a TokenStore over Password fields and a Redis Lock).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Protocol

from xero_connector.xero import catalogue
from xero_connector.xero.errors import NeedsReauthorisation, OAuthError, XeroTransientError
from xero_connector.xero.locks import Lock, ThreadLock
from xero_connector.xero.redact import Secret, mask, register_secret

log = logging.getLogger(__name__)

REAUTH_PREFIX = "Xero connection needs to be re-authorised: "


@dataclass
class TokenSet:
	"""One connection's tokens. ``expires_at`` is epoch seconds. ``needs_reauthorisation``
	and ``reauthorisation_message`` record that Xero refused the refresh token."""

	access_token: str = ""
	refresh_token: str = ""
	expires_at: float = 0.0
	token_type: str = "Bearer"
	scope: str = ""
	id_token: str = ""
	needs_reauthorisation: bool = False
	reauthorisation_message: str = ""
	updated_at: float = 0.0

	def __post_init__(self):
		for secret in (self.access_token, self.refresh_token, self.id_token):
			register_secret(secret)

	@classmethod
	def from_response(cls, body: dict, now: float | None = None) -> TokenSet:
		"""From a token endpoint response (``access_token``, ``expires_in``, ...)."""
		now = time.time() if now is None else now
		return cls(
			access_token=body.get("access_token") or "",
			refresh_token=body.get("refresh_token") or "",
			expires_at=now + float(body.get("expires_in") or 1800),
			token_type=body.get("token_type") or "Bearer",
			scope=body.get("scope") or "",
			id_token=body.get("id_token") or "",
			updated_at=now,
		)

	def to_dict(self) -> dict:
		return asdict(self)

	@classmethod
	def from_dict(cls, data: dict) -> TokenSet:
		names = {f.name for f in fields(cls)}
		return cls(**{k: v for k, v in data.items() if k in names})

	def expires_within(self, seconds: float, now: float | None = None) -> bool:
		now = time.time() if now is None else now
		return not self.access_token or self.expires_at - seconds <= now

	def __repr__(self) -> str:
		return (
			f"TokenSet(access_token={mask(self.access_token)!r}, refresh_token={mask(self.refresh_token)!r}, "
			f"expires_at={self.expires_at!r}, scope={self.scope!r}, "
			f"needs_reauthorisation={self.needs_reauthorisation!r})"
		)

	__str__ = __repr__


class TokenStore(Protocol):
	"""Where one connection's tokens live. ``load`` returns None when never connected."""

	def load(self) -> TokenSet | None: ...

	def save(self, tokens: TokenSet) -> None: ...


class MemoryTokenStore:
	"""Tokens in memory (tests, demos, one-process scripts). Thread-safe; hands out copies."""

	def __init__(self, tokens: TokenSet | None = None):
		self._lock = threading.Lock()
		self._tokens = replace(tokens) if tokens else None

	def load(self) -> TokenSet | None:
		with self._lock:
			return replace(self._tokens) if self._tokens else None

	def save(self, tokens: TokenSet) -> None:
		with self._lock:
			self._tokens = replace(tokens)

	def __repr__(self) -> str:
		return "MemoryTokenStore()"


class JsonFileTokenStore:
	"""Tokens in a JSON file readable only by its owner (the CLI, several processes).
	Writes are atomic (temporary file + rename)."""

	def __init__(self, path: str | os.PathLike):
		self.path = Path(path)

	def load(self) -> TokenSet | None:
		try:
			data = json.loads(self.path.read_text())
		except FileNotFoundError:
			return None
		return TokenSet.from_dict(data) if data else None

	def save(self, tokens: TokenSet) -> None:
		self.path.parent.mkdir(parents=True, exist_ok=True)
		fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-", suffix=".json")
		try:
			os.fchmod(fd, 0o600)
			with os.fdopen(fd, "w") as handle:
				json.dump(tokens.to_dict(), handle)
			os.replace(tmp, self.path)
		except BaseException:
			with contextlib.suppress(OSError):
				os.unlink(tmp)
			raise

	def __repr__(self) -> str:
		return f"JsonFileTokenStore({str(self.path)!r})"


class Refresher(Protocol):
	"""What TokenManager needs from the OAuth client."""

	def refresh(self, refresh_token: str) -> TokenSet: ...


class TokenManager:
	"""Hands out a valid access token for one connection; see the module docstring."""

	def __init__(
		self,
		oauth: Refresher,
		store: TokenStore,
		lock: Lock | None = None,
		*,
		lock_name: str = "xero_connector:token_refresh",
		refresh_margin: float = 60.0,
		lock_timeout: float = 60.0,
		refresh_attempts: int = 4,
		clock: Callable[[], float] = time.time,
		sleep: Callable[[float], None] = time.sleep,
		on_needs_reauthorisation: Callable[[str], None] | None = None,
	):
		self.oauth = oauth
		self.store = store
		self.lock = lock or ThreadLock()
		self.lock_name = lock_name
		self.refresh_margin = refresh_margin
		self.lock_timeout = lock_timeout
		self.refresh_attempts = max(1, refresh_attempts)
		self.clock = clock
		self.sleep = sleep
		self.on_needs_reauthorisation = on_needs_reauthorisation
		self.refresh_count = 0  # refreshes this manager performed (for tests and stats)

	def current(self) -> TokenSet:
		"""The stored tokens; raises NeedsReauthorisation when there are none or they are marked."""
		tokens = self.store.load()
		if tokens is None or not (tokens.access_token or tokens.refresh_token):
			raise NeedsReauthorisation(
				REAUTH_PREFIX + "no Xero connection has been made yet.",
				entries=[catalogue.get("not_connected")],
			)
		if tokens.needs_reauthorisation:
			raise NeedsReauthorisation(tokens.reauthorisation_message or REAUTH_PREFIX + "invalid_grant")
		return tokens

	def access_token(self) -> str:
		"""A valid access token, refreshed first if it expires within ``refresh_margin``."""
		tokens = self.current()
		if not tokens.expires_within(self.refresh_margin, self.clock()):
			return tokens.access_token
		return self.refresh(stale_access_token=tokens.access_token).access_token

	def refresh(self, stale_access_token: str | None = None) -> TokenSet:
		"""Refresh under the lock unless another worker already did.

		``stale_access_token`` is the token the caller found expired (or got a 401
		with); if the stored one differs and is still fresh, it is returned as is."""
		if stale_access_token is not None:
			stale_access_token = Secret(stale_access_token)  # masked in traceback locals
		with self.lock.hold(self.lock_name, self.lock_timeout):
			tokens = self.current()  # reload: another worker may have refreshed
			fresh = not tokens.expires_within(self.refresh_margin, self.clock())
			if fresh and (stale_access_token is None or tokens.access_token != stale_access_token):
				return tokens
			if not tokens.refresh_token:
				self._mark(tokens, "there is no refresh token (offline_access was not granted).")
			new = self._refresh_with_retries(tokens)
			self.store.save(new)
			self.refresh_count += 1
			log.info("Refreshed Xero tokens (access token expires in %.0f s)", new.expires_at - self.clock())
			return new

	def _refresh_with_retries(self, tokens: TokenSet) -> TokenSet:
		for attempt in range(self.refresh_attempts):
			try:
				return self.oauth.refresh(tokens.refresh_token)
			except XeroTransientError as exc:
				# The answer may have been lost after Xero rotated the token: the same
				# refresh token still works within the 30-minute grace period.
				if attempt + 1 >= self.refresh_attempts:
					raise
				delay = min(8.0, 0.25 * 2**attempt) * (0.5 + random.random() / 2)
				log.warning(
					"Token refresh failed (%s); retrying in %.2f s with the same refresh token",
					exc.entry.key,
					delay,
				)
				self.sleep(delay)
			except OAuthError as exc:
				if exc.error == "invalid_grant":
					self._mark(
						tokens,
						"Xero rejected the stored refresh token (invalid_grant). " + exc.entry.resolution,
					)
				raise
		raise AssertionError("unreachable")

	def _mark(self, tokens: TokenSet, reason: str) -> None:
		"""Record once that a person must reconnect; then raise NeedsReauthorisation."""
		message = REAUTH_PREFIX + reason
		tokens.needs_reauthorisation = True
		tokens.reauthorisation_message = message
		tokens.updated_at = self.clock()
		self.store.save(tokens)
		log.warning(message)
		if self.on_needs_reauthorisation:
			try:
				self.on_needs_reauthorisation(message)
			except Exception:
				log.exception("on_needs_reauthorisation callback failed")
		raise NeedsReauthorisation(message)

	def connected(self, tokens: TokenSet) -> None:
		"""Store tokens from a completed connect flow (clears any re-authorisation flag)."""
		tokens.needs_reauthorisation = False
		tokens.reauthorisation_message = ""
		with self.lock.hold(self.lock_name, self.lock_timeout):
			self.store.save(tokens)

	def __repr__(self) -> str:
		return f"TokenManager(store={self.store!r})"
