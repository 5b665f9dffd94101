"""The agenda as a time grid, in real Chromium on the local portal, as a front desk with two professionals' agendas
(desk:<id> grants) uses it: openings, an absence, a public holiday and an appointment where they belong; a free time
clicked becomes a phone booking; a clash offers the nearest free times; the grid used with the keyboard alone; the
two agendas side by side; screenshots at 1280 and 375 pixels in French and English, and the day's print view;
axe-core finds no violation on any of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import holidays
import pytest
from playwright.sync_api import expect

from local.cognito import DemoAccount, configure_pool
from plugins.directory.model import load_directory
from tests.e2e.journey import focused, shoot, tab_to
from tests.e2e.test_pro_backoffice import WEEKDAYS, assert_accessible, first_sign_in, script_errors, watch
from tests.site.sitebuild import ROOT

MONACO = ZoneInfo("Europe/Monaco")
WORKDAYS = {"mon", "tue", "wed", "thu", "fri"}


def _professionals() -> list[dict[str, Any]]:
    """Two professionals who book online at one site in Monaco, open in the morning on weekdays, from the end of the
    directory (the other browser tests book from its start and its middle)."""
    found = [
        p
        for p in load_directory(ROOT / "content" / "directory").practitioners
        if p["online_booking"]
        and len(p["sites"]) == 1
        and p["sites"][0]["timezone"] == "Europe/Monaco"
        and any(WORKDAYS <= set(h["days"]) and h["start"] <= "09:00" for h in p["sites"][0]["hours"])
    ]
    return found[-2:]


FIRST, SECOND = _professionals()
DESK = DemoAccount("accueil-grille@demo.sante.example.mc", desk_for=(FIRST["id"], SECOND["id"]))


def morning(p: dict[str, Any]) -> dict[str, Any]:
    return next(h for h in p["sites"][0]["hours"] if WORKDAYS <= set(h["days"]))


def day_after(start: date, weekday_names: set[str]) -> date:
    """The first date after ``start`` that falls on one of ``weekday_names`` and is not a public holiday."""
    day = start + timedelta(days=1)
    while WEEKDAYS[day.weekday()] not in weekday_names or day in holidays.country_holidays("MC", years=day.year):
        day += timedelta(days=1)
    return day


TODAY = datetime.now(MONACO).date()
DAY = day_after(TODAY + timedelta(days=1), {"tue", "wed", "thu"})  # not today: every free time of it is ahead
HOLIDAY = min(d for d in holidays.country_holidays("MC", years=[TODAY.year, TODAY.year + 1]) if d > TODAY)
PERIOD = morning(FIRST)


def local(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), MONACO)


@pytest.fixture(scope="module")
def desk(chromium: Any, portal: Any) -> Iterator[tuple[Any, list[str]]]:
    """The front desk signed in for the module (first sign-in: new password, authenticator), at 1280 pixels."""
    configure_pool(boto3.client("cognito-idp", endpoint_url=portal.endpoint), accounts=(DESK,))
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors = watch(page)
    try:
        first_sign_in(page, portal.url, DESK.email)
        expect(page.locator(".tgrid__colhead")).to_have_count(1)
        yield page, errors
    finally:
        context.close()


def api(page: Any, portal: Any, method: str, path: str, body: Any = None) -> Any:
    """The back-office API with the page's own access token (as another tab of the same desk would call it)."""
    token = page.evaluate("sessionStorage.getItem('pro.access')")
    return portal.api(method, "/pro" + path, body, {"Authorization": f"Bearer {token}"})


def go_to(page: Any, day: date, view: str = "Jour") -> None:
    page.get_by_role("button", name=view, exact=True).click()
    page.locator("#agenda-date").fill(day.isoformat())
    page.locator("#agenda-date").dispatch_event("change")
    expect(page.locator("[data-date]")).to_have_value(day.isoformat() if view == "Jour" else monday(day).isoformat())


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def top(locator: Any) -> float:
    box = locator.bounding_box()
    assert box is not None
    return float(box["y"])


