"""Browsing: the general practitioner one tap from the home page; lists (and an establishment's professionals)
sorted by first free time and filtered by specialty, language, new patients and online booking in the page, over
the whole list (its other pages join it), the plain list without JavaScript; a professional not accepting new
patients names the nearest who do."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from plugins.directory.model import load_directory
from tests.e2e.conftest import Console
from tests.e2e.journey import assert_accessible, shoot, unexpected
from tests.e2e.portal import Portal
from tests.site.sitebuild import ROOT

DIRECTORY = load_directory(ROOT / "content" / "directory")
EVERYONE = {p["id"]: p.data for p in DIRECTORY.practitioners}
PHYSICIANS = [p for p in EVERYONE.values() if p["profession"] == "physician"]
HOSPITAL = "hopital-de-la-principaute"
STAFF = sorted(  # the hospital's professionals, in the page's order (by name)
    (p for p in EVERYONE.values() if any(s.get("establishment") == HOSPITAL for s in p["sites"])),
    key=lambda p: (p["family_name"].casefold(), p["given_name"].casefold(), p["id"]),
)


def visible_cards(page: Any) -> list[str]:
    return page.locator("[data-list-cards] > li:not([hidden])").evaluate_all(
        "cards => cards.map((card) => card.dataset.practitioner)"
    )


def settled_status(page: Any) -> str:
    status = page.locator("[data-list-status]")
    status.filter(has_text=re.compile(r"\d|Aucun|No professional")).wait_for()
    return str(status.inner_text())


def test_the_general_practitioner_is_one_tap_from_the_home_page(site_url: str, chromium: Any) -> None:
    gps = {p["id"] for p in PHYSICIANS if "general-practice" in p["specialties"]}
    for scripts in (True, False):
        context = chromium.new_context(java_script_enabled=scripts, viewport={"width": 375, "height": 812})
        try:
            page = context.new_page()
            for lang, name in (("fr", "Médecin généraliste"), ("en", "General practitioner (GP)")):
                page.goto(f"{site_url}/{lang}/")
                shortcut = page.locator(".shortcuts").get_by_role("link", name=name)
                box = shortcut.bounding_box()
                assert box["y"] + box["height"] <= 812  # on the first screen of a phone
                shortcut.click()
                page.wait_for_url(f"{site_url}/{lang}/specialties/general-practice/")
                found = {c.get_attribute("data-practitioner") for c in page.locator("[data-list-cards] > li").all()}
                assert found == gps
                page.goto(f"{site_url}/{lang}/")  # and first of the tiles
                tiles = page.get_by_role("region", name=re.compile("profession")).get_by_role("link")
                assert tiles.first.inner_text() == name
        finally:
            context.close()


def test_a_list_is_filtered_as_a_whole_in_the_page(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    page.goto(f"{site_url}/fr/professions/physician/")
    assert page.locator("[data-list-cards] > li").count() == 100  # the first of two pages
    page.get_by_label("Spécialité").select_option(label="Pédiatrie")
    paediatricians = [p["id"] for p in PHYSICIANS if "paediatrics" in p["specialties"]]
    assert settled_status(page) == f"{len(paediatricians)} sur {len(PHYSICIANS)} professionnels de santé"
    assert sorted(visible_cards(page)) == sorted(paediatricians)  # from both pages
    assert page.locator("[data-list-cards] > li").count() == len(PHYSICIANS)
    assert page.locator(".pagination").is_hidden()
    page.get_by_label("Spécialité").select_option(label="Toutes")
    page.get_by_label("Langue parlée").select_option(label="Italien")
    page.get_by_label("Accepte de nouveaux patients").check()
    page.get_by_label("Rendez-vous en ligne").check()
    expected = [
        p["id"] for p in PHYSICIANS if "it" in p["languages"] and p["accepting_new_patients"] and p["online_booking"]
    ]
    page.locator("[data-list-status]").filter(has_text=f"{len(expected)} sur").wait_for()
    assert sorted(visible_cards(page)) == sorted(expected)
    # nothing left: said plainly
    page.get_by_label("Spécialité").select_option(label="Radiologie")
    page.get_by_label("Langue parlée").select_option(label="Néerlandais")
    if not [p for p in PHYSICIANS if "radiology" in p["specialties"] and "nl" in p["languages"]]:
        page.locator("[data-list-status]").filter(has_text="Aucun professionnel").wait_for()
    assert console.errors == []


def test_changes_made_while_the_list_loads_join_its_pages_once(site_url: str, browser_page: tuple[Any, Any]) -> None:
    """Two choices in a row, the second before the other pages arrived: every professional is in the list once, and
    those the filters leave out are hidden."""
    page, console = browser_page
    page.goto(f"{site_url}/en/professions/physician/")
    page.evaluate(
        """() => {
            for (const [name, value] of [["specialty", "specialty:paediatrics"], ["language", "it"]]) {
                const select = document.querySelector(`[data-list-tools] select[name=${name}]`);
                select.value = value;
                select.dispatchEvent(new Event("change", { bubbles: true }));
            }
        }"""
    )
    expected = [p["id"] for p in PHYSICIANS if "paediatrics" in p["specialties"] and "it" in p["languages"]]
    assert settled_status(page) == f"{len(expected)} of {len(PHYSICIANS)} health professionals"
    cards = page.locator("[data-list-cards] > li")
    every = cards.evaluate_all("cards => cards.map((card) => card.dataset.practitioner)")
    assert sorted(every) == sorted(p["id"] for p in PHYSICIANS)  # each once
    assert sorted(visible_cards(page)) == sorted(expected)
    shown = cards.evaluate_all("cards => cards.filter((card) => card.offsetHeight).length")
    assert shown == len(expected)  # hidden for the eye too, not only marked
    assert console.errors == []


def test_a_place_offers_its_professions_and_specialties(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, _ = browser_page
    page.goto(f"{site_url}/en/places/monte-carlo/")
    here = [p for p in EVERYONE.values() if any(s["place"] == "monte-carlo" for s in p["sites"])]
    choose = page.get_by_label("Profession or specialty")
    pharmacists = [p["id"] for p in here if p["profession"] == "pharmacist"]
    if pharmacists:
        choose.select_option(label="Pharmacist")
        page.locator("[data-list-status]").filter(has_text=f"{len(pharmacists)} of {len(here)}").wait_for()
        assert sorted(visible_cards(page)) == sorted(pharmacists)
    groups = page.locator("#list-specialty optgroup").evaluate_all("groups => groups.map((g) => g.label)")
    assert "Doctor" in groups


def test_sorting_by_first_free_time(portal: Portal, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    page.goto(f"{portal.url}/en/specialties/general-practice/")
    names = visible_cards(page)
    page.locator(".first-available:not(:empty)").first.wait_for()
    page.get_by_label("Sort by").select_option(label="First free time")
    assert settled_status(page) == f"{len(names)} of {len(names)} health professionals"
    order = visible_cards(page)
    slots: dict[str, Any] = {}
    for start in range(0, len(names), 50):
        answer = portal.api("GET", f"/next-available?ids={','.join(names[start : start + 50])}")
        slots.update({r["practitioner"]: r["slot"] for r in answer["results"]})
    timed = [pid for pid in names if slots.get(pid)]
    assert timed, "the demo's general practitioners have free times"
    # the soonest first (times of one zone: the API writes them on the practice's clock), the others after in
    # name order
    assert order[: len(timed)] == sorted(timed, key=lambda pid: (slots[pid]["start"], names.index(pid)))
    assert order[len(timed) :] == [pid for pid in names if pid not in timed]
    first = page.locator("[data-list-cards] > li").first.locator(".first-available").inner_text()
    assert first.startswith("First available")
    shoot(page, "20-list-sorted-by-first-free-time")
    page.get_by_label("Sort by").select_option(label="Name")
    page.wait_for_function(
        "(first) => document.querySelector('[data-list-cards] > li').dataset.practitioner === first", arg=names[0]
    )
    assert visible_cards(page) == names
    assert unexpected(console.errors) == []


def first_times(portal: Portal, ids: list[str]) -> dict[str, Any]:
    """The API's first free time of each of ``ids`` (the next-available call takes 50 at a time)."""
    slots: dict[str, Any] = {}
    for start in range(0, len(ids), 50):
        answer = portal.api("GET", f"/next-available?ids={','.join(ids[start : start + 50])}")
        slots.update({r["practitioner"]: r["slot"] for r in answer["results"]})
    return slots


