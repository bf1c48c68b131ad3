"""The pure core (sandbox, Xero client, engine, CLI) must never import frappe:
it is what runs and is tested on a machine without a bench."""

import ast
import subprocess
import sys
from pathlib import Path

from parsed_source import parse_files

PACKAGE = Path(__file__).resolve().parents[1] / "xero_connector"
PURE_PACKAGES = ["sandbox", "xero", "engine"]
PURE_MODULES = ["cli.py", "demo.py"]


def pure_files():
	for name in PURE_PACKAGES:
		yield from sorted((PACKAGE / name).rglob("*.py"))
	for name in PURE_MODULES:
		if (PACKAGE / name).exists():
			yield PACKAGE / name


def frappe_imports(path: Path, tree: ast.Module) -> list[str]:
	found = []
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			names = [alias.name for alias in node.names]
		elif isinstance(node, ast.ImportFrom):
			names = [node.module or ""]
		else:
			continue
		found += [
			f"{path}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in ("frappe", "erpnext")
		]
	return found


def test_pure_core_has_no_frappe_import_statement():
	files = list(pure_files())
	assert files, "the pure core has no modules"
	trees = parse_files(files)
	offenders = [hit for path in files for hit in frappe_imports(path, trees[path])]
	assert offenders == [], "\n".join(offenders)


def test_pure_core_imports_with_frappe_unavailable():
	"""Transitive imports count too: import every pure module with frappe blocked."""
	modules = []
	for path in pure_files():
		rel = path.relative_to(PACKAGE.parent).with_suffix("")
		parts = list(rel.parts)
		if parts[-1] == "__init__":
			parts = parts[:-1]
		if parts[-1] == "__main__":
			continue
		modules.append(".".join(parts))
	code = (
		"import sys, importlib\n"
		"sys.modules['frappe'] = None\nsys.modules['erpnext'] = None\n"
		f"for m in {modules!r}:\n    importlib.import_module(m)\n"
	)
	result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
	assert result.returncode == 0, result.stderr


def test_guard_detects_a_frappe_import(tmp_path):
	sample = tmp_path / "probe.py"
	sample.write_text("import os\nfrom frappe.utils import flt\n")
	assert frappe_imports(sample, parse_files([sample])[sample]) == [f"{sample}:2 imports frappe.utils"]
