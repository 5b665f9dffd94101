"""Calendar files: the right local time in the site's zone, one UID per appointment, cancellations that cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from chalicelib.core.appointment import AppointmentNotice
from chalicelib.core.ics import make_ics

MONACO = ZoneInfo("Europe/Monaco")


def notice(**overrides: Any) -> AppointmentNotice:
    start = overrides.pop("start", datetime(2026, 1, 12, 9, 0, tzinfo=MONACO))
    values: dict[str, Any] = {
        "appointment_id": "apt-7f3a",
        "practitioner_name": "Dr Hélène Rossi",
        "reason_label": "Première consultation",
        "start": start,
        "end": start + timedelta(minutes=30),
        "timezone": "Europe/Monaco",
        "site_name": "Cabinet du Port",
        "address": "3 quai Antoine-Ier, 98000 Monaco",
        "instructions": "Apportez vos derniers résultats d'analyse.",
        "manage_url": "https://sante.example.mc/fr/rendez-vous/apt-7f3a#token",
        "lang": "fr",
        "phone": "+377 93 00 00 00",
    }
    values.update(overrides)
    return AppointmentNotice(**values)


def event_of(data: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


@pytest.mark.parametrize(
    ("start", "utc_hour"),
    [
        (datetime(2026, 1, 12, 9, 0, tzinfo=MONACO), 8),  # winter: UTC+01:00
        (datetime(2026, 7, 6, 9, 0, tzinfo=MONACO), 7),  # summer: UTC+02:00
    ],
    ids=["winter", "summer"],
)
def test_start_and_end_are_local_times_in_the_sites_zone(start: datetime, utc_hour: int) -> None:
    calendar, event = event_of(make_ics(notice(start=start)))
    dtstart, dtend = event["DTSTART"], event["DTEND"]
    assert dtstart.params["TZID"] == "Europe/Monaco"
    assert dtstart.dt == start and (dtstart.dt.hour, dtstart.dt.minute) == (9, 0)
    assert dtstart.dt.astimezone(UTC).hour == utc_hour
    assert dtend.dt - dtstart.dt == timedelta(minutes=30)
    timezones = calendar.timezones
    assert [tz.tz_name for tz in timezones] == ["Europe/Monaco"]
    # The VTIMEZONE itself (what a calendar without the IANA database reads) gives the same instant.
    own_rules = timezones[0].to_tz(lookup_tzid=False)
    assert start.replace(tzinfo=own_rules).astimezone(UTC) == start.astimezone(UTC)


def test_a_start_given_in_utc_is_written_in_the_sites_zone() -> None:
    _, event = event_of(make_ics(notice(start=datetime(2026, 7, 6, 7, 0, tzinfo=UTC))))
    assert event["DTSTART"].params["TZID"] == "Europe/Monaco"
    assert event["DTSTART"].dt.hour == 9


def test_the_repeated_hour_at_the_end_of_summer_time_keeps_its_instant() -> None:
    # 25 October 2026: 02:30 happens twice in Monaco; a calendar reads a local 02:30 as the first one.
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 local, the second time (UTC+01:00)
    _, event = event_of(make_ics(notice(start=second)))
    assert event["DTSTART"].dt.astimezone(UTC) == second
    assert event["DTEND"].dt.astimezone(UTC) == second + timedelta(minutes=30)


def test_request_describes_the_appointment() -> None:
    calendar, event = event_of(make_ics(notice(), organizer="rdv@sante.example.mc", attendee="p@example.org"))
    assert calendar["METHOD"] == "REQUEST"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Rendez-vous : Première consultation – Dr Hélène Rossi"
    assert event["LOCATION"] == "Cabinet du Port, 3 quai Antoine-Ier, 98000 Monaco"
    description = str(event["DESCRIPTION"])
    assert "https://sante.example.mc/fr/rendez-vous/apt-7f3a#token" in description
    assert "Apportez vos derniers résultats" in description and "+377 93 00 00 00" in description
    assert str(event["ORGANIZER"]) == "mailto:rdv@sante.example.mc"
    assert str(event["ATTENDEE"]) == "mailto:p@example.org"
    assert int(event["SEQUENCE"]) == 0


def test_english_summary() -> None:
    _, event = event_of(make_ics(notice(lang="en", reason_label="Follow-up")))
    assert event["SUMMARY"] == "Appointment: Follow-up – Dr Hélène Rossi"


def test_uid_is_stable_per_appointment_and_distinct_between_appointments() -> None:
    first = event_of(make_ics(notice()))[1]["UID"]
    again = event_of(make_ics(notice(start=datetime(2026, 3, 2, 14, 0, tzinfo=MONACO)), sequence=3))[1]["UID"]
    other = event_of(make_ics(notice(appointment_id="apt-0001")))[1]["UID"]
    assert first == again
    assert first != other and "apt-7f3a" in first


def test_cancel_cancels_the_same_uid_without_the_manage_link() -> None:
    _, booked = event_of(make_ics(notice()))
    calendar, cancelled = event_of(make_ics(notice(), sequence=5, method="CANCEL"))
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == booked["UID"]
    assert int(cancelled["SEQUENCE"]) == 5
    assert "rendez-vous/apt-7f3a" not in cancelled.get("DESCRIPTION", "")
    assert "URL" not in cancelled


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        make_ics(notice(), method="PUBLISH")
