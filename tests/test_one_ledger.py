"""One writer of Xero Sync Log rows: ``xero_connector/xero_connector/sync/ledger.py``.

Every other module of the Frappe shell reads the ledger and calls the ledger's
functions to write it; a second writer is how a row came to skip redaction or
the invoice's status mirror before. Read from the source: no module but the
ledger inserts, updates or deletes Xero Sync Log rows (the doctype's own
``clear_old_logs``, which Frappe's log clearing calls, is the one exception)."""

import ast
from pathlib import Path

from parsed_source import parse_files

SHELL = Path(__file__).resolve().parents[1] / "xero_connector" / "xero_connector"
LEDGER = SHELL / "sync" / "ledger.py"
CONTROLLER = SHELL / "doctype" / "xero_sync_log" / "xero_sync_log.py"
WRITES = {"set_value", "db_set", "insert", "db_insert", "save", "delete", "sql", "new_doc", "get_doc"}


def names_the_log(node: ast.AST) -> bool:
	"""The expression is (or holds) the Sync Log's doctype name or table."""
	for part in ast.walk(node):
		if isinstance(part, ast.Name) and part.id == "SYNC_LOG":
			return True
		if isinstance(part, ast.Constant) and isinstance(part.value, str) and "Xero Sync Log" in part.value:
			return True
	return False


def log_writes(tree: ast.Module) -> list[int]:
	"""Lines that call a writing API with the Sync Log named in the first argument."""
	found = []
	for node in ast.walk(tree):
		if not isinstance(node, ast.Call) or not node.args:
			continue
		func = node.func
		name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
		if name not in WRITES:
			continue
		first = node.args[0]
		if name == "get_doc" and not isinstance(first, ast.Dict):
			continue  # frappe.get_doc(SYNC_LOG, name) reads a row
		if name == "sql" and not any(
			word in ast.unparse(first).upper() for word in ("INSERT", "UPDATE", "DELETE", "REPLACE")
		):
			continue
		if names_the_log(first):
			found.append(node.lineno)
	return found


def test_only_the_ledger_writes_the_sync_log():
	files = [
		p for p in sorted(SHELL.rglob("*.py")) if "tests" not in p.parts and p not in (LEDGER, CONTROLLER)
	]
	trees = parse_files(files)
	writers = [f"{path.relative_to(SHELL)}:{line}" for path in files for line in log_writes(trees[path])]
	assert writers == [], "write the Xero Sync Log through ledger.py only:\n" + "\n".join(writers)


def test_the_check_sees_each_way_of_writing_a_row(tmp_path):
	sample = tmp_path / "writer.py"
	sample.write_text(
		"frappe.db.set_value(SYNC_LOG, name, 'status', 'Failed')\n"
		"frappe.get_doc({'doctype': SYNC_LOG, 'status': 'Queued'}).insert()\n"
		"frappe.db.sql(f'INSERT INTO `tab{SYNC_LOG}` (name) VALUES (%s)', (n,))\n"
		"frappe.get_doc(SYNC_LOG, name)\n"  # a read
		"frappe.db.sql(f'SELECT name FROM `tab{SYNC_LOG}`')\n"  # a read
		"frappe.db.set_value('Sales Invoice', name, 'xero_status', 'PAID')\n"  # not the log
	)
	assert sorted(log_writes(parse_files([sample])[sample])) == [1, 2, 3]
	assert log_writes(parse_files([LEDGER])[LEDGER]), "the ledger itself writes rows"
