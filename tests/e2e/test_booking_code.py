"""The e-mailed code in real Chromium: wrong codes are answered next to the field with the attempts left (the API's
``attempts_left``, said in the widget's own words), then the right one books; a hold that lapsed (10 minutes) is
explained, with a way to choose a time again."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.journey import (
    choose_existing_patient,
    email,
    fill_details,
    open_widget,
    practitioner,
    send_details,
    shoot,
    type_code,
    unexpected,
)
from tests.e2e.portal import Portal


def wrong(code: str, by: int) -> str:
    """A code that is surely not ``code``."""
    return f"{(int(code) + by) % 1_000_000:06d}"


def without_numbers_in_messages(route: Any) -> None:
    """Pass the API's answer on with the digits taken out of any error ``message``: the widget must not need them."""
    response = route.fetch()
    body = response.json()
    if isinstance(body, dict) and "error" in body:
        body["error"]["message"] = re.sub(r"\d", "", body["error"]["message"])
    route.fulfill(response=response, json=body)


def hold_a_time(page: Any, portal: Portal, number: int, lang: str, address: str) -> dict[str, Any]:
    open_widget(page, portal.url, practitioner(number), lang)
    choose_existing_patient(page)
    page.locator("[data-days] .slot").first.click()
    fill_details(page, address)
    held = send_details(page)
    page.locator("[data-step=code] h3").wait_for()
    return held


def test_three_wrong_codes_then_the_right_one(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    address = email("codes")
    hold_a_time(page, portal, 2, "en", address)
    code = portal.code(address, "en")
    field = page.locator("#bw-code")
    error = page.locator("#bw-code-error")
    assert "bw-code-error" in field.get_attribute("aria-describedby").split()

    type_code(page, "12 34")  # not six digits: said before anything is sent
    assert error.inner_text() == "Enter the 6 digits of the code from the e-mail."
    page.route("**/api/v1/appointments/*/confirm", without_numbers_in_messages)
    for attempt, left in enumerate((4, 3, 2), start=1):
        type_code(page, wrong(code, attempt))
        page.get_by_text(f"Wrong code. Attempts left: {left}.").wait_for()
        assert error.inner_text() == f"Wrong code. Attempts left: {left}."
        assert field.get_attribute("aria-invalid") == "true"
        assert field.evaluate("element => element === document.activeElement")  # ready to type again
    shoot(page, "06-wrong-code")

    type_code(page, code)
    page.locator("[data-step=done] h3").wait_for()
    assert page.locator("[data-step=done] h3").inner_text() == "Your appointment is confirmed"
    assert unexpected(console.errors) == []


def test_a_lapsed_hold_is_explained_and_the_patient_starts_again(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    address = email("lapsed")
    held = hold_a_time(page, portal, 3, "fr", address)
    code = portal.code(address, "fr")
    portal.expire_hold(held["id"])  # ten minutes pass (see Portal.expire_hold)

    type_code(page, code)
    explanation = page.locator("[data-restart-text]")
    explanation.wait_for()
    assert explanation.get_attribute("role") == "alert"
    assert explanation.inner_text() == (
        "Les 10 minutes pour confirmer sont écoulées\u00a0: cet horaire a été libéré pour d'autres patients. "
        "Choisissez de nouveau un horaire, vos coordonnées sont conservées."
    )
    assert page.locator("#bw-code").is_hidden()
    restart = page.locator("[data-restart]")
    assert restart.evaluate("element => element === document.activeElement")
    shoot(page, "09-hold-expired")

    restart.click()  # back to the free times: the lapsed time is free again, the details kept
    page.locator(f'[data-days] .slot[data-start="{held["start"]}"]').wait_for()
    page.locator(f'[data-days] .slot[data-start="{held["start"]}"]').click()
    assert page.locator("#bw-email").input_value() == address
    assert send_details(page)["status"] == "held"
    assert unexpected(console.errors) == []
