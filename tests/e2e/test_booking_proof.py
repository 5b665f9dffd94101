"""A shared network in real Chromium: two bookings from the same address already wait for their code (a hospital's
Wi-Fi, say), so a third patient is asked to confirm the e-mail address first, with a code and no time held; the
patient then books that time, and a second booking from the same tab needs no code at all."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.journey import (
    assert_accessible,
    choose_existing_patient,
    email,
    fill_details,
    focused,
    open_widget,
    practitioner,
    reason_of,
    shoot,
    unexpected,
)
from tests.e2e.portal import Portal

WORDS = {
    "fr": {
        "title": "D'abord, confirmez votre adresse e-mail",
        "why": "Plusieurs réservations faites depuis votre réseau",
        "send": "Envoyez-moi un code",
        "book": "Confirmer mon adresse et réserver",
        "done": "Votre rendez-vous est confirmé",
        "proven": "aucun nouveau code n'a été nécessaire",
        "kept": "Ce rendez-vous et vos coordonnées seront supprimés le ",
        "privacy": "Elles sont supprimées 90 jours après celui-ci.",
    },
    "en": {
        "title": "First, confirm your e-mail address",
        "why": "Several bookings from your network",
        "send": "Send me a code",
        "book": "Confirm my address and book",
        "done": "Your appointment is confirmed",
        "proven": "so no new code was needed",
        "kept": "This appointment and your details will be deleted on ",
        "privacy": "They are deleted 90 days after it.",
    },
}


def fill_the_networks_share(portal: Portal, p: dict[str, Any]) -> list[str]:
    """Two holds awaiting their code, from this machine's address (the browser's too), at the end of the week."""
    first = portal.api("GET", f"/next-available?ids={p['id']}")["results"][0]["slot"]
    starts = portal.free_starts(p["id"], reason_of(p)["id"], first["start"][:10], days=7)
    held: list[str] = []
    for start in reversed(starts):  # times of one reason may overlap: the next that is still free
        if len(held) == 2:
            break
        body = {
            "practitioner": p["id"],
            "site": first["site"],
            "reason": reason_of(p)["id"],
            "start": start,
            "patient": {"given_name": "Ana", "family_name": "Bo", "email": email("other"), "kind": "existing"},
        }
        try:
            held.append(portal.api("POST", "/appointments", body, {"Idempotency-Key": uuid.uuid4().hex})["id"])
        except AssertionError as refused:
            assert "slot_taken" in str(refused)
    return held


@pytest.mark.parametrize(("lang", "number"), [("fr", 20), ("en", 22)])
def test_a_third_unproven_hold_proves_the_address_first_then_books(
    portal: Portal, browser_page: tuple[Any, Any], lang: str, number: int
) -> None:
    page, console = browser_page
    words = WORDS[lang]
    p = practitioner(number)
    fill_the_networks_share(portal, p)
    address = email(f"shared-{lang}")

    open_widget(page, portal.url, p, lang)
    choose_existing_patient(page)
    slot = page.locator("[data-days] .slot").first
    start = slot.get_attribute("data-start")
    slot.click()
    fill_details(page, address)
    assert words["privacy"] in page.locator(".bw__privacy").inner_text()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/appointments")) as refused:
        page.locator("form[data-details] button[type=submit]").click()
    assert refused.value.status == 429 and refused.value.json()["error"]["code"] == "proof_required"

    prove = page.locator("[data-step=prove]")
    prove.locator("h3").wait_for()
    assert prove.locator("h3").inner_text() == words["title"]
    assert focused(page, "#bw-prove-title")  # keyboard and screen-reader users land on the new step
    assert words["why"] in prove.locator("[data-prove-why]").inner_text()
    assert address in prove.locator("[data-prove-to]").inner_text()
    assert_accessible(page, f"prove ({lang})")
    shoot(page, f"20-prove-address-{lang}")

    prove.get_by_role("button", name=words["send"]).click()
    code_field = page.locator("#bw-prove-code")
    code_field.wait_for()
    assert focused(page, "#bw-prove-code")
    assert start in portal.free_starts(p["id"], reason_of(p)["id"], start[:10])  # still free: no time is held
    shoot(page, f"21-prove-code-{lang}")
    code_field.fill(portal.code(address, lang))
    prove.get_by_role("button", name=words["book"]).click()

    done = page.locator("[data-step=done]")
    done.locator("h3").wait_for()
    assert done.locator("h3").inner_text() == words["done"]
    assert words["proven"] in done.locator("[data-done-proven]").inner_text()
    assert done.locator("[data-done-kept]").inner_text().startswith(words["kept"])
    assert start not in portal.free_starts(p["id"], reason_of(p)["id"], start[:10])
    assert_accessible(page, f"booked with a proof ({lang})")
    shoot(page, f"22-proven-booked-{lang}")

    # The same tab books again, with another professional: no code at all.
    codes_before = [m for m in portal.outbox() if address in m["recipients"] and "code" in m["subject"].lower()]
    other = practitioner(number + 1)
    open_widget(page, portal.url, other, lang)
    choose_existing_patient(page)
    page.locator("[data-days] .slot").first.click()
    fill_details(page, address)
    page.locator("form[data-details] button[type=submit]").click()
    done.locator("h3").wait_for()
    assert done.locator("h3").inner_text() == words["done"]
    assert page.locator("[data-step=code]").is_hidden()
    portal.mail(address, "Rendez-vous confirmé" if lang == "fr" else "Appointment confirmed")
    codes_after = [m for m in portal.outbox() if address in m["recipients"] and "code" in m["subject"].lower()]
    assert len(codes_after) == len(codes_before) == 1  # the one code that proved the address
    assert unexpected(console.errors) == []
