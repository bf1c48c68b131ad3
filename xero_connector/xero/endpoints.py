"""Where the client sends its requests: Xero's real URLs by default, or the
bundled sandbox's, so the same code talks to either.

Called by whoever builds a client (the Frappe shell from the Xero Connection, the CLI,
tests): ``Endpoints()`` for Xero, ``Endpoints.from_sandbox(sb)`` for the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoints:
	"""Base URLs of Xero's identity service and Accounting API."""

	authorize_url: str = "https://login.xero.com/identity/connect/authorize"
	token_url: str = "https://identity.xero.com/connect/token"
	revocation_url: str = "https://identity.xero.com/connect/revocation"
	connections_url: str = "https://api.xero.com/connections"
	api_url: str = "https://api.xero.com/api.xro/2.0"

	@classmethod
	def from_sandbox(cls, sandbox) -> Endpoints:
		"""The URLs of a started :class:`xero_connector.sandbox.Sandbox` (or anything with
		the same attributes)."""
		return cls(
			authorize_url=sandbox.authorize_url,
			token_url=sandbox.token_url,
			revocation_url=sandbox.revocation_url,
			connections_url=sandbox.connections_url,
			api_url=sandbox.api_url,
		)

	@classmethod
	def from_base_url(cls, base_url: str) -> Endpoints:
		"""The sandbox's fixed layout under one base URL (e.g. ``http://127.0.0.1:8787``),
		for settings that store only the sandbox's address."""
		base = base_url.rstrip("/")
		return cls(
			authorize_url=f"{base}/identity/connect/authorize",
			token_url=f"{base}/connect/token",
			revocation_url=f"{base}/connect/revocation",
			connections_url=f"{base}/connections",
			api_url=f"{base}/api.xro/2.0",
		)

	def is_xero(self) -> bool:
		return self.api_url.startswith("https://api.xero.com/")
