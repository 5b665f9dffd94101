"""Plain values and errors that bookings.py and store.py exchange (no boto3 here, so bookings.py stays pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import Conflict, Gone, InvalidInput, TooManyRequests

# Appointment statuses and unit states, as stored.
HELD = "held"
CONFIRMED = "confirmed"
CANCELLED = "cancelled"
BOOKED = "booked"
BLOCKED = "blocked"  # a time the practice keeps free of bookings (back-office): an appointment without a patient


class StaleRead(Exception):
    """An optimistic check (a ``version`` or ``revision`` read earlier) failed: read again and decide again."""


@dataclass(frozen=True)
class Replay:
    """The idempotency record a repeated request found: the appointment it created and the request's fingerprint."""

    appointment_id: str
    fingerprint: str


class IdempotentReplay(Exception):
    def __init__(self, replay: Replay) -> None:
        super().__init__(replay.appointment_id)
        self.replay = replay


@dataclass(frozen=True)
class Versioned:
    """A map item read for an optimistic update: its entries and the version they were read at (0: no item)."""

    entries: dict[str, int]
    version: int


class AlreadyConfirmed(Conflict):
    code = "already_confirmed"


class NotConfirmed(Conflict):
    code = "not_confirmed"


class TooLate(Conflict):
    code = "too_late"


class TooManyAppointments(Conflict):
    code = "too_many_appointments"


class HoldExpired(Gone):
    code = "hold_expired"


class WrongCode(InvalidInput):
    """A wrong confirmation code; ``attempts_left`` (1 or more: at none the hold answers ``TooManyAttempts``) is in
    the body, so a client says it in its own words instead of parsing ``message``."""

    code = "wrong_code"

    def __init__(self, attempts_left: int) -> None:
        plural = "s" if attempts_left > 1 else ""
        super().__init__(f"Wrong code; {attempts_left} attempt{plural} left.", field="code")
        self.attempts_left = attempts_left

    def details(self) -> dict[str, int]:
        return {"attempts_left": self.attempts_left}


class TooManyAttempts(TooManyRequests):
    code = "too_many_attempts"


class TooManyHolds(TooManyRequests):
    code = "too_many_holds"


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def busy_intervals(units: Iterable[Mapping[str, Any]], now: int) -> list[tuple[datetime, datetime]]:
    """The appointments (start, end) behind the occupied units read from the store: booked, or held until later
    than ``now``. A unit stores its appointment's own interval, so buffers are not counted twice."""
    intervals = {
        (int(u["busy_start"]), int(u["busy_end"]))
        for u in units
        if u.get("state") == BOOKED or int(u.get("hold_until") or 0) > now
    }
    return [(from_epoch(start), from_epoch(end)) for start, end in sorted(intervals)]
