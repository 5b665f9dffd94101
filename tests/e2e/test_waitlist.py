"""The waiting list in real Chromium: patient A cancels from the manage page, waiting patient B gets the offer by
e-mail and accepts it in one step; when B lets it lapse, the scheduled pass (run with a moved clock, through the
function the local portal runs every five minutes) offers it to C, who accepts it. The reminders: a pass at the
reminder's time sends it, by text too to a proven mobile number, and the local outbox lists the text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.e2e.journey import (
    assert_accessible,
    choose_existing_patient,
    email,
    open_widget,
    practitioner,
    reason_of,
    shoot,
    unexpected,
)
from tests.e2e.portal import Portal


def ask_in_the_widget(page: Any, portal: Portal, p: dict[str, Any], lang: str, *, address: str, before: str) -> None:
    """The professional's page: the waiting list's form, filled and sent."""
    open_widget(page, portal.url, p, lang)
    choose_existing_patient(page)
    page.locator("[data-wait-open]").click()
    page.locator("#bw-wait-title").wait_for()
    page.fill("#bw-w-before", before)
    page.fill("#bw-w-given-name", "Bruno")
    page.fill("#bw-w-family-name", "Fontana")
    page.fill("#bw-w-email", address)
    page.locator("form[data-wait-form] button[type=submit]").click()


def join_in_the_widget(page: Any, portal: Portal, p: dict[str, Any], lang: str, *, address: str, before: str) -> None:
    """The professional's page: no time suits, so the patient joins the waiting list with the e-mailed code."""
    ask_in_the_widget(page, portal, p, lang, address=address, before=before)
    page.locator("form[data-wait-code]").wait_for()
    code = portal.code_for(address, "Votre code pour rejoindre" if lang == "fr" else "Your code to join")
    page.fill("#bw-w-code", code)
    page.locator("form[data-wait-code] button[type=submit]").click()
    page.locator("[data-wait-done]").wait_for()


def join_by_api(portal: Portal, p: dict[str, Any], reason: str, *, site: str, address: str, before: str) -> None:
    body = {
        "practitioner": p["id"],
        "site": site,
        "reason": reason,
        "before": before,
        "patient": {"given_name": "Chloé", "family_name": "Moreau", "email": address, "kind": "existing"},
        "language": "fr",
    }
    asked = portal.api("POST", "/waitlist", body)
    code = portal.code_for(address, "Votre code pour rejoindre")
    portal.api("POST", f"/waitlist/{asked['id']}/confirm", {"code": code})


