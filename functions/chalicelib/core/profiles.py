"""A professional's booking profile as stored (``PRO#<id>`` / ``PROFILE``): the data-file record plus dated exceptions.

The item keeps the directory record (``content/directory/practitioners/<id>.json``: names, sites with their time
zone and weekly hours, visit reasons, booking rules) as JSON text in ``record``, and the dated exceptions the
back-office edits as JSON text in ``closures`` (``[{"start", "end"}]``, every site) and ``extra_openings``
(``[{"site", "start", "end", "reasons"}]``), ISO 8601 instants with their offset. Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from .availability import free_slots, practice_slots
from .schedule import (
    UNIT_MINUTES,
    WEEKDAY_NAMES,
    Closure,
    ExtraOpening,
    PatientKind,
    Schedule,
    ScheduleError,
    Slot,
    schedule_from_record,
)

ZONE_MARGIN = timedelta(hours=15)  # any UTC offset (-12 to +14) around a window of local dates

CIVILITY = {
    "fr": {"dr": "Dr", "pr": "Pr", "mr": "M.", "ms": "Mme", "mx": ""},
    "en": {"dr": "Dr", "pr": "Prof.", "mr": "Mr", "ms": "Ms", "mx": "Mx"},
    "it": {"dr": "Dott.", "pr": "Prof.", "mr": "Sig.", "ms": "Sig.ra", "mx": ""},
    "es": {"dr": "Dr.", "pr": "Prof.", "mr": "Sr.", "ms": "Sra.", "mx": ""},
    "ru": {"dr": "д-р", "pr": "проф.", "mr": "", "ms": "", "mx": ""},
}


def profile_item(
    record: Mapping[str, Any],
    closures: Sequence[Mapping[str, Any]] = (),
    extra_openings: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The stored attributes (keys excluded) of a profile built from a data-file record."""
    return {
        "practitioner_id": record["id"],
        "online_booking": bool(record.get("online_booking", False)),
        "record": json.dumps(record, ensure_ascii=False, separators=(",", ":")),
        "closures": json.dumps(list(closures), separators=(",", ":")),
        "extra_openings": json.dumps(list(extra_openings), separators=(",", ":")),
    }


