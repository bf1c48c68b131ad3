"""The client's pluggable state, implemented for Frappe so that every worker of
the site shares it:

- :class:`FrappeTokenStore`: the tokens in the Xero app's Password fields
  (encrypted in ``__Auth``), with an encrypted copy in Redis that every worker
  reads, so a worker inside an older database snapshot never sees a rotated token;
- :class:`RedisLock`: the single-flight token refresh lock;
- :class:`RedisStateStore`: pending OAuth ``state`` values, single-use, expiring;
- :class:`RedisLimiterBackend`: the per-organisation rate limiter's counters,
  leases and blocks (atomic Lua scripts).

Keys are per site, and deliberately outside ``frappe.cache.make_key`` so that
``bench clear-cache`` does not drop a rotated refresh token or a rate budget.
Built by client.py for every Xero call.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator

import frappe
from frappe.utils.password import decrypt, encrypt, get_decrypted_password, set_encrypted_password

from xero_connector.constants import CONNECTED, NEEDS_REAUTH, NOT_CONNECTED
from xero_connector.xero.limiter import Window
from xero_connector.xero.locks import LockTimeout
from xero_connector.xero.tokens import TokenSet
from xero_connector.xero_connector.connection.settings_state import set_connections_status, write_app_state

PASSWORD_MASK = "*" * 10


def site_key(*parts: str) -> str:
	"""A Redis key private to this site that ``frappe.clear_cache`` leaves alone."""
	return "xero_connector|" + "|".join([frappe.local.site, *parts])


class FrappeTokenStore:
	"""TokenStore over one Xero app (its consent's tokens, shared by the app's
	connections: a copy per connection would die when another refreshes). Called by the
	core's TokenManager; ``app`` is the app document (client.token_manager)."""

	def __init__(self, app):
		self.doctype, self.name = app.doctype, app.name
		self.redis_key = ("tokens", self.name)  # per consent (docs/design/multi-company.md, fact 1)

	def load(self) -> TokenSet | None:
		cached = frappe.cache.get(site_key(*self.redis_key))
		if cached:
			try:
				return TokenSet.from_dict(json.loads(decrypt(cached.decode())))
			except Exception:
				frappe.cache.delete(site_key(*self.redis_key))
		tokens = self._load_from_db()
		if tokens:
			self._cache(tokens)
		return tokens

	def save(self, tokens: TokenSet) -> None:
		self._cache(tokens)
		self._save_to_db(tokens)

	def clear(self) -> None:
		"""Forget the tokens (Disconnect)."""
		frappe.cache.delete(site_key(*self.redis_key))
		for field in ("access_token", "refresh_token"):
			frappe.db.delete("__Auth", {"doctype": self.doctype, "name": self.name, "fieldname": field})
		write_app_state(
			(self.doctype, self.name),
			{
				"access_token": None,
				"refresh_token": None,
				"token_expires_at": 0,
				"token_updated_at": 0,
				"granted_scope": None,
			},
		)
		frappe.db.commit()

	def _cache(self, tokens: TokenSet) -> None:
		frappe.cache.set(site_key(*self.redis_key), encrypt(json.dumps(tokens.to_dict())))

	def _load_from_db(self) -> TokenSet | None:
		access = get_decrypted_password(self.doctype, self.name, "access_token", raise_exception=False)
		refresh = get_decrypted_password(self.doctype, self.name, "refresh_token", raise_exception=False)
		if not (access or refresh):
			return None
		values = self._values(
			"token_expires_at", "granted_scope", "connection_status", "reauth_message", "token_updated_at"
		)
		return TokenSet(
			access_token=access or "",
			refresh_token=refresh or "",
			expires_at=float(values.get("token_expires_at") or 0),
			scope=values.get("granted_scope") or "",
			needs_reauthorisation=values.get("connection_status") == NEEDS_REAUTH,
			reauthorisation_message=values.get("reauth_message") or "",
			updated_at=float(values.get("token_updated_at") or 0),
		)

	def _save_to_db(self, tokens: TokenSet) -> None:
		for field in ("access_token", "refresh_token"):
			value = getattr(tokens, field)
			if value:
				set_encrypted_password(self.doctype, self.name, value, field)
		before = self._values("connection_status").get("connection_status")
		# the consent works again (or no longer): the app says so, and so do its connections
		# that have an organisation
		status = (
			NEEDS_REAUTH if tokens.needs_reauthorisation else CONNECTED if tokens.refresh_token else before
		)
		write_app_state(
			(self.doctype, self.name),
			{
				"access_token": PASSWORD_MASK if tokens.access_token else None,
				"refresh_token": PASSWORD_MASK if tokens.refresh_token else None,
				"token_expires_at": tokens.expires_at,
				"token_updated_at": tokens.updated_at,
				"granted_scope": tokens.scope,
				"connection_status": status or NOT_CONNECTED,
				"reauth_message": tokens.reauthorisation_message if tokens.needs_reauthorisation else None,
			},
		)
		if status != before and status in (CONNECTED, NEEDS_REAUTH):
			set_connections_status((self.doctype, self.name), status)
		# The refresh token just rotated: it must survive this job failing later.
		frappe.db.commit()

	def _values(self, *fields: str) -> dict:
		"""The app's stored ``fields``, read from the database (not a cached document:
		another worker may have just rotated the tokens)."""
		return frappe.db.get_value(self.doctype, self.name, list(fields), as_dict=True) or {}

	def __repr__(self) -> str:
		return f"FrappeTokenStore({self.name!r})"


