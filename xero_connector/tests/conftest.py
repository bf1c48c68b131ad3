"""Tests in this folder run inside a Frappe bench
(``CI=1 bench --site SITE run-tests --app xero_connector``). Under plain pytest,
where no bench site is connected, each module is reported as skipped with the
reason below instead of failing to import frappe."""

import pytest

REASON = (
	"needs a Frappe + ERPNext bench (15 or 16) with a site: run "
	"`CI=1 bench --site SITE run-tests --app xero_connector` (README: 'Testing in a real bench')"
)


def _bench_available() -> bool:
	try:
		import frappe
	except ImportError:
		return False
	return bool(getattr(frappe.local, "site", None) and getattr(frappe.local, "db", None))


class _NeedsBench(pytest.Item):
	def runtest(self):
		pytest.skip(REASON)

	def reportinfo(self):
		return self.path, 0, f"{self.path.name}: {REASON}"


class _NeedsBenchModule(pytest.File):
	def collect(self):
		yield _NeedsBench.from_parent(self, name="needs_bench")


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
	if not _bench_available():
		return _NeedsBenchModule.from_parent(parent, path=module_path)
	return None
