"""Unit items: one per 5-minute unit an appointment occupies, written in the booking's own transaction.

A unit item names its appointment and the appointment's whole interval (``busy_start``, ``busy_end``), so a read of
the units of a window gives the busy intervals without reading a single appointment (docs/data-model.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from .retention import Retention

# Unit states, as stored.
HELD = "held"  # by a hold until its ``hold_until``, after which anyone may take the unit
BOOKED = "booked"


def held(appointment_id: str, start: int, end: int, hold_until: int) -> dict[str, Any]:
    """A unit item of a hold: free again for anyone once ``hold_until`` has passed."""
    return {
        "appointment_id": appointment_id,
        "state": HELD,
        "hold_until": hold_until,
        "busy_start": start,
        "busy_end": end,
        "expires_at": Retention.transient(hold_until),
    }


def booked(appointment_id: str, start: int, end: int) -> dict[str, Any]:
    """A unit item of a booked appointment, deleted by the table's TTL a day after the appointment ends."""
    return {
        "appointment_id": appointment_id,
        "state": BOOKED,
        "busy_start": start,
        "busy_end": end,
        "expires_at": Retention.transient(end),
    }


def from_epoch(seconds: int) -> datetime:
    """Epoch seconds as an aware UTC datetime."""
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
