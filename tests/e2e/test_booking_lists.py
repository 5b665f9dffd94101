"""The first free time on lists of professionals (one batched API call per 50 cards), and a professional's page
that still tells how to book with JavaScript off or the booking API down."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e.journey import practitioner, shoot, unexpected
from tests.e2e.portal import Portal


def next_available_calls(page: Any) -> list[list[str]]:
    """The ids of each next-available call the page makes, in order."""
    calls: list[list[str]] = []

    def seen(request: Any) -> None:
        if "/api/v1/next-available" in request.url:
            calls.append(parse_qs(urlsplit(request.url).query)["ids"][0].split(","))

    page.on("request", seen)
    return calls


def test_a_list_shows_each_first_free_time_from_one_call_per_50_cards(
    portal: Portal, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    calls = next_available_calls(page)
    page.goto(f"{portal.url}/fr/professions/physician/")  # 100 cards, more than 50 of them booking online
    every = page.locator("ul.cards > li[data-practitioner]")
    # only the cards of professionals who book online have a place for the first free time, and are asked about
    cards = page.locator("ul.cards > li[data-practitioner]:has(> .first-available)")
    ids = [cards.nth(i).get_attribute("data-practitioner") for i in range(cards.count())]
    assert 50 < len(ids) < every.count()
    page.locator(".first-available:not(:empty)").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert [len(c) for c in calls] == [50, len(ids) - 50]
    assert [i for c in calls for i in c] == ids

    expected = {}
    for part in (ids[:50], ids[50:]):
        for result in portal.api("GET", f"/next-available?ids={','.join(part)}")["results"]:
            expected[result["practitioner"]] = result["slot"]
    assert any(expected.values())
    for i, pid in enumerate(ids):
        text = cards.nth(i).locator(".first-available").inner_text()
        slot = expected[pid]
        if slot is None:
            assert text == "", pid
        else:
            assert text.startswith("Premier créneau libre\u00a0: "), (pid, text)
            assert f"à {slot['start'][11:16]} (UTC{slot['start'][19:]})" in text, (pid, text)
            link = cards.nth(i).locator(".first-available a")  # one tap from the booking
            assert link.get_attribute("href") == f"/fr/professionals/{pid}/#booking", pid
    shoot(page, "15-list-first-available")
    assert unexpected(console.errors) == []


def test_search_results_show_the_first_free_time(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    calls = next_available_calls(page)
    page.goto(f"{portal.url}/en/search/?q=cardio")
    page.locator("[data-search-results] li").first.wait_for()
    page.locator("[data-search-results] .first-available:not(:empty)").first.wait_for()
    shown = page.locator("[data-search-results] li[data-practitioner]:has(> .first-available)")  # book online
    ids = [shown.nth(i).get_attribute("data-practitioner") for i in range(shown.count())]
    assert [i for c in calls for i in c] == ids and all(len(c) <= 50 for c in calls)
    assert (
        page.locator("[data-search-results] .first-available:not(:empty)")
        .first.inner_text()
        .startswith("First available: ")
    )
    assert unexpected(console.errors) == []


def test_without_javascript_the_page_gives_the_phone_and_opening_hours(portal: Portal, chromium: Any) -> None:
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        p = practitioner(7)
        page.goto(f"{portal.url}/fr/professionals/{p['id']}/")
        booking = page.locator("#booking")
        assert booking.locator(".booking__phone a").inner_text() == p["phone"]
        assert booking.locator(".booking__phone").is_visible()
        assert booking.locator("table.hours").first.is_visible()
        assert booking.locator(".booking__reasons").is_visible()
        assert booking.locator("[data-booking-widget]").inner_html() == ""
        shoot(page, "16-no-javascript")
    finally:
        context.close()


def test_with_the_api_down_the_page_says_so_and_gives_the_phone(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    page.route("**/api/**", lambda route: route.abort("connectionrefused"))
    p = practitioner(7)
    page.goto(f"{portal.url}/en/professionals/{p['id']}/")
    notice = page.locator("[data-unavailable]")
    notice.wait_for()
    assert notice.inner_text().startswith("Online booking is not available right now. Please call the practice")
    assert page.locator("[data-choice]").is_hidden()
    assert page.locator(".booking__phone").is_visible() and page.locator("#booking table.hours").first.is_visible()
    shoot(page, "17-api-down")
