"""The built demo site: every page the issue lists exists in both languages, links resolve, and each page is
well-formed for people and machines (lang, one <main>, JSON-LD, no other host, no inline script or style)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from pelican.settings import read_settings

from plugins.directory.model import load_directory
from plugins.directory.records import Directory
from tests.site.conftest import Element, Page
from tests.site.sitebuild import ROOT

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
LANGUAGES = SETTINGS["LANGUAGES"]
SITE_ORIGIN = SETTINGS["SITE_ORIGIN"]


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(ROOT / "content" / "directory")


def first(records: list[dict[str, object]], **where: object) -> dict[str, object]:
    return next(r for r in records if all(r.get(k) == v for k, v in where.items()))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_of_page_exists_in_each_language(pages: dict[str, Page], directory: Directory, lang: str) -> None:
    practitioner = directory.practitioners[0]
    establishment = directory.establishments[0]
    specialty = practitioner["specialties"][0]
    place = practitioner["sites"][0]["place"]
    expected = [
        "",
        "search/",
        "specialties/",
        f"specialties/{specialty}/",
        f"professions/{practitioner['profession']}/",
        "places/",
        f"places/{place}/",
        "establishments/",
        f"establishments/{establishment['id']}/",
        f"professionals/{practitioner['id']}/",
        "articles/",
        "articles/emergencies/",  # an article every language has
        "articles/categories/prevention/",
        "privacy/",
        "accessibility/",
        "legal/",
        "open-data/",
        "help/",
    ]
    missing = [path for path in expected if f"/{lang}/{path}" not in pages]
    assert not missing
    assert len([url for url in pages if url.startswith(f"/{lang}/professionals/")]) == len(directory.practitioners)
    assert "/404.html" in pages
    assert "/" in pages


def test_no_internal_link_is_broken(pages: dict[str, Page], site: Path) -> None:
    broken = set()
    for page in pages.values():
        for element in page.elements:
            for name in ("href", "src", "action"):
                target = element.attrs.get(name)
                if not target or not target.startswith("/") or target.startswith("/api/"):
                    continue  # /api/... is the API's (the patient space's data download), not a file of the site
                path = urlsplit(target).path
                file = site / path.lstrip("/")
                if not (file.is_file() or (file / "index.html").is_file()):
                    broken.add((page.url, target))
    assert not broken


def test_every_page_has_a_language_one_main_and_a_title(pages: dict[str, Page]) -> None:
    for page in pages.values():
        html = page.one("html")
        assert html.attrs.get("lang") in LANGUAGES, page.url
        assert len(page.find("main")) == 1, page.url
        assert page.one("title").text.strip(), page.url
        if page.url.startswith("/en/"):
            assert html.attrs["lang"] == "en", page.url


def within(page: Page, tag: str, class_: str) -> set[int]:
    """The ids of the elements inside every ``<tag class="class_">`` of a page."""
    found: set[int] = set()
    stack = [e for e in page.elements if e.tag == tag and class_ in e.attrs.get("class", "").split()]
    while stack:
        element = stack.pop()
        found.add(id(element))
        stack += element.children
    return found


def test_no_page_references_another_host_or_inlines_script_or_style(pages: dict[str, Page]) -> None:
    """Nothing is loaded from another host; the only links to one are an article's sources and the directions to
    a practice (plain links that a person follows, ``https:`` only)."""
    for page in pages.values():
        elsewhere = within(page, "ul", "sources") | within(page, "ul", "directions")
        for element in page.elements:
            if element.tag == "a" and id(element) in elsewhere:
                assert element.attrs["href"].startswith("https://"), f"{page.url}: {element.attrs['href']}"
                continue
            for name, value in element.attrs.items():
                assert not name.startswith("on"), f"{page.url}: inline handler {name}"
                if name in ("href", "src", "action", "srcset", "poster", "data", "formaction"):
                    if element.tag == "link" and element.attrs.get("rel") in ("canonical", "alternate"):
                        # the page's own addresses, absolute for search engines: on the site's own origin
                        assert value.startswith(SITE_ORIGIN + "/"), f"{page.url}: {name}={value}"
                        continue
                    assert not re.match(r"(?i)^\s*(https?:)?//", value), f"{page.url}: {name}={value}"
                    assert not value.lower().startswith("javascript:"), page.url
            assert "style" not in element.attrs, f"{page.url}: style attribute on <{element.tag}>"
            assert element.tag != "style", f"{page.url}: <style> element"
            if element.tag == "script":
                assert element.attrs.get("src") or element.attrs.get("type") == "application/ld+json", page.url
        # the refresh of / is the only meta refresh, and it stays on the site
        for meta in page.find("meta"):
            if meta.attrs.get("http-equiv") == "refresh":
                assert page.url == "/" and meta.attrs["content"] == "0; url=/fr/"


def test_json_ld_parses_on_profiles_establishments_and_articles(pages: dict[str, Page], directory: Directory) -> None:
    def data(url: str) -> dict[str, object]:
        scripts = pages[url].find("script", type="application/ld+json")
        assert len(scripts) == 1, url
        value = json.loads(scripts[0].text)
        assert value["@context"] == "https://schema.org"
        return value

    # a doctor is an IndividualPhysician (schema.org's type for an individual medical practitioner), not a Person
    doctor = directory.practitioners[0]
    assert doctor["profession"] == "physician" and doctor["specialties"] == ["general-practice"]
    physician = data(f"/fr/professionals/{doctor['id']}/")
    assert physician["@type"] == "IndividualPhysician"
    assert physician["name"] == f"Dr {doctor['given_name']} {doctor['family_name']}"
    assert physician["medicalSpecialty"] == ["https://schema.org/PrimaryCare"]
    assert physician["isAcceptingNewPatients"] is doctor["accepting_new_patients"]
    assert physician["address"]["streetAddress"] == doctor["sites"][0]["address"]
    assert physician["location"][0]["geo"]["latitude"] == doctor["sites"][0]["latitude"]
    assert "givenName" not in physician and "jobTitle" not in physician  # a Person's properties
    in_hospital = next(
        p for p in directory.practitioners if p["profession"] == "physician" and "establishment" in p["sites"][0]
    )
    where = data(f"/en/professionals/{in_hospital['id']}/")["practicesAt"][0]
    assert where["@id"].endswith(f"/en/establishments/{in_hospital['sites'][0]['establishment']}/")
    nurse = first([p.data for p in directory.practitioners], profession="nurse")
    person = data(f"/fr/professionals/{nurse['id']}/")
    assert person["@type"] == "Person" and person["jobTitle"] == "Infirmier·ère"
    assert person["familyName"] == nurse["family_name"]
    assert person["workLocation"][0]["address"]["streetAddress"] == nurse["sites"][0]["address"]
    hospital = first(directory.establishments, kind="hospital")
    place = data(f"/en/establishments/{hospital['id']}/")
    assert place["@type"] == "Hospital" and place["name"] == hospital["name"]
    article = data("/en/articles/hypertension/")
    assert article["@type"] == "MedicalWebPage"
    assert article["lastReviewed"] == "2026-10-20" and article["reviewedBy"]["name"]
    for page in pages.values():  # every data block anywhere parses
        for script in page.find("script", type="application/ld+json"):
            json.loads(script.text)


def test_language_switcher_and_hreflang_keep_the_page(pages: dict[str, Page], directory: Directory) -> None:
    pid = directory.practitioners[0]["id"]
    for url in (f"/fr/professionals/{pid}/", "/fr/articles/hypertension/", "/fr/specialties/", "/fr/legal/"):
        page = pages[url]
        same = {code: url.replace("/fr/", f"/{code}/", 1) for code in LANGUAGES}
        exists = {code: path for code, path in same.items() if path in pages}
        # every language has the directory's pages; an article not yet translated is not there in Spanish and Russian
        assert set(exists) == set(LANGUAGES) or (url.startswith("/fr/articles/") and {"fr", "en", "it"} <= set(exists))
        switch = page.one("nav", class_="site-header__languages")
        links = [e for e in switch.children[0].children if e.tag == "li"]
        hrefs = {a.attrs["hreflang"]: a.attrs["href"] for li in links for a in li.children if a.tag == "a"}
        # the switcher keeps the page, or leads to the language's articles index, which links the versions there are
        assert hrefs == {code: exists.get(code, f"/{code}/articles/") for code in LANGUAGES}
        alternates = {e.attrs["hreflang"]: e.attrs["href"] for e in page.find("link", rel="alternate")}
        absolute = {code: SITE_ORIGIN + path for code, path in exists.items()}
        assert alternates == {**absolute, "x-default": SITE_ORIGIN + url}  # absolute, as search engines need them


def test_booking_area_when_online_booking_is_on_and_phone_only_otherwise(
    pages: dict[str, Page], directory: Directory
) -> None:
    online = first(directory.practitioners, online_booking=True)
    page = pages[f"/fr/professionals/{online['id']}/"]
    booking = page.one("section", id="booking")
    assert booking.attrs["data-practitioner"] == online["id"]
    assert booking.attrs["data-api"] == "/api/v1" and booking.attrs["data-lang"] == "fr"
    reasons = [e.attrs["data-reason"] for e in page.elements if "data-reason" in e.attrs]
    assert reasons == [r["id"] for r in online["visit_reasons"] if r["online"]]
    sites = [e.attrs["data-site"] for e in page.elements if "data-site" in e.attrs]
    assert sites == [s["id"] for s in online["sites"]]
    assert online["phone"] in booking.text  # the fallback, in plain HTML inside the area
    assert any(e.tag == "table" and "hours" in e.attrs.get("class", "") for e in booking.children[-1].children)

    offline = first(directory.practitioners, online_booking=False)
    page = pages[f"/en/professionals/{offline['id']}/"]
    assert not page.find("section", id="booking")
    contact = page.one("section", id="contact")
    assert offline["phone"] in contact.text
    assert "Opening hours" in contact.text or "By appointment only" in contact.text


def test_lists_carry_the_practitioner_and_an_empty_first_available_slot(
    pages: dict[str, Page], directory: Directory
) -> None:
    members = [p for p in directory.practitioners if "cardiology" in p["specialties"]]
    page = pages["/fr/specialties/cardiology/"]
    items = [e for e in page.elements if e.tag == "li" and "data-practitioner" in e.attrs]
    assert sorted(e.attrs["data-practitioner"] for e in items) == sorted(p["id"] for p in members)
    online = {p["id"] for p in members if p["online_booking"]}
    assert online and online != {p["id"] for p in members}  # both kinds on the page
    for item in items:
        slots = [c for c in item.children if "first-available" in c.attrs.get("class", "")]
        # a place for the first free time only where there can be one: professionals who book online
        if item.attrs["data-practitioner"] in online:
            assert len(slots) == 1 and slots[0].text == ""
        else:
            assert slots == []


def test_root_leads_to_french_without_script(pages: dict[str, Page]) -> None:
    root = pages["/"]
    assert not root.find("script")
    assert any(a.attrs.get("href") == "/fr/" for a in root.find("a"))
    assert any(a.attrs.get("href") == "/en/" for a in root.find("a"))


def article_dates(lang: str) -> dict[str, str]:
    """Slug -> Date of each article of a language, from the Markdown files' metadata."""
    dates = {}
    for path in (ROOT / "content" / "articles" / lang).glob("*.md"):
        meta = dict(
            line.split(": ", 1)
            for line in path.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
            if ": " in line and not line.startswith(" ")
        )
        dates[meta["Slug"]] = meta["Date"]
    return dates


