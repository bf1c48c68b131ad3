"""``xero-connector push|pull`` as a user runs it: a subprocess, exit codes and printed lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.engine_support import SAMPLES, start_sandbox

pytestmark = pytest.mark.timeout(180)
INVOICES = SAMPLES / "invoices"


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
	return subprocess.run(
		[sys.executable, "-m", "xero_connector.cli", *map(str, args)],
		capture_output=True,
		text=True,
		timeout=120,
		cwd=cwd,
	)


def test_push_prints_a_line_per_document_and_exits_zero(tmp_path):
	rest = tmp_path / "rest.json"  # ERPNext REST API shape
	rest.write_text(json.dumps({"data": json.loads((INVOICES / "ACC-SINV-2026-00024.json").read_text())}))
	result = cli("push", INVOICES / "ACC-SINV-2026-00018.json", rest)

	assert result.returncode == 0, result.stdout + result.stderr
	lines = result.stdout.splitlines()
	assert len(lines) == 2
	first = next(line for line in lines if line.startswith("ACC-SINV-2026-00018"))
	assert re.search(r" push +Success +[0-9a-f-]{36} +AUTHORISED +erpnext=812\.00 NZD xero=812\.00", first), (
		first
	)
	usd = next(line for line in lines if line.startswith("ACC-SINV-2026-00024"))
	assert "erpnext=1750.00 USD xero=1750.00" in usd
	assert "embedded Xero sandbox" in result.stderr


def test_a_failed_document_makes_the_exit_code_non_zero(tmp_path):
	bad = json.loads((INVOICES / "ACC-SINV-2026-00018.json").read_text())
	bad["customer"] = "Unknown Customer"
	path = tmp_path / "bad.json"
	path.write_text(json.dumps(bad))
	result = cli("push", path, INVOICES / "ACC-SINV-2026-00019.json")
	assert result.returncode == 1
	assert re.search(r"ACC-SINV-2026-00018 +push +Failed .*Unknown Customer", result.stdout)
	assert re.search(r"ACC-SINV-2026-00019 +push +Success", result.stdout)


def test_bad_usage_and_non_invoice_files_exit_two(tmp_path):
	other = tmp_path / "customer.json"
	other.write_text(json.dumps({"doctype": "Customer", "name": "X"}))
	assert cli("push", other).returncode == 2
	assert cli("push").returncode == 2
	assert cli("push", tmp_path / "missing.json").returncode == 2


def test_running_sandbox_and_state_file_across_runs(tmp_path):
	sb = start_sandbox()
	try:
		state = tmp_path / "state.json"
		args = ["--sandbox-url", sb.url, "--state", state]
		first = cli("push", INVOICES / "ACC-SINV-2026-00018.json", *args)
		assert first.returncode == 0, first.stdout + first.stderr
		numbers = [i.get("InvoiceNumber") for i in sb.organisation(sb.tenant_id).invoices.values()]
		assert "ACC-SINV-2026-00018" in numbers

		second = cli("push", INVOICES / "ACC-SINV-2026-00018.json", *args)
		assert second.returncode == 0 and re.search(r"ACC-SINV-2026-00018 +push +Skipped", second.stdout)

		pulled = cli("pull", *args)
		assert pulled.returncode == 0, pulled.stdout + pulled.stderr
		assert "pulled" in pulled.stdout
		assert json.loads(state.read_text())["watermarks"]
	finally:
		sb.stop()


def test_mapping_file_errors_are_reported(tmp_path):
	mapping = tmp_path / "mapping.json"
	mapping.write_text(json.dumps({"acounts": {}}))
	result = cli("push", INVOICES / "ACC-SINV-2026-00018.json", "--mapping", mapping)
	assert result.returncode == 2 and "unknown section" in result.stderr
