"""The search page on a phone (375 by 812 pixels): with the filters open, the answer is on the first screen. The
five open filter groups stood one under the other (about 1,300 pixels), so that the results, even "No result",
were below the fold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 375, "height": 812}


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/fr/search/?q=cardiologie", "[data-search-results] > li"),
        ("/fr/search/?q=zzqxwv", "[data-search-status]"),
        ("/en/search/?q=cardiology&language=Italian", "[data-search-results] > li"),
    ],
)
def test_with_the_filters_open_the_answer_is_on_the_first_screen(
    site_url: str, chromium: Any, path: str, answer: str
) -> None:
    context = chromium.new_context(viewport=PHONE)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(site_url + path)
        filters = page.locator("details.filters")
        if filters.get_attribute("open") is None:  # folded under the search box on a phone: the patient opens them
            filters.locator("summary").click()
        assert filters.get_attribute("open") is not None
        page.locator("[data-search-status]").filter(has_text=" ").wait_for()
        page.locator(answer).first.wait_for()
        box = page.locator(answer).first.bounding_box()
        assert box is not None and box["y"] + min(box["height"], 48) <= PHONE["height"], (path, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        first_box = page.locator(".filters__group input").first.bounding_box()
        assert first_box is not None and first_box["y"] < PHONE["height"]  # the filters are still at hand
        SCREENSHOTS.mkdir(exist_ok=True)
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-").replace("=", "-")
        page.screenshot(path=SCREENSHOTS / f"17-{name}-375.png")
    finally:
        context.close()
