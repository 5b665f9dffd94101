"""Free appointment slots of one professional at one practice site. Pure computation: no I/O, no AWS, no web.

Inputs are plain values: a :class:`~chalicelib.core.schedule.Schedule` (schedule.py: visit reasons, weekly openings
in the site's local time, dated closures and extra openings, booking rules, the territory's public holidays), the
intervals already taken (confirmed appointments and live holds) and the current instant ``now``.

Rules, in the order they apply:

* **Openings.** A weekly :class:`Opening` gives, on each of its weekdays, one period from ``start`` to ``end`` in the
  site's local clock time, so 08:00 stays 08:00 on both sides of a daylight-saving change. On the day the clocks go
  forward a bound that does not exist (02:30 in Europe/Monaco) is moved to the instant of the change; on the day they
  go back the period starts at the first time the clock shows ``start`` and ends at the last time it shows ``end``.
* **Holidays.** On a public holiday of ``holiday_country`` (local date) the weekly openings do not apply; an
  :class:`ExtraOpening` still does, which is how a professional opens on a holiday.
* **Extra openings** add periods on given dates (any day, holidays included).
* **Closures** (absences, closed days) remove every slot that overlaps them, extra openings included: a closure
  means nobody is there.
* **The grid.** Within a period, slots of a reason start at the period's start and every ``duration_minutes`` after
  it (in elapsed time), and must end by the period's end: a 20-minute reason in 08:00-12:00 offers 08:00, 08:20, ...,
  11:40. The grid does not move when other appointments are booked, so a slot a patient saw stays valid until it is
  taken; a booking of another duration only hides the grid slots it overlaps. Periods that overlap each other each
  bring their own grid; a start offered by two periods is listed once.
* **Busy intervals and the buffer.** A slot is free when it overlaps no busy interval widened by
  ``buffer_minutes`` on both sides.
* **Notice and horizon.** A slot starts at least ``min_notice_minutes`` after ``now``, and on a local date at most
  ``horizon_days`` days after the local date of ``now``.

Double bookings are prevented by the store, not here: :func:`occupied_units` lists the ``UNIT_MINUTES`` units an
appointment occupies (its buffer included), and the store writes one item per unit in the booking transaction, so two
appointments that overlap, whatever their durations, cannot both be written.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import InvalidInput, SlotTaken
from .schedule import (
    MAX_LOCKED_MINUTES,
    MAX_WINDOW_DAYS,
    UNIT_MINUTES,
    UNIT_SECONDS,
    PatientKind,
    Schedule,
    Slot,
    VisitReason,
    holiday_dates,
    on_unit,
)

# ---------------------------------------------------------------------------------------------------------------
# Time units


def is_on_unit(value: datetime) -> bool:
    """Whether an aware datetime falls on a ``UNIT_MINUTES`` boundary (whole minutes, counted from the epoch)."""
    return value.tzinfo is not None and on_unit(value)


def occupied_units(start: datetime, end: datetime, buffer_minutes: int = 0) -> list[datetime]:
    """The unit boundaries (UTC datetimes) of every ``UNIT_MINUTES`` unit that ``[start, end + buffer)`` covers.

    The store writes one item per unit inside the booking transaction. Two appointments whose units intersect
    overlap, or come closer than the buffer when both lock ``end + buffer``: locking the buffer after each
    appointment is enough to keep the gap between any two. ``start`` and ``end`` must be aware and on unit
    boundaries; a buffer that is not a whole number of units is rounded up.
    """
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name}: {value.isoformat()} has no UTC offset")
        if not on_unit(value):
            raise ValueError(f"{name}: {value.isoformat()} is not on a {UNIT_MINUTES}-minute boundary")
    first, last = int(start.timestamp()), int(end.timestamp())
    if last <= first:
        raise ValueError(f"end: {end.isoformat()} is not after start {start.isoformat()}")
    if buffer_minutes < 0:
        raise ValueError("buffer_minutes: must not be negative")
    last += -(-buffer_minutes // UNIT_MINUTES) * UNIT_SECONDS
    if last - first > MAX_LOCKED_MINUTES * 60:
        raise ValueError(f"end: an appointment and its buffer lock at most {MAX_LOCKED_MINUTES} minutes")
    return [datetime.fromtimestamp(ts, UTC) for ts in range(first, last, UNIT_SECONDS)]


# ---------------------------------------------------------------------------------------------------------------
# Slot computation. Instants are handled as integer POSIX seconds: exact, cheap and free of wall-clock arithmetic.


def _local_bound(day: date, clock: time, zone: ZoneInfo, *, is_end: bool) -> int:
    """POSIX seconds of ``clock`` on ``day`` in ``zone``, following the module's daylight-saving rules."""
    naive = datetime.combine(day, clock)
    first = int(naive.replace(tzinfo=zone, fold=0).timestamp())
    second = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    if first == second:
        return first
    if first < second:  # the clock shows this time twice (clocks go back)
        return second if is_end else first
    # The time does not exist (clocks go forward): the instant of the change lies in (second, first].
    before = datetime.fromtimestamp(second, zone).utcoffset()
    low, high = second, first
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high


