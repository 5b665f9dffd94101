"""Search in the browser (Pagefind): a specialty finds its professionals, a language filter keeps those who speak
it, the home page's form lands on the results, and browsing works with JavaScript off. The patients' words: a lay
name brings its professionals first, a complaint its article then its professionals, a typo is understood or
corrected and the status says so, a medical stem in Latin letters on the Russian, Italian and Spanish pages is a
specialty and not a name, counts are in the plural form of the number, a specialty filter, and the filters folded
under the search box on a phone."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from plugins.directory.model import load_directory
from tests.site.sitebuild import ROOT

DIRECTORY = load_directory(ROOT / "content" / "directory")
NNBSP = "\u202f"


def practitioners(specialty: str, language: str | None = None) -> set[str]:
    return {
        p["id"]
        for p in DIRECTORY.practitioners
        if specialty in p["specialties"] and (language is None or language in p["languages"])
    }


def shown_results(page: Any) -> list[str]:
    """Ids of the professionals in the results, after showing every page of results."""
    status = page.locator("[data-search-status]")
    status.filter(has_text=re.compile(r"\d")).wait_for()
    more = page.locator("[data-search-more]")
    while more.is_visible():
        count = page.locator("[data-search-results] > li").count()
        more.click()
        page.locator(f"[data-search-results] > li >> nth={count}").wait_for()
    return [item.get_attribute("data-practitioner") for item in page.locator("[data-search-results] > li").all()]


def test_searching_a_specialty_finds_its_professionals(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    page.goto(f"{site_url}/fr/search/?q={quote('cardiologie')}")
    found = shown_results(page)
    assert {pid for pid in found if pid} == practitioners("cardiology")
    # the place a later script fills with the first free time: on the results of professionals who book online
    online = {p["id"] for p in DIRECTORY.practitioners if "cardiology" in p["specialties"] and p["online_booking"]}
    assert page.locator("[data-search-results] > li[data-practitioner] > .first-available").count() == len(online)
    assert console.errors == []


def test_a_language_filter_keeps_those_who_speak_it(site_url: str, browser_page: tuple[Any, Any]) -> None:
    language = next(code for code in ("it", "en", "de") if practitioners("general-practice", code))
    name = {"it": "Italian", "en": "English", "de": "German"}[language]
    page, console = browser_page
    page.goto(f"{site_url}/en/search/?q={quote('general practice')}")
    everyone = {pid for pid in shown_results(page) if pid}
    assert everyone >= practitioners("general-practice")
    page.get_by_role("group", name="Language spoken").get_by_label(name, exact=True).check()
    page.locator("[data-search-status]").filter(
        has_text=str(len(practitioners("general-practice", language)))
    ).wait_for()
    found = {pid for pid in shown_results(page) if pid}
    assert found == practitioners("general-practice", language)
    assert f"language={name}" in page.url  # the filtered search can be linked
    assert console.errors == []


def test_the_home_search_form_lands_on_results(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    page.goto(f"{site_url}/en/")
    page.get_by_label("Search for a professional, a specialty or a health topic").fill("dermatology")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url(re.compile(r"/en/search/\?q=dermatology"))
    found = {pid for pid in shown_results(page) if pid}
    assert found == practitioners("dermatology")
    assert console.errors == []


def test_browsing_by_specialty_and_place_works_without_javascript(site_url: str, chromium: Any) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/fr/")
        page.get_by_role("link", name="Médecin", exact=True).click()
        page.wait_for_url(re.compile(r"/fr/professions/physician/$"))
        assert page.locator("li[data-practitioner]").count() > 0
        page.goto(f"{site_url}/fr/specialties/")
        page.get_by_role("link", name="Cardiologie").first.click()
        ids = {item.get_attribute("data-practitioner") for item in page.locator("li[data-practitioner]").all()}
        assert ids == practitioners("cardiology")
        page.goto(f"{site_url}/fr/places/")
        page.get_by_role("link", name="Monte-Carlo").click()
        assert page.locator("h1").inner_text().startswith("Monte-Carlo")
        page.goto(f"{site_url}/fr/search/")
        assert page.get_by_role("link", name="Professions et spécialités").count() >= 1
    finally:
        context.close()


def test_language_switcher_keeps_the_page(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    pid = DIRECTORY.practitioners[0]["id"]
    page.goto(f"{site_url}/fr/professionals/{pid}/")
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    page.wait_for_url(f"{site_url}/en/professionals/{pid}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{site_url}/")
    page.wait_for_url(f"{site_url}/en/")  # the root leads to the language the switcher remembered (cookie lang)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    page.wait_for_url(f"{site_url}/ru/")  # from the English home to the Russian one
    page.goto(f"{site_url}/")
    page.wait_for_url(f"{site_url}/ru/")
    page.context.clear_cookies()
    page.goto(f"{site_url}/")  # nothing remembered: the browser's language (Playwright's en-US), else French
    assert page.url in (f"{site_url}/en/", f"{site_url}/fr/")


def first_results(page: Any, count: int = 5) -> list[str]:
    """The first results' professional ids or links, once the status is final."""
    page.locator("[data-search-status]").filter(has_text=re.compile(r"\d|Aucun|No result")).wait_for()
    items = page.locator("[data-search-results] > li").all()[:count]
    return [item.get_attribute("data-practitioner") or item.locator("a").get_attribute("href") for item in items]


def specialties_of(pid: str) -> list[str]:
    return next(p["specialties"] for p in DIRECTORY.practitioners if p["id"] == pid)


