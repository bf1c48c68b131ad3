"""What the bench-side benchmarks share: the refusal to touch a site connected to a real Xero.
The site connected to an in-process sandbox is tests.fixtures.connected_sandbox, the same one
the bench tests use.

Used by submit_overhead.py and tax_corpus.py (``bench execute``), never by the app itself.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import APP


def refuse_live_xero() -> None:
	"""Never reconfigure a site that is connected to a real Xero organisation."""
	live = frappe.get_all(APP, filters={"use_sandbox": 0, "client_id": ("is", "set")}, pluck="name")
	if live:
		frappe.throw(
			f"Xero App {live[0]} points at a real Xero organisation: run this benchmark on a test site."
		)
