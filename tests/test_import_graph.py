"""The app's modules import each other without circles (imports inside functions
count too: they hide a circle, they do not remove it). The Xero sandbox is in the graph
(issue 13): its routes and pipeline see the server through sandbox/services.py, and quotes
shares the Accounting API's answers through sandbox/answers.py."""

import ast
from pathlib import Path

from parsed_source import parse_files

PACKAGE = Path(__file__).resolve().parents[1] / "xero_connector"
LEFT_OUT = ("xero_connector.tests",)


def module_name(path: Path) -> str:
	parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
	return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph() -> dict[str, set[str]]:
	modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
	edges: dict[str, set[str]] = {}
	trees = parse_files([p for n, p in modules.items() if not n.startswith(LEFT_OUT)])
	for name, path in modules.items():
		if name.startswith(LEFT_OUT):
			continue
		targets = set()
		for node in ast.walk(trees[path]):
			if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
				# "from package import submodule" names the submodule, not the package
				candidates = [
					f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
					for a in node.names
				]
			elif isinstance(node, ast.Import):
				candidates = [a.name for a in node.names]
			else:
				continue
			targets |= {c for c in candidates if c in modules and not c.startswith(LEFT_OUT) and c != name}
		edges[name] = targets
	return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
	"""Strongly connected components of more than one module (Tarjan)."""
	index, low, stack, on_stack, found = {}, {}, [], set(), []

	def visit(v):
		index[v] = low[v] = len(index)
		stack.append(v)
		on_stack.add(v)
		for w in edges.get(v, ()):
			if w not in index:
				visit(w)
				low[v] = min(low[v], low[w])
			elif w in on_stack:
				low[v] = min(low[v], index[w])
		if low[v] == index[v]:
			component = []
			while True:
				w = stack.pop()
				on_stack.discard(w)
				component.append(w)
				if w == v:
					break
			if len(component) > 1:
				found.append(sorted(component))

	for v in sorted(edges):
		if v not in index:
			visit(v)
	return found


def test_the_app_imports_without_circles():
	edges = graph()
	assert len(edges) > 50  # the graph really was read
	assert cycles(edges) == []


def test_a_circle_is_found_when_there_is_one():
	assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
