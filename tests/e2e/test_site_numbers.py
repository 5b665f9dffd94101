"""Phone numbers and opening hours as a phone shows them (375 pixels wide): each on one line ("+33 4 91 75 25 / 25"
and "14:00– / 18:00" were split), and the emergency numbers an article gives are links a phone calls."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_site_accessibility import ESTABLISHMENT

PHONE = {"width": 375, "height": 812}
PAGES = [
    "fr/",
    "en/",
    "fr/articles/emergencies/",
    "en/articles/on-duty-care/",
    "fr/professionals/pr-000307/",  # two sites, a hospital department's phone
    f"fr/establishments/{ESTABLISHMENT['id']}/",  # departments' phones, opening hours
    "en/help/",
]
# Every element that must be read whole, and how many lines each takes (an inline box split across lines has a
# rectangle per line).
SPLIT = """() => [...document.querySelectorAll('a[href^="tel:"], .hours__span')]
  .filter((e) => e.getClientRects().length > 1)
  .map((e) => e.textContent.trim())"""


@pytest.mark.parametrize("path", PAGES)
def test_numbers_and_hours_stay_whole_on_a_phone(site_url: str, chromium: Any, path: str) -> None:
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{path}")
        assert page.locator('a[href^="tel:"]').count() > 0
        assert page.evaluate(SPLIT) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_emergency_article_numbers_are_calls(site_url: str, browser_page: tuple[Any, Any], lang: str) -> None:
    page, _ = browser_page
    page.goto(f"{site_url}/{lang}/articles/emergencies/")
    calls = page.locator(".prose a[href^='tel:']")
    numbers = {calls.nth(i).inner_text(): calls.nth(i).get_attribute("href") for i in range(calls.count())}
    assert numbers == {"15": "tel:15", "112": "tel:112", "141": "tel:141", "116 117": "tel:116117"}
    page.goto(f"{site_url}/{lang}/")
    home = page.locator(".emergency a[href='tel:116117']")
    assert home.count() == 1 and "116 117" in home.inner_text()
