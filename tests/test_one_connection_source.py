"""One answer to "which Xero connection" (issue 15): the shell reads the connection
document only through ``connection/registry.py``, and every other function receives the
connection (or its Xero app) it works for. A module that read the settings document
itself would send every company's documents to that one organisation, whatever the
registry says. Read from the source, like the one-door test."""

import ast
from pathlib import Path

from parsed_source import parse_files

APP = Path(__file__).resolve().parents[1] / "xero_connector"
SHELL = APP / "xero_connector"
# the registry is the answer; the settings controller is the document itself; the
# benchmarks set a site up, as the bench tests' fixtures do
ALLOWED = (
	SHELL / "connection" / "registry.py",
	SHELL / "doctype" / "xero_settings" / "xero_settings.py",
)
LEFT_OUT = ("tests", "benchmarks")
READERS = {
	"get_single",
	"get_cached_doc",
	"get_doc",
	"get_single_value",
	"get_singles_dict",
	"set_single_value",
	"get_value",
	"set_value",
	"get_decrypted_password",
	"set_encrypted_password",
}


def names_the_settings(node: ast.AST) -> bool:
	return (isinstance(node, ast.Name) and node.id == "SETTINGS") or (
		isinstance(node, ast.Constant) and node.value == "Xero Settings"
	)


def stray_reads(path: Path, tree: ast.Module) -> list[str]:
	found = []
	for node in ast.walk(tree):
		if not isinstance(node, ast.Call) or not node.args:
			continue
		func = node.func
		called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
		if called in READERS and names_the_settings(node.args[0]):
			found.append(f"{path.relative_to(APP)}:{node.lineno} {called}(SETTINGS, ...)")
	return found


def shell_files() -> list[Path]:
	return [
		p
		for p in sorted(SHELL.rglob("*.py"))
		if not any(part in LEFT_OUT for part in p.relative_to(SHELL).parts) and p not in ALLOWED
	]


def test_only_the_registry_reads_the_connection_document():
	files = shell_files()
	assert len(files) > 40  # the shell really was read
	trees = parse_files(files)
	stray = [line for path in files for line in stray_reads(path, trees[path])]
	assert stray == [], "ask connection/registry.py for the connection instead:\n" + "\n".join(stray)


def test_the_check_sees_a_read_of_the_settings(tmp_path):
	"""The check itself: a module that reads the settings document is caught."""
	sample = tmp_path / "sample.py"
	sample.write_text(
		"import frappe\nfrom xero_connector.constants import SETTINGS\n"
		"def f():\n\treturn frappe.get_cached_doc(SETTINGS).tenant_id\n"
		"def g():\n\treturn frappe.db.get_single_value('Xero Settings', 'enabled')\n"
	)
	tree = ast.parse(sample.read_text())
	found = sorted(line.split(" ", 1)[1] for line in stray_reads(APP / "sample.py", tree))
	assert found == ["get_cached_doc(SETTINGS, ...)", "get_single_value(SETTINGS, ...)"]
