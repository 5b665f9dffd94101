"""A patient books from a professional's page in real Chromium, against the local portal: the first free time at
once, a time chosen by day, details, the code from the e-mail, the confirmation with the calendar file and the manage
link. And two patients racing for one time: one gets it, the other is told plainly and offered the next ones."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from icalendar import Calendar

from tests.e2e.journey import (
    choose_existing_patient,
    email,
    fill_details,
    open_widget,
    practitioner,
    reason_of,
    send_details,
    settled,
    shoot,
    type_code,
    unexpected,
)
from tests.e2e.portal import Portal


def test_a_patient_books_a_time_and_it_is_no_longer_free(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    p = practitioner(0)
    reason = reason_of(p)
    address = email("louise")
    open_widget(page, portal.url, p, "fr")
    first = page.locator("[data-first]").inner_text()
    assert first.startswith("Premier créneau libre\u00a0: ") and "(heure de Monaco, UTC+0" in first
    assert page.locator(".booking__phone").is_visible()  # the phone stays on the page
    shoot(page, "01-professional-page")

    choose_existing_patient(page)
    assert page.locator("input[name=bw-reason]:checked").get_attribute("value") == reason["id"]
    status = page.locator("[data-slot-picker] [data-status]")
    assert status.get_attribute("role") == "status" and status.inner_text().startswith("Créneaux libres\u00a0: ")
    assert "Les horaires sont à l'heure de Monaco" in page.locator("[data-zone]").first.inner_text()
    shoot(page, "02-free-times")
    week = page.locator("[data-week]").first.inner_text()
    page.locator("[data-next]").first.click()  # page through the weeks and back
    settled(page)
    assert page.locator("[data-week]").first.inner_text() != week
    page.locator("[data-prev]").first.click()
    settled(page)
    slot = page.locator("[data-days] .slot").first
    start = slot.get_attribute("data-start")
    day = slot.locator("xpath=ancestor::div[@class='slot-day']/*[1]").inner_text()
    slot.click()

    chosen = page.locator("[data-chosen]").inner_text()
    assert "à " + start[11:16] in chosen and "(heure de Monaco, UTC+0" in chosen and day.lower() in chosen.lower()
    fill_details(page, address, phone="+377 6 12 34 56 78")
    shoot(page, "04-details")
    held = send_details(page)
    assert held["status"] == "held" and held["start"] == start
    page.locator("[data-step=code] h3").wait_for()
    assert address in page.locator("[data-code-sent]").inner_text()
    shoot(page, "05-code")

    type_code(page, portal.code(address, "fr"))
    done = page.locator("[data-step=done]")
    done.locator("h3").wait_for()
    assert done.locator("h3").inner_text() == "Votre rendez-vous est confirmé"
    facts = done.locator(".appointment__facts").inner_text()
    assert reason["label"]["fr"] in facts and p["sites"][0]["address"] in facts
    assert "Apportez" in done.locator("[data-field=instructions]").inner_text()  # what to bring
    shoot(page, "07-confirmed")

    with page.expect_download() as download_info:
        done.locator("[data-ics]").click()
    download = download_info.value
    assert download.suggested_filename == "rendez-vous.ics"
    raw = Path(download.path()).read_bytes()
    assert b"\r\n" in raw and b"\n\n" not in raw  # RFC 5545 lines
    event = Calendar.from_ical(raw).walk("VEVENT")[0]  # read as a calendar application reads it
    assert str(event["UID"]) == f"{held['id']}@appointments.health-portal"  # the e-mails' event: updates match it
    assert event.decoded("DTSTART") == datetime.fromisoformat(start)
    assert p["sites"][0]["address"] in str(event["LOCATION"]) and "Apportez" in str(event["DESCRIPTION"])

    link = done.locator("[data-manage-link]").get_attribute("href")
    assert link.startswith(f"/fr/appointment/#id={held['id']}&token=")
    token = link.split("token=")[1]
    shown = portal.api("GET", f"/appointments/{held['id']}", headers={"Authorization": f"Bearer {token}"})
    assert shown["status"] == "confirmed" and shown["start"] == start
    stored = portal.stored(held["id"])
    assert stored["status"] == "confirmed"
    assert [u["state"] for u in stored["unit_items"]] == ["booked"] * len(stored["unit_items"])

    assert start not in portal.free_starts(p["id"], reason["id"], start[:10])
    page.reload()  # and the widget no longer offers it
    choose_existing_patient(page)
    assert page.locator(f'.slot[data-start="{start}"]').count() == 0
    assert unexpected(console.errors) == []


def test_two_patients_race_for_one_time_one_gets_it(portal: Portal, chromium: Any) -> None:
    p = practitioner(1)
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        pages = [context.new_page() for context in contexts]
        addresses = [email("first"), email("second")]
        for page in pages:
            page.set_default_timeout(30_000)
            open_widget(page, portal.url, p, "en")
            choose_existing_patient(page)
        start = pages[0].locator("[data-days] .slot").first.get_attribute("data-start")
        for page, address in zip(pages, addresses, strict=True):
            page.locator(f'[data-days] .slot[data-start="{start}"]').click()
            fill_details(page, address)
        # both send at once: each click only starts the request
        for page in pages:
            page.locator("form[data-details] button[type=submit]").click()
        outcome = "[data-step=code]:not([hidden]) h3, [data-slot-alert]:not([hidden])"
        for page in pages:
            page.locator(outcome).wait_for()
        won = [page for page in pages if page.locator("[data-step=code]").is_visible()]
        lost = [page for page in pages if page.locator("[data-slot-alert]").is_visible()]
        assert len(won) == 1 and len(lost) == 1
        winner, loser = won[0], lost[0]

        alert = loser.locator("[data-slot-alert]")
        assert alert.get_attribute("role") == "alert"
        assert alert.inner_text() == (
            "Sorry, someone has just taken this time. Please choose another one: the next free times are below."
        )
        quick = loser.locator("[data-quick-list] .slot")
        quick.first.wait_for()
        offered = [quick.nth(i).get_attribute("data-start") for i in range(quick.count())]
        assert offered and start not in offered and offered == sorted(offered)
        assert loser.locator(f'.slot[data-start="{start}"]').count() == 0
        shoot(loser, "08-slot-taken")

        address = addresses[pages.index(winner)]
        type_code(winner, portal.code(address, "en"))
        winner.locator("[data-step=done] h3").wait_for()
        assert winner.locator("[data-step=done] h3").inner_text() == "Your appointment is confirmed"

        quick.first.click()  # the other patient takes the next time, their details kept
        assert loser.locator("#bw-email").input_value() == addresses[pages.index(loser)]
        assert send_details(loser)["status"] == "held"
    finally:
        for context in contexts:
            context.close()
