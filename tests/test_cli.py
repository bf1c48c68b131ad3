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


# -- bad input: one line naming the file or option, exit 2, nothing sent, never a traceback --


def bad_inputs(tmp_path) -> list[tuple[list, str]]:
	"""(arguments, what the one-line error must say)."""
	invoice = INVOICES / "ACC-SINV-2026-00018.json"
	listed = tmp_path / "list.json"
	listed.write_text("[1, 2]")
	broken = tmp_path / "broken.json"
	broken.write_text('{\n  "name": "X",\n  oops\n}')
	config = tmp_path / "config.json"
	config.write_text(json.dumps({"tenant_id": "t"}))
	return [
		(["push", listed], f"{listed}: Sales Invoice must be a JSON object"),
		(["push", broken], f"{broken}: not valid JSON (Sales Invoice), line 3"),
		(["push", invoice, "--masters", broken], f"{broken}: not valid JSON (--masters file), line 3"),
		(["push", invoice, "--masters", listed], f"{listed}: --masters file must be a JSON object"),
		(["pull", "--config", tmp_path / "none.json"], "none.json: no such file (--config connection file)"),
		(["pull", "--config", config], f"{config}: missing client_id, token_file"),
		(["pull", "--config", listed], f"{listed}: --config connection file must be a JSON object"),
		(["pull", "--sandbox-url", "localhost"], "--sandbox-url 'localhost': give the sandbox's address"),
		(["pull", "--sandbox-url", "http://127.0.0.1:99999"], "Port out of range"),
		(["pull", "--state", tmp_path / "no" / "state.json"], "the folder"),
		(["pull", "--state", tmp_path], "is a folder"),
	]


def test_bad_input_is_one_line_naming_the_file_or_option(tmp_path):
	for args, expected in bad_inputs(tmp_path):
		result = cli(*args)
		assert result.returncode == 2, (args, result.stdout, result.stderr)
		assert "Traceback" not in result.stderr, (args, result.stderr)
		assert expected in result.stderr, (args, result.stderr)
		assert result.stdout == "", (args, result.stdout)  # nothing was sent


def test_an_unreachable_sandbox_is_one_line_and_exit_one():
	result = cli("push", INVOICES / "ACC-SINV-2026-00018.json", "--sandbox-url", "http://127.0.0.1:9")
	assert result.returncode == 1, result.stderr
	assert "Traceback" not in result.stderr
	assert "cannot reach http://127.0.0.1:9" in result.stderr


def test_the_state_file_is_this_tools_and_never_overwrites_another_file(tmp_path):
	masters = tmp_path / "masters.json"
	masters.write_text((SAMPLES / "masters.json").read_text())
	before = masters.read_text()
	# the masters file given as the state by mistake: refused before anything is sent
	result = cli("push", INVOICES / "ACC-SINV-2026-00018.json", "--masters", masters, "--state", masters)
	assert result.returncode == 2 and "is not a xero-connector state file" in result.stderr, result.stderr
	assert masters.read_text() == before, "the masters file was overwritten"
	assert result.stdout == ""


def test_the_state_file_belongs_to_one_organisation(tmp_path):
	state = tmp_path / "state.json"
	first = cli("push", INVOICES / "ACC-SINV-2026-00018.json", "--state", state)
	assert first.returncode == 0, first.stderr
	saved = json.loads(state.read_text())
	assert saved["format"] == "xero-connector-state" and saved["tenant_id"]
	saved["tenant_id"] = "another-organisation"
	state.write_text(json.dumps(saved))
	second = cli("push", INVOICES / "ACC-SINV-2026-00018.json", "--state", state)
	assert second.returncode == 2, second.stdout + second.stderr
	assert "holds the state of another Xero organisation (tenant another-organisation)" in second.stderr
	assert second.stdout == "", "nothing is sent with another organisation's state"
	assert json.loads(state.read_text())["tenant_id"] == "another-organisation", "left as it was"


def test_ctrl_c_is_one_line_and_exit_130():
	import signal
	import time

	sb = start_sandbox()
	sb.faults.add("slow", delay=20, count=None, path="/Invoices")
	try:
		run = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"xero_connector.cli",
				"push",
				str(INVOICES / "ACC-SINV-2026-00018.json"),
				"--sandbox-url",
				sb.url,
			],
			stdout=subprocess.PIPE,
			stderr=subprocess.PIPE,
			text=True,
			# as at a terminal: a test run started in the background (CI, `make test &`) has
			# SIGINT ignored, which children inherit and Python then never turns into Ctrl-C
			preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
		)
		time.sleep(4)  # connected, waiting on Xero's answer
		run.send_signal(signal.SIGINT)
		out, err = run.communicate(timeout=60)
	finally:
		sb.faults.clear()
		sb.stop()
	assert run.returncode == 130, (out, err)
	assert "Traceback" not in err and "interrupted" in err, err
