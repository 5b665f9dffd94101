"""axe-core in real Chromium: zero violations on the pages people use most, in the five languages (every page in
French and English, the main ones in Italian, Spanish and Russian, which share their templates), under the
production Content-Security-Policy (no CSP error, no failed request)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from plugins.directory.model import load_directory
from tests.site.sitebuild import ROOT

DIRECTORY = load_directory(ROOT / "content" / "directory")
PRACTITIONER = next(p for p in DIRECTORY.practitioners if p["online_booking"] and len(p["visit_reasons"]) > 2)
ESTABLISHMENT = next(e for e in DIRECTORY.establishments if e.get("departments"))
NOT_ACCEPTING = next(p for p in DIRECTORY.practitioners if not p["accepting_new_patients"])
PAGES = {
    "home": "",
    "search": "search/?q=cardio",
    "professional": f"professionals/{PRACTITIONER['id']}/",
    "establishment": f"establishments/{ESTABLISHMENT['id']}/",
    "specialty": "specialties/general-practice/",
    "profession, two pages, filtered": "professions/physician/",
    "professional not accepting new patients": f"professionals/{NOT_ACCEPTING['id']}/",
    "search with a typo": "search/?q=cardiolgue&language=Italien",
    "article": "articles/hypertension/",
    "place": "places/monte-carlo/",
    "articles A-Z": "articles/",
    "privacy notice": "privacy/",
    "how to use the portal": "help/",
    "article with a list and links": "articles/finding-a-gp/",
    "emergency article": "articles/emergencies/",
    "open data": "open-data/",
    "open data dictionary": "open-data/dictionary/",
}
# The main pages in the languages added later: the same templates, with their own words, dates and articles.
MAIN = ["home", "professional", "specialty", "articles A-Z", "how to use the portal", "article with a list and links"]
CASES = [(name, lang) for lang in ("fr", "en") for name in PAGES] + [
    (name, lang) for lang in ("it", "es", "ru") for name in MAIN
]
AXE = Axe()


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations],
        indent=1,
    )


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_axe_reports_no_violation(site_url: str, browser_page: tuple[Any, Any], name: str, lang: str) -> None:
    page, console = browser_page
    response = page.goto(f"{site_url}/{lang}/{PAGES[name]}")
    assert response.status == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    if name.startswith("search"):  # wait for the results so that axe sees them too
        page.locator("[data-search-results] li").first.wait_for()
    if name.startswith("profession,"):  # the whole list sorted and filtered: every page's cards, the status
        page.locator("[data-list-tools] select[name=language]").select_option(index=1)
        page.locator("[data-list-tools] input[name=new_patients]").check()
        page.locator("[data-list-status]").filter(has_text=re.compile(r"\d")).wait_for()
    results = AXE.run(page)
    violations = results.response["violations"]
    assert violations == [], describe(violations)
    assert page.locator("html").get_attribute("lang") == lang
    assert console.errors == []


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_fit_the_screen_from_320_pixels(site_url: str, chromium: Any, width: int) -> None:
    context = chromium.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        pages = (
            f"fr/professionals/{PRACTITIONER['id']}/",
            "en/",
            "fr/search/",
            "fr/articles/sexual-health/",
            "en/help/",
            "fr/open-data/dictionary/",
            f"en/establishments/{ESTABLISHMENT['id']}/",
        )
        for path in pages:  # the article's sources are long web addresses
            page.goto(f"{site_url}/{path}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} is {scroll}px wide at {width}px"
    finally:
        context.close()


def test_not_found_page_passes_axe(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    response = page.goto(f"{site_url}/fr/no-such-page/")
    assert response.status == 404
    assert AXE.run(page).response["violations"] == []
    assert page.locator("section[lang=en] h2").inner_text() == "Page not found"


def test_skip_link_is_the_first_stop_and_focus_is_visible(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    page.goto(f"{site_url}/en/")
    page.keyboard.press("Tab")
    link = page.locator(".skip-link")
    assert link.evaluate("element => element === document.activeElement")
    assert link.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
    assert link.bounding_box()["y"] >= 0  # shown on focus
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
