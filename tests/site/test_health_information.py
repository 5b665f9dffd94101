"""Health articles as a reader uses them: the review date at the top, a demo notice while no real reviewer has
confirmed the text, sources that are links (and, for machines, citations with their address), the A–Z index of
each language, the how-to page one click away from every page; and the sources kept out of the search index."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from plugins.directory.documents import Source
from tests.site.conftest import Element, Page
from tests.site.sitebuild import ROOT, build, copy_content, index
from tests.site.test_search_index import fragments

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
LANGUAGES = SETTINGS["LANGUAGES"]


def metadata(lang: str) -> dict[str, dict[str, Any]]:
    """Each article's metadata in ``lang``, by slug, as the build reads it."""
    reader = MarkdownReader(SETTINGS)
    found = {}
    for path in sorted((ROOT / "content" / "articles" / lang).glob("*.md")):
        meta = reader.read(str(path))[1]
        found[meta["slug"]] = meta
    return found


def lines(meta: dict[str, Any]) -> list[str]:
    value = meta["sources"]
    return [value] if isinstance(value, str) else list(value)


def text(element: Element) -> str:
    return " ".join(element.text.split())


def jsonld(page: Page) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.one("script", type="application/ld+json").text)
    return data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sources_are_links_and_citations_with_their_address(pages: dict[str, Page], lang: str) -> None:
    for slug, meta in metadata(lang).items():
        page = pages[f"/{lang}/articles/{slug}/"]
        expected = [Source.of(line) for line in lines(meta)]
        links = [a for li in page.one("ul", class_="sources").children for a in li.children if a.tag == "a"]
        assert [a.attrs["href"] for a in links] == [s.url for s in expected], slug
        pairs = zip(expected, lines(meta), strict=True)
        assert all(s.url.startswith("https://") and line.strip().endswith(s.url) for s, line in pairs), slug
        assert [text(a) for a in links] == [" ".join(s.text.split()) for s in expected], slug
        citations = jsonld(page)["citation"]
        assert [c["url"] for c in citations] == [s.url for s in expected], slug
        assert all(c["@type"] == "CreativeWork" and c["name"] and c["publisher"]["name"] for c in citations), slug


def test_a_source_address_may_hold_parentheses_and_ends_the_line() -> None:
    source = Source.of("Wikipédia — Fièvre (médecine) (2024) https://fr.wikipedia.org/wiki/Fi%C3%A8vre_(m%C3%A9decine)")
    assert source.url == "https://fr.wikipedia.org/wiki/Fi%C3%A8vre_(m%C3%A9decine)"
    assert (source.publisher, source.title, source.year) == ("Wikipédia", "Fièvre (médecine)", "2024")
    assert Source.of("Santé publique France — Vaccination (2025)").url == ""


MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
}
FORMS = {"es": "{d} de {m} de {y}", "ru": "{d} {m} {y} г."}  # the others: "{d} {m} {y}"
FIRST_PUBLISHED = {
    "fr": "Publié le",
    "en": "First published",
    "it": "Prima pubblicazione",
    "es": "Primera publicación",
    "ru": "Впервые опубликовано:",
}


def written(day: date, lang: str) -> str:
    """A date as a reader of ``lang`` here writes it: "1er juillet 2026", "1 July 2026" (never "July 1, 2026"),
    "1 de julio de 2026", "1 июля 2026 г."."""
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return FORMS.get(lang, "{d} {m} {y}").format(d=number, m=MONTHS[lang][day.month - 1], y=day.year)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_are_written_as_each_language_writes_them(pages: dict[str, Page], lang: str) -> None:
    """French pages said "1 décembre 2026" and English ones "December 1, 2026" (Babel's American English)."""
    firsts = 0
    for slug, meta in metadata(lang).items():
        page = pages[f"/{lang}/articles/{slug}/"]
        reviewed = date.fromisoformat(meta["reviewed"])
        firsts += reviewed.day == 1
        review = page.one("p", class_="article__review")
        assert text(review.children[0]) == written(reviewed, lang), slug
        published = written(meta["date"].date(), lang)
        sentence = f"{FIRST_PUBLISHED[lang]} {published}" + ("" if published.endswith(".") else ".")
        assert any(text(e) == sentence for e in page.find("p")), slug
    assert firsts or lang != "fr", "no article reviewed on the first of a month: the test would not see '1er'"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_review_is_at_the_top_and_demo_content_says_so(pages: dict[str, Page], lang: str) -> None:
    for slug, meta in metadata(lang).items():
        page = pages[f"/{lang}/articles/{slug}/"]
        header = page.one("article", class_="article").children[0]
        assert header.tag == "header"
        review = next(e for e in header.children if "article__review" in e.attrs.get("class", ""))
        assert meta["reviewer"] in text(review)
        assert review.children[0].attrs["datetime"] == meta["reviewed"]
        notices = [e for e in header.children if "notice--demo" in e.attrs.get("class", "")]
        assert len(notices) == (meta["demo"] == "yes"), slug