ESTABLISHMENT = {  # language: (the filter's label, a specialty, "All", a language, the two boxes, "of")
    "fr": (
        "Spécialité",
        "Pédiatrie",
        "Toutes",
        "Espagnol",
        "Accepte de nouveaux patients",
        "Rendez-vous en ligne",
        "sur",
    ),
    "en": ("Specialty", "Paediatrics", "All", "Spanish", "Accepts new patients", "Books online", "of"),
}


@pytest.mark.parametrize("lang", ESTABLISHMENT)
def test_an_establishment_s_professionals_are_filtered_in_the_page(
    site_url: str, browser_page: tuple[Any, Any], lang: str
) -> None:
    label, specialty, everything, language, new_patients, online, of = ESTABLISHMENT[lang]
    page, console = browser_page
    page.goto(f"{site_url}/{lang}/establishments/{HOSPITAL}/")
    assert visible_cards(page) == [p["id"] for p in STAFF]
    page.get_by_label(label, exact=True).select_option(label=specialty)
    paediatricians = [p["id"] for p in STAFF if "paediatrics" in p["specialties"]]
    assert 1 < len(paediatricians) < len(STAFF), "the demo's hospital has paediatricians and others"
    assert settled_status(page).startswith(f"{len(paediatricians)} {of} {len(STAFF)} ")
    assert visible_cards(page) == paediatricians  # in name order
    page.get_by_label(label, exact=True).select_option(label=everything)
    page.get_by_label("Langue parlée" if lang == "fr" else "Language spoken").select_option(label=language)
    page.get_by_label(new_patients).check()
    page.get_by_label(online).check()
    expected = [
        p["id"] for p in STAFF if "es" in p["languages"] and p["accepting_new_patients"] and p["online_booking"]
    ]
    assert expected, "someone at the hospital speaks Spanish, takes new patients and books online"
    page.locator("[data-list-status]").filter(has_text=f"{len(expected)} {of} {len(STAFF)} ").wait_for()
    assert visible_cards(page) == expected
    shown = page.locator("[data-list-cards] > li").evaluate_all("cards => cards.filter((c) => c.offsetHeight).length")
    assert shown == len(expected)  # hidden for the eye too
    assert console.errors == []


