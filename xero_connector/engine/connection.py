"""Getting a :class:`~.xero_port.XeroPort` for one Xero organisation outside Frappe.

Three ways, used by ``xero-connector`` (:mod:`xero_connector.cli`), the demo and the tests:

- :func:`sandbox_port` — a Sandbox object in this process (token issued directly);
- :func:`running_sandbox_port` — a ``xero-sandbox`` at a URL (OAuth code flow with its
  demo credentials, no browser: the sandbox approves without a consent page);
- :func:`config_port` — a real organisation from a JSON config (client id/secret,
  tenant id, token file that the client keeps up to date as tokens rotate).

:func:`open_connection` picks one and cleans up (stops an embedded sandbox).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

from xero_connector.engine.xero_adapter import ClientPort
from xero_connector.xero.client import XeroClient
from xero_connector.xero.endpoints import Endpoints
from xero_connector.xero.oauth import OAuthClient
from xero_connector.xero.tokens import JsonFileTokenStore, MemoryTokenStore, TokenManager, TokenSet

LOOPBACK_REDIRECT = "http://127.0.0.1:8765/callback"


@dataclass
class Connection:
	port: ClientPort
	tenant_id: str
	note: str = ""  # printed to stderr by the CLI (e.g. where the sandbox runs)
	sandbox: object = None  # the embedded Sandbox, when there is one


def _client_port(
	oauth: OAuthClient, store, tenant_id: str, endpoints: Endpoints, **client_options
) -> ClientPort:
	manager = TokenManager(oauth, store)
	return ClientPort(XeroClient(manager, tenant_id, endpoints=endpoints, **client_options))


def sandbox_port(sb, tenant_id: str | None = None, **client_options) -> ClientPort:
	"""A port to an in-process Sandbox's organisation (default: its demo organisation).
	``client_options`` go to XeroClient (e.g. ``retry=RetryPolicy(sleep=no_sleep)`` in tests)."""
	tenant_id = tenant_id or sb.tenant_id
	endpoints = Endpoints.from_sandbox(sb)
	oauth = OAuthClient(sb.client_id, sb.client_secret, endpoints)
	tokens = TokenSet.from_response(sb.issue_token_set([tenant_id]))
	return _client_port(oauth, MemoryTokenStore(tokens), tenant_id, endpoints, **client_options)


def running_sandbox_port(
	url: str, client_id: str | None = None, client_secret: str | None = None
) -> ClientPort:
	"""Connect to a running ``xero-sandbox`` through its OAuth endpoints with the demo credentials."""
	from xero_connector.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

	endpoints = Endpoints.from_base_url(url)
	oauth = OAuthClient(client_id or DEMO_CLIENT_ID, client_secret or DEMO_CLIENT_SECRET, endpoints)
	request = oauth.begin(LOOPBACK_REDIRECT)
	answer = requests.get(request.url, allow_redirects=False, timeout=10)
	location = answer.headers.get("Location")
	if answer.status_code not in (302, 303) or not location:
		raise RuntimeError(f"the sandbox at {url} did not approve the connection (HTTP {answer.status_code})")
	tokens = oauth.complete(urljoin(request.url, location))
	tenant = OAuthClient.choose_tenant(oauth.connections(tokens.access_token))
	return _client_port(oauth, MemoryTokenStore(tokens), tenant["tenantId"], endpoints)


def read_config(path: Path) -> dict:
	"""The connection file: ``client_id``, ``client_secret``, ``tenant_id``, ``token_file``
	(relative to the config file), optional ``base_url`` of a sandbox instead of Xero."""
	from xero_connector.engine.memory_host import read_json_object

	config = read_json_object(path, "--config connection file")
	missing = [k for k in ("client_id", "token_file") if not config.get(k)]
	if missing:
		raise ValueError(f"{path}: missing {', '.join(missing)}")
	token_file = Path(config["token_file"])
	config["token_file"] = token_file if token_file.is_absolute() else Path(path).parent / token_file
	return config


def _oauth_for(config: dict) -> tuple[OAuthClient, Endpoints]:
	endpoints = Endpoints.from_base_url(config["base_url"]) if config.get("base_url") else Endpoints()
	return OAuthClient(config["client_id"], config.get("client_secret"), endpoints), endpoints


def config_port(path: Path) -> ClientPort:
	"""A port to the organisation a config file names (tokens from its token file)."""
	config = read_config(path)
	oauth, endpoints = _oauth_for(config)
	store = JsonFileTokenStore(config["token_file"])
	tenant_id = config.get("tenant_id")
	if not tenant_id:
		manager = TokenManager(oauth, store)
		tenant_id = OAuthClient.choose_tenant(oauth.connections(manager.access_token()))["tenantId"]
	return _client_port(oauth, store, tenant_id, endpoints)


def run_connect(path: Path, redirect_uri: str, stdin=None, stdout=None) -> int:
	"""``xero-connector connect``: print the authorise URL, read back the URL the browser was
	sent to, store the tokens in the config's token file and list the organisations."""
	stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
	config = read_config(path)
	oauth, _ = _oauth_for(config)
	request = oauth.begin(redirect_uri)
	print(f"Open this address, approve, then paste the address you were sent to:\n{request.url}", file=stdout)
	tokens = oauth.complete(stdin.readline().strip())
	JsonFileTokenStore(config["token_file"]).save(tokens)
	for connection in oauth.connections(tokens.access_token):
		print(
			f"connected: {connection.get('tenantName')} tenant_id={connection.get('tenantId')}", file=stdout
		)
	return 0


@contextmanager
def open_connection(config: Path | None = None, sandbox_url: str | None = None):
	"""The connection the CLI asked for: config file, running sandbox, or an embedded sandbox."""
	if config:
		port = config_port(config)
		yield Connection(port, port.tenant_id, f"connected to Xero organisation {port.tenant_id}")
		return
	if sandbox_url:
		port = running_sandbox_port(sandbox_url)
		yield Connection(port, port.tenant_id, f"connected to the sandbox at {sandbox_url}")
		return
	from xero_connector.sandbox.server import Sandbox

	sb = Sandbox().start()
	try:
		port = sandbox_port(sb)
		yield Connection(port, port.tenant_id, f"embedded Xero sandbox at {sb.url} (stops when done)", sb)
	finally:
		sb.stop()
