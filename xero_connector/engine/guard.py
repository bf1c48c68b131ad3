"""Organisation guard: never send one site's invoices to another Xero organisation.

A site remembers the organisation it was first connected to (OrganisationID, name,
base currency). Before any job talks to Xero, :func:`check_organisation` compares
the connection's current tenant with what was remembered:

- the tenant id is the one already verified → no call at all (the cheap path);
- otherwise ``GET /Organisation`` once (the caller caches the answer per tenant id)
  and compare its ``OrganisationID`` with the remembered one.

A mismatch is :class:`OrganisationChanged`, whose message tells the user which
organisation the connection now points at and what to do. Nothing is remembered
yet (a brand-new connection) → the current organisation becomes the remembered one.

Called by the Frappe shell (``xero_connector.xero_connector.connection.guard``) before each
engine run, on connect and by the hourly health check; pure (no frappe).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class OrganisationIdentity:
	"""Who a Xero organisation is: the ids and the two facts a user recognises."""

	organisation_id: str
	name: str | None = None
	base_currency: str | None = None
	tenant_id: str | None = None

	@classmethod
	def from_organisation(cls, organisation: dict, tenant_id: str | None) -> OrganisationIdentity:
		"""From Xero's ``GET /Organisation`` element (PascalCase)."""
		organisation_id = organisation.get("OrganisationID") or tenant_id
		if not organisation_id:
			raise ValueError("Xero's Organisation has no OrganisationID")
		return cls(
			organisation_id=str(organisation_id).lower(),
			name=organisation.get("Name"),
			base_currency=organisation.get("BaseCurrency"),
			tenant_id=str(tenant_id).lower() if tenant_id else None,
		)

	def label(self) -> str:
		return f"{self.name or 'an unnamed organisation'} (ID {self.organisation_id})"

	def to_dict(self) -> dict:
		return asdict(self)


class OrganisationChanged(Exception):
	"""The connection points at a different Xero organisation than the one this site synced with.

	``kind``/``cause``/``resolution``/``messages`` follow the error catalogue's shape, so the
	shell's ``describe`` turns it into a Failed Sync Log row without special cases."""

	kind = "permanent"

	def __init__(self, expected: OrganisationIdentity, current: OrganisationIdentity):
		self.expected = expected
		self.current = current
		self.cause = mismatch_message(expected, current)
		self.resolution = (
			f"Reconnect to {expected.name or expected.organisation_id} on the Xero Connection, or, if the "
			f"switch is intended, click Confirm Organisation Switch there (a Xero Manager)."
		)
		self.messages = [self.cause]
		super().__init__(self.cause)


def mismatch_message(expected: OrganisationIdentity, current: OrganisationIdentity) -> str:
	"""The sentence users see on the form banners and the Sync Log."""
	return (
		f"Xero connection now points at organisation {current.name or 'unnamed'} "
		f"(ID {current.organisation_id}), not {expected.name or 'unnamed'} which this site was synced "
		f"with: reconnect to {expected.name or expected.organisation_id} or confirm the switch on the Xero Connection"
	)


@dataclass
class GuardResult:
	"""What :func:`check_organisation` found.

	``current`` is the connected organisation (None when the cheap path needed no call);
	``remember`` is True when nothing was remembered and ``current`` should be stored;
	``called`` says whether Xero was asked."""

	ok: bool
	current: OrganisationIdentity | None = None
	remember: bool = False
	called: bool = False
	error: OrganisationChanged | None = None

	def raise_if_changed(self) -> None:
		if self.error is not None:
			raise self.error


def check_organisation(
	expected: OrganisationIdentity | None,
	tenant_id: str,
	read_organisation: Callable[[], dict],
	known: OrganisationIdentity | None = None,
) -> GuardResult:
	"""Compare the connected organisation with the remembered one.

	``expected``: what the site synced with (None before the first connection);
	``tenant_id``: the connection's current ``xero-tenant-id``;
	``read_organisation``: ``GET /Organisation`` (e.g. ``port.get_organisation``);
	``known``: the cached identity last read for a tenant (skips the call when its
	tenant id is the current one)."""
	tenant = (tenant_id or "").lower()
	called = False
	if known is not None and known.tenant_id == tenant:
		current = known
	elif expected is not None and expected.tenant_id == tenant and known is None:
		current = expected
	else:
		current = OrganisationIdentity.from_organisation(read_organisation(), tenant)
		called = True
	if expected is None:
		return GuardResult(ok=True, current=current, remember=True, called=called)
	if current.organisation_id != expected.organisation_id:
		return GuardResult(
			ok=False, current=current, called=called, error=OrganisationChanged(expected, current)
		)
	return GuardResult(ok=True, current=current, called=called)


def ensure_same_organisation(
	port, expected: OrganisationIdentity | None, known: OrganisationIdentity | None = None
) -> GuardResult:
	""":func:`check_organisation` over a :class:`~.xero_port.XeroPort`; raises
	:class:`OrganisationChanged` on a mismatch. Called before an engine run."""
	result = check_organisation(expected, port.tenant_id, port.get_organisation, known)
	result.raise_if_changed()
	return result
