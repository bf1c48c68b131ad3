"""What the bench-side benchmarks share: the refusal to touch a site connected to a real Xero,
and a site connected to an in-process Xero sandbox through the real OAuth flow.

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


def connected_sandbox(time_scale: float = 60.0, **settings):
	"""The test masters (xero_connector.tests.fixtures), a started Sandbox (Xero's minute
	shortened ``time_scale`` times), Xero Settings pointing at it and connected with the real
	OAuth flow (reference data fetched), the defaults (account 200, tax type OUTPUT2) and
	``settings``; what XeroTestCase.setUpClass does. Returns the sandbox (stop it when done)."""
	from xero_connector.sandbox.limits import LimitConfig
	from xero_connector.sandbox.server import Sandbox, SandboxConfig
	from xero_connector.tests import fixtures
	from xero_connector.xero_connector.connection.redis_backends import FrappeTokenStore
	from xero_connector.xero_connector.doctype.xero_settings.xero_settings import get_redirect_uri

	fixtures.make_masters()
	sandbox = Sandbox(
		SandboxConfig(port=0, redirect_uris=(get_redirect_uri(),), limits=LimitConfig(time_scale=time_scale))
	).start()
	try:
		FrappeTokenStore().clear()
		# a new sandbox is a new organisation: forget the previous one's contact links
		frappe.db.sql("update `tabCustomer` set xero_contact_id = null where xero_contact_id is not null")
		frappe.db.set_single_value(
			SETTINGS, {"watermarks": None, "payment_watermark": None, "tenant_id": None}
		)
		fixtures.configure_settings(sandbox, sandbox_time_scale=time_scale)
		fixtures.connect(sandbox)
		fixtures.set_defaults(default_account_code="200", default_tax_type="OUTPUT2", **settings)
		frappe.db.commit()
	except Exception:
		sandbox.stop()
		raise
	return sandbox
