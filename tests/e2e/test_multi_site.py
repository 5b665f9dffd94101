"""A professional who practises at two sites, in real Chromium against the local portal: the patient chooses the
second site on the professional's page, books a time of that site's hours, and finds that site named where they
check it: the summary of the time chosen, the confirmation, the confirmation e-mail and the manage page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from tests.e2e.journey import (
    BOOKABLE,
    assert_accessible,
    choose_existing_patient,
    email,
    fill_details,
    open_widget,
    reason_of,
    send_details,
    settled,
    shoot,
    type_code,
    unexpected,
)
from tests.e2e.portal import Portal

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# The demo's professionals with two sites (scripts/make_demo_data.py, SECOND_SITES); this test books the one whose
# second site is a hospital department, at that department.
TWO_SITES = [cast("dict[str, Any]", p) for p in BOOKABLE if len(p["sites"]) == 2]
AT_HOSPITAL = next(p for p in TWO_SITES if p["sites"][1].get("establishment") == "hopital-de-la-principaute")


def label(site: dict[str, Any]) -> str:
    """How the page names a site: its name and street address."""
    return f"{site['name']}, {site['address']}"


def test_the_demo_has_professionals_with_two_sites() -> None:
    assert len(TWO_SITES) >= 3
    assert any("establishment" not in p["sites"][1] for p in TWO_SITES)  # two private practices
    for p in TWO_SITES:
        first, second = p["sites"]
        assert first["id"] != second["id"] and first["address"] != second["address"]
        days = [{d for h in site["hours"] for d in h["days"]} for site in p["sites"]]
        assert days[0] and days[1] and not days[0] & days[1]  # each weekday at one site only


def test_a_patient_books_at_the_second_site(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    p = AT_HOSPITAL
    main, hospital = p["sites"]
    reason = reason_of(p)
    assert all(reason["id"] in h["reasons"] for h in hospital["hours"])
    address = email("two-sites")
    open_widget(page, portal.url, p, "fr")
    choose_existing_patient(page)

    # the choice is named for what it is (in French "Quartier" named the districts, not where the visit takes place)
    assert page.locator("[data-sites] legend").inner_text() == "Lieu du rendez-vous"
    sites = page.locator("input[name=bw-site]")
    assert [sites.nth(i).get_attribute("value") for i in range(sites.count())] == [main["id"], hospital["id"]]
    assert page.locator(f'label[for="bw-site-{main["id"]}"]').inner_text() == label(main)
    assert page.locator(f'label[for="bw-site-{hospital["id"]}"]').inner_text() == label(hospital)
    assert page.locator("input[name=bw-site]:checked").get_attribute("value") == main["id"]

    with page.expect_response(lambda r: "/slots?" in r.url and f"site={hospital['id']}" in r.url) as info:
        page.locator(f"#bw-site-{hospital['id']}").check()
    offered = [slot["start"] for slot in info.value.json()["slots"]]
    assert offered and all(slot["site"] == hospital["id"] for slot in info.value.json()["slots"])
    settled(page)
    page.locator("[data-days] .slot").first.wait_for()
    assert_accessible(page, "second site chosen")
    shoot(page, "18-second-site")

    slot = page.locator("[data-days] .slot").first
    start = slot.get_attribute("data-start")
    assert start in offered
    hospital_days = {d for h in hospital["hours"] for d in h["days"]}
    assert DAYS[datetime.fromisoformat(start).weekday()] in hospital_days  # a time of the hospital's hours
    slot.click()
    chosen = page.locator("[data-chosen]").inner_text()
    assert chosen.endswith(f"– {label(hospital)}"), chosen

    fill_details(page, address)
    held = send_details(page)
    assert held["status"] == "held" and held["start"] == start and held["site"] == hospital["id"]
    type_code(page, portal.code(address, "fr"))
    done = page.locator("[data-step=done]")
    done.locator("h3").wait_for()
    facts = done.locator(".appointment__facts").inner_text()
    assert hospital["name"] in facts and hospital["address"] in facts and main["address"] not in facts
    assert_accessible(page, "confirmed at the second site")
    assert portal.stored(held["id"])["site_id"] == hospital["id"]

    mail = portal.mail(address, "Rendez-vous confirmé")
    assert label(hospital) in mail["text"] and main["address"] not in mail["text"]
    assert hospital["phone"] in mail["text"]  # the department's own number

    page.goto(portal.manage_link(address, "fr"))
    page.locator("[data-view=appointment]").wait_for()
    place = page.locator("[data-view=appointment] [data-field=place]").inner_text()
    assert label(hospital) in place and main["address"] not in place
    assert_accessible(page, "manage page of the second site's appointment")
    shoot(page, "19-second-site-manage")
    assert unexpected(console.errors) == []
