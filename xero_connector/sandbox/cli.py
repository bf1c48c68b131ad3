"""``xero-sandbox``: run the Xero sandbox from the shell.

    xero-sandbox --host 127.0.0.1 --port 8089 [--data FILE]

Prints where everything is, the ready-to-use client id and secret and the demo
organisation's tenant id, then serves until Ctrl+C or SIGTERM (state is saved
to ``--data FILE`` on the way out, and while running).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from xero_connector.sandbox.limits import TIERS, LimitConfig
from xero_connector.sandbox.persistence import StateFileError
from xero_connector.sandbox.server import DEMO_CLIENT_SECRET, Sandbox, SandboxConfig

STARTER_DAY_LIMIT = TIERS["starter"].per_day


def build_parser() -> argparse.ArgumentParser:
	parser = argparse.ArgumentParser(
		prog="xero-sandbox",
		description="A local server that speaks Xero's Accounting, Identity and webhook APIs.",
	)
	parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
	parser.add_argument("--port", type=int, default=8089, help="port (default 8089; 0 picks a free one)")
	parser.add_argument(
		"--data", type=Path, metavar="FILE", help="keep the sandbox's state in FILE across restarts"
	)
	parser.add_argument("--client-id", help="the app's client id (default: the printed demo client id)")
	parser.add_argument("--client-secret", help="the app's client secret (default: the printed demo secret)")
	parser.add_argument(
		"--redirect-uri",
		action="append",
		default=[],
		metavar="URI",
		help="accept only these redirect URIs (repeatable; default: any)",
	)
	parser.add_argument(
		"--consent-page",
		action="store_true",
		help="show a consent page offering the organisations instead of approving at once",
	)
	limits = parser.add_argument_group("rate limits (per organisation unless noted)")
	limits.add_argument("--minute-limit", type=int, default=60, help="calls per minute (default 60)")
	limits.add_argument(
		"--day-limit", type=int, default=None, help="calls per day (default 5000, or the --tier's)"
	)
	limits.add_argument(
		"--tier",
		choices=list(TIERS),
		type=str.lower,
		help="Xero's app tier: its day limit ("
		+ ", ".join(f"{t.name} {t.per_day}" for t in TIERS.values())
		+ "); overrides --day-limit",
	)
	limits.add_argument(
		"--starter", action="store_true", help=f"same as --tier starter ({STARTER_DAY_LIMIT} calls per day)"
	)
	limits.add_argument(
		"--concurrent-limit", type=int, default=5, help="calls in progress at once (default 5)"
	)
	limits.add_argument(
		"--app-minute-limit", type=int, default=10_000, help="calls per minute for the app (10000)"
	)
	limits.add_argument(
		"--time-scale",
		type=float,
		default=1.0,
		help="make the limits' minute and day this many times shorter (benchmarks; default 1)",
	)
	limits.add_argument(
		"--no-limits", action="store_true", help="do not enforce rate limits (headers still sent)"
	)
	parser.add_argument(
		"--webhook-timeout", type=float, default=5.0, help="seconds a webhook receiver has to answer"
	)
	parser.add_argument("--verbose", action="store_true", help="log each request (method and path only)")
	return parser


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
	tier = "starter" if args.starter and not args.tier else args.tier
	limits = LimitConfig(
		per_minute=args.minute_limit,
		per_day=args.day_limit if args.day_limit is not None else 5_000,
		tier=tier,
		concurrent=args.concurrent_limit,
		app_per_minute=args.app_minute_limit,
		time_scale=args.time_scale,
		enabled=not args.no_limits,
	)
	options = {}
	if args.client_id:
		options["client_id"] = args.client_id
	if args.client_secret:
		options["client_secret"] = args.client_secret
	return SandboxConfig(
		host=args.host,
		port=args.port,
		data_file=args.data,
		redirect_uris=tuple(args.redirect_uri),
		consent_page=args.consent_page,
		limits=limits,
		webhook_timeout=args.webhook_timeout,
		**options,
	)


def banner(sandbox: Sandbox) -> str:
	"""What the CLI prints once the server listens (the README shows the same)."""
	secret = (
		sandbox.client_secret
		if sandbox.client_secret == DEMO_CLIENT_SECRET
		else "(the one given with --client-secret)"
	)
	organisations = "\n".join(
		f"  {'*' if t.tenant_id in sandbox.identity.default_tenant_ids else ' '} {t.name:<24} tenant id {t.tenant_id}"
		for t in sandbox.identity.tenants.values()
	)
	limits = sandbox.limiter.config
	limit_line = (
		"off"
		if not limits.enabled
		else (f"{limits.tier.capitalize()} tier: " if limits.tier else "")
		+ f"{limits.per_minute}/minute, {limits.per_day}/day, {limits.concurrent} concurrent, "
		f"{limits.app_per_minute}/minute per app"
		+ (f", time x{limits.time_scale:g}" if limits.time_scale != 1 else "")
	)
	return (
		f"Xero sandbox running at {sandbox.url}\n"
		f"  Web page            {sandbox.url}/\n"
		f"  Authorize URL       {sandbox.authorize_url}\n"
		f"  Token URL           {sandbox.token_url}\n"
		f"  Revocation URL      {sandbox.revocation_url}\n"
		f"  Connections URL     {sandbox.connections_url}\n"
		f"  Accounting API      {sandbox.api_url}\n"
		f"  Admin API           {sandbox.url}/sandbox  (faults, webhooks, token expiry)\n"
		f"  Client id           {sandbox.client_id}\n"
		f"  Client secret       {secret}\n"
		f"  Rate limits         {limit_line}\n"
		f"Organisations (* = connected when you authorise):\n{organisations}\n"
		f"State file: {sandbox.config.data_file or 'none (state is lost on exit)'}\n"
		"Press Ctrl+C to stop."
	)


def main(argv: list[str] | None = None) -> int:
	args = build_parser().parse_args(argv)
	logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
	try:
		sandbox = Sandbox(config_from_args(args))
		sandbox.start()
	except StateFileError as error:
		print(f"xero-sandbox: {error}", file=sys.stderr)
		return 2
	except OSError as error:
		print(
			f"xero-sandbox: cannot listen on {args.host}:{args.port}: {error.strerror or error}",
			file=sys.stderr,
		)
		return 2
	print(banner(sandbox), flush=True)
	stopping = threading.Event()
	signal.signal(signal.SIGTERM, lambda *_: stopping.set())
	try:
		while not stopping.wait(0.5):
			pass
	except KeyboardInterrupt:
		pass
	sandbox.stop()
	print("Xero sandbox stopped.", flush=True)
	return 0


if __name__ == "__main__":
	sys.exit(main())