@dataclass(frozen=True)
class Profile:
    """What the booking engine needs to know about one professional."""

    record: Mapping[str, Any]
    closures: tuple[Closure, ...] = ()
    extra_openings: tuple[tuple[str, ExtraOpening], ...] = ()
    _schedules: dict[str, Schedule] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Profile:
        """Parse a stored profile item; a malformed one raises ScheduleError naming the field."""
        record = json.loads(item["record"])
        closures = tuple(
            _build(f"closures[{i}]", Closure, _instant(c["start"]), _instant(c["end"]))
            for i, c in enumerate(json.loads(item.get("closures") or "[]"))
        )
        extras = tuple(
            (
                e["site"],
                _build(
                    f"extra_openings[{i}]",
                    ExtraOpening,
                    _instant(e["start"]),
                    _instant(e["end"]),
                    frozenset(e["reasons"]),
                ),
            )
            for i, e in enumerate(json.loads(item.get("extra_openings") or "[]"))
        )
        return cls(record=record, closures=closures, extra_openings=extras)

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def online_booking(self) -> bool:
        return bool(self.record.get("online_booking", False))

    @property
    def site_ids(self) -> list[str]:
        return [str(site["id"]) for site in self.record.get("sites", [])]

    @cached_property
    def max_future_per_patient(self) -> int:
        return int(self.record["booking_rules"]["max_future_per_patient"])

    @cached_property
    def buffer_minutes(self) -> int:
        return int(self.record["booking_rules"]["buffer_minutes"])

    @property
    def home_zone(self) -> ZoneInfo:
        """The zone of the first site: the back-office's days are its local dates."""
        sites = self.record.get("sites") or [{}]
        return ZoneInfo(str(sites[0].get("timezone") or "UTC"))

    def site(self, site_id: str) -> Mapping[str, Any] | None:
        return next((s for s in self.record.get("sites", []) if s.get("id") == site_id), None)

    def reason(self, reason_id: str) -> Mapping[str, Any] | None:
        return next((r for r in self.record.get("visit_reasons", []) if r.get("id") == reason_id), None)

    def schedule(self, site_id: str) -> Schedule:
        """The availability schedule of one site (built once per profile)."""
        if site_id not in self._schedules:
            extras = [extra for site, extra in self.extra_openings if site == site_id]
            self._schedules[site_id] = schedule_from_record(
                self.record, site_id, closures=self.closures, extra_openings=extras
            )
        return self._schedules[site_id]

    def units_window(self, first_day: date, days: int) -> tuple[datetime, datetime]:
        """The UTC bounds of the units to read for the local dates ``first_day`` and the ``days - 1`` after it, in
        whatever zone the sites are: every UTC offset, the buffer and a unit either side."""
        margin = ZONE_MARGIN + timedelta(minutes=self.buffer_minutes + UNIT_MINUTES)
        start = datetime.combine(first_day, time(), UTC) - margin
        return start, datetime.combine(first_day + timedelta(days=days), time(), UTC) + margin

    def free_slots(  # noqa: PLR0917 (availability.free_slots' own arguments, and the sites)
        self,
        reason_id: str,
        busy: Iterable[tuple[datetime, datetime]],
        first_day: date,
        days: int,
        now: datetime,
        patient_kind: PatientKind | None = None,
        sites: Sequence[str] | None = None,
        *,
        practice: bool = False,
    ) -> list[tuple[str, Slot]]:
        """The free slots of every site (or of ``sites``) as (site, slot), in time order. By instant: two starts in
        one zone compare by clock time, and the autumn's repeated hour would misorder. With ``practice``, the free
        times the practice itself can give (availability.practice_slots: any reason, no notice nor horizon)."""
        busy = list(busy)
        found = [
            (site, slot)
            for site in (self.site_ids if sites is None else sites)
            for slot in (
                practice_slots(self.schedule(site), reason_id, busy, first_day, days, now)
                if practice
                else free_slots(self.schedule(site), reason_id, busy, first_day, days, now, patient_kind)
            )
        ]
        return sorted(found, key=lambda found: (found[1].start.timestamp(), found[0]))

    @property
    def weekly_hours(self) -> list[dict[str, Any]]:
        """Each site's weekly opening periods as the public may read them: days in weekday order, local clock
        times, the visit reason ids served. Picked field by field, so nothing else of the profile goes out."""
        return [
            {
                "site": str(site["id"]),
                "periods": [
                    {
                        "days": sorted(period["days"], key=WEEKDAY_NAMES.index),
                        "start": str(period["start"]),
                        "end": str(period["end"]),
                        "reasons": [str(reason) for reason in period["reasons"]],
                    }
                    for period in site.get("hours") or []
                ],
            }
            for site in self.record.get("sites", [])
        ]

    def display_name(self, lang: str) -> str:
        """``Dr Bruno Fioilleau``: the civility in ``lang``, then the names."""
        title = CIVILITY.get(lang, CIVILITY["en"]).get(str(self.record.get("civility", "")), "")
        return " ".join(p for p in (title, self.record["given_name"], self.record["family_name"]) if p)

    def address(self, site_id: str) -> str:
        site = self.site(site_id) or {}
        town = " ".join(p for p in (site.get("postal_code"), site.get("city")) if p)
        return ", ".join(p for p in (site.get("address"), town) if p)


def text_in(texts: Mapping[str, str] | None, lang: str) -> str | None:
    """The ``lang`` entry of a multilingual text, else French, else any."""
    if not texts:
        return None
    return texts.get(lang) or texts.get("fr") or next(iter(texts.values()))


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _build(name: str, build: Any, *args: Any) -> Any:
    try:
        return build(*args)
    except ScheduleError as err:
        raise err.within(name) from None
