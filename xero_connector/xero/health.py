"""Connection health: how long the stored refresh token has left before Xero lets it lapse.

Xero's refresh tokens are single-use and rotate on every refresh; one that is not used expires
60 days after it was issued ("Refresh tokens expire after 60 days" —
developer.xero.com/documentation/guides/oauth2/token-types/#refresh-token; the FAQ,
developer.xero.com/faq/oauth2, says the same of an unused refresh token). A connection whose
organisation sends nothing for two months (a seasonal business, a paused sync) must then be
connected again by a person. The tokens' ``updated_at`` is when they were last obtained (the
connect flow or a refresh, :meth:`TokenSet.from_response`), i.e. when the refresh token was last
used and rotated.

Pure: :func:`days_left` and :func:`should_warn` take the time as an argument, and
:func:`connection_health` reads a :class:`~xero_connector.xero.tokens.TokenStore` once. Called by
the desk (connection status, the hourly check) and by tests with a fake clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xero_connector.xero.tokens import TokenSet, TokenStore

DAY = 86400.0
REFRESH_TOKEN_LIFETIME_DAYS = 60  # Xero's, see the module docstring
WARN_WITHIN_DAYS = 7


def rotated_at(tokens: TokenSet | None) -> float | None:
	"""When the refresh token was issued (last used and rotated), epoch seconds; None when
	unknown (never connected, or tokens saved without the time)."""
	if tokens is None or not tokens.refresh_token or not tokens.updated_at:
		return None
	return float(tokens.updated_at)


def expires_at(tokens: TokenSet | None) -> float | None:
	"""When the refresh token lapses if it is not used before, epoch seconds."""
	issued = rotated_at(tokens)
	return None if issued is None else issued + REFRESH_TOKEN_LIFETIME_DAYS * DAY


def seconds_left(tokens: TokenSet | None, now: float) -> float | None:
	"""Seconds before the refresh token lapses (0 once lapsed); None when unknown."""
	end = expires_at(tokens)
	return None if end is None else max(0.0, end - now)


def days_left(tokens: TokenSet | None, now: float) -> int | None:
	"""Whole days left before Xero's 60-day expiry of the unused refresh token (0 on its last
	day and after it); None when unknown."""
	left = seconds_left(tokens, now)
	return None if left is None else math.floor(left / DAY)


def should_warn(left_seconds: float | None, within_days: float = WARN_WITHIN_DAYS) -> bool:
	"""Warn a person when the refresh token lapses within ``within_days`` (or has lapsed)."""
	return left_seconds is not None and left_seconds <= within_days * DAY


@dataclass(frozen=True)
class ConnectionHealth:
	connected: bool
	needs_reauthorisation: bool
	rotated_at: float | None  # when the refresh token was last used and rotated (epoch seconds)
	expires_at: float | None  # when it lapses unless used before
	days_left: int | None
	warn: bool
	message: str

	def as_dict(self) -> dict:
		return dict(self.__dict__)


def health_of(tokens: TokenSet | None, now: float, within_days: float = WARN_WITHIN_DAYS) -> ConnectionHealth:
	"""The health of a connection holding ``tokens`` at time ``now``."""
	if tokens is None or not (tokens.access_token or tokens.refresh_token):
		return ConnectionHealth(False, False, None, None, None, False, "Not connected to Xero.")
	if tokens.needs_reauthorisation:
		message = tokens.reauthorisation_message or "Xero refused the stored tokens: connect again."
		return ConnectionHealth(True, True, None, None, None, True, message)
	left = seconds_left(tokens, now)
	days = days_left(tokens, now)
	warn = should_warn(left, within_days)
	if left is None:
		message = "Connected; when the refresh token was issued is not known."
	elif left == 0:
		message = "The Xero refresh token was not used for 60 days and has expired: connect to Xero again."
	elif warn:
		message = (
			f"The Xero refresh token expires in {days} day{'s' if days != 1 else ''} unless the "
			"connection is used (any sync or check refreshes it); otherwise connect to Xero again."
		)
	else:
		message = f"Connected; the refresh token is good for {days} more days without use."
	return ConnectionHealth(True, False, rotated_at(tokens), expires_at(tokens), days, warn, message)


def connection_health(
	store: TokenStore, now: float, within_days: float = WARN_WITHIN_DAYS
) -> ConnectionHealth:
	"""The health of the connection whose tokens ``store`` keeps (one read)."""
	return health_of(store.load(), now, within_days)
