"""The times one schedule publishes: every slot of its visit reason on the feed's days, free or busy. Pure.

A slot is the booking engine's own (core/availability.py): the grid of the reason in the site's opening hours,
after the professional's notice and within their horizon, closures and holidays left out. It is free when the
patients' API would offer it now, busy when an appointment, a live hold or a block (or its buffer) covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..core.availability import free_slots
from ..core.schedule import Slot
from .resources import BUSY, FREE, FeedSchedule


@dataclass(frozen=True)
class Times:
    """The local dates a schedule's slots cover (``first`` to ``last``) and its slots, in time order."""

    first: date
    last: date
    slots: list[tuple[str, Slot]]


def feed_times(schedule: FeedSchedule, busy: Sequence[tuple[datetime, datetime]], now: datetime, days: int) -> Times:
    """The slots of ``schedule`` on ``days`` local dates from today (the site's), each ``free`` or ``busy``."""
    rules = schedule.profile.schedule(schedule.site_id)
    first = now.astimezone(rules.zone).date()
    offered = free_slots(rules, schedule.reason_id, (), first, days, now)
    free = {slot.start.timestamp() for slot in free_slots(rules, schedule.reason_id, busy, first, days, now)}
    last = min(first + timedelta(days=days - 1), first + timedelta(days=rules.rules.horizon_days))
    return Times(first, last, [(FREE if slot.start.timestamp() in free else BUSY, slot) for slot in offered])
