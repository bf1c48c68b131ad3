"""The client's shared state in Redis and Password fields: every worker of the
site sees the same rate budget, lock, OAuth states and tokens."""

import uuid

import frappe

from xero_connector.tests import fixtures
from xero_connector.xero.limiter import Limits, RateLimiter, Window
from xero_connector.xero.locks import LockTimeout
from xero_connector.xero.tokens import TokenSet
from xero_connector.xero_connector.connection.redis_backends import (
	FrappeTokenStore,
	RedisLimiterBackend,
	RedisLock,
	RedisStateStore,
	site_key,
)

try:
	from frappe.tests import IntegrationTestCase as TestCase
except ImportError:
	from frappe.tests.utils import FrappeTestCase as TestCase


class TestRedisLimiter(TestCase):
	def setUp(self):
		self.ns = f"test-{uuid.uuid4().hex[:8]}"

	def test_two_workers_share_one_minute_budget(self):
		now = 1_000_000.0
		first, second = RedisLimiterBackend(), RedisLimiterBackend()  # two workers
		window = [Window(f"{self.ns}:minute", 60.0, 3)]
		self.assertEqual(first.try_hit(window, now), (0.0, None))
		self.assertEqual(second.try_hit(window, now + 1), (0.0, None))
		self.assertEqual(first.try_hit(window, now + 2), (0.0, None))
		wait, full = second.try_hit(window, now + 10)
		self.assertEqual(full, f"{self.ns}:minute")
		self.assertAlmostEqual(wait, 50.0, places=3)  # the oldest hit leaves the window at now + 60
		self.assertEqual(first.try_hit(window, now + 60.5), (0.0, None))
		self.assertEqual(first.hits(f"{self.ns}:minute", 60.0, now + 60.5), 3)

	def test_a_full_window_records_nothing_in_the_others(self):
		now = 2_000_000.0
		backend = RedisLimiterBackend()
		minute, day = Window(f"{self.ns}:m", 60.0, 1), Window(f"{self.ns}:d", 86400.0, 100)
		backend.try_hit([minute, day], now)
		_, full = backend.try_hit([minute, day], now + 1)
		self.assertEqual(full, minute.key)
		self.assertEqual(backend.hits(day.key, 86400.0, now + 1), 1)

	def test_concurrency_leases_and_blocks(self):
		import time

		now = time.time()
		backend = RedisLimiterBackend()
		key = f"{self.ns}:concurrent"
		leases = [backend.try_lease(key, 2, 30.0, now) for _ in range(3)]
		self.assertTrue(leases[0] and leases[1])
		self.assertIsNone(leases[2])
		backend.release_lease(key, leases[0])
		self.assertTrue(backend.try_lease(key, 2, 30.0, now))
		self.assertTrue(backend.try_lease(f"{self.ns}:expired", 1, 0.5, now))
		self.assertTrue(
			backend.try_lease(f"{self.ns}:expired", 1, 0.5, now + 1), "an expired lease frees its slot"
		)

		backend.block(f"{self.ns}:block", now + 30)
		backend.block(f"{self.ns}:block", now + 5)  # never shortens
		self.assertAlmostEqual(backend.blocked_until(f"{self.ns}:block", now), now + 30, places=3)
		self.assertIsNone(backend.blocked_until(f"{self.ns}:block", now + 31))

	def test_rate_limiter_runs_on_the_redis_backend(self):
		clock = [3_000_000.0]
		limiter = RateLimiter(
			Limits(minute_limit=2),
			RedisLimiterBackend(),
			clock=lambda: clock[0],
			sleep=lambda s: clock.__setitem__(0, clock[0] + s),
			namespace=self.ns,
		)
		for _ in range(3):
			limiter.release(limiter.acquire("tenant"))
		self.assertGreaterEqual(clock[0] - 3_000_000.0, 60.0, "the third call waited for the window")

	def test_a_paused_activity_learns_when_the_day_has_room_again(self):
		"""Issue 23: a backfill paused to keep the day's last calls is told the time the
		rolling day has room again, the same on Redis as in one process."""
		from xero_connector.xero.limiter import MemoryLimiterBackend

		now = 4_000_000.0
		redis, memory = RedisLimiterBackend(), MemoryLimiterBackend()
		day = Window(f"{self.ns}:day", 86_400.0, 3)
		for backend in (redis, memory):
			self.assertEqual(backend.room_at(day, now), 0.0, "an empty day has room")
			for offset in (0, 100, 200):
				backend.try_hit([day], now + offset)
		for backend in (redis, memory):
			# full: the first call (at now) leaves the rolling day at now + 86,400
			self.assertAlmostEqual(backend.room_at(day, now + 300), 86_400 - 300, places=3)
			# a window that keeps a reserve of one: the second call has to leave too
			tighter = Window(day.key, day.length, 2)
			self.assertAlmostEqual(backend.room_at(tighter, now + 300), 86_400 - 200, places=3)
			self.assertEqual(backend.room_at(day, now + 86_401), 0.0)

		clock = [now]
		limiter = RateLimiter(Limits(day_limit=3), redis, clock=lambda: clock[0], namespace=f"{self.ns}L")
		for _ in range(3):
			limiter.release(limiter.acquire("tenant"))
		clock[0] = now + 300
		# the day's first call leaves it a day after it was made: then one more call fits
		self.assertAlmostEqual(limiter.resume_for("tenant"), now + Limits().day, places=2)


