"""Italian, Spanish and Russian in the built site: the home, a professional's page, a specialty list and an article
exist under each language's folder, say their language (lang), name the same page in every language (hreflang),
and show that language's words (the catalogue's, the settings', the data's); the articles index names the articles
the language does not have yet, with links to the versions that exist."""

from __future__ import annotations

import pytest
from pelican.settings import read_settings

from plugins.directory.model import load_directory
from tests.site.conftest import Page
from tests.site.sitebuild import ROOT

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
ORIGIN = SETTINGS["SITE_ORIGIN"]
DIRECTORY = load_directory(ROOT / "content" / "directory")
PRACTITIONER = next(p for p in DIRECTORY.practitioners if p["online_booking"])
GENERAL_PRACTICE = DIRECTORY.specialties["general-practice"]

# Words a reader of each language finds on the pages (the catalogues' and the articles' own).
WORDS = {
    "it": {"opening hours": "Orari di apertura", "search": "Cerca", "article": "Emergenze"},
    "es": {"opening hours": "Horario de apertura", "search": "Buscar", "article": "Urgencias"},
    "ru": {"opening hours": "Часы работы", "search": "Поиск", "article": "Экстренная помощь"},
}
PATHS = {
    "home": "",
    "professional": f"professionals/{PRACTITIONER['id']}/",
    "specialty": "specialties/general-practice/",
    "article": "articles/emergencies/",
}


@pytest.mark.parametrize("lang", ["it", "es", "ru"])
def test_the_main_pages_exist_in_the_language_and_name_every_other(pages: dict[str, Page], lang: str) -> None:
    for kind, path in PATHS.items():
        url = f"/{lang}/{path}"
        assert url in pages, f"{kind}: {url} was not built"
        page = pages[url]
        assert page.one("html").attrs["lang"] == lang, url
        alternates = {e.attrs["hreflang"]: e.attrs["href"] for e in page.find("link", rel="alternate")}
        assert alternates == {
            **{code: f"{ORIGIN}/{code}/{path}" for code in SETTINGS["LANGUAGES"]},
            "x-default": f"{ORIGIN}/fr/{path}",
        }, url
        switcher = page.one("nav", **{"class": "site-header__languages"})
        links = {li.children[0].attrs["hreflang"]: li.children[0].attrs["href"] for li in switcher.children[0].children}
        assert links == {code: f"/{code}/{path}" for code in SETTINGS["LANGUAGES"]}, url  # the same page
        assert page.one("a", **{"aria-current": "true", "hreflang": lang}).attrs["lang"] == lang


@pytest.mark.parametrize("lang", ["it", "es", "ru"])
def test_the_pages_speak_the_language(pages: dict[str, Page], lang: str) -> None:
    words = WORDS[lang]
    home = pages[f"/{lang}/"]
    assert home.one("h1").text.strip() == SETTINGS["SITE_TAGLINE"][lang]
    assert words["search"] in home.html
    professional = pages[f"/{lang}/{PATHS['professional']}"]
    assert words["opening hours"] in professional.html
    specialty = pages[f"/{lang}/{PATHS['specialty']}"]
    assert GENERAL_PRACTICE["label"][lang] in specialty.one("h1").text
    article = pages[f"/{lang}/{PATHS['article']}"]
    assert words["article"] in article.one("h1").text


@pytest.mark.parametrize("lang", ["es", "ru"])
def test_the_articles_index_links_the_versions_of_articles_not_yet_translated(
    pages: dict[str, Page], lang: str
) -> None:
    index = pages[f"/{lang}/articles/"]
    notice = index.one("section", **{"class": "notice other-languages"})
    translated = {url.split("/")[3] for url in pages if url.startswith(f"/{lang}/articles/") and url.count("/") == 4}
    french = {url.split("/")[3] for url in pages if url.startswith("/fr/articles/") and url.count("/") == 4}
    assert "emergencies" in translated
    links = [a for li in notice.children[2].children for a in li.children if a.tag == "a"]
    linked = {a.attrs["href"].split("/")[3] for a in links}
    assert linked == french - translated
    for a in links:
        assert a.attrs["href"] in {u.rstrip("/") + "/" for u in pages}, a.attrs["href"]  # a page that exists
        assert a.attrs["hreflang"] != lang and a.attrs["lang"] == a.attrs["hreflang"]


def test_a_fully_translated_language_shows_no_notice(pages: dict[str, Page]) -> None:
    for lang in ("fr", "en", "it"):
        assert pages[f"/{lang}/articles/"].find("section", **{"class": "notice other-languages"}) == []
