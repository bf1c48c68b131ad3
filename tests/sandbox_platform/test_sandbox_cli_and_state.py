"""``xero-sandbox`` from the shell, and the ``--data FILE`` state that survives
a restart (organisations, tokens, connections, webhook subscriptions)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sandbox_platform_support import Api

from xero_connector.sandbox.cli import build_parser, config_from_args
from xero_connector.sandbox.persistence import StateFileError
from xero_connector.sandbox.server import (
	DEMO_CLIENT_ID,
	DEMO_CLIENT_SECRET,
	DEMO_TENANT_ID,
	Sandbox,
	SandboxConfig,
)


def started(tmp_path, **config) -> Sandbox:
	return Sandbox(SandboxConfig(port=0, data_file=tmp_path / "state.json", **config)).start()


def test_state_survives_a_restart(tmp_path):
	sandbox = started(tmp_path)
	tokens = sandbox.issue_token_set()
	client = Api(sandbox, tokens)
	created = client.call(
		"PUT", "/Contacts", json={"Contacts": [{"Name": "Kept Ltd", "AccountNumber": "KEPT1"}]}
	)
	assert created.status_code == 200, created.text
	subscription, _ = sandbox.webhooks.subscribe("http://127.0.0.1:9/hook", "key", verify=False)
	sandbox.stop()

	saved = (tmp_path / "state.json").read_text()
	assert tokens["access_token"] not in saved and tokens["refresh_token"] not in saved
	again = started(tmp_path)
	try:
		client = Api(again, tokens)
		found = client.call("GET", "/Contacts", params={"where": 'AccountNumber=="KEPT1"'})
		assert found.status_code == 200, "the old access token still opens the restarted sandbox"
		assert [c["Name"] for c in found.json()["Contacts"]] == ["Kept Ltd"]
		refreshed = requests.post(
			again.token_url,
			data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
			auth=(again.client_id, again.client_secret),
			timeout=10,
		)
		assert refreshed.status_code == 200
		assert subscription.id in again.webhooks.subscriptions
	finally:
		again.stop()


def test_state_is_written_while_running(tmp_path):
	sandbox = started(tmp_path, save_interval=0.05)
	try:
		client = Api(sandbox, sandbox.issue_token_set())
		client.call("PUT", "/Contacts", json={"Contacts": [{"Name": "Saved While Running"}]})
		deadline = time.monotonic() + 5
		while time.monotonic() < deadline:
			path = tmp_path / "state.json"
			if path.exists() and "Saved While Running" in path.read_text():
				break
			time.sleep(0.05)
		else:
			pytest.fail("the state file never got the new contact")
	finally:
		sandbox.stop()


def test_a_broken_state_file_is_reported(tmp_path):
	(tmp_path / "state.json").write_text("{not json")
	with pytest.raises(StateFileError):
		Sandbox(SandboxConfig(port=0, data_file=tmp_path / "state.json"))
	(tmp_path / "state.json").write_text(json.dumps({"something": "else"}))
	with pytest.raises(StateFileError):
		Sandbox(SandboxConfig(port=0, data_file=tmp_path / "state.json"))


def test_cli_options_become_the_config(tmp_path):
	args = build_parser().parse_args(
		[
			"--port",
			"0",
			"--data",
			str(tmp_path / "s.json"),
			"--starter",
			"--time-scale",
			"60",
			"--client-id",
			"ABC",
		]
	)
	config = config_from_args(args)
	assert config.limits.per_day == 1000 and config.limits.time_scale == 60
	assert config.client_id == "ABC" and config.client_secret == DEMO_CLIENT_SECRET
	assert config.data_file == tmp_path / "s.json"
	assert config.limits.tier == "starter"


@pytest.mark.parametrize(
	"argv, tier, per_day",
	[
		(["--tier", "core"], "core", 5000),
		(["--tier", "Starter"], "starter", 1000),
		(["--tier", "plus", "--day-limit", "7"], "plus", 5000),
		(["--day-limit", "7"], None, 7),
		([], None, 5000),
	],
)
def test_cli_tier_option(argv, tier, per_day):
	config = config_from_args(build_parser().parse_args(argv))
	assert (config.limits.tier, config.limits.per_day) == (tier, per_day)


def test_cli_refuses_an_unknown_tier(capsys):
	with pytest.raises(SystemExit):
		build_parser().parse_args(["--tier", "premium"])
	assert "invalid choice" in capsys.readouterr().err


def _read_banner(process) -> str:
	lines = []
	deadline = time.monotonic() + 30
	while time.monotonic() < deadline:
		line = process.stdout.readline()
		if not line:
			break
		lines.append(line)
		if "Press Ctrl+C" in line:
			return "".join(lines)
	process.kill()
	pytest.fail("xero-sandbox did not start:\n" + "".join(lines) + process.stderr.read())


def test_xero_sandbox_command_runs_prints_credentials_and_saves_on_sigterm(tmp_path):
	data = tmp_path / "cli-state.json"
	process = subprocess.Popen(
		[sys.executable, "-m", "xero_connector.sandbox", "--port", "0", "--data", str(data)],
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)
	try:
		banner = _read_banner(process)
		url = re.search(r"running at (http://\S+)", banner).group(1)
		assert DEMO_CLIENT_ID in banner and DEMO_CLIENT_SECRET in banner and DEMO_TENANT_ID in banner
		redirect = "http://localhost/callback"
		authorize = requests.get(
			f"{url}/identity/connect/authorize",
			params={
				"response_type": "code",
				"client_id": DEMO_CLIENT_ID,
				"redirect_uri": redirect,
				"scope": "openid accounting.transactions accounting.settings offline_access",
				"state": "xyz",
			},
			allow_redirects=False,
			timeout=10,
		)
		code = parse_qs(urlsplit(authorize.headers["Location"]).query)["code"][0]
		tokens = requests.post(
			f"{url}/connect/token",
			data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
			auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
			timeout=10,
		).json()
		organisation = requests.get(
			f"{url}/api.xro/2.0/Organisation",
			headers={"Authorization": f"Bearer {tokens['access_token']}", "xero-tenant-id": DEMO_TENANT_ID},
			timeout=10,
		)
		assert organisation.status_code == 200
		assert requests.get(url + "/", timeout=10).status_code == 200
	finally:
		process.send_signal(signal.SIGTERM)
		out, err = process.communicate(timeout=30)
	assert process.returncode == 0, err
	assert "stopped" in out
	assert json.loads(data.read_text())["format"] == 1


def test_a_given_client_secret_is_not_printed(tmp_path):
	process = subprocess.Popen(
		[
			sys.executable,
			"-m",
			"xero_connector.sandbox",
			"--port",
			"0",
			"--client-secret",
			"my-own-secret-value",
		],
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)
	try:
		banner = _read_banner(process)
	finally:
		process.send_signal(signal.SIGTERM)
		process.communicate(timeout=30)
	assert "my-own-secret-value" not in banner and "--client-secret" in banner


def test_a_busy_port_is_a_clear_error():
	with Sandbox(SandboxConfig(port=0)) as running:
		result = subprocess.run(
			[sys.executable, "-m", "xero_connector.sandbox", "--port", str(running.port)],
			capture_output=True,
			text=True,
			timeout=60,
		)
	assert result.returncode == 2
	assert "cannot listen on" in result.stderr


def test_the_banner_names_the_tier():
	from xero_connector.sandbox.cli import banner

	sandbox = Sandbox(config_from_args(build_parser().parse_args(["--tier", "starter"])))
	assert "Starter tier: 60/minute, 1000/day, 5 concurrent" in banner(sandbox)