class RedisLock:
	"""Lock over Redis (``SET NX`` with an expiry), shared by every worker of the site."""

	def __init__(self, lease_seconds: float = 90.0):
		self.lease_seconds = lease_seconds

	@contextlib.contextmanager
	def hold(self, name: str, timeout: float = 30.0) -> Iterator[None]:
		lock = frappe.cache.lock(
			site_key("lock", name), timeout=self.lease_seconds, blocking_timeout=timeout, sleep=0.05
		)
		if not lock.acquire():
			raise LockTimeout(f"Could not take lock {name!r} within {timeout} s")
		try:
			yield
		finally:
			with contextlib.suppress(Exception):
				lock.release()


class RedisStateStore:
	"""OAuth StateStore: ``put`` once, ``take`` atomically at most once (GETDEL)."""

	def put(self, state: str, data: dict, ttl: float) -> None:
		frappe.cache.set(site_key("oauth_state", state), encrypt(json.dumps(data)), ex=max(1, int(ttl)))

	def take(self, state: str) -> dict | None:
		key = site_key("oauth_state", state)
		pipe = frappe.cache.pipeline(transaction=True)
		pipe.get(key)
		pipe.delete(key)
		value, _deleted = pipe.execute()
		if not value:
			return None
		return json.loads(decrypt(value.decode()))

	def peek(self, state: str) -> dict | None:
		"""What the state was issued with, leaving it in place (the connect flow reads which
		Xero App a callback is for, then lets that app's OAuth client ``take`` it)."""
		value = frappe.cache.get(site_key("oauth_state", state))
		if not value:
			return None
		try:
			return json.loads(decrypt(value.decode()))
		except Exception:
			return None

	def __repr__(self) -> str:
		return "RedisStateStore()"


_TRY_HIT = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local worst = 0
local worst_index = 0
for i, key in ipairs(KEYS) do
	local length = tonumber(ARGV[1 + 2 * i])
	local limit = tonumber(ARGV[2 + 2 * i])
	redis.call('ZREMRANGEBYSCORE', key, '-inf', now - length)
	local count = redis.call('ZCARD', key)
	if count >= limit then
		local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
		local wait = tonumber(oldest[2]) + length - now
		if wait < 0.001 then wait = 0.001 end
		if wait >= worst then
			worst = wait
			worst_index = i
		end
	end