def bottom(locator: Any) -> float:
    box = locator.bounding_box()
    assert box is not None
    return float(box["y"] + box["height"])


def test_the_grid_shows_openings_an_absence_a_holiday_and_an_appointment_where_they_belong(
    desk: tuple[Any, list[str]], portal: Any
) -> None:
    page, errors = desk
    pid = FIRST["id"]
    reason = next(r for r in FIRST["visit_reasons"] if r["id"] in PERIOD["reasons"])
    start, end = local(DAY, PERIOD["start"]), local(DAY, PERIOD["end"])
    booked = api(
        page,
        portal,
        "POST",
        f"/practitioners/{pid}/appointments",
        {
            "site": FIRST["sites"][0]["id"],
            "reason": reason["id"],
            "start": start.isoformat(),
            "patient": {"given_name": "Lucie", "family_name": "Grimaldi", "kind": "existing"},
        },
    )
    # The professional's absence over the last hour of the morning (written as the settings page stores it).
    absence = {"start": (end - timedelta(hours=1)).isoformat(), "end": end.isoformat()}
    portal.table_resource().update_item(
        Key={"PK": f"PRO#{pid}", "SK": "PROFILE"},
        UpdateExpression="SET closures = :closures",
        ExpressionAttributeValues={":closures": json.dumps([absence])},
    )

    go_to(page, DAY)
    heading = page.locator(".tgrid__colhead")
    expect(heading).to_have_count(1)
    expect(heading).to_contain_text(f"{PERIOD['start']}–{PERIOD['end']}")  # the day's openings, said in words
    item = page.locator("a.tg-item", has_text="Lucie Grimaldi")
    expect(item).to_contain_text(f"{PERIOD['start']}–")
    expect(item).to_contain_text(reason["label"]["fr"])
    expect(item).to_contain_text("Pris par téléphone")
    band = page.locator(".tgrid__open").first
    assert abs(top(item) - top(band)) <= 1  # the appointment opens the morning, as the opening does
    away = page.locator("[data-grid] .tg-item--absence")
    expect(away).to_contain_text("Absence")
    assert abs(bottom(away) - bottom(band)) <= 1  # the absence ends with the morning...
    per_minute = (bottom(band) - top(band)) / minutes(PERIOD)
    assert abs(bottom(away) - top(away) - 60 * per_minute) <= 2  # ...and lasts its last hour
    assert booked["id"] in (item.get_attribute("href") or "")
    free = page.locator("button.tg-item--free")
    expect(free.first).to_be_visible()
    assert not [i for i in range(free.count()) if top(away) - 1 <= top(free.nth(i)) < bottom(away) - 1]  # none in it
    assert_accessible(page, "agenda grid, day (fr)")

    go_to(page, HOLIDAY, "Semaine")
    heads = page.locator(".tgrid__colhead")
    expect(heads).to_have_count(7)
    expect(heads.first).to_contain_text("lundi")  # weeks start on Monday
    expect(page.locator("[data-range]")).to_contain_text("Semaine du lundi")
    column = (HOLIDAY - monday(HOLIDAY)).days
    expect(heads.nth(column)).to_contain_text("Jour férié")
    expect(heads.nth(column)).to_contain_text("Fermé")
    expect(page.locator(".tgrid__col").nth(column).locator(".tgrid__open")).to_have_count(0)
    assert_accessible(page, "agenda grid, week with a holiday (fr)")
    assert script_errors(errors) == []