def links_in(element: Element) -> list[str]:
    found = [element.attrs["href"]] if element.tag == "a" and "href" in element.attrs else []
    return found + [href for child in element.children for href in links_in(child)]


def test_home_has_search_browsing_emergency_numbers_and_latest_articles(pages: dict[str, Page]) -> None:
    emergency = json.loads((ROOT / "content" / "emergency.json").read_text(encoding="utf-8"))["numbers"]
    for lang in LANGUAGES:
        home = pages[f"/{lang}/"]
        form = home.one("form", role="search")
        assert form.attrs["action"] == f"/{lang}/search/" and form.attrs["method"] == "get"
        numbers = [a.attrs["href"] for a in home.find("a") if a.attrs.get("href", "").startswith("tel:")]
        assert numbers[: len(emergency)] == ["tel:" + n["number"].replace(" ", "") for n in emergency]
        hrefs = {a.attrs.get("href") for a in home.find("a")}
        assert f"/{lang}/places/monte-carlo/" in hrefs and f"/{lang}/professions/physician/" in hrefs
        # the latest articles: four, none older than an article left out
        dates = article_dates(lang)
        latest = home.one("section", aria_labelledby="latest-articles")
        shown = [m[1] for href in links_in(latest) if (m := re.fullmatch(f"/{lang}/articles/([^/]+)/", href))]
        assert len(shown) == 4 and set(shown) <= set(dates)
        left_out = [d for slug, d in dates.items() if slug not in shown]  # none in a language with four articles
        assert not left_out or min(dates[slug] for slug in shown) >= max(left_out)