end
if worst_index > 0 then
	return {tostring(worst), worst_index}
end
for i, key in ipairs(KEYS) do
	local length = tonumber(ARGV[1 + 2 * i])
	redis.call('ZADD', key, now, member .. ':' .. i)
	redis.call('PEXPIRE', key, math.ceil(length * 1000) + 1000)
end
return {'0', 0}
"""

_TRY_LEASE = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
	return false
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 1000) + 1000)
return ARGV[4]
"""

_BLOCK = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untl = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
if untl > current and untl > now then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil((untl - now) * 1000))
end
return 1
"""


class RedisLimiterBackend:
	"""LimiterBackend over Redis: sliding windows as sorted sets, leases as a sorted
	set scored by expiry, blocks as expiring keys. Each method is one atomic script."""

	def __init__(self):
		self._try_hit = frappe.cache.register_script(_TRY_HIT)
		self._try_lease = frappe.cache.register_script(_TRY_LEASE)
		self._block = frappe.cache.register_script(_BLOCK)

	@staticmethod
	def _key(key: str) -> str:
		return site_key("limit", key)

	def try_hit(self, windows: list[Window], now: float) -> tuple[float, str | None]:
		args = [repr(now), uuid.uuid4().hex]
		for window in windows:
			args += [repr(window.length), str(window.limit)]
		wait, index = self._try_hit(keys=[self._key(w.key) for w in windows], args=args)
		index = int(index)
		if index == 0:
			return 0.0, None
		return float(wait), windows[index - 1].key

	def try_lease(self, key: str, limit: int, ttl: float, now: float) -> str | None:
		lease_id = uuid.uuid4().hex
		result = self._try_lease(keys=[self._key(key)], args=[repr(now), str(limit), repr(ttl), lease_id])
		return result.decode() if isinstance(result, bytes) else result

	def release_lease(self, key: str, lease_id: str) -> None:
		frappe.cache.zrem(self._key(key), lease_id)

	def block(self, key: str, until: float) -> None:
		import time

		self._block(keys=[self._key(key)], args=[repr(until), repr(time.time())])

	def blocked_until(self, key: str, now: float) -> float | None:
		value = frappe.cache.get(self._key(key))
		if value is None:
			return None
		until = float(value)
		if until <= now:
			frappe.cache.delete(self._key(key))
			return None
		return until

	def hits(self, key: str, length: float, now: float) -> int:
		"""Hits recorded in the last ``length`` seconds (tests and the settings' budget)."""
		return frappe.cache.zcount(self._key(key), f"({now - length}", "+inf")

	def room_at(self, window: Window, now: float) -> float:
		"""Seconds until one more hit fits in ``window`` (0.0 if it fits now); records nothing.
		The limiter's ``resume_for`` asks it when a paused backfill or a low-priority activity
		may spend calls again (issue 23)."""
		key = self._key(window.key)
		count = frappe.cache.zcount(key, f"({now - window.length}", "+inf")
		if count < max(window.limit, 1):
			return 0.0
		rank = count - window.limit if window.limit > 0 else count - 1
		oldest = frappe.cache.zrangebyscore(
			key, f"({now - window.length}", "+inf", start=rank, num=1, withscores=True
		)
		return max(float(oldest[0][1]) + window.length - now, 0.0) if oldest else 0.0

	def put_note(self, key: str, note: dict, until: float) -> None:
		"""Keep ``note`` (Xero's last X-DayLimit-Remaining, limiter.py) for every worker until ``until``."""
		import time

		seconds = max(1, int(until - time.time()) + 1)
		frappe.cache.set(self._key(key), json.dumps(note), ex=seconds)

	def get_note(self, key: str, now: float) -> dict | None:
		value = frappe.cache.get(self._key(key))
		if value is None:
			return None
		try:
			return json.loads(value)
		except ValueError:
			return None
