"""What decides when one professional can be booked at one site: the schedule's values, checked as they are made,
and how a schedule is built from a data file (``content/directory/practitioners/*.json``). Pure: no I/O.

A :class:`Schedule` holds the visit reasons, the weekly openings in the site's local clock time, the dated closures
and extra openings, the booking rules and the territory's public holidays; availability.py computes free slots
from it. Every invalid value raises :class:`ScheduleError` naming its field (``sites[0].hours[1].end``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def on_unit(value: datetime) -> bool:
    """Whether an instant falls on a unit boundary (whole minutes, counted from the epoch)."""
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
            if not on_unit(getattr(self, name)):
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

    def last_day(self, now: datetime, zone: ZoneInfo) -> date:
        """The last local date a slot may be on: the local date of ``now`` plus the horizon."""
        return now.astimezone(zone).date() + timedelta(days=self.horizon_days)


# The holidays package imports every country it knows (0.2 to 0.5 s on a 2-core machine): the territory's holidays are
# read from public_holidays.json (scripts/public_holidays.py writes it from the pinned package, and a test checks the
# two agree), and the package is imported only for another country or year, so that a fresh Lambda environment's
# first slot lookup does not pay for it.
PUBLIC_HOLIDAYS = Path(__file__).with_name("public_holidays.json")


@functools.cache
def _holiday_table() -> dict[str, dict[str, list[str]]]:
    try:
        countries: dict[str, dict[str, list[str]]] = json.loads(PUBLIC_HOLIDAYS.read_text(encoding="utf-8"))[
            "countries"
        ]
    except (OSError, ValueError, KeyError):
        return {}  # a package without the table still works, through the holidays package
    return countries


@functools.cache
def _known_country(code: str) -> bool:
    if code in _holiday_table():
        return True
    import holidays

    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=256)
def holiday_dates(country: str, year: int) -> frozenset[date]:
    """The public holidays of ``country`` in ``year`` (local dates)."""
    listed = _holiday_table().get(country, {}).get(str(year))
    if listed is not None:
        return frozenset(map(date.fromisoformat, listed))
    import holidays

    return frozenset(holidays.country_holidays(country, years=year).keys())


@functools.lru_cache(maxsize=256)
def holiday_names(country: str, year: int, lang: str) -> dict[date, str]:
    """The public holidays of ``country`` in ``year`` with their names in ``lang`` (a language the package has
    for that country, such as ``fr_MC`` for ``fr``; otherwise the country's own)."""
    import holidays

    known = holidays.country_holidays(country, years=year)
    language = next((code for code in known.supported_languages if code.split("_")[0] == lang), None)
    named = holidays.country_holidays(country, years=year, language=language) if language else known
    return dict(named.items())


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