def _merged(intervals: Iterable[tuple[int, int]]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _overlaps(blocked: tuple[list[int], list[int]], start: int, end: int) -> bool:
    starts, ends = blocked
    i = bisect_right(ends, start)
    return i < len(starts) and starts[i] < end


def _busy_seconds(busy: Iterable[tuple[datetime, datetime]], buffer_seconds: int) -> tuple[list[int], list[int]]:
    intervals = []
    for start, end in busy:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("busy: intervals must be timezone-aware")
        intervals.append((int(start.timestamp()) - buffer_seconds, int(end.timestamp()) + buffer_seconds))
    return _merged(intervals)


_NEVER = 2**62  # an upper bound on POSIX seconds that no period reaches


@dataclass(frozen=True, slots=True)
class _Window:
    """What one computation needs, prepared once: the blocked intervals and the bounds in POSIX seconds."""

    schedule: Schedule
    zone: ZoneInfo
    busy: tuple[list[int], list[int]]
    closed: tuple[list[int], list[int]]
    earliest: int
    last_day: date

    @classmethod
    def prepare(
        cls, schedule: Schedule, busy: Iterable[tuple[datetime, datetime]], now: datetime, *, practice: bool = False
    ) -> _Window:
        """The window of a patient's booking (notice and horizon apply), or with ``practice`` of the practice's own
        (any time from ``now`` on)."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now: must be timezone-aware")
        zone = schedule.zone
        rules = schedule.rules
        closed = _merged((int(c.start.timestamp()), int(c.end.timestamp())) for c in schedule.closures)
        notice = 0 if practice else rules.min_notice_minutes * 60
        return cls(
            schedule=schedule,
            zone=zone,
            busy=_busy_seconds(busy, rules.buffer_minutes * 60),
            closed=closed,
            earliest=int(now.timestamp()) + notice,
            last_day=date.max if practice else rules.last_day(now, zone),
        )

    def is_holiday(self, day: date) -> bool:
        country = self.schedule.holiday_country
        return country is not None and day in holiday_dates(country, day.year)

    def periods(self, day: date) -> Iterator[tuple[int, int, frozenset[str]]]:
        """The weekly periods of a local date (none on a holiday), as POSIX seconds."""
        if self.is_holiday(day):
            return
        weekday = day.weekday()
        for opening in self.schedule.openings:
            if weekday in opening.weekdays:
                start = _local_bound(day, opening.start, self.zone, is_end=False)
                end = _local_bound(day, opening.end, self.zone, is_end=True)
                if end > start:
                    yield start, end, opening.reasons

    def day_start(self, day: date) -> int:
        """POSIX seconds of the first instant of a local date (midnight, or the change if midnight does not exist)."""
        return _local_bound(day, time(0), self.zone, is_end=False)

    def grid(
        self, periods: Iterable[tuple[int, int, frozenset[str]]], reason: VisitReason, low: int, high: int
    ) -> Iterator[int]:
        """Starts in ``[max(low, earliest), high)`` of the free slots of ``reason`` on the grids of those periods."""
        length = reason.duration_minutes * 60
        low = max(low, self.earliest)
        for start, end, reasons in periods:
            if reason.id not in reasons:
                continue
            first = start if start >= low else start - (start - low) // length * length  # first grid point >= low
            for slot in range(first, min(end - length, high - 1) + 1, length):
                if not _overlaps(self.closed, slot, slot + length) and not _overlaps(self.busy, slot, slot + length):
                    yield slot

    def starts(self, reason: VisitReason, first_day: date, last_day: date) -> list[int]:
        """Sorted, distinct starts of the free slots of ``reason`` on local dates first_day..last_day."""
        last_day = min(last_day, self.last_day)
        found: set[int] = set()
        day = first_day
        while day <= last_day:
            found.update(self.grid(self.periods(day), reason, self.earliest, _NEVER))
            day += timedelta(days=1)
        found.update(self.extra_starts(reason, first_day, last_day))
        return sorted(found)

    def extra_starts(self, reason: VisitReason, first_day: date, last_day: date) -> list[int]:
        """Sorted starts of the free slots of ``reason`` in the extra openings, on local dates first_day..last_day."""
        last_day = min(last_day, self.last_day)
        if not self.schedule.extra_openings or first_day > last_day:
            return []
        extras = ((int(e.start.timestamp()), int(e.end.timestamp()), e.reasons) for e in self.schedule.extra_openings)
        low, high = self.day_start(first_day), self.day_start(last_day + timedelta(days=1))
        return sorted(self.grid(extras, reason, low, high))

    def slot(self, start: int, reason: VisitReason) -> Slot:
        return Slot(
            datetime.fromtimestamp(start, self.zone),
            datetime.fromtimestamp(start + reason.duration_minutes * 60, self.zone),
        )


def _bookable_reason(schedule: Schedule, reason_id: str, patient_kind: PatientKind | None) -> VisitReason:
    reason = schedule.reasons.get(reason_id)
    if reason is None:
        raise InvalidInput(f"Unknown visit reason {reason_id!r}.", field="reason")
    if not reason.online:
        raise InvalidInput("This visit reason is booked by telephone only.", field="reason")
    if patient_kind not in (None, "new", "existing"):
        raise InvalidInput("The patient kind is 'new' or 'existing'.", field="patient")
    if not reason.accepts(patient_kind):
        who = "new" if patient_kind == "new" else "existing"
        raise InvalidInput(f"This visit reason is not open to {who} patients.", field="reason")
    return reason


def free_slots(  # noqa: PLR0917 (the interface the store and the API call positionally)
    schedule: Schedule,
    reason_id: str,
    busy: Iterable[tuple[datetime, datetime]],
    start_day: date,
    days: int,
    now: datetime,
    patient_kind: PatientKind | None = None,
) -> list[Slot]:
    """Free slots of ``reason_id`` on the local dates ``start_day`` .. ``start_day + days - 1``, in time order.

    ``busy`` holds the intervals already taken (appointments and live holds, aware datetimes); ``now`` is the
    aware current instant. Raises :class:`~chalicelib.errors.InvalidInput` (field ``reason``, ``patient`` or
    ``days``) for a reason that is unknown, not bookable online or not open to that kind of patient, and for a
    window outside 1..``MAX_WINDOW_DAYS`` days.
    """
    reason = _bookable_reason(schedule, reason_id, patient_kind)
    return _slots(schedule, reason, busy, start_day, days, now, practice=False)


def _slots(  # noqa: PLR0917 (free_slots' own arguments)
    schedule: Schedule,
    reason: VisitReason,
    busy: Iterable[tuple[datetime, datetime]],
    start_day: date,
    days: int,
    now: datetime,
    *,
    practice: bool,
) -> list[Slot]:
    """The free slots of ``reason`` on the local dates ``start_day`` .. ``start_day + days - 1``, for a patient or
    (``practice``) for the practice itself."""
    if isinstance(start_day, datetime):  # a datetime is a date too, but would not compare with the days of the window
        raise TypeError("start_day: a local date is expected, not a datetime")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"The window is 1 to {MAX_WINDOW_DAYS} days.", field="days")
    window = _Window.prepare(schedule, busy, now, practice=practice)
    last_day = start_day + timedelta(days=days - 1)
    return [window.slot(start, reason) for start in window.starts(reason, start_day, last_day)]


def first_free_slot(
    schedule: Schedule,
    busy: Iterable[tuple[datetime, datetime]],
    now: datetime,
    reason_id: str | None = None,
) -> Slot | None:
    """The earliest free slot within the horizon of ``reason_id``, or of any online reason when it is ``None``.

    Stops at the first local date that has one, so a professional with free time soon costs a day's work.
    """
    if reason_id is not None:
        reasons = [_bookable_reason(schedule, reason_id, None)]
    else:
        reasons = [reason for reason in schedule.reasons.values() if reason.online]
    if not reasons:
        return None
    window = _Window.prepare(schedule, busy, now)
    day = datetime.fromtimestamp(window.earliest, window.zone).date()
    best: tuple[int, VisitReason] | None = None
    # Extra openings can fall anywhere in the horizon: take their earliest once, then scan the weekly days.
    for reason in reasons:
        found = window.extra_starts(reason, day, window.last_day)
        if found and (best is None or found[0] < best[0]):
            best = (found[0], reason)
    while day <= window.last_day:
        if best is not None and datetime.fromtimestamp(best[0], window.zone).date() < day:
            break
        periods = list(window.periods(day))
        for reason in reasons:
            start = min(window.grid(periods, reason, window.earliest, _NEVER), default=None)
            if start is not None and (best is None or start < best[0]):
                best = (start, reason)
        day += timedelta(days=1)
    return None if best is None else window.slot(*best)


def check_slot(  # noqa: PLR0917 (the interface the store and the API call positionally)
    schedule: Schedule,
    reason_id: str,
    start: datetime,
    busy: Iterable[tuple[datetime, datetime]],
    now: datetime,
    patient_kind: PatientKind | None = None,
) -> Slot:
    """The slot of ``reason_id`` starting at ``start`` if a patient may book it now; else raise why not.

    Raises :class:`~chalicelib.errors.InvalidInput` (field ``reason``, ``patient`` or ``start``) when the reason
    cannot be booked online by that patient, or ``start`` is not a slot of the schedule (not on the grid, closed,
    a holiday, too soon, beyond the horizon); :class:`~chalicelib.errors.SlotTaken` when it is a slot of the
    schedule but a busy interval (or its buffer) overlaps it. A slot is valid exactly when :func:`free_slots`
    would list it.
    """
    reason = _bookable_reason(schedule, reason_id, patient_kind)
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidInput("The start time must carry its UTC offset.", field="start")
    if not on_unit(start):
        raise InvalidInput(f"The start time must fall on a {UNIT_MINUTES}-minute boundary.", field="start")
    wanted = int(start.timestamp())
    window = _Window.prepare(schedule, (), now)
    day = datetime.fromtimestamp(wanted, window.zone).date()
    if wanted < window.earliest:
        raise InvalidInput("This time is too soon to book.", field="start")
    if day > window.last_day:
        raise InvalidInput("This time is beyond the booking horizon.", field="start")
    if wanted not in window.starts(reason, day, day):
        raise InvalidInput("This time is not a slot of this visit reason.", field="start")
    slot = window.slot(wanted, reason)
    blocked = _busy_seconds(busy, schedule.rules.buffer_minutes * 60)
    if _overlaps(blocked, wanted, wanted + reason.duration_minutes * 60):
        raise SlotTaken("This time has just been taken.", field="start")
    return slot


def is_valid_slot(  # noqa: PLR0917 (the interface the store and the API call positionally)
    schedule: Schedule,
    reason_id: str,
    start: datetime,
    busy: Iterable[tuple[datetime, datetime]],
    now: datetime,
    patient_kind: PatientKind | None = None,
) -> bool:
    """Whether :func:`check_slot` accepts it."""
    try:
        check_slot(schedule, reason_id, start, busy, now, patient_kind)
    except (InvalidInput, SlotTaken):
        return False
    return True


def practice_slots(  # noqa: PLR0917 (free_slots' own arguments)
    schedule: Schedule,
    reason_id: str,
    busy: Iterable[tuple[datetime, datetime]],
    start_day: date,
    days: int,
    now: datetime,
) -> list[Slot]:
    """The free times the practice itself can give a patient (by phone) on the local dates ``start_day`` ..
    ``start_day + days - 1``: the grid of the opening periods that accept ``reason_id``, free of busy intervals and
    closures, from ``now`` on. Unlike :func:`free_slots`, any visit reason counts (also one booked by phone only)
    and neither the notice nor the horizon applies: they are the patients' rules, not the practice's."""
    reason = schedule.reasons.get(reason_id)
    if reason is None:
        raise InvalidInput(f"Unknown visit reason {reason_id!r}.", field="reason")
    return _slots(schedule, reason, busy, start_day, days, now, practice=True)


def open_periods(schedule: Schedule, start_day: date, days: int) -> list[tuple[datetime, datetime, frozenset[str]]]:
    """The opening periods of the local dates ``start_day`` .. ``start_day + days - 1`` as aware (start, end,
    reasons), in time order: each date's weekly periods (none on a public holiday) and the extra openings that
    start on those dates. Closures are not taken out: a calendar shows them over the openings."""
    window = _Window.prepare(schedule, (), datetime.combine(start_day, time(), schedule.zone), practice=True)
    found: list[tuple[int, int, frozenset[str]]] = []
    for offset in range(days):
        found.extend(window.periods(start_day + timedelta(days=offset)))
    low, high = window.day_start(start_day), window.day_start(start_day + timedelta(days=days))
    for extra in schedule.extra_openings:
        start = int(extra.start.timestamp())
        if low <= start < high:
            found.append((start, int(extra.end.timestamp()), extra.reasons))
    zone = schedule.zone
    return [
        (datetime.fromtimestamp(start, zone), datetime.fromtimestamp(end, zone), reasons)
        for start, end, reasons in sorted(found, key=lambda period: (period[0], period[1], sorted(period[2])))
    ]


def within_openings(schedule: Schedule, reason_id: str, start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` lies inside one opening period that accepts ``reason_id`` (a weekly period of its
    local date, not on a holiday, or an extra opening) and overlaps no closure.

    Notice, horizon, the grid and other appointments are not considered: this tells whether an appointment already
    booked still fits a changed schedule (the back-office's check before a change would orphan it).
    """
    if reason_id not in schedule.reasons:
        return False
    window = _Window.prepare(schedule, (), start)
    first, last = int(start.timestamp()), int(end.timestamp())
    if _overlaps(window.closed, first, last):
        return False
    periods = list(window.periods(datetime.fromtimestamp(first, window.zone).date()))
    periods += [(int(e.start.timestamp()), int(e.end.timestamp()), e.reasons) for e in schedule.extra_openings]
    return any(low <= first and last <= high and reason_id in reasons for low, high, reasons in periods)
