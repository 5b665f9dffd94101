"""Booking with the keyboard alone, axe-core on every step of the flow, the details' messages next to their fields,
and the widget on a 320-pixel screen."""

from __future__ import annotations

from typing import Any

from tests.e2e.journey import (
    assert_accessible,
    choose_existing_patient,
    email,
    fill_details,
    focused,
    open_widget,
    practitioner,
    settled,
    shoot,
    tab_to,
    unexpected,
)
from tests.e2e.portal import Portal


def test_keyboard_only_booking_with_no_axe_violation_on_any_step(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    address = email("keyboard")
    open_widget(page, portal.url, practitioner(4), "en")
    assert_accessible(page, "professional page")

    tab_to(page, "#bw-kind-existing")  # the first radio of the group takes the focus...
    page.keyboard.press("Space")  # ...and Space chooses it
    page.locator("[data-days] .slot").first.wait_for()
    settled(page)
    assert page.locator("[data-slot-picker]").first.locator("[data-status]").inner_text().startswith("Free times: ")
    assert_accessible(page, "free times")

    tab_to(page, "[data-next]")
    page.keyboard.press("Enter")  # the next week, by keyboard
    settled(page)
    tab_to(page, "[data-days] .slot")
    start = page.evaluate("document.activeElement.dataset.start")
    name = page.evaluate("document.activeElement.textContent")
    assert name.startswith(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
    page.keyboard.press("Enter")
    assert focused(page, "[data-step=details] h3")  # the focus follows the step

    tab_to(page, "form[data-details] button[type=submit]")
    page.keyboard.press("Enter")  # nothing typed yet: each field says what it needs, the first takes the focus
    assert focused(page, "#bw-given-name")
    for field, message in (
        ("given-name", "Enter your given name."),
        ("family-name", "Enter your family name."),
        ("email", "Enter your e-mail address: the code to confirm is sent there."),
    ):
        assert page.locator(f"#bw-{field}-error").inner_text() == message
        assert page.locator(f"#bw-{field}").get_attribute("aria-invalid") == "true"
    assert page.locator("#bw-phone-error").inner_text() == ""  # the phone is optional
    shoot(page, "03-details-errors")
    assert_accessible(page, "details with errors")

    page.keyboard.type("Léa")
    page.keyboard.press("Tab")
    page.keyboard.type("Marchetti")
    page.keyboard.press("Tab")
    tab_to(page, "#bw-email")
    page.keyboard.type(address)
    page.keyboard.press("Enter")  # sends the form
    page.locator("[data-step=code] h3").wait_for()
    assert focused(page, "[data-step=code] h3")
    assert_accessible(page, "code")

    tab_to(page, "#bw-code")
    page.keyboard.type(portal.code(address, "en"))
    page.keyboard.press("Enter")
    page.locator("[data-step=done] h3").wait_for()
    assert focused(page, "[data-step=done] h3")
    assert start[11:16] in page.locator("[data-field=when]").inner_text()
    assert_accessible(page, "confirmation")
    tab_to(page, "[data-ics]")
    tab_to(page, "[data-manage-link]")
    assert unexpected(console.errors) == []


def test_details_are_checked_next_to_each_field(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    open_widget(page, portal.url, practitioner(5), "fr")
    choose_existing_patient(page)
    page.locator("[data-days] .slot").first.click()
    fill_details(page, "louise@example", phone="06 douze")
    requests: list[str] = []
    page.on("request", lambda r: r.method == "POST" and requests.append(r.url))
    page.locator("form[data-details] button[type=submit]").click()
    email_field = page.locator("#bw-email")
    assert email_field.get_attribute("aria-invalid") == "true"
    assert email_field.get_attribute("aria-describedby").split() == ["bw-email-hint", "bw-email-error"]
    assert page.locator("#bw-email-error").inner_text() == "Indiquez une adresse e-mail de la forme nom@exemple.org."
    assert page.locator("#bw-phone-error").inner_text() == (
        "Indiquez un numéro composé de chiffres, comme +377 6 12 34 56 78, ou laissez le champ vide."
    )
    assert page.locator("#bw-given-name").get_attribute("aria-invalid") is None
    assert focused(page, "#bw-email")
    assert requests == []  # nothing was sent

    page.fill("#bw-email", "louise@example.org")
    page.locator("#bw-email").blur()
    assert page.locator("#bw-email-error").inner_text() == ""  # corrected: the message goes
    assert unexpected(console.errors) == []


def test_the_widget_fits_a_320_pixel_screen(portal: Portal, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        open_widget(page, portal.url, practitioner(6), "fr")
        choose_existing_patient(page)
        for step in ("free times", "details"):
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{step}: {width}px"
            if step == "free times":
                page.locator("[data-days] .slot").first.click()
        assert page.locator("#bw-email").bounding_box()["width"] <= 320
    finally:
        context.close()


def test_the_first_tap_on_send_after_correcting_a_field_sends(portal: Portal, chromium: Any) -> None:
    """Leaving the corrected field took its error away, which lifted "Recevoir le code" from under the pointer (by
    56 px, 81 px on a phone): the first tap landed below the button and nothing was sent."""
    for number, width in ((12, 1280), (13, 375)):
        context = chromium.new_context(viewport={"width": width, "height": 812}, timezone_id="UTC")
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            open_widget(page, portal.url, practitioner(number), "fr")
            choose_existing_patient(page)
            page.locator("[data-days] .slot").first.click()
            fill_details(page, "louise@example")
            send = page.locator("form[data-details] button[type=submit]")
            assert send.inner_text() == "Recevoir le code"
            send.click()
            assert page.locator("#bw-email-error").inner_text() != ""
            page.fill("#bw-email", email("tap"))  # corrected; the field still has the focus
            with page.expect_request(
                lambda r: r.url.endswith("/api/v1/appointments") and r.method == "POST", timeout=5_000
            ):
                send.click()  # one tap: the field loses the focus, then the button is pressed
            page.locator("[data-step=code] h3").wait_for()
        finally:
            context.close()
