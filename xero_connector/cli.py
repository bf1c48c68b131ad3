"""``xero-connector``: push ERPNext Sales Invoices to Xero and pull payment status back,
from the command line, without a Frappe bench.

    xero-connector push FILE... [--masters FILE] [--mapping FILE] [--config FILE | --sandbox-url URL] [--state FILE]
    xero-connector pull [--config FILE | --sandbox-url URL] [--state FILE]

FILE is a Sales Invoice as JSON: ``doc.as_dict()`` or ERPNext's REST answer
(``{"data": {...}}``). ``--masters`` is shaped like ERPNext's exported masters
(items, item groups, customers, accounts, tax templates, company) and
``--mapping`` is a mapping file (see docs/mapping-file.md); both default to the
bundled samples in ``xero_connector/samples/``.

Where documents go:

- by default an embedded Xero sandbox started for this run (and gone after it);
- ``--sandbox-url URL``: a running ``xero-sandbox`` (connected with its demo credentials);
- ``--config FILE``: a real Xero organisation, from a JSON file::

      {"client_id": "...", "client_secret": "...", "tenant_id": "...",
       "token_file": "xero-tokens.json", "base_url": null}

  ``token_file`` holds the OAuth token set (written by the client as tokens rotate;
  create it once with ``xero-connector connect --config FILE``); ``base_url`` may
  point at a sandbox instead of Xero.

``--state FILE`` keeps Xero IDs, contact links and the pull watermark between runs
(JSON), so a second ``push`` updates or skips instead of creating, and ``pull``
knows which invoices are ours.

Prints one line per document step (number, operation, status, Xero ID, Xero
status, ERPNext total, Xero total, reason), under one that failed or waits a
``fix:`` line per fix in the words of these files and options (mapping-file keys
such as ``accounts.item``; :mod:`xero_connector.cli_fixes`), and exits 1 if any failed or Xero could not
be reached, 2 on bad usage (every file and option is checked before anything is
sent), 130 when interrupted. Errors are one line naming the file or option; never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

SAMPLES = Path(__file__).resolve().parent / "samples"


def build_parser() -> argparse.ArgumentParser:
	parser = argparse.ArgumentParser(prog="xero-connector", description=__doc__.split("\n\n")[0])
	commands = parser.add_subparsers(dest="command", required=True)

	def connection_options(p):
		where = p.add_mutually_exclusive_group()
		where.add_argument("--config", type=Path, help="JSON connection file for a real Xero organisation")
		where.add_argument("--sandbox-url", help="URL of a running xero-sandbox (default: start one here)")
		p.add_argument("--state", type=Path, help="JSON file keeping sync state between runs")
		p.add_argument("--site-id", default="xero-connector-cli", help="site id used in idempotency keys")

	push = commands.add_parser("push", help="send Sales Invoice JSON files to Xero")
	push.add_argument("files", nargs="+", type=Path, metavar="FILE")
	push.add_argument("--masters", type=Path, default=SAMPLES / "masters.json")
	push.add_argument("--mapping", type=Path, default=SAMPLES / "mapping.json")
	connection_options(push)

	pull = commands.add_parser("pull", help="bring payment status back from Xero")
	pull.add_argument("--masters", type=Path, default=SAMPLES / "masters.json")
	pull.add_argument("--mapping", type=Path, default=SAMPLES / "mapping.json")
	connection_options(pull)

	connect = commands.add_parser("connect", help="authorise a real Xero organisation (writes token_file)")
	connect.add_argument("--config", type=Path, required=True)
	connect.add_argument("--redirect-uri", default="http://localhost:8080/callback")
	return parser


class UsageError(Exception):
	"""Bad input: a file or option that cannot be used (exit 2, nothing sent)."""


def read_invoice(path: Path) -> dict:
	"""A Sales Invoice dict from ``doc.as_dict()`` JSON or a REST ``{"data": {...}}`` answer."""
	from xero_connector.engine.memory_host import read_json_object

	data = read_json_object(path, "Sales Invoice")
	if isinstance(data.get("data"), dict):
		data = data["data"]
	if data.get("doctype") not in (None, "Sales Invoice") or "name" not in data:
		raise ValueError(f"{path} is not a Sales Invoice")
	return data


def make_host(args, tenant_id: str):
	from xero_connector.engine.context import MappingContext, Masters
	from xero_connector.engine.mapping_file import load_mapping_file
	from xero_connector.engine.memory_host import MemoryHost, read_json_object

	masters = Masters.from_export(read_json_object(args.masters, "--masters file"))
	mappings, settings = load_mapping_file(args.mapping, masters.company.get("default_currency"))
	host = MemoryHost(MappingContext(mappings, settings, masters), site_id=args.site_id, tenant_id=tenant_id)
	if args.state:
		host.load(args.state)
	return host


def format_line(outcome) -> str:
	"""The outcome's line, then (for what failed or waits) one ``fix:`` line per fix, in the words
	of the command line's files and options (:mod:`xero_connector.cli_fixes`)."""
	from xero_connector.cli_fixes import for_cli

	total = lambda v: "-" if v is None else f"{v}"  # noqa: E731
	currency = outcome.currency or ""
	line = (
		f"{outcome.name:<24} {outcome.operation:<8} {outcome.status:<8} {outcome.xero_id or '-':<36} "
		f"{outcome.xero_status or '-':<10} erpnext={total(outcome.expected_total)} {currency} "
		f"xero={total(outcome.xero_total)}" + (f"  {for_cli(outcome.reason)}" if outcome.reason else "")
	)
	if outcome.status not in ("Failed", "Queued") or not outcome.resolution:
		return line
	fixes = [f for f in for_cli(outcome.resolution).splitlines() if f.strip()]
	return "\n".join([line, *(f"{'':<4}fix: {fix}" for fix in fixes)])