def test_a_lay_name_brings_its_professionals_first(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    for lang, query, specialty in (
        ("en", "eye doctor", "ophthalmology"),
        ("en", "GP", "general-practice"),
        ("fr", "pédiatre", "paediatrics"),
        ("fr", "médecin traitant", "general-practice"),
    ):
        page.goto(f"{site_url}/{lang}/search/?q={quote(query)}")
        top = first_results(page)
        assert len(top) == 5 and all(specialty in specialties_of(pid) for pid in top), (query, top)
    assert console.errors == []


def test_a_complaint_shows_its_article_then_who_treats_it(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    page.goto(f"{site_url}/fr/search/?q={quote('mal au dos')}")
    top = first_results(page)
    assert top[0] == "/fr/articles/back-pain/"
    assert all("general-practice" in specialties_of(pid) for pid in top[1:])
    page.goto(f"{site_url}/en/search/?q={quote('back pain')}")
    assert first_results(page)[0] == "/en/articles/back-pain/"


def test_counts_take_the_plural_form_of_their_number(site_url: str, browser_page: tuple[Any, Any]) -> None:
    p = next(p for p in DIRECTORY.practitioners if p["id"] == "pr-000353")  # the only Garerelli
    page, _ = browser_page
    status = page.locator("[data-search-status]")
    page.goto(f"{site_url}/fr/search/?q={p['family_name']}")
    first_results(page)
    assert status.inner_text() == f"1 résultat pour «{NNBSP}{p['family_name']}{NNBSP}»"
    page.goto(f"{site_url}/en/search/?q={p['family_name']}")
    first_results(page)
    assert status.inner_text() == f"1 result for “{p['family_name']}”"
    page.goto(f"{site_url}/en/search/?q=cardiology")
    first_results(page)
    assert re.fullmatch(r"\d+ results for “cardiology”", status.inner_text())


def test_a_typo_is_understood_and_the_status_says_as_what(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    status = page.locator("[data-search-status]")
    page.goto(f"{site_url}/fr/search/?q=genraliste")
    top = first_results(page)
    assert all("general-practice" in specialties_of(pid) for pid in top)
    assert re.fullmatch(
        rf"\d+ résultats pour «{NNBSP}généraliste{NNBSP}» \(vous avez tapé «{NNBSP}genraliste{NNBSP}»\)",
        status.inner_text(),
    )
    # a name that finds nothing as typed: corrected against the site's words
    page.goto(f"{site_url}/en/search/?q=Zanursoi")
    top = first_results(page)
    assert top[0] == "pr-000368", top
    assert status.inner_text() == "No result for “Zanursoi”. 1 result for “Zanursio”:"


def test_a_stem_in_latin_letters_is_a_specialty_not_a_name(site_url: str, browser_page: tuple[Any, Any]) -> None:
    """ "cardio" on the Russian, Italian and Spanish pages: cardiologists, not a correction to a name a few letters
    away ("Carlo"); the status repeats the query as typed."""
    page, console = browser_page
    status = page.locator("[data-search-status]")
    for lang, query, specialty in (
        ("ru", "cardio", "cardiology"),
        ("ru", "dermato", "dermatology"),
        ("ru", "neuro", "neurology"),
        ("it", "cardio", "cardiology"),
        ("es", "cardio", "cardiology"),
    ):
        page.goto(f"{site_url}/{lang}/search/?q={query}")
        top = first_results(page)
        assert len(top) == 5 and all(specialty in specialties_of(pid) for pid in top), (lang, query, top)
        assert "Carlo" not in status.inner_text() and query in status.inner_text(), status.inner_text()
    assert console.errors == []


def test_the_specialty_filter_keeps_that_specialty(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    page.goto(f"{site_url}/fr/search/")
    page.get_by_role("group", name="Spécialité").get_by_label("Dermatologie", exact=True).check()
    page.locator("[data-search-status]").filter(has_text=str(len(practitioners("dermatology")))).wait_for()
    assert {pid for pid in shown_results(page) if pid} == practitioners("dermatology")
    assert "specialty=Dermatologie" in page.url
    assert page.locator("[data-filters-count]").inner_text() == "(1)"
    assert console.errors == []


def test_on_a_phone_the_filters_are_folded_and_the_results_in_view(site_url: str, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/fr/search/?q=cardiologie")
        first_results(page)
        assert page.locator("[data-search-filters]").get_attribute("open") is None
        first = page.locator("[data-search-results] > li").first.bounding_box()
        assert first["y"] + first["height"] <= 812, first  # the whole first result on the first screen
        page.locator("[data-search-filters] summary").click()
        page.get_by_role("group", name="Langue parlée").get_by_label("Italien", exact=True).check()
        page.get_by_role("button", name="Voir les résultats").click()
        assert page.locator("[data-search-filters]").get_attribute("open") is None
        assert page.evaluate("document.activeElement.matches('[data-search-status]')")
        page.locator("[data-search-status]").filter(has_text=str(len(practitioners("cardiology", "it")))).wait_for()
    finally:
        context.close()


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    page.goto(f"{site_url}/en/search/?q=cardiology")
    first_results(page)
    filters = page.locator("[data-search-filters]")
    assert filters.get_attribute("open") is not None
    beside = filters.bounding_box()
    results = page.locator("[data-search-results]").bounding_box()
    assert beside["x"] + beside["width"] <= results["x"] and results["y"] < beside["y"] + 100
