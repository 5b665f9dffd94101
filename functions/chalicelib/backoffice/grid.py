"""What the agenda's time grid shows around the appointments: the opening periods, the absences, the public holidays
and the free times of every visit reason, over a few local dates. Pure: the caller reads the profile and the busy
intervals (one Query of units) and passes them in.

The free times are the practice's (availability.practice_slots): any visit reason, also one booked by phone only,
from now on, without the notice and horizon that patients are held to. They are what a front desk offers a patient
on the phone, and what the grid lets it click to book.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from ..core.availability import open_periods
from ..core.profiles import Profile
from ..core.schedule import holiday_names
from ..core.schemas import SlotOut
from .schemas import Absence, OpenPeriod, PublicHoliday

LANGUAGES = ("fr", "en")


def around(
    profile: Profile,
    first_day: date,
    days: int,
    busy: Iterable[tuple[datetime, datetime]],
    now: datetime,
) -> dict[str, Any]:
    """The members of the agenda's answer that draw its grid: ``openings``, ``absences``, ``holidays`` and
    ``free_times`` of the local dates ``first_day`` .. ``first_day + days - 1`` of the professional's first site."""
    busy = list(busy)
    return {
        "openings": openings(profile, first_day, days),
        "absences": absences(profile, first_day, days),
        "holidays": holidays(profile, first_day, days),
        "free_times": {
            str(reason["id"]): [
                SlotOut(start=slot.start, end=slot.end, site=site)
                for site, slot in profile.free_slots(str(reason["id"]), busy, first_day, days, now, practice=True)
            ]
            for reason in profile.record.get("visit_reasons", [])
        },
    }


def openings(profile: Profile, first_day: date, days: int) -> list[OpenPeriod]:
    found = [
        OpenPeriod(site=site, start=start, end=end, reasons=sorted(reasons))
        for site in profile.site_ids
        for start, end, reasons in open_periods(profile.schedule(site), first_day, days)
    ]
    return sorted(found, key=lambda period: (period.start.timestamp(), period.site))


def absences(profile: Profile, first_day: date, days: int) -> list[Absence]:
    zone = profile.home_zone
    low = datetime.combine(first_day, time(), zone)
    high = datetime.combine(first_day + timedelta(days=days), time(), zone)
    return [
        Absence(start=closure.start.astimezone(zone), end=closure.end.astimezone(zone))
        for closure in sorted(profile.closures, key=lambda c: c.start.timestamp())
        if closure.end > low and closure.start < high
    ]


def holidays(profile: Profile, first_day: date, days: int) -> list[PublicHoliday]:
    """The public holidays of the first site's territory among those dates, named in each language."""
    if not profile.site_ids:
        return []
    country = profile.schedule(profile.site_ids[0]).holiday_country
    if country is None:
        return []
    found = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        names = {lang: holiday_names(country, day.year, lang).get(day) for lang in LANGUAGES}
        if names["fr"] is not None:
            found.append(PublicHoliday(date=day, name={lang: str(name) for lang, name in names.items()}))
    return found
