"""The widget on a phone (375 by 812 pixels): after choosing a reason the first free time for it is on the first
screen and books in one tap (it was about 1,560 pixels down, under the reasons, places and the week's days); the
line with the first free time, on the professional's page and on the lists' cards, can be tapped."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Console
from tests.e2e.journey import BOOKABLE, SCREENSHOTS, assert_accessible, focused, open_widget, settled, unexpected
from tests.e2e.portal import Portal

PHONE = {"width": 375, "height": 812}


def new_patient_reasons(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in p["visit_reasons"] if r["online"] and r["new_patients"]]


def test_on_a_phone_the_first_free_time_is_on_screen_after_choosing_a_reason(portal: Portal, chromium: Any) -> None:
    p = next(p for p in BOOKABLE[14:] if len(new_patient_reasons(p)) >= 2)
    context = chromium.new_context(viewport=PHONE, timezone_id="UTC", is_mobile=True, has_touch=True)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        console = Console(page)
        open_widget(page, portal.url, p, "fr")
        lead = page.locator("[data-first] button")
        assert lead.inner_text().startswith("Premier créneau libre\u00a0: ")
        lead.tap()  # before any choice, the line leads to the first question
        assert focused(page, "#bw-kind-existing")

        page.locator("label[for=bw-kind-new]").tap()  # "Non, c'est ma première visite"
        page.locator("[data-days] .slot").first.wait_for()
        settled(page)
        second = new_patient_reasons(p)[1]
        page.locator(f"label[for=bw-reason-{second['id']}]").tap()
        button = page.locator("[data-first] button")
        page.wait_for_function(
            "() => document.querySelector('[data-first] button')?.textContent.startsWith('Premier créneau libre pour')"
        )
        settled(page)
        box = button.bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "16-phone-first-time-after-reason-375.png")  # the first screen
        assert_accessible(page, "first free time for the reason")

        start = page.locator("[data-days] .slot").first.get_attribute("data-start")  # the week of the first time
        button.tap()
        page.locator("[data-step=details] h3").wait_for()
        chosen = page.locator("[data-chosen]").inner_text()
        assert f"à {start[11:16]}" in chosen and second["label"]["fr"] in chosen, chosen
        assert unexpected(console.errors) == []
    finally:
        context.close()


def test_the_first_free_time_of_a_card_leads_to_the_booking(portal: Portal, chromium: Any) -> None:
    context = chromium.new_context(viewport=PHONE, timezone_id="UTC", is_mobile=True, has_touch=True)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/en/specialties/general-practice/")
        link = page.locator(".card .first-available a").first
        link.wait_for()
        card = link.locator("xpath=ancestor::li[@data-practitioner]")
        pid = card.get_attribute("data-practitioner")
        assert link.inner_text().startswith("First available: ")
        assert link.get_attribute("href") == f"/en/professionals/{pid}/#booking"
        link.tap()
        page.wait_for_url(f"**/en/professionals/{pid}/#booking")
        page.locator("[data-first]").wait_for()
    finally:
        context.close()
