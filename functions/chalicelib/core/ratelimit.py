"""Limits against hoarding and bots: fixed-window counters per e-mail and per client address, kept in the table.

Each check is one conditional ``UpdateItem`` (``ADD hits 1`` while under the limit): a refused request costs one
write and reaches nothing else. The windows are short, so a burst is cut off without a lock-out that lasts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from .errors import TooManyRequests


class Counter(Protocol):
    def hit(self, scope: str, subject: str, window_start: int, window_seconds: int, limit: int) -> bool: ...


@dataclass(frozen=True)
class Limit:
    """At most ``hits`` per ``window_seconds`` for one subject in ``scope``."""

    scope: str
    hits: int
    window_seconds: int
    field: str | None = None  # the request field the subject comes from, named in the 429

    def check(self, counter: Counter, subject: str, now: int) -> None:
        """Count one hit for ``subject`` at ``now`` (epoch seconds); raises TooManyRequests over the limit."""
        window_start = now - now % self.window_seconds
        if not counter.hit(self.scope, subject, window_start, self.window_seconds, self.hits):
            minutes = -(-(window_start + self.window_seconds - now) // 60)
            raise TooManyRequests(f"Too many requests; please try again in {minutes} minutes.", field=self.field)


@dataclass(frozen=True)
class Limits:
    """The limits of the booking API (numbers are per window; see docs/api.md)."""

    # Holds send a one-time code: few per e-mail (a victim's inbox), more per address (shared NAT, a clinic's Wi-Fi).
    code_per_email: Limit = field(default_factory=lambda: Limit("code-email", 5, 3600, "patient.email"))
    code_per_address: Limit = field(default_factory=lambda: Limit("code-address", 100, 600))
    # Code attempts beyond the 5 per hold: across holds of one e-mail and from one address.
    attempt_per_email: Limit = field(default_factory=lambda: Limit("attempt-email", 20, 3600, "code"))
    attempt_per_address: Limit = field(default_factory=lambda: Limit("attempt-address", 100, 600))
    # Unconfirmed holds one e-mail may have at once (checked in the hold's own transaction).
    open_holds_per_email: int = 3

    def scaled(self, factor: float) -> Limits:
        """Every limit multiplied by ``factor`` (benchmarks from one address; 1 in every deployed stage)."""
        if factor == 1:
            return self

        def scale(limit: Limit) -> Limit:
            return replace(limit, hits=max(1, round(limit.hits * factor)))

        return Limits(
            code_per_email=scale(self.code_per_email),
            code_per_address=scale(self.code_per_address),
            attempt_per_email=scale(self.attempt_per_email),
            attempt_per_address=scale(self.attempt_per_address),
            open_holds_per_email=max(1, round(self.open_holds_per_email * factor)),
        )
