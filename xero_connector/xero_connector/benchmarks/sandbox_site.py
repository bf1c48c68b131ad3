"""What the bench-side benchmarks share: the refusal to touch a site connected to a real Xero.
The site connected to an in-process sandbox is tests.fixtures.connected_sandbox, the same one
the bench tests use.

Used by submit_overhead.py and tax_corpus.py (``bench execute``), never by the app itself.
"""

from __future__ import annotations

import frappe

from xero_connector.constants import SETTINGS


def refuse_live_xero() -> None:
	"""Never reconfigure a site that is connected to a real Xero organisation."""
	s = frappe.get_single(SETTINGS)
	if s.client_id and not s.use_sandbox:
		frappe.throw("Xero Settings point at a real Xero organisation: run this benchmark on a test site.")