class TestRedisLockAndStates(TestCase):
	def test_lock_is_exclusive_and_released(self):
		lock = RedisLock(lease_seconds=5)
		name = f"test-{uuid.uuid4().hex[:8]}"
		with lock.hold(name, timeout=1):
			with self.assertRaises(LockTimeout):
				with RedisLock().hold(name, timeout=0.2):
					pass
		with lock.hold(name, timeout=0.2):
			pass

	def test_oauth_state_is_taken_once(self):
		store = RedisStateStore()
		state = uuid.uuid4().hex
		store.put(state, {"code_verifier": "v" * 50}, ttl=60)
		self.assertEqual(store.take(state), {"code_verifier": "v" * 50})
		self.assertIsNone(store.take(state))
		raw = frappe.cache.get(site_key("oauth_state", state))
		self.assertIsNone(raw)

	def test_verifier_is_not_stored_in_clear(self):
		store = RedisStateStore()
		state = uuid.uuid4().hex
		store.put(state, {"code_verifier": "secret-verifier-123"}, ttl=60)
		self.assertNotIn(b"secret-verifier-123", frappe.cache.get(site_key("oauth_state", state)))
		store.take(state)


class TestTokenStore(TestCase):
	def test_tokens_round_trip_and_survive_a_cleared_cache(self):
		store = FrappeTokenStore(fixtures.app())
		saved = store.load()
		try:
			tokens = TokenSet(
				access_token="acc-" + uuid.uuid4().hex,
				refresh_token="ref-" + uuid.uuid4().hex,
				expires_at=123.0,
				scope="openid",
			)
			store.save(tokens)
			self.assertEqual(store.load().refresh_token, tokens.refresh_token)
			self.assertNotIn(
				tokens.access_token.encode(), frappe.cache.get(site_key("tokens", fixtures.APP_NAME))
			)
			frappe.cache.delete(site_key("tokens", fixtures.APP_NAME))  # Redis restarted
			again = store.load()
			self.assertEqual(
				(again.access_token, again.refresh_token, again.expires_at),
				(tokens.access_token, tokens.refresh_token, 123.0),
			)
			values = frappe.as_json(frappe.db.get_value("Xero App", fixtures.APP_NAME, "*", as_dict=True))
			self.assertNotIn(tokens.access_token, values)
			self.assertNotIn(tokens.refresh_token, values)
		finally:
			if saved:
				store.save(saved)
			else:
				store.clear()
