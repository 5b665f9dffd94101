"""The "manage my appointment" page in real Chromium, opened from the confirmation e-mail's link: the patient sees
the appointment, cancels it after a confirmation step (a second cancel says it was already cancelled), or moves it
(the old time is free again). The token stays in the fragment and a header: never in a URL a server sees."""

from __future__ import annotations

from typing import Any

from tests.e2e.journey import assert_accessible, email, practitioner, reason_of, settled, shoot, unexpected
from tests.e2e.portal import Portal


def test_cancel_from_the_manage_link_frees_the_time(portal: Portal, chromium: Any) -> None:
    p = practitioner(8)
    reason = reason_of(p)
    address = email("cancel")
    booked = portal.book(p["id"], reason["id"], address, "fr")
    link = portal.manage_link(address, "fr")
    assert booked["start"] not in portal.free_starts(p["id"], reason["id"], booked["start"][:10])
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        page, other = (context.new_page() for context in contexts)
        sent: list[Any] = []
        page.on("request", lambda request: sent.append(request))  # noqa: PLW0108 - Playwright needs a Python function
        for tab in (page, other):
            tab.set_default_timeout(30_000)
            tab.goto(link)
            tab.locator("[data-view=appointment]").wait_for()
        state = page.locator("[data-state]")
        assert state.inner_text() == "Votre rendez-vous est confirmé."
        assert page.locator("[data-field=patient]").inner_text() == "Louise Rossi"
        assert "(heure de Monaco, UTC+0" in page.locator("[data-field=when]").inner_text()
        assert_accessible(page, "manage page")
        shoot(page, "10-manage")

        page.get_by_role("button", name="Annuler le rendez-vous").click()
        box = page.locator("[data-box=cancel]")
        box.locator("h2").wait_for()
        assert box.locator("[data-question]").inner_text().startswith("Annuler votre rendez-vous du ")
        assert_accessible(page, "cancel confirmation")
        shoot(page, "11-cancel-confirm")
        box.get_by_role("button", name="Non, le garder").click()  # changing one's mind changes nothing
        assert box.is_hidden() and state.inner_text() == "Votre rendez-vous est confirmé."

        page.get_by_role("button", name="Annuler le rendez-vous").click()
        box.get_by_role("button", name="Oui, l'annuler").click()
        page.get_by_text("Votre rendez-vous est annulé. L'horaire est de nouveau libre").wait_for()
        assert state.inner_text() == "Ce rendez-vous est annulé."
        assert page.locator("[data-actions]").is_hidden()
        assert_accessible(page, "cancelled")
        shoot(page, "12-cancelled")
        assert booked["start"] in portal.free_starts(p["id"], reason["id"], booked["start"][:10])
        portal.mail(address, "Rendez-vous annulé")

        # the other tab still shows it confirmed: its cancel says it already is
        other.get_by_role("button", name="Annuler le rendez-vous").click()
        other.get_by_text("Ce rendez-vous était déjà annulé.").wait_for()
        assert other.locator("[data-state]").inner_text() == "Ce rendez-vous est annulé."
        assert other.locator("[data-box=cancel]").is_hidden()

        token = link.split("token=")[1]
        assert all(token not in request.url for request in sent)  # the fragment never left the browser
        api_calls = [r for r in sent if "/api/v1/appointments/" in r.url]
        assert api_calls and all(r.headers.get("authorization") == f"Bearer {token}" for r in api_calls)
    finally:
        for context in contexts:
            context.close()


def test_moving_an_appointment_frees_the_old_time(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    p = practitioner(9)
    reason = reason_of(p)
    address = email("move")
    booked = portal.book(p["id"], reason["id"], address, "en")
    page.goto(portal.manage_link(address, "en"))
    page.locator("[data-view=appointment]").wait_for()

    page.get_by_role("button", name="Move to another time").click()
    move = page.locator("[data-box=move]")
    move.locator("[data-days] .slot").first.wait_for()
    settled(page)
    assert page.evaluate("document.activeElement.id") == "move-title"
    assert move.locator(f'.slot[data-start="{booked["start"]}"]').count() == 0  # its own time is not free
    assert_accessible(page, "move")
    shoot(page, "13-move")
    target = move.locator("[data-days] .slot").nth(1)
    new_start = target.get_attribute("data-start")
    target.click()
    question = move.locator("[data-move-confirm] [data-question]")
    assert question.inner_text().startswith("Move your appointment from ")
    move.get_by_role("button", name="Move the appointment").click()
    page.get_by_text("Your appointment was moved to ").wait_for()
    assert new_start[11:16] in page.locator("[data-field=when]").inner_text()
    assert move.is_hidden()
    shoot(page, "14-moved")

    free = portal.free_starts(p["id"], reason["id"], booked["start"][:10], days=7)
    assert booked["start"] in free and new_start not in free
    assert portal.stored(booked["id"])["status"] == "confirmed"
    portal.mail(address, "Appointment moved")
    assert unexpected(console.errors) == []


def test_the_manage_page_without_its_link_or_with_a_wrong_one(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    response = page.goto(f"{portal.url}/en/appointment/#id={'0' * 20}&token=not-the-token")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert page.locator('meta[name="referrer"]').get_attribute("content") == "no-referrer"
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    page.locator("[data-view=not-found]").wait_for()
    assert page.locator("[data-view=appointment]").is_hidden()
    french = page.locator(".site-header__languages a[hreflang=fr]").get_attribute("href")
    assert french.endswith(f"/fr/appointment/#id={'0' * 20}&token=not-the-token")  # the switch keeps the link
    assert_accessible(page, "appointment not found")

    page.goto(f"{portal.url}/en/appointment/")  # no fragment at all
    page.locator("[data-view=missing]").wait_for()
    assert page.locator("[data-view=missing]").inner_text().startswith("Open this page with the link")
    assert unexpected(console.errors) == []