def test_an_establishment_s_professionals_by_first_free_time_at_two_widths_pass_axe(
    portal: Portal, chromium: Any
) -> None:
    """The hospital's page in French and English, 375 and 1280 pixels wide: sorted by first free time (the soonest
    first, those without a free time after in name order), then filtered; axe-core finds nothing, each step
    photographed at both widths."""
    names = [p["id"] for p in STAFF]
    slots = first_times(portal, names)
    timed = [pid for pid in names if slots.get(pid)]
    assert timed, "the demo's hospital doctors have free times"
    soonest = sorted(timed, key=lambda pid: (slots[pid]["start"], names.index(pid)))
    for lang, (label, specialty, *_, of) in ESTABLISHMENT.items():
        context = chromium.new_context(viewport={"width": 375, "height": 812})
        try:
            page = context.new_page()
            console = Console(page)
            page.goto(f"{portal.url}/{lang}/establishments/{HOSPITAL}/")
            page.locator(".first-available:not(:empty)").first.wait_for()
            assert_accessible(page, f"hospital, {lang}, 375")
            page.locator("#list-sort").select_option("soonest")
            page.locator("[data-list-status]").filter(has_text=f"{len(names)} {of} {len(names)} ").wait_for()
            order = visible_cards(page)
            assert order == soonest + [pid for pid in names if pid not in timed]
            for width in (375, 1280):
                page.set_viewport_size({"width": width, "height": 812})
                assert_accessible(page, f"hospital sorted by first free time, {lang}, {width}")
            shoot(page, f"24-establishment-sorted-{lang}")
            page.get_by_label(label, exact=True).select_option(label=specialty)
            page.locator("[data-list-status]").filter(has_text=f" {of} {len(names)} ").wait_for()
            expected = [pid for pid in order if "paediatrics" in EVERYONE[pid]["specialties"]]
            page.wait_for_function(
                "(n) => document.querySelectorAll('[data-list-cards] > li:not([hidden])').length === n",
                arg=len(expected),
            )
            assert visible_cards(page) == expected  # still by first free time
            for width in (375, 1280):
                page.set_viewport_size({"width": width, "height": 812})
                assert_accessible(page, f"hospital sorted and filtered, {lang}, {width}")
            shoot(page, f"25-establishment-sorted-filtered-{lang}")
            assert unexpected(console.errors) == []
        finally:
            context.close()


