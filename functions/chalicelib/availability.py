"""Free appointment slots of one professional at one practice site. Pure computation: no I/O, no AWS, no web.

Inputs are plain values: a :class:`Schedule` (visit reasons, weekly openings in the site's local time, dated
closures and extra openings, booking rules, the territory's public holidays), the intervals already taken
(confirmed appointments and live holds) and the current instant ``now``.

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

import functools
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput, SlotTaken

UNIT_MINUTES = 5
"""Length of the time unit the store locks; every appointment starts and ends on a unit boundary."""
UNIT_SECONDS = UNIT_MINUTES * 60
MAX_WINDOW_DAYS = 31
"""Longest window :func:`free_slots` computes in one call."""
MAX_LOCKED_MINUTES = 480
"""Longest stretch one appointment locks, its buffer included: 96 units, so that a booking transaction stays under
DynamoDB's limit of 100 items with room for the appointment's own items. Also the schema's longest visit reason."""
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

PatientKind = Literal["new", "existing"]


class ScheduleError(ValueError):
    """An invalid schedule value. ``field`` names it (``sites[0].hours[1].end``); ``str()`` starts with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def within(self, prefix: str) -> ScheduleError:
        """The same error with its field placed under ``prefix`` (``hours[1]`` + ``end`` -> ``hours[1].end``)."""
        return ScheduleError(f"{prefix}.{self.field}" if self.field else prefix, self.message)


def _aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ScheduleError(name, f"{value.isoformat()} has no UTC offset")


def _on_unit(value: datetime) -> bool:
    return value.second == 0 and value.microsecond == 0 and int(value.timestamp()) % UNIT_SECONDS == 0


def _time_on_unit(value: time) -> bool:
    return value.second == 0 and value.microsecond == 0 and value.minute % UNIT_MINUTES == 0


@dataclass(frozen=True, slots=True)
class VisitReason:
    """A kind of visit: how long it lasts, who may book it, and whether it is booked online."""

    id: str
    duration_minutes: int
    new_patients: bool = True
    existing_patients: bool = True
    online: bool = True

    def __post_init__(self) -> None:
        if not self.id:
            raise ScheduleError("id", "must not be empty")
        d = self.duration_minutes
        if isinstance(d, bool) or not isinstance(d, int) or not 0 < d <= MAX_LOCKED_MINUTES or d % UNIT_MINUTES:
            raise ScheduleError(
                "duration_minutes", f"{d!r} is not a multiple of {UNIT_MINUTES} between 5 and {MAX_LOCKED_MINUTES}"
            )

    def accepts(self, patient_kind: PatientKind | None) -> bool:
        """Whether a patient of that kind may book it (``None``: either kind)."""
        if patient_kind == "new":
            return self.new_patients
        if patient_kind == "existing":
            return self.existing_patients
        return True


@dataclass(frozen=True, slots=True)
class Opening:
    """A weekly opening period in the site's local clock time, and the visit reasons it accepts."""

    weekdays: frozenset[int]
    """0 = Monday ... 6 = Sunday."""
    start: time
    end: time
    reasons: frozenset[str]

    def __post_init__(self) -> None:
        if not self.weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in self.weekdays):
            raise ScheduleError("weekdays", f"{sorted(self.weekdays)!r} must be a non-empty set of weekdays 0-6")
        for name in ("start", "end"):
            value = getattr(self, name)
            if value.tzinfo is not None:
                raise ScheduleError(name, "is a local clock time and must not carry a time zone")
            if not _time_on_unit(value):
                raise ScheduleError(name, f"{value.isoformat()} is not on a {UNIT_MINUTES}-minute boundary")
        if self.end <= self.start:
            raise ScheduleError("end", f"{self.end:%H:%M} is not after start {self.start:%H:%M}")
        if not self.reasons:
            raise ScheduleError("reasons", "must name at least one visit reason")


