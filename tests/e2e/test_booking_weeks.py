"""The free times a week at a time, as a patient pages through them: weeks from Monday to Sunday (some ran from
Wednesday to Tuesday, from the first free day), dates as French writes them ("lundi 1er février"), "Next week"
disabled at the booking horizon with a text that says online booking goes no further (it said "Try the next week"
for ever); and times that name their zone only for a visitor whose clock is not the practice's ("(UTC+01:00)" was
on every card, for visitors in Monaco too)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.journey import BOOKABLE, choose_existing_patient, open_widget, settled, shoot, unexpected
from tests.e2e.portal import Portal

DAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
MONACO = ZoneInfo("Europe/Monaco")


def french(day: date) -> str:
    """A day as French writes it: "lundi 1er février", "mardi 2 février"."""
    return f"{DAYS[day.weekday()]} {'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"


def test_weeks_run_monday_to_sunday_and_stop_at_the_booking_horizon(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    p = next(p for p in BOOKABLE[10:] if p["booking_rules"]["horizon_days"] == 60)
    open_widget(page, portal.url, p, "fr")
    choose_existing_patient(page)
    picker = page.locator("[data-slot-picker]").first
    first_day = date.fromisoformat(picker.locator(".slot").first.get_attribute("data-start")[:10])
    monday = first_day - timedelta(days=first_day.weekday())  # the week of the first free time, from its Monday
    last_day = datetime.now(MONACO).date() + timedelta(days=60)
    weeks = 0
    while True:
        sunday = monday + timedelta(days=6)
        assert picker.locator("[data-week]").inner_text() == f"du {french(monday)} au {french(sunday)}"
        starts = picker.locator(".slot").evaluate_all("slots => slots.map(s => s.dataset.start)")
        days = {date.fromisoformat(start[:10]) for start in starts}
        assert all(monday <= day <= sunday for day in days), (monday, sorted(days))
        status = picker.locator("[data-status]").inner_text()
        assert "Essayez la semaine suivante" not in status or monday + timedelta(days=7) <= last_day
        if picker.locator("[data-next]").is_disabled():
            break
        weeks += 1
        assert weeks < 20, "'Semaine suivante' never disables"
        picker.locator("[data-next]").click()
        settled(page)
        monday += timedelta(days=7)
    # the last week offered is the one holding the horizon's last day
    assert monday <= last_day <= monday + timedelta(days=6), (monday, last_day)
    if not days:
        assert "ne va pas au-delà" in status, status
    shoot(page, "02b-last-week")
    assert unexpected(console.errors) == []


def test_times_name_their_zone_only_for_a_visitor_on_another_clock(portal: Portal, chromium: Any) -> None:
    p = BOOKABLE[11]
    for zone, named in (("Europe/Monaco", False), ("America/New_York", True)):
        context = chromium.new_context(viewport={"width": 375, "height": 812}, timezone_id=zone)
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            open_widget(page, portal.url, p, "en")
            first = page.locator("[data-first]").inner_text()
            assert first.startswith("First available: ")
            assert ("(Monaco time, UTC+0" in first) is named, (zone, first)
            choose_existing_patient(page)
            zone_line = page.locator("[data-slot-picker] [data-zone]").first
            assert zone_line.is_visible() is named, zone
            page.goto(f"{portal.url}/fr/specialties/general-practice/")
            card = page.locator(".first-available:not(:empty)").first
            card.wait_for()
            assert ("(UTC+0" in card.inner_text()) is named, (zone, card.inner_text())
        finally:
            context.close()