def test_a_cancelled_time_goes_to_the_waiting_patient_who_accepts_it(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    p = practitioner(20)
    reason = reason_of(p)
    anna, bruno = email("anna"), email("bruno")
    booked = portal.book(p["id"], reason["id"], anna, "fr")
    day = booked["start"][:10]
    join_in_the_widget(page, portal, p, "fr", address=bruno, before=day)
    assert "liste d'attente jusqu'au" in page.locator("[data-wait-done]").inner_text()
    assert_accessible(page, "waiting list joined")
    shoot(page, "30-waitlist-joined")

    page.goto(portal.manage_link(anna, "fr"))  # A cancels from her manage page
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    page.locator("[data-box=cancel]").get_by_role("button", name="Oui, l'annuler").click()
    page.get_by_text("Votre rendez-vous est annulé.").first.wait_for()
    page.locator("[data-again]").wait_for()  # book again, with the next free times
    assert (
        page.locator("[data-again-link]")
        .get_attribute("href")
        .endswith(f"?reason={reason['id']}&site={booked['site']}#booking")
    )
    shoot(page, "31-cancelled-book-again")
    cancellation = portal.mail(anna, "Rendez-vous annulé")
    assert "Prendre un autre rendez-vous" in cancellation["text"] and "MonacoSant" in cancellation["sender"]

    # the freed time is held for Bruno alone: the widget does not offer it to anyone else
    assert booked["start"] not in portal.free_starts(p["id"], reason["id"], day)
    page.goto("about:blank")  # Bruno opens the link from his mailbox: a fresh visit, not this page's fragment
    page.goto(portal.offer_link(bruno, "fr"))
    page.locator("[data-offer-box]").wait_for()
    assert "réservé jusqu'à" in page.locator("[data-offer-state]").inner_text()
    assert_accessible(page, "offer")
    shoot(page, "32-offer")
    page.get_by_role("button", name="Accepter ce créneau").click()
    page.locator("[data-state]").wait_for()  # the confirmed appointment replaces the offer
    assert page.locator("[data-state]").inner_text() == "Votre rendez-vous est confirmé."
    assert "token=" in page.evaluate("location.hash")  # the page now holds the manage link
    page.locator("[data-reminders]").wait_for()
    shoot(page, "33-offer-accepted")
    portal.mail(bruno, "Rendez-vous confirmé")
    assert unexpected(console.errors) == []


def test_a_tab_whose_code_proved_the_address_joins_another_list_with_no_code(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    p = practitioner(24)
    reason = reason_of(p)
    bruno = email("bruno")
    day = portal.book(p["id"], reason["id"], email("anna"), "en")["start"][:10]
    join_in_the_widget(page, portal, p, "en", address=bruno, before=day)  # his code earns this tab an e-mail proof
    sent = [m for m in portal.outbox() if bruno in m["recipients"]]
    later = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    ask_in_the_widget(page, portal, p, "en", address=bruno, before=later)  # the page opened again, same tab
    page.locator("[data-wait-done]").wait_for()
    assert page.locator("form[data-wait-code]").is_hidden()
    assert "waiting list until" in page.locator("[data-wait-done]").inner_text()
    assert [m for m in portal.outbox() if bruno in m["recipients"]] == sent  # no second code
    assert unexpected(console.errors) == []


def test_a_lapsed_offer_goes_to_the_next_patient(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    p = practitioner(21)
    reason = reason_of(p)
    anna, bruno, chloe = email("anna"), email("bruno"), email("chloe")
    booked = portal.book(p["id"], reason["id"], anna, "en")
    day = booked["start"][:10]
    join_in_the_widget(page, portal, p, "en", address=bruno, before=day)
    join_by_api(portal, p, reason["id"], site=booked["site"], address=chloe, before=day)
    token = portal.manage_link(anna, "en").split("token=")[1]
    portal.api("POST", f"/appointments/{booked['id']}/cancel", {}, {"Authorization": f"Bearer {token}"})
    bruno_link = portal.offer_link(bruno, "en")
    assert portal.offers_to(chloe) == []

    # Bruno does nothing: sixteen minutes later on the pass's clock, his offer has lapsed and Chloé gets the time
    report = portal.scheduled_pass(datetime.now(UTC) + timedelta(minutes=16))
    assert report["waitlist"]["lapsed"] >= 1 and report["waitlist"]["offered"] >= 1, report
    page.goto(portal.offer_link(chloe, "fr"))
    page.locator("[data-offer-box]").wait_for()
    page.get_by_role("button", name="Accepter ce créneau").click()
    page.locator("[data-state]").wait_for()  # the confirmed appointment replaces the offer
    assert page.locator("[data-state]").inner_text() == "Votre rendez-vous est confirmé."

    page.goto(bruno_link)  # too late for Bruno, whatever his page still shows: accepting says so
    page.locator("[data-offer-box]").wait_for()
    page.get_by_role("button", name="Accept this time").click()
    page.get_by_text("it has gone to the next patient").wait_for()
    assert page.locator("[data-offer-actions]").is_hidden()
    assert_accessible(page, "offer gone")
    shoot(page, "34-offer-gone")
    assert unexpected(console.errors) == []


def test_a_reminder_by_text_reaches_the_local_outbox(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    p = practitioner(22)
    reason = reason_of(p)
    address = email("sms")
    booked = portal.book(p["id"], reason["id"], address, "en", phone="+377 6 12 34 56 78", after_days=3)
    page.goto(portal.manage_link(address, "en"))
    page.locator("[data-reminders]").wait_for()
    page.get_by_role("button", name="Text me a code").click()
    page.locator("#rem-code").wait_for()
    [text] = portal.texts("+377612345678")
    code = re.search(r"\b(\d{6})\b", text["text"]).group(1)  # type: ignore[union-attr]
    page.fill("#rem-code", code)
    page.get_by_role("button", name="Confirm my number").click()
    page.get_by_text("Your number is confirmed").wait_for()
    assert page.locator("#rem-sms").is_checked()
    assert_accessible(page, "reminders")
    shoot(page, "35-reminders")
    # the day before at 18:00 on the site's clock (two hours later covers a change of offset that day)
    due = (datetime.fromisoformat(booked["start"]) - timedelta(days=1)).replace(hour=20, minute=0)
    report = portal.scheduled_pass(due)
    assert report["reminders"]["texts"] >= 1, report
    latest = portal.texts("+377612345678")[0]
    assert f"#id={booked['id']}" in latest["text"]
    portal.mail(address, "Reminder")
    assert unexpected(console.errors) == []