def test_an_article_a_reviewer_confirmed_has_no_demo_notice_and_a_source_without_address_stops_the_build(
    tmp_path: Path,
) -> None:
    content = copy_content(tmp_path / "content")
    article = content / "articles" / "fr" / "urgences.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Demo: yes", "Demo: no"), encoding="utf-8")
    assert build(tmp_path / "output", content).returncode == 0
    french = (tmp_path / "output" / "fr" / "articles" / "emergencies" / "index.html").read_text(encoding="utf-8")
    english = (tmp_path / "output" / "en" / "articles" / "emergencies" / "index.html").read_text(encoding="utf-8")
    assert "notice--demo" not in french and "notice--demo" in english

    source = re.search(r"^\s+(Organisation mondiale de la santé.*)$", article.read_text(encoding="utf-8"), re.M)
    assert source
    broken = article.read_text(encoding="utf-8").replace(source[1], source[1].rpartition(" ")[0])
    article.write_text(broken, encoding="utf-8")
    result = build(tmp_path / "output-2", content)
    assert result.returncode != 0
    line = 1 + broken[: broken.index("Sources:")].count("\n")
    report = " ".join((result.stdout + result.stderr).split())
    assert f"content/articles/fr/urgences.md:{line}: sources: " in report, report
    assert "does not end with its address" in report


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_a_to_z_index_shows_the_alphabet_and_files_titles_as_a_dictionary_does(
    pages: dict[str, Page], lang: str
) -> None:
    page = pages[f"/{lang}/articles/"]
    nav = page.one("nav", class_="letters")
    items = [li for ul in nav.children for li in ul.children]
    assert [text(li) for li in items][:26] == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    linked = [text(li) for li in items if li.children and li.children[0].tag == "a"]
    headings = [h.text for h in page.find("h2") if h.attrs.get("id", "").startswith("letter-")]
    assert linked == headings
    titles = [text(a) for h3 in page.find("h3", class_="article-card__title") for a in h3.children]
    assert len(titles) == len(metadata(lang))
    plain = [t.translate(str.maketrans("ÉÈÊÀÂÎÔÛÇéèêàâîôûç", "EEEAAIOUCeeeaaiouc")).casefold() for t in titles]
    assert plain == sorted(plain)


def test_every_page_links_the_how_to_page_from_its_footer(pages: dict[str, Page]) -> None:
    for page in pages.values():
        if page.url == "/":  # the redirect to /fr/
            continue
        lang = page.one("html").attrs["lang"]
        footer = page.one("footer", class_="site-footer")
        hrefs = [e.attrs.get("href") for e in footer_links(footer)]
        assert f"/{lang}/help/" in hrefs, page.url


def footer_links(element: Element) -> list[Element]:
    found = [element] if element.tag == "a" else []
    for child in element.children:
        found += footer_links(child)
    return found


def test_the_sources_are_not_in_the_search_index(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    shutil.copytree(site, output)
    result = index(output)
    assert result.returncode == 0, result.stdout + result.stderr
    for lang in LANGUAGES:
        meta = metadata(lang)["emergencies"]
        _, fragment = fragments(output / "pagefind")[f"/{lang}/articles/emergencies/"]
        body = " ".join(fragment["content"].split())
        assert "112" in body
        for source in (Source.of(line) for line in lines(meta)):
            assert source.title not in body and source.host not in body, source.text
