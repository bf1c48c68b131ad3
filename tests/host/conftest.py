"""The browser and over-HTTP tests: a throw-away site of a real bench, reached
through the bench's own web server, with a real ``bench worker`` and the Xero
sandbox running here in the test process.

``.ci/host`` (``make test-host``) makes the site and runs these with:

- ``XERO_SITE``: the site's name; ``XERO_SITE_URL``: its web server (by address,
  for HTTP); ``XERO_DESK_URL``: the same by the site's name (Chromium resolves
  ``*.localhost``), as people reach it and as Xero redirects back to it;
- ``XERO_BENCH_BIN``: a ``bench`` for that bench (runs in its chroot if it has one);
- ``XERO_SCREENSHOTS``: where each test saves its screenshots.

Without them (plain ``make test``) every test here is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
import requests

SITE_URL = os.environ.get("XERO_SITE_URL", "")
REASON = "needs a throw-away site of a real bench: run `make test-host` (README: 'Testing in a real bench')"


def pytest_collection_modifyitems(config, items):
	if SITE_URL:
		return
	skip = pytest.mark.skip(reason=REASON)
	for item in items:
		if "tests/host/" in str(item.fspath).replace(os.sep, "/"):
			item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
	"""Each phase's report on the test item (``rep_call``), for fixtures that act on failure."""
	report = yield
	setattr(item, f"rep_{report.when}", report)
	return report


class Site:
	"""The site under test: its URL, `bench execute` of the app's host_site helpers,
	and logged-in HTTP sessions."""

	def __init__(self):
		self.url = SITE_URL.rstrip("/")
		self.desk_url = os.environ.get("XERO_DESK_URL", SITE_URL).rstrip("/")
		self.name = os.environ.get("XERO_SITE", "")
		self.bench = os.environ.get("XERO_BENCH_BIN", "bench")
		self.version = os.environ.get("XERO_FRAPPE_VERSION", "")
		self.users: dict[str, str] = {}
		self.password = ""
		self.company = ""
		self.company_b = ""  # the second company (issue 15), limited users "accounts_b", "manager_b"
		self.app = ""  # the Xero App both companies connect through

	def execute(self, function: str, **kwargs):
		"""``bench --site SITE execute xero_connector.tests.host_site.FUNCTION``; its JSON answer."""
		command = [self.bench, "--site", self.name, "execute", f"xero_connector.tests.host_site.{function}"]
		if kwargs:
			# `bench execute` eval()s --kwargs: a Python literal (JSON's true/null are not)
			command += ["--kwargs", repr(kwargs)]
		done = subprocess.run(command, capture_output=True, text=True, timeout=300)
		if done.returncode != 0:
			raise AssertionError(
				f"{shlex.join(command[1:])} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
			)
		lines = [line for line in done.stdout.splitlines() if line.strip()]
		if not lines:
			return None
		try:
			return json.loads(lines[-1])
		except ValueError:
			# Frappe 16's `bench execute` prints a string answer without its JSON quotes
			return lines[-1]

	def session(self, kind: str | None) -> requests.Session:
		"""A requests session logged in as one of the prepared users (None: Guest)."""
		http = requests.Session()
		if kind:
			answer = http.post(
				f"{self.url}/api/method/login",
				data={"usr": self.users.get(kind, kind), "pwd": self.password},
				timeout=30,
			)
			assert answer.status_code == 200, (kind, answer.status_code, answer.text[:300])
		return http


@pytest.fixture(scope="session")
def sandbox():
	"""The Xero sandbox for the site, with Xero's consent page (organisation picker)."""
	from xero_connector.sandbox.server import Sandbox, SandboxConfig

	with Sandbox(SandboxConfig(port=0, consent_page=True)) as started:
		yield started


@pytest.fixture(scope="session")
def site(sandbox) -> Site:
	found = Site()
	prepared = found.execute(
		"prepare",
		sandbox_url=sandbox.url,
		client_id=sandbox.client_id,
		client_secret=sandbox.client_secret,
	)
	found.users = prepared["users"]
	found.password = prepared["password"]
	found.company = prepared["company"]
	found.company_b = prepared["company_b"]
	found.app = prepared["app"]
	return found


@pytest.fixture(scope="module")
def desk(site, screenshots):
	"""A person at the desk (tests/host/desk.py), one browser per test file."""
	from tests.host.desk import Desk

	person = Desk(site.desk_url, screenshots, site.version)
	yield person
	person.quit()


@pytest.fixture(scope="module")
def xero(sandbox):
	"""The sandbox's Accounting API for the demo organisation, as Xero's own web app."""
	from xero_connector.sandbox.testing import SandboxHttp

	api = SandboxHttp(sandbox)
	yield api
	api.close()


@pytest.fixture(autouse=True)
def no_console_errors(request):
	"""Every test at the desk: the browser console holds no error when it ends (and a failed
	test leaves a screenshot of where it stopped)."""
	yield
	if "desk" in request.fixturenames:
		person = request.getfixturevalue("desk")
		report = getattr(request.node, "rep_call", None)
		if report is not None and report.failed:
			person.screenshot(f"failed-{request.node.name}")
		errors = person.console_errors()
		assert not errors, "JavaScript errors in the browser console:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def connected(site, sandbox):
	"""The test company connected already (the browser tests connect through Xero's pages)
	or now, from the server side, with Xero's consent step approving at once."""
	if site.execute("settings")["connection_status"] == "Connected":
		return
	sandbox.config.consent_page = False
	try:
		site.execute("connect_directly", sandbox_url=sandbox.url)
	finally:
		sandbox.config.consent_page = True


@pytest.fixture(scope="session")
def screenshots() -> Path:
	folder = Path(os.environ.get("XERO_SCREENSHOTS") or "build/screenshots")
	folder.mkdir(parents=True, exist_ok=True)
	return folder
