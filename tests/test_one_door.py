"""One door to Xero: the Frappe shell reaches Xero only through
``sync_session.open_client`` / ``open_engine`` (the organisation guard, the shared
limiter and token lock, the budget recorded), and nothing outside the client package
names an SDK method. Read from the source, like the ledger's test."""

import ast
from pathlib import Path

from parsed_source import parse_files

APP = Path(__file__).resolve().parents[1] / "xero_connector"
SHELL = APP / "xero_connector"
# where a client is built without the guard, and why: the door itself; the connect flow's
# Fetch from Xero (reference.fetch), which is where the guard learns (or compares) the organisation; the
# guard's own hourly re-read of the organisation
MAY_BUILD_A_CLIENT = {
	SHELL / "connection" / "sync_session.py": "open_client",
	SHELL / "connection" / "reference.py": "fetch",
	SHELL / "connection" / "guard.py": "refresh_from_xero",
	SHELL / "connection" / "client.py": "xero_client",
}


def calls_named(tree: ast.Module, name: str) -> list[tuple[str, int]]:
	"""(enclosing function, line) of each call of ``name(...)`` or ``x.name(...)``."""
	found = []
	for function in ast.walk(tree):
		if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
			continue
		for node in ast.walk(function):
			if isinstance(node, ast.Call):
				func = node.func
				called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
				if called == name:
					found.append((function.name, node.lineno))
	return found


def test_the_shell_builds_clients_only_at_the_door():
	files = [p for p in sorted(SHELL.rglob("*.py")) if "tests" not in p.parts]
	trees = parse_files(files)
	stray = [
		f"{path.relative_to(APP)}:{line} ({function})"
		for path in files
		for function, line in calls_named(trees[path], "xero_client")
		if MAY_BUILD_A_CLIENT.get(path) != function
	]
	assert stray == [], "open the connection through sync_session.open_client:\n" + "\n".join(stray)


def test_no_sdk_method_is_named_outside_the_client():
	"""``client.call("get_invoices", ...)`` outside ``xero/`` is a second door: each
	endpoint is a method of xero.resources.AccountingResources."""
	files = [p for p in sorted(APP.rglob("*.py")) if "tests" not in p.parts and "xero" != p.parent.name]
	trees = parse_files(files)
	stray = []
	for path in files:
		for node in ast.walk(trees[path]):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Attribute)
				and node.func.attr == "call"
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				stray.append(f"{path.relative_to(APP)}:{node.lineno} calls {node.args[0].value!r}")
	assert stray == [], "add a method to xero/resources.py instead:\n" + "\n".join(stray)
