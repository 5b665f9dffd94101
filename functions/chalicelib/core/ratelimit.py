"""Limits against hoarding, bots and inbox flooding: fixed-window counters per e-mail, per network and per both, kept
in the table, and the caps on holds awaiting confirmation (docs/api.md, "Limits"; docs/security.md).

Each check is one conditional ``UpdateItem`` (``ADD hits 1`` while under the limit): a refused request costs one
write and reaches nothing else. A request refused for another reason after it was counted (the slot was taken, the
e-mail has too many holds...) is given its hits back (:class:`Charge`), so that a third party's refused requests
never use up a patient's budget. Subjects are a canonical e-mail (emailaddress.canonical) and a network
(clientaddress.network: an IPv4 address or an IPv6 /64).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from types import TracebackType
from typing import Protocol

from .errors import TooManyRequests


class Counter(Protocol):
    def hit(self, scope: str, subject: str, window_start: int, window_seconds: int, limit: int) -> bool: ...

    def unhit(self, scope: str, subject: str, window_start: int) -> None: ...


class Same:
    """The field a limit names by default (its own), as opposed to one a caller names, or none (None)."""


SAME = Same()


@dataclass(frozen=True)
class Limit:
    """At most ``hits`` per ``window_seconds`` for one subject in ``scope``."""

    scope: str
    hits: int
    window_seconds: int
    field: str | None = None  # the request field the subject comes from, named in the 429

    def window(self, now: int) -> int:
        return now - now % self.window_seconds

    def check(self, counter: Counter, subject: str, now: int, field: str | Same | None = SAME) -> None:
        """Count one hit for ``subject`` at ``now`` (epoch seconds); raises TooManyRequests over the limit, naming
        ``field`` (by default the limit's own)."""
        window_start = self.window(now)
        if not counter.hit(self.scope, subject, window_start, self.window_seconds, self.hits):
            left = window_start + self.window_seconds - now
            wait = f"{-(-left // 3600)} hours" if left > 5400 else f"{-(-left // 60)} minutes"
            named = self.field if isinstance(field, Same) else field
            raise TooManyRequests(f"Too many requests; please try again in {wait}.", field=named)

    def refund(self, counter: Counter, subject: str, now: int) -> None:
        """Take back the hit counted for ``subject`` at ``now``."""
        counter.unhit(self.scope, subject, self.window(now))


@dataclass
class Charge:
    """The hits one request has counted, given back if the request is refused afterwards.

    ``with limits.charge(store, now) as charge: charge.take(limit, subject) ...``: leaving the block with an
    exception refunds every hit taken in it (and a hit refused by its own limit was never counted).
    """

    counter: Counter
    now: int
    taken: list[tuple[Limit, str]] = field(default_factory=list)

    def take(self, limit: Limit, subject: str, field: str | Same | None = SAME) -> None:
        limit.check(self.counter, subject, self.now, field)
        self.taken.append((limit, subject))

    def refund(self) -> None:
        while self.taken:
            limit, subject = self.taken.pop()
            limit.refund(self.counter, subject, self.now)

    def __enter__(self) -> Charge:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self.refund()


@dataclass(frozen=True)
class Limits:
    """The limits of the booking API (numbers are per window; docs/api.md says why each is what it is)."""

    # Every code e-mail (a hold's, a new code, an e-mail proof's) is counted three ways. Per e-mail and network: a
    # third party at one address can send a patient only a few. Per e-mail a day: a patient receives at most 10
    # codes a day, whoever asks. Per network: a script's throughput, generous for a shared address (a hospital).
    code_per_email_network: Limit = field(default_factory=lambda: Limit("code-email-network", 3, 3600, "patient.email"))
    code_per_email_network_day: Limit = field(
        default_factory=lambda: Limit("code-email-network-day", 5, 86400, "patient.email")
    )
    code_per_email_day: Limit = field(default_factory=lambda: Limit("code-email-day", 10, 86400, "patient.email"))
    code_per_network: Limit = field(default_factory=lambda: Limit("code-network", 100, 600))
    # Code attempts beyond the 5 of each hold or proof, from one network. (Per e-mail they are bounded by the
    # codes: 10 a day, 5 attempts each; a per-e-mail counter would let a stranger lock the patient out.)
    attempt_per_network: Limit = field(default_factory=lambda: Limit("attempt-network", 100, 600))
    # Holds awaiting confirmation at once (checked in the hold's own transaction). Unproven: made by a client that
    # has proven nothing; they cost the patient a code each. A network's total includes proven holds, which the
    # booking widget confirms at once: it bounds what proofs of many mailboxes could hold from one network.
    unproven_holds_per_email: int = 2
    unproven_holds_per_network: int = 2
    proven_holds_per_email: int = 3
    holds_per_network: int = 5

    def scaled(self, factor: float) -> Limits:
        """Every limit multiplied by ``factor`` (benchmarks from one address; 1 in every deployed stage)."""
        if factor == 1:
            return self
        changes: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Limit):
                changes[item.name] = replace(value, hits=max(1, round(value.hits * factor)))
            else:
                changes[item.name] = max(1, round(value * factor))
        return Limits(**changes)  # type: ignore[arg-type]

    def charge(self, counter: Counter, now: int) -> Charge:
        return Charge(counter, now)

    def charge_code(self, charge: Charge, email: str, network: str, field: str | Same | None = SAME) -> None:
        """Count one code e-mail to ``email`` (canonical) asked from ``network``, or refuse it (429)."""
        charge.take(self.code_per_network, network)
        charge.take(self.code_per_email_network, f"{email}|{network}", field)
        charge.take(self.code_per_email_network_day, f"{email}|{network}", field)
        charge.take(self.code_per_email_day, email, field)
