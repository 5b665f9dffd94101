"""The lists' sort and filters as built (the list-tools component on listing.html and establishment.html,
SitePages.list_tools): what each list offers, the cards' data the script reads, the longer lists' link to the
search's filters, and counts in the plural form of their number."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.directory.i18n import language_name
from plugins.directory.model import load_directory
from plugins.directory.records import Directory
from tests.site.conftest import Page, parse
from tests.site.sitebuild import ROOT, build
from tests.theme.components import environments


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(ROOT / "content" / "directory")


def grouped(page: Page, select: str) -> list[str]:
    """Every option value of a select, those inside its optgroups included."""
    found = []

    def walk(element: object) -> None:
        for child in element.children:  # type: ignore[attr-defined]
            if child.tag == "option":
                found.append(child.attrs["value"])
            walk(child)

    walk(page.one("select", id=select))
    return found


def test_a_profession_s_list_offers_its_specialties_and_languages_on_every_page(
    pages: dict[str, Page], directory: Directory
) -> None:
    physicians = [p for p in directory.practitioners if p["profession"] == "physician"]
    specialties = [code for code in directory.specialties if any(code in p["specialties"] for p in physicians)]
    languages = sorted({code for p in physicians for code in p["languages"]}, key=lambda c: language_name(c, "fr"))
    for number, url in enumerate(("/fr/professions/physician/", "/fr/professions/physician/2/"), start=1):
        page = pages[url]
        form = page.one("form", class_="list-tools")
        assert form.attrs["data-pages"] == "/fr/professions/physician/ /fr/professions/physician/2/"
        assert form.attrs["data-page"] == str(number)
        assert grouped(page, "list-specialty") == ["", *(f"specialty:{code}" for code in specialties)]
        assert grouped(page, "list-language") == ["", *languages]
        assert grouped(page, "list-sort") == ["name", "soonest"]
    for card in pages["/fr/professions/physician/"].find("li", class_="card"):
        p = next(p for p in physicians if p["id"] == card.attrs["data-practitioner"])
        assert card.attrs["data-specialties"].split() == p["specialties"]
        assert card.attrs["data-languages"].split() == p["languages"]
        assert ("data-new-patients" in card.attrs) == p["accepting_new_patients"]
        assert ("data-online" in card.attrs) == p["online_booking"]


def test_a_place_offers_professions_and_specialties_a_specialty_no_choice(
    pages: dict[str, Page], directory: Directory
) -> None:
    place = pages["/en/places/monte-carlo/"]
    labels = [e.text for e in place.elements if e.tag == "label" and e.attrs.get("for") == "list-specialty"]
    assert labels == ["Profession or specialty"]
    groups = [e.attrs["label"] for e in place.find("optgroup")]
    assert "Doctor" in groups
    choices = grouped(place, "list-specialty")
    here = [p for p in directory.practitioners if "monte-carlo" in p.summary.places]
    for p in here:  # every professional of the place can be chosen by what they are
        assert any(f"specialty:{c}" in choices for c in p["specialties"]) or f"profession:{p['profession']}" in choices
    specialty = pages["/en/specialties/cardiology/"]
    assert specialty.find("select", id="list-specialty") == []  # one specialty: nothing to choose
    assert specialty.one("form", class_="list-tools")


def test_an_establishment_offers_the_lists_sort_and_filters_in_every_language(
    pages: dict[str, Page], directory: Directory
) -> None:
    here = [p for p in directory.practitioners if "hopital-de-la-principaute" in p.summary.establishments]
    assert len({c for p in here for c in p["specialties"]}) > 1, "the demo's hospital has several specialties"
    languages = {code for p in here for code in p["languages"]}
    for lang in ("fr", "en", "it", "es", "ru"):
        url = f"/{lang}/establishments/hopital-de-la-principaute/"
        page = pages[url]
        form = page.one("form", class_="list-tools")
        assert (form.attrs["data-pages"], form.attrs["data-page"]) == (url, "1")  # one page: the list is whole
        assert grouped(page, "list-sort") == ["name", "soonest"]
        choices = grouped(page, "list-specialty")
        for p in here:  # every professional can be chosen by what they are
            chosen = [f"specialty:{c}" for c in p["specialties"]] + [f"profession:{p['profession']}"]
            assert set(chosen) & set(choices), (lang, p["id"])
        expected = sorted(languages, key=lambda c: language_name(c, lang))
        assert grouped(page, "list-language") == ["", *expected]
        assert page.one("p", class_="list-tools__status").attrs["role"] == "status"
        cards = page.one("ul", class_="cards")
        assert "data-list-cards" in cards.attrs
        ids = [card.attrs["data-practitioner"] for card in page.find("li", class_="card")]
        by_name = sorted(here, key=lambda p: (p["family_name"].casefold(), p["given_name"].casefold(), p["id"]))
        assert ids == [p["id"] for p in by_name]  # name order, the order the script keeps among equals
        assert "list-tools." in page.html and "first-available." in page.html
    labels = {"fr": "Spécialité", "en": "Specialty"}  # one profession (doctors): their specialties
    if len({p["profession"] for p in here}) > 1:
        labels = {"fr": "Profession ou spécialité", "en": "Profession or specialty"}
    for lang, label in labels.items():
        page = pages[f"/{lang}/establishments/hopital-de-la-principaute/"]
        assert [e.text for e in page.elements if e.tag == "label" and e.attrs.get("for") == "list-specialty"] == [label]


def test_an_establishment_without_professionals_has_no_tools(pages: dict[str, Page], directory: Directory) -> None:
    listed = {e for p in directory.practitioners for e in p.summary.establishments}
    empty = next(e["id"] for e in directory.establishments if e["id"] not in listed)
    page = pages[f"/en/establishments/{empty}/"]
    assert page.find("form", class_="list-tools") == []
    assert "list-tools." not in page.html


def test_a_list_longer_than_the_setting_links_to_the_search_s_filters(tmp_path: Path) -> None:
    output = tmp_path / "output"
    result = build(output, settings=["DIRECTORY_LIST_TOOLS_MAX=150"])
    assert result.returncode == 0, result.stderr
    long = parse(output / "fr" / "professions" / "physician" / "index.html", output)
    assert long.find("form", class_="list-tools") == []
    link = next(a for a in long.find("a") if a.attrs.get("href", "").startswith("/fr/search/?"))
    assert link.attrs["href"] == "/fr/search/?profession=M%C3%A9decin"
    assert "list-tools.js" not in long.html
    short = parse(output / "fr" / "specialties" / "general-practice" / "index.html", output)
    assert short.one("form", class_="list-tools")
    hospital = parse(output / "fr" / "establishments" / "hopital-de-la-principaute" / "index.html", output)
    assert hospital.one("form", class_="list-tools")  # 24 professionals: under the setting


@pytest.fixture(scope="module")
def envs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return environments(tmp_path_factory.mktemp("out"))


def test_counts_take_the_plural_form_of_their_number(envs: dict) -> None:
    one, many = "%(count)s health professional", "%(count)s health professionals"
    french = envs["fr"].globals["ngettext"]
    assert [french(one, many, n, count=n) for n in (0, 1, 2, 1_000_000)] == [
        "0 professionnel de santé",
        "1 professionnel de santé",
        "2 professionnels de santé",
        "1\u202f000\u202f000 de professionnels de santé",  # the count as French writes numbers
    ]
    english = envs["en"].globals["ngettext"]
    assert [english(one, many, n, count=n) for n in (0, 1, 2)] == [
        "0 health professionals",
        "1 health professional",
        "2 health professionals",
    ]
    assert envs["fr"].globals["plural_samples"] == (("one", 0), ("many", 1_000_000), ("other", 2))
