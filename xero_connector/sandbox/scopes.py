"""Which OAuth2 scope each Accounting API call needs, for both kinds of Xero app.

- Apps created before 2 March 2026 hold the broad scopes; the spec lists them per operation
  (``../shared/xero-openapi/xero_accounting.yaml`` ``paths./Invoices.get.security`` etc.):
  ``accounting.transactions`` (Invoices, CreditNotes and their Allocations, Payments, Quotes),
  ``accounting.contacts`` (Contacts), ``accounting.settings`` (Accounts, TaxRates, Currencies,
  Items, Organisation), each with a ``.read`` form that serves GET only.
- Apps created from 2 March 2026 get only the granular scopes
  (developer.xero.com/documentation/guides/oauth2/scopes; Xero's notice quoted in
  dcblogdev/laravel-xero#108): ``accounting.transactions`` is replaced by
  ``accounting.invoices`` (Invoices, CreditNotes with their allocations, Quotes),
  ``accounting.payments`` (Payments), ``accounting.banktransactions`` and
  ``accounting.manualjournals``; contacts and settings keep their names.

A call is served when the token holds any scope of :func:`accepted`. Called by
:mod:`.pipeline` (strict; the named rule ``scopes`` loosens it) and by the identity
provider for the granular-only apps.
"""

from __future__ import annotations

BROAD_ONLY = frozenset({"accounting.transactions", "accounting.transactions.read", "accounting.reports.read"})
GRANULAR = frozenset(
	{
		"accounting.invoices",
		"accounting.invoices.read",
		"accounting.payments",
		"accounting.payments.read",
		"accounting.banktransactions",
		"accounting.banktransactions.read",
		"accounting.manualjournals",
		"accounting.manualjournals.read",
	}
)

# resource (first path segment, lower case) → (broad scope, granular scope)
_RESOURCES = {
	"invoices": ("accounting.transactions", "accounting.invoices"),
	"creditnotes": ("accounting.transactions", "accounting.invoices"),
	"quotes": ("accounting.transactions", "accounting.invoices"),
	"purchaseorders": ("accounting.transactions", "accounting.invoices"),  # as quotes (issue 16)
	"payments": ("accounting.transactions", "accounting.payments"),
	"contacts": ("accounting.contacts", "accounting.contacts"),
	"accounts": ("accounting.settings", "accounting.settings"),
	"taxrates": ("accounting.settings", "accounting.settings"),
	"currencies": ("accounting.settings", "accounting.settings"),
	"items": ("accounting.settings", "accounting.settings"),
	"organisation": ("accounting.settings", "accounting.settings"),
	"trackingcategories": ("accounting.settings", "accounting.settings"),  # the spec's security
}


def accepted(method: str, path: str) -> frozenset[str] | None:
	"""The scopes any one of which lets a token make this call (None: no scope is asked, e.g. an
	unknown path that answers 404 anyway)."""
	parts = [p for p in path.split("?")[0].strip("/").split("/") if p]
	if not parts or parts[0].lower() not in _RESOURCES:
		return None
	broad, granular = _RESOURCES[parts[0].lower()]
	if len(parts) > 2 and parts[2].lower() == "attachments":  # the spec's security for attachments
		broad = granular = "accounting.attachments"
	write = {broad, granular}
	if method.upper() in ("GET", "HEAD"):
		return frozenset(write | {f"{broad}.read", f"{granular}.read"})
	return frozenset(write)


def allowed(scope: str, method: str, path: str) -> tuple[bool, frozenset[str]]:
	"""(whether a token granted ``scope`` may make the call, the scopes that would)."""
	needed = accepted(method, path)
	if needed is None:
		return True, frozenset()
	return bool(needed & set(scope.split())), needed
