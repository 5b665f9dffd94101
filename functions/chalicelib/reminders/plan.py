"""When an appointment's reminders are due: pure, on the site's clock, right across daylight-saving changes.

A practice chooses its reminders (``ReminderSettings``): the day before at a fixed local hour (on by default, 18:00)
and, optionally, a number of hours before. "The day before at 18:00" is a wall-clock time of the site's zone, so
its UTC instant moves with summer time; "two hours before" is elapsed time. Reminders whose time has passed when
the appointment is booked are skipped; a booking left with none, at least ``CATCH_UP_MIN_LEAD`` ahead, gets one
``CATCH_UP_LEAD`` before its start instead (its confirmation was just sent, a second e-mail at once would be noise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Kind = Literal["day_before", "hours_before", "catch_up"]
MARGIN = timedelta(minutes=10)  # a reminder planned closer to now than this is not worth a separate message
CATCH_UP_MIN_LEAD = timedelta(hours=4)
CATCH_UP_LEAD = timedelta(hours=2)


@dataclass(frozen=True)
class ReminderSettings:
    """A practice's reminders. ``hours_before`` None: no second reminder; ``sms``: texts allowed (where the stage
    sends texts and the patient proved a mobile number)."""

    day_before: bool = True
    day_before_time: time = time(18, 0)
    hours_before: int | None = None
    sms: bool = True

    @classmethod
    def from_item(cls, item: dict[str, object] | None) -> ReminderSettings:
        if not item:
            return cls()
        hours = item.get("hours_before")
        return cls(
            day_before=bool(item.get("day_before", True)),
            day_before_time=time.fromisoformat(str(item.get("day_before_time") or "18:00")),
            hours_before=int(str(hours)) if hours not in (None, "", 0) else None,
            sms=bool(item.get("sms", True)),
        )

    def to_item(self) -> dict[str, object]:
        return {
            "day_before": self.day_before,
            "day_before_time": self.day_before_time.strftime("%H:%M"),
            "hours_before": self.hours_before,
            "sms": self.sms,
        }


def wall_time(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day``'s local date in ``zone``; a time the spring change skips is read as the same number of
    minutes after the change (02:30 becomes 03:30), a repeated one as its first occurrence."""
    local = datetime.combine(day.date(), at, zone)
    return local.astimezone(UTC).astimezone(zone)  # normalised: a skipped wall time lands after the gap


def due_times(settings: ReminderSettings, start: datetime, timezone: str, now: datetime) -> list[tuple[Kind, datetime]]:
    """The reminders of an appointment starting at ``start`` (aware) at a site in ``timezone``, booked or changed at
    ``now``: (kind, due instant in UTC), in time order, none in the past nor after the start."""
    zone = ZoneInfo(timezone)
    local_start = start.astimezone(zone)
    start = start.astimezone(UTC)  # elapsed time: Python subtracts aware times of one zone on the wall clock
    wanted: list[tuple[Kind, datetime]] = []
    if settings.day_before:
        wanted.append(("day_before", wall_time(local_start - timedelta(days=1), settings.day_before_time, zone)))
    if settings.hours_before:
        wanted.append(("hours_before", start - timedelta(hours=settings.hours_before)))
    planned = [(kind, due.astimezone(UTC)) for kind, due in wanted if now + MARGIN <= due < start]
    if wanted and not planned and start - now >= CATCH_UP_MIN_LEAD:
        planned = [("catch_up", (start - CATCH_UP_LEAD).astimezone(UTC))]
    return sorted(planned, key=lambda pair: pair[1])
