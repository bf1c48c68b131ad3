"""Idempotency keys, the mapping file format and the in-memory Host's state file."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from tests.engine_support import SAMPLES, sample_context
from xero_connector.engine.host import SyncState
from xero_connector.engine.keys import batch_key, idempotency_key, payload_hash
from xero_connector.engine.mapping_file import MappingFileError, load_mapping_file, parse_mapping
from xero_connector.engine.memory_host import MemoryHost


def test_key_is_stable_readable_and_changes_with_the_payload():
	digest = payload_hash({"a": Decimal("1.10")})
	key = idempotency_key("erp.example.com", "ACC-SINV-2026-00018", "push", digest)
	assert key == idempotency_key("erp.example.com", "ACC-SINV-2026-00018", "push", digest)
	assert key.startswith("erp.example.com:ACC-SINV-2026-00018:push:")
	assert key != idempotency_key(
		"erp.example.com", "ACC-SINV-2026-00018", "push", payload_hash({"a": "1.11"})
	)
	assert key != idempotency_key("erp.example.com", "ACC-SINV-2026-00018", "update", digest)
	assert key != idempotency_key("other.site", "ACC-SINV-2026-00018", "push", digest)


def test_long_names_still_give_unique_keys_within_128_characters():
	digest = payload_hash([1])
	a = idempotency_key("s" * 100, "D" * 200 + "a", "allocate", digest)
	b = idempotency_key("s" * 100, "D" * 200 + "b", "allocate", digest)
	assert len(a) <= 128 and len(b) <= 128 and a != b
	assert all(c.isalnum() or c in "._:-" for c in idempotency_key("my site/1", "Doc #1 é", "push", digest))


def test_batch_key_depends_on_its_elements_and_their_order():
	assert batch_key("s", "push", ["a", "b"]) == batch_key("s", "push", ["a", "b"])
	assert batch_key("s", "push", ["a", "b"]) != batch_key("s", "push", ["b", "a"])
	assert len(batch_key("s" * 200, "push", ["a"])) <= 128


def test_sample_mapping_file_is_parsed():
	mappings, settings = load_mapping_file(SAMPLES / "mapping.json", "NZD")
	assert mappings.account_by_income_account["Consulting Income - AL"] == "260"
	assert mappings.tax_by_item_tax_template["GST Exempt - AL"] == "EXEMPTOUTPUT"
	assert settings.default_account_code == "200" and settings.billing_code_field == "xero_account_number"


@pytest.mark.parametrize(
	"data, message",
	[
		({"acounts": {}}, "unknown section"),
		({"accounts": {"items": {}}}, "unknown key(s) ['items'] in 'accounts'"),
		({"defaults": {"account": "200"}}, "unknown key(s) ['account'] in 'defaults'"),
		({"taxes": {"tax_account": ["GST"]}}, "must map ERPNext names"),
		([], "JSON object"),
	],
)
def test_mapping_file_mistakes_are_refused(data, message):
	with pytest.raises(MappingFileError) as raised:
		parse_mapping(data)
	assert message in str(raised.value)


def test_memory_host_state_survives_a_save_and_load(tmp_path):
	host = MemoryHost(sample_context(), tenant_id="t1")
	moment = datetime(2026, 11, 22, 1, 2, 3, 456000, tzinfo=timezone.utc)
	host.save_state(
		"INV-1", SyncState(xero_id="x", total=Decimal("1.50"), last_synced_at=moment, outcome_unknown=True)
	)
	host.save_contact_id("Cust", "c-1")
	host.set_watermark("t1", "Invoices", moment)
	path = tmp_path / "state.json"
	host.save(path)
	assert "Decimal" not in path.read_text() and json.loads(path.read_text())

	again = MemoryHost(sample_context(), tenant_id="t1")
	again.load(path)
	assert again.get_state("INV-1") == host.get_state("INV-1")
	assert again.get_contact_id("Cust") == "c-1" and again.get_watermark("t1", "Invoices") == moment
	assert again.find_by_xero_id("x") == "INV-1"