def test_articles_have_an_a_to_z_index_categories_review_and_sources(pages: dict[str, Page]) -> None:
    index = pages["/en/articles/"]
    letters = [h.text for h in index.find("h2") if h.attrs.get("id", "").startswith("letter-")]
    assert letters == sorted(letters) and "H" in letters
    article = pages["/fr/articles/hypertension/"]
    assert " ".join(article.one("p", class_="article__review").text.split()) == (
        "Relu le 20 octobre 2026 par Dr Anna Belrelli, cardiologue"
    )
    assert len(article.one("ul", class_="sources").children) == 3
    category = pages["/en/articles/categories/conditions/"]
    assert any(a.attrs.get("href") == "/en/articles/hypertension/" for a in category.find("a"))


def test_machine_readable_files(site: Path, directory: Directory, pages: dict[str, Page]) -> None:
    people = json.loads((site / "open-data" / "practitioners.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in people] == [p["id"] for p in directory.practitioners]
    assert people[0] == {k: v for k, v in directory.practitioners[0].items() if k != "$schema"}
    with (site / "open-data" / "practitioners.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == sum(len(p["sites"]) for p in directory.practitioners)
    assert rows[0]["family_name"] == directory.practitioners[0]["family_name"]
    establishments = json.loads((site / "open-data" / "establishments.json").read_text(encoding="utf-8"))
    assert len(establishments) == len(directory.establishments)

    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {urlsplit(loc.text or "").path for loc in sitemap.findall("s:url/s:loc", namespace)}
    # the manage page and the patient space (noindex) have nothing to index: the manage page shows an appointment
    # only with the e-mailed link's fragment, the space only once signed in
    # nor the professional area (tests/site/test_pro_pages.py)
    html_pages = {
        url
        for url in pages
        if url not in ("/", "/404.html") and not url.endswith(("/appointment/", "/me/")) and "/pro/" not in url
    }
    assert locs == html_pages
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: " in robots and robots.rstrip().endswith("/sitemap.xml")


def test_every_page_links_the_stylesheet_and_nothing_is_built_for_pelicans_own_indexes(site: Path) -> None:
    assert len(list((site / "theme" / "css").glob("site.*.css"))) == 1
    assert len(list((site / "theme" / "js").glob("search.*.js"))) == 1
    for unwanted in ("tags.html", "categories.html", "authors.html", "archives.html", "index2.html"):
        assert not (site / unwanted).exists()


def test_every_module_a_page_script_imports_is_preloaded(pages: dict[str, Page], site: Path) -> None:
    """The browser learns of an imported module only once it has read the importing one: each level is one more
    round trip before the booking widget can ask for times. A page names them all up front (modulepreload)."""

    def imports(name: str) -> set[str]:
        text = (site / "theme" / "js" / name).read_text(encoding="utf-8")
        direct = set(re.findall(r'\bfrom\s*"\./([\w.-]+\.js)"', text))  # minified: import{a}from"./b.1f2e.js"
        return direct.union(*(imports(module) for module in direct))

    checked = 0
    for page in pages.values():
        scripts = [e.attrs["src"].rpartition("/")[2] for e in page.find("script", type="module")]
        needed = set().union(*(imports(script) for script in scripts)) if scripts else set()
        preloaded = {e.attrs["href"].rpartition("/")[2] for e in page.find("link", rel="modulepreload")}
        assert needed <= preloaded, f"{page.url}: {sorted(needed - preloaded)} imported but not preloaded"
        checked += bool(needed)
    assert checked > 0