def minutes(period: dict[str, Any]) -> int:
    start, end = (datetime.strptime(period[k], "%H:%M") for k in ("start", "end"))
    return int((end - start).total_seconds() // 60)


def test_a_free_time_clicked_becomes_a_phone_booking_and_a_clash_offers_the_nearest(
    desk: tuple[Any, list[str]], portal: Any
) -> None:
    page, errors = desk
    go_to(page, DAY)
    reason = next(r for r in FIRST["visit_reasons"] if r["id"] in PERIOD["reasons"])
    page.get_by_label("Horaires libres affichés pour").select_option(reason["id"])
    free = page.locator("button.tg-item--free").first
    time = free.locator(".tg-item__time").inner_text()
    free.click()
    expect(page.locator("#phone-given")).to_be_focused()
    expect(page.locator("#phone-date")).to_have_value(DAY.isoformat())
    expect(page.locator("#phone-time")).to_have_value(time)
    expect(page.locator("#phone-reason")).to_have_value(reason["id"])
    expect(page.locator("#phone-site")).to_have_value(FIRST["sites"][0]["id"])
    expect(page.locator("[data-suggest-times] button").first).to_be_visible()  # the next free times, to choose
    page.locator("#phone-given").fill("Marc")
    page.locator("#phone-family").fill("Pastor")
    page.get_by_role("button", name="Ajouter le rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Rendez-vous ajouté")
    expect(page.locator("a.tg-item", has_text="Marc Pastor")).to_contain_text(f"{time}–")
    expect(page.locator("button.tg-item--free", has_text=time)).to_have_count(0)

    # The same time again, typed by hand: taken, and the nearest free times are offered instead.
    page.locator("#phone-date").fill(DAY.isoformat())
    page.locator("#phone-time").fill(time)
    page.locator("#phone-given").fill("Nina")
    page.locator("#phone-family").fill("Costa")
    page.get_by_role("button", name="Ajouter le rendez-vous").click()
    expect(page.get_by_role("alert")).to_contain_text("vient d'être pris")
    offered = page.locator("[data-suggest-times] button")
    expect(offered.first).to_be_focused()
    assert_accessible(page, "phone booking, a clash and its alternatives (fr)")
    offered.first.click()
    chosen = page.locator("#phone-time").input_value()
    assert chosen != time
    page.get_by_role("button", name="Ajouter le rendez-vous").click()
    expect(page.get_by_role("status")).to_contain_text("Rendez-vous ajouté")
    expect(page.locator("a.tg-item", has_text="Nina Costa")).to_contain_text(f"{chosen}–")
    assert script_errors(errors) == []


def test_the_agenda_is_used_with_the_keyboard_only(desk: tuple[Any, list[str]], portal: Any) -> None:
    page, errors = desk
    page.goto(f"{portal.url}/fr/pro/agenda/")
    expect(page.locator(".tgrid__colhead")).to_have_count(1)
    tab_to(page, "[data-view='7']")
    page.keyboard.press("Enter")
    expect(page.locator(".tgrid__colhead")).to_have_count(7)
    tab_to(page, "[data-step='1']")
    page.keyboard.press("Enter")  # next week: every day of it is ahead, with free times
    expect(page.locator("[data-date]")).to_have_value((monday(TODAY) + timedelta(days=7)).isoformat())

    tab_to(page, "[data-grid] [tabindex='0']")
    assert page.locator("[data-grid] [tabindex='0']").count() == 1  # one tab stop for the whole grid
    here = page.evaluate("document.activeElement.closest('[role=gridcell]').getAttribute('aria-colindex')")
    start = page.evaluate("Number(document.activeElement.dataset.from)")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("Number(document.activeElement.dataset.from)") >= start
    assert page.evaluate("document.activeElement.closest('[role=gridcell]').getAttribute('aria-colindex')") == here
    following = page.evaluate(  # the next day that shows something
        "Math.min(...[...document.querySelectorAll('[role=gridcell]')]"
        f".map(c => Number(c.getAttribute('aria-colindex'))).filter(i => i > {here}))"
    )
    page.keyboard.press("ArrowRight")  # the next day, nearest in time
    there = page.evaluate("document.activeElement.closest('[role=gridcell]').getAttribute('aria-colindex')")
    assert int(there) == following
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.dataset.from") == page.evaluate(
        f"document.querySelector('[role=gridcell][aria-colindex=\"{there}\"] [data-item]').dataset.from"
    )
    assert page.locator("[data-grid] [tabindex='0']").count() == 1
    for _ in range(40):
        if page.evaluate("document.activeElement.dataset.kind") == "free":
            break
        page.keyboard.press("ArrowDown")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    time = label[:5]
    page.keyboard.press("Enter")  # a phone booking on that free time
    assert focused(page, "#phone-given")
    expect(page.locator("#phone-time")).to_have_value(time)
    page.keyboard.type("Paul")
    page.keyboard.press("Tab")
    page.keyboard.type("Clavier")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Rendez-vous ajouté")
    booked_on = page.locator("#phone-date").input_value()

    page.goto(f"{portal.url}/fr/pro/agenda/")
    expect(page.locator(".tgrid__colhead")).to_have_count(1)
    page.locator("#agenda-date").fill(booked_on)
    page.locator("#agenda-date").dispatch_event("change")
    expect(page.locator("a.tg-item", has_text="Paul Clavier")).to_have_count(1)
    tab_to(page, "[data-grid] [tabindex='0']")
    page.keyboard.press("Home")
    for _ in range(60):
        if focused(page, "a.tg-item:has-text('Paul Clavier')"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # opens the appointment
    page.wait_for_url("**/fr/pro/appointment/#id=*")
    expect(page.locator('[data-show="status"]')).to_have_text("Confirmé")
    assert script_errors(errors) == []


def test_two_agendas_side_by_side_and_the_screenshots_in_both_languages(
    desk: tuple[Any, list[str]], portal: Any
) -> None:
    page, errors = desk
    reason = next(r for r in FIRST["visit_reasons"] if r["id"] in PERIOD["reasons"])["id"]
    free = api(page, portal, "GET", f"/practitioners/{FIRST['id']}/free-times?reason={reason}&from={DAY}&limit=1")
    patient = {"given_name": "Sofia", "family_name": "Ravel", "kind": "new"}
    body = {"site": free["slots"][0]["site"], "reason": reason, "start": free["slots"][0]["start"], "patient": patient}
    api(page, portal, "POST", f"/practitioners/{FIRST['id']}/appointments", body)
    for lang, day_view, names in (("fr", "Jour", "Autres agendas"), ("en", "Day", "Other agendas")):
        page.goto(f"{portal.url}/{lang}/pro/agenda/")
        expect(page.locator(".tgrid__colhead")).to_have_count(1)
        page.get_by_role("button", name=day_view, exact=True).click()
        page.locator("#agenda-date").fill(DAY.isoformat())
        page.locator("#agenda-date").dispatch_event("change")
        expect(page.locator("a.tg-item", has_text="Sofia Ravel")).to_be_visible()
        shoot(page, f"pro-agenda-day-{lang}")
        assert_accessible(page, f"agenda grid, day ({lang})")

        page.emulate_media(media="print")
        page.screenshot(path=f"tests/e2e/screenshots/pro-agenda-print-{lang}.png", full_page=True)
        expect(page.locator(".pro-panel").first).to_be_hidden()  # the day alone on paper
        expect(page.locator("button.tg-item--free").first).to_be_hidden()
        expect(page.locator("a.tg-item").first).to_be_visible()
        page.emulate_media(media="screen")

        others = page.get_by_role("group", name=names)
        others.get_by_label(SECOND["family_name"], exact=False).check()
        heads = page.locator(".tgrid__colhead")
        expect(heads).to_have_count(2)
        expect(heads.nth(1)).to_contain_text(SECOND["family_name"])
        beside = page.locator('[role=gridcell][aria-colindex="3"] button.tg-item--free')  # its own free times
        expect(beside.first).to_be_visible()
        shoot(page, f"pro-agenda-side-by-side-{lang}")
        assert_accessible(page, f"agenda grid, two agendas side by side ({lang})")
        others.get_by_label(SECOND["family_name"], exact=False).uncheck()
        expect(heads).to_have_count(1)

        page.get_by_role("button", name="Semaine" if lang == "fr" else "Week", exact=True).click()
        expect(heads).to_have_count(7)
        shoot(page, f"pro-agenda-week-{lang}")
        assert_accessible(page, f"agenda grid, week ({lang})")
    assert script_errors(errors) == []
