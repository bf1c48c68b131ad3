"""The OAuth2 scopes the connector asks for.

The connector reads and writes contacts, invoices, credit notes (with their
allocations) and payments, and reads settings (accounts, tax rates, currencies,
items, organisation), and attaches the invoice's PDF (``accounting.attachments``, the same
in both vocabularies; issue 17). Xero offers two vocabularies:

- broad scopes (apps created before 2 March 2026; usable until September 2027):
  ``accounting.transactions`` covers invoices, credit notes and payments;
- granular scopes (mandatory for apps created since 2 March 2026):
  ``accounting.invoices`` (invoices, credit notes and their allocations, items),
  ``accounting.payments`` (payments), ``accounting.contacts`` and
  ``accounting.settings.read`` (accounts, tax rates, currencies, organisation).

Which one an app may use is a property of the Xero app, so it is a setting
(Xero Settings → "Scope style"); asking for the wrong vocabulary ends the
authorisation with ``invalid_scope``/``unauthorized_client`` (see the catalogue).
"""

from __future__ import annotations

BROAD = "broad"
GRANULAR = "granular"

IDENTITY_SCOPES = ("openid", "profile", "email", "offline_access")

BROAD_SCOPES = (
	*IDENTITY_SCOPES,
	"accounting.transactions",
	"accounting.contacts",
	"accounting.settings.read",
	"accounting.attachments",
)

GRANULAR_SCOPES = (
	*IDENTITY_SCOPES,
	"accounting.invoices",
	"accounting.payments",
	"accounting.contacts",
	"accounting.settings.read",
	"accounting.attachments",
)


def scopes_for(style: str = GRANULAR) -> tuple[str, ...]:
	"""The scopes to request for ``style`` ("broad" or "granular"). Called by the OAuth client."""
	if style == BROAD:
		return BROAD_SCOPES
	if style == GRANULAR:
		return GRANULAR_SCOPES
	raise ValueError(f"Unknown scope style {style!r}: use 'broad' or 'granular'")


def scope_string(style: str = GRANULAR) -> str:
	return " ".join(scopes_for(style))