def check_sandbox_url(url: str | None) -> None:
	if url is None:
		return
	try:
		parts = urlsplit(url)
		parts.port
	except ValueError as error:
		raise UsageError(f"--sandbox-url {url!r}: {error}") from None
	if parts.scheme not in ("http", "https") or not parts.hostname:
		raise UsageError(f"--sandbox-url {url!r}: give the sandbox's address, e.g. http://127.0.0.1:8765")


def check_state_path(path: Path | None) -> None:
	if path is None:
		return
	if path.is_dir():
		raise UsageError(f"--state {path}: is a folder; give a file name in it")
	if not path.parent.is_dir():
		raise UsageError(f"--state {path}: the folder {path.parent} does not exist")


def main(argv: list[str] | None = None) -> int:
	args = build_parser().parse_args(argv)
	from xero_connector.xero.redact import install_log_redaction

	install_log_redaction()
	try:
		return run(args)
	except KeyboardInterrupt:
		print(
			"interrupted: what Xero already accepted stays there; run the same command again to"
			" continue (it updates or skips instead of sending twice)",
			file=sys.stderr,
		)
		return 130
	except UsageError as error:
		print(f"error: {error}", file=sys.stderr)
		return 2
	except Exception as error:  # the last word for the command line: one line, never a traceback
		print(f"error: {describe_failure(error, args)}", file=sys.stderr)
		return 1


def describe_failure(error: Exception, args) -> str:
	"""One line for a failure after the input was checked: Xero unreachable or refusing."""
	import requests

	from xero_connector.cli_fixes import error_fix
	from xero_connector.xero.errors import XeroError

	where = args.sandbox_url or (f"the Xero organisation in {args.config}" if args.config else "Xero")
	if isinstance(error, requests.RequestException):
		return f"cannot reach {where}: {type(error).__name__}"
	if isinstance(error, XeroError):
		fix = error_fix(error)
		return f"{where} refused: {error.message}" + (f"; fix: {fix}" if fix else "")
	return f"{type(error).__name__}: {error}"


def run(args) -> int:
	from xero_connector.engine.connection import open_connection, run_connect
	from xero_connector.engine.mapping_file import MappingFileError

	if args.command == "connect":
		try:
			return run_connect(args.config, args.redirect_uri)
		except ValueError as error:
			raise UsageError(str(error)) from None
	check_sandbox_url(args.sandbox_url)
	check_state_path(args.state)
	try:
		docs = [read_invoice(path) for path in args.files] if args.command == "push" else []
		make_host(args, "")  # the masters, mapping and state files, before connecting
		if args.config:
			from xero_connector.engine.connection import read_config

			read_config(args.config)
	except (OSError, ValueError, MappingFileError) as error:
		raise UsageError(str(error)) from None
	with open_connection(config=args.config, sandbox_url=args.sandbox_url) as connection:
		if connection.note:
			print(connection.note, file=sys.stderr)
		try:
			host = make_host(args, connection.tenant_id)  # the state file is this organisation's
		except ValueError as error:
			raise UsageError(str(error)) from None
		from xero_connector.engine.sync import SyncEngine

		engine = SyncEngine(host, connection.port)
		failed = False
		if args.command == "push":
			for doc in docs:
				host.add_invoice(doc)
			for outcome in engine.push([d["name"] for d in docs]):
				print(format_line(outcome))
				failed = failed or outcome.failed
		else:
			report = engine.pull()
			for outcome in engine.recorder.outcomes:
				print(format_line(outcome))
				failed = failed or outcome.failed
			print(
				f"pulled: {report.seen} document(s) changed in Xero since the last pull;"
				f" {len(report.updated)} of the invoices sent from here changed"
			)
			failed = failed or bool(report.error)
		if args.state:
			host.save(args.state)
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