def test_without_javascript_the_plain_list_and_its_pages(site_url: str, chromium: Any) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/fr/professions/physician/")
        assert page.locator("[data-list-tools]").is_hidden()
        assert page.locator("[data-list-cards] > li").count() == 100
        page.get_by_role("navigation", name="Pages").get_by_role("link", name="Page suivante").click()
        page.wait_for_url(f"{site_url}/fr/professions/physician/2/")
        assert page.locator("[data-list-cards] > li").count() == len(PHYSICIANS) - 100
        for lang in ("fr", "ru"):  # an establishment's professionals: all of them, by name
            page.goto(f"{site_url}/{lang}/establishments/{HOSPITAL}/")
            assert page.locator("[data-list-tools]").is_hidden()
            assert page.locator("[data-list-status]").is_hidden()
            assert visible_cards(page) == [p["id"] for p in STAFF]
    finally:
        context.close()


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine): the test's own measure, not the build's."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def nearest_accepting(p: dict[str, Any]) -> list[tuple[float, str]]:
    specialty = p["specialties"][0] if p["specialties"] else None
    found = []
    for other in EVERYONE.values():
        same = specialty in other["specialties"] if specialty else other["profession"] == p["profession"]
        if other["accepting_new_patients"] and same and other["id"] != p["id"]:
            pairs = [
                (s["latitude"], s["longitude"], o["latitude"], o["longitude"])
                for s in p["sites"]
                for o in other["sites"]
            ]
            found.append((min(metres(pair[:2], pair[2:]) for pair in pairs), other["id"]))
    return sorted(found)


def test_a_professional_not_taking_new_patients_names_the_nearest_who_do(
    site_url: str, browser_page: tuple[Any, Any]
) -> None:
    page, console = browser_page
    closed = [p for p in EVERYONE.values() if not p["accepting_new_patients"]]
    assert closed
    for p, lang, heading in (
        (closed[0], "fr", "Acceptent de nouveaux patients, à proximité"),
        (closed[-1], "en", "Accepting new patients nearby"),
    ):
        page.goto(f"{site_url}/{lang}/professionals/{p['id']}/")
        block = page.get_by_role("region", name=heading)
        links = block.get_by_role("link")
        shown = [href.rsplit("/", 2)[-2] for href in links.evaluate_all("links => links.map((a) => a.href)")]
        expected = nearest_accepting(p)
        assert shown == [pid for _, pid in expected[:3]], (shown, expected[:4])
        distances = block.locator(".nearest__meta").all_inner_texts()
        assert all(re.search(r"\d\u00a0(m|km)$", text) for text in distances)  # a no-break space
        links.first.click()
        page.wait_for_url(f"{site_url}/{lang}/professionals/{shown[0]}/")
        assert page.get_by_role("region", name=heading).count() == 0  # who accepts shows no such block
    assert console.errors == []


BROWSING = {  # language: (the shortcut, a specialty, a language, the suggestions' heading)
    "fr": ("Médecin généraliste", "Pédiatrie", "Italien", "Acceptent de nouveaux patients, à proximité"),
    "en": ("General practitioner (GP)", "Paediatrics", "Italian", "Accepting new patients nearby"),
}


def test_browsing_at_two_widths_in_both_languages_passes_axe(portal: Portal, chromium: Any) -> None:
    """The home page's shortcut, a whole list sorted by first free time and filtered, and the suggestions of a
    professional not taking new patients: axe-core finds nothing at 375 and 1280 pixels, in French and English
    (tests/e2e/test_site_accessibility.py checks these pages as they load at 1280), each step photographed at both
    widths."""
    closed = next(p for p in EVERYONE.values() if not p["accepting_new_patients"])
    for lang, (shortcut, specialty, language, nearby) in BROWSING.items():
        context = chromium.new_context(viewport={"width": 375, "height": 812})
        try:
            page = context.new_page()
            page.goto(f"{portal.url}/{lang}/")
            page.locator(".shortcuts").get_by_role("link", name=shortcut).wait_for()
            assert_accessible(page, f"home, {lang}, 375")
            shoot(page, f"21-home-shortcut-{lang}")
            page.goto(f"{portal.url}/{lang}/professions/physician/")
            page.locator("#list-sort").select_option("soonest")
            page.locator("#list-specialty").select_option(label=specialty)
            page.locator("#list-language").select_option(label=language)
            settled_status(page)
            page.locator("[data-list-cards] > li:not([hidden]) .first-available:not(:empty)").first.wait_for()
            for width in (375, 1280):
                page.set_viewport_size({"width": width, "height": 812})
                assert_accessible(page, f"physicians sorted and filtered, {lang}, {width}")
            shoot(page, f"22-list-sorted-filtered-{lang}")
            page.goto(f"{portal.url}/{lang}/professionals/{closed['id']}/")
            page.get_by_role("region", name=nearby).wait_for()
            assert_accessible(page, f"not accepting new patients, {lang}, 375")
            shoot(page, f"23-nearest-accepting-{lang}")
        finally:
            context.close()
