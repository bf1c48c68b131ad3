"""``Idempotency-Key`` in the sandbox: a replay within 6 minutes returns the
stored response without writing again; the same key with a different request
is 400; keys over 128 characters are 400; replays count against the limits."""

from __future__ import annotations

import threading

from sandbox_platform_support import Api, running_sandbox

from xero_connector.sandbox.limits import LimitConfig


def test_a_replay_returns_the_stored_response_without_writing_again(sandbox, api):
	first = api.create_contact("Acme", key="key-1")
	second = api.create_contact("Acme", key="key-1")
	assert first.status_code == second.status_code == 200
	assert second.content == first.content
	assert sandbox.backend.writes == 1
	assert len(api.call("GET", "/Contacts").json()["Contacts"]) == 1


def test_without_a_key_every_request_writes(sandbox, api):
	api.create_contact("Acme")
	api.create_contact("Acme")
	assert sandbox.backend.writes == 2


def test_the_same_key_with_a_different_body_is_400(sandbox, api):
	api.create_contact("Acme", key="key-2")
	other = api.create_contact("Other name", key="key-2")
	assert other.status_code == 400
	assert other.json()["Detail"] == "Idempotency Key key-2 is used with a different request."
	assert sandbox.backend.writes == 1


def test_the_same_key_on_another_path_or_method_is_400(sandbox, api):
	api.create_contact("Acme", key="key-3")
	post = api.call(
		"POST", "/Contacts", json={"Contacts": [{"Name": "Acme"}]}, headers={"Idempotency-Key": "key-3"}
	)
	assert post.status_code == 400


def test_keys_are_kept_for_six_minutes(sandbox, api):
	api.create_contact("Acme", key="key-4")
	sandbox.clock.advance(359)
	api.create_contact("Acme", key="key-4")
	assert sandbox.backend.writes == 1
	sandbox.clock.advance(1)
	api.create_contact("Acme", key="key-4")
	assert sandbox.backend.writes == 2, "after 6 minutes the key is new again"


def test_a_key_longer_than_128_characters_is_400(sandbox, api):
	assert api.create_contact("Acme", key="k" * 128).status_code == 200
	refused = api.create_contact("Acme", key="k" * 129)
	assert refused.status_code == 400
	assert "128" in refused.json()["Detail"]
	assert sandbox.backend.writes == 1


def test_keys_are_ignored_on_get(sandbox, api):
	first = api.call("GET", "/Contacts", headers={"Idempotency-Key": "read"})
	api.create_contact("Acme")
	second = api.call("GET", "/Contacts", headers={"Idempotency-Key": "read"})
	assert len(first.json()["Contacts"]) == 0 and len(second.json()["Contacts"]) == 1


def test_keys_belong_to_one_organisation(sandbox, api):
	other = next(t for t in sandbox.organisations if t != sandbox.tenant_id)
	tokens = sandbox.issue_token_set(tenant_ids=[sandbox.tenant_id, other])
	Api(sandbox, tokens).create_contact("Acme", key="shared")
	Api(sandbox, tokens, other).create_contact("Acme", key="shared")
	assert sandbox.backend.writes == 2


def test_replays_count_against_the_rate_limits():
	with running_sandbox(limits=LimitConfig(per_minute=3)) as sandbox:
		client = Api(sandbox, sandbox.issue_token_set())
		answers = [client.create_contact("Acme", key="same").status_code for _ in range(4)]
		assert answers == [200, 200, 200, 429]
		assert sandbox.backend.writes == 1


def test_concurrent_requests_with_one_key_write_once(sandbox, api):
	answers = []

	def send():
		answers.append(Api(sandbox, api.tokens).create_contact("Acme", key="race").content)

	threads = [threading.Thread(target=send) for _ in range(4)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	statuses = {a for a in answers}
	assert sandbox.backend.writes == 1
	assert len(statuses) == 1, "every caller sees the one stored response"