@dataclass(frozen=True, slots=True)
class Closure:
    """An absence or closure from ``start`` to ``end`` (timezone-aware): no slot overlaps it."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _aware(self.start, "start")
        _aware(self.end, "end")
        if self.end <= self.start:
            raise ScheduleError("end", f"{self.end.isoformat()} is not after start {self.start.isoformat()}")


@dataclass(frozen=True, slots=True)
class ExtraOpening:
    """A dated opening from ``start`` to ``end`` (timezone-aware), also on public holidays, for ``reasons``."""

    start: datetime
    end: datetime
    reasons: frozenset[str]

    def __post_init__(self) -> None:
        _aware(self.start, "start")
        _aware(self.end, "end")
        for name in ("start", "end"):
            if not _on_unit(getattr(self, name)):
                raise ScheduleError(
                    name, f"{getattr(self, name).isoformat()} is not on a {UNIT_MINUTES}-minute boundary"
                )
        if self.end <= self.start:
            raise ScheduleError("end", f"{self.end.isoformat()} is not after start {self.start.isoformat()}")
        if not self.reasons:
            raise ScheduleError("reasons", "must name at least one visit reason")


@dataclass(frozen=True, slots=True)
class BookingRules:
    """How close to now and how far ahead patients may book, the gap kept between appointments, and the cap on
    future appointments one patient may hold with the professional (enforced by the store, carried here)."""

    min_notice_minutes: int = 0
    horizon_days: int = 30
    buffer_minutes: int = 0
    max_future_per_patient: int = 3

    def __post_init__(self) -> None:
        for name, low in (
            ("min_notice_minutes", 0),
            ("horizon_days", 1),
            ("buffer_minutes", 0),
            ("max_future_per_patient", 1),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ScheduleError(name, f"{value!r} must be an integer of at least {low}")


# The holidays package imports every country it knows (about 0.1 s): imported on first use, not with this module, so
# requests that compute no slots do not pay for it in a fresh Lambda environment.


@functools.cache
def _known_country(code: str) -> bool:
    import holidays

    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=256)
def _holiday_dates(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year).keys())


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class Schedule:
    """Everything that decides when one professional can be booked at one site."""

    timezone: str
    reasons: Mapping[str, VisitReason]
    openings: tuple[Opening, ...]
    closures: tuple[Closure, ...] = ()
    extra_openings: tuple[ExtraOpening, ...] = ()
    rules: BookingRules = field(default_factory=BookingRules)
    holiday_country: str | None = "MC"

    def __post_init__(self) -> None:
        try:
            _zone(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ScheduleError("timezone", f"{self.timezone!r} is not an IANA time zone") from exc
        for key, reason in self.reasons.items():
            if key != reason.id:
                raise ScheduleError(f"reasons[{key!r}].id", f"{reason.id!r} differs from its key {key!r}")
        buffer = -(-self.rules.buffer_minutes // UNIT_MINUTES) * UNIT_MINUTES
        for key, reason in self.reasons.items():
            if reason.duration_minutes + buffer > MAX_LOCKED_MINUTES:
                raise ScheduleError(
                    f"reasons[{key!r}].duration_minutes",
                    f"{reason.duration_minutes} plus the {buffer}-minute buffer exceeds {MAX_LOCKED_MINUTES} minutes",
                )
        for i, opening in enumerate(self.openings):
            self._check_reasons(opening.reasons, f"openings[{i}].reasons")
        for i, extra in enumerate(self.extra_openings):
            self._check_reasons(extra.reasons, f"extra_openings[{i}].reasons")
        if self.holiday_country is not None and not _known_country(self.holiday_country):
            raise ScheduleError(
                "holiday_country", f"{self.holiday_country!r} is not a country the holidays package knows"
            )

    def _check_reasons(self, reasons: Iterable[str], name: str) -> None:
        unknown = sorted(set(reasons) - set(self.reasons))
        if unknown:
            raise ScheduleError(name, f"visit reasons {', '.join(unknown)} are not declared")

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone."""
        return _zone(self.timezone)


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable interval; both ends are timezone-aware in the site's zone (``isoformat()`` carries the offset).

    Compare slots by instant (``start.timestamp()`` or ``start.astimezone(UTC)``): Python compares two datetimes of
    the same zone by their wall time, so in the repeated autumn hour 02:30+02:00 == 02:30+01:00.
    """

    start: datetime
    end: datetime


# ---------------------------------------------------------------------------------------------------------------
# Building a schedule from a data file (content/directory/practitioners/*.json)


def _parse_time(value: Any, name: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(value)
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ScheduleError(name, f"{value!r} is not a time HH:MM") from exc


def _in(prefix: str, build: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return build(*args, **kwargs)
    except ScheduleError as exc:
        raise exc.within(prefix) from None
    except (KeyError, TypeError) as exc:
        raise ScheduleError(prefix, f"missing or malformed value ({exc})") from None


def schedule_from_record(
    record: Mapping[str, Any],
    site_id: str,
    *,
    closures: Sequence[Closure] = (),
    extra_openings: Sequence[ExtraOpening] = (),
    holiday_country: str | None = "MC",
) -> Schedule:
    """The schedule of ``site_id`` in a professional's data-file record (a JSON-loaded dict).

    The dated exceptions, which live in the store and not in the data file, are passed in. Raises
    :class:`ScheduleError` (a ``ValueError``) naming the field in the record, e.g. ``sites[0].hours[1].end``.
    """
    sites = record.get("sites") or []
    index = next((i for i, site in enumerate(sites) if site.get("id") == site_id), None)
    if index is None:
        raise ScheduleError("sites", f"no site with id {site_id!r}")
    site = sites[index]

    reasons: dict[str, VisitReason] = {}
    for i, raw in enumerate(record.get("visit_reasons") or []):
        reason = _in(
            f"visit_reasons[{i}]",
            VisitReason,
            id=raw["id"],
            duration_minutes=raw["duration_minutes"],
            new_patients=raw["new_patients"],
            existing_patients=raw["existing_patients"],
            online=raw["online"],
        )
        if reason.id in reasons:
            raise ScheduleError(f"visit_reasons[{i}].id", f"{reason.id!r} is declared twice")
        reasons[reason.id] = reason

    openings = []
    for i, raw in enumerate(site.get("hours") or []):
        prefix = f"sites[{index}].hours[{i}]"

        def build(raw: Mapping[str, Any] = raw) -> Opening:
            days = raw["days"]
            if not days or not all(day in WEEKDAY_NAMES for day in days):
                raise ScheduleError("days", f"{days!r} must name weekdays {', '.join(WEEKDAY_NAMES)}")
            return Opening(
                weekdays=frozenset(WEEKDAY_NAMES.index(day) for day in days),
                start=_parse_time(raw["start"], "start"),
                end=_parse_time(raw["end"], "end"),
                reasons=frozenset(raw["reasons"]),
            )

        opening = _in(prefix, build)
        unknown = sorted(opening.reasons - set(reasons))
        if unknown:
            raise ScheduleError(f"{prefix}.reasons", f"visit reasons {', '.join(unknown)} are not declared")
        openings.append(opening)

    rules = _in("booking_rules", lambda: BookingRules(**dict(record["booking_rules"])))
    timezone = site.get("timezone")
    try:
        return Schedule(
            timezone=timezone,
            reasons=reasons,
            openings=tuple(openings),
            closures=tuple(closures),
            extra_openings=tuple(extra_openings),
            rules=rules,
            holiday_country=holiday_country,
        )
    except ScheduleError as exc:
        if exc.field == "timezone":
            raise exc.within(f"sites[{index}]") from None
        raise


# ---------------------------------------------------------------------------------------------------------------
# Time units


def is_on_unit(value: datetime) -> bool:
    """Whether an aware datetime falls on a ``UNIT_MINUTES`` boundary (whole minutes, counted from the epoch)."""
    return value.tzinfo is not None and _on_unit(value)


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
        if not _on_unit(value):
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
    def prepare(cls, schedule: Schedule, busy: Iterable[tuple[datetime, datetime]], now: datetime) -> _Window:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now: must be timezone-aware")
        zone = schedule.zone
        rules = schedule.rules
        closed = _merged((int(c.start.timestamp()), int(c.end.timestamp())) for c in schedule.closures)
        return cls(
            schedule=schedule,
            zone=zone,
            busy=_busy_seconds(busy, rules.buffer_minutes * 60),
            closed=closed,
            earliest=int(now.timestamp()) + rules.min_notice_minutes * 60,
            last_day=now.astimezone(zone).date() + timedelta(days=rules.horizon_days),
        )

    def is_holiday(self, day: date) -> bool:
        country = self.schedule.holiday_country
        return country is not None and day in _holiday_dates(country, day.year)

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
    if isinstance(start_day, datetime):  # a datetime is a date too, but would not compare with the days of the window
        raise TypeError("start_day: a local date is expected, not a datetime")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"The window is 1 to {MAX_WINDOW_DAYS} days.", field="days")
    window = _Window.prepare(schedule, busy, now)
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
    if not _on_unit(start):
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
