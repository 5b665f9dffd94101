"""What search engines, link previews and browsers read in each page's head: the page's one absolute address
(canonical) and its other languages (hreflang), Open Graph tags, a description of its own, the icons and the web
app manifest, and the files those name."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pelican.settings import read_settings

from tests.site.conftest import Page
from tests.site.sitebuild import ROOT

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
ORIGIN = SETTINGS["SITE_ORIGIN"]


def public(pages: dict[str, Page]) -> dict[str, Page]:
    """The pages meant for search engines: not the root's redirect, the 404, the manage page, the patient space or
    the pro area."""
    return {
        url: page
        for url, page in pages.items()
        if url not in ("/", "/404.html") and not url.endswith(("/appointment/", "/me/")) and "/pro/" not in url
    }


def meta(page: Page, prop: str) -> str:
    return page.one("meta", property=prop).attrs["content"]


def test_every_public_page_names_its_own_absolute_address(pages: dict[str, Page]) -> None:
    for url, page in public(pages).items():
        assert page.one("link", rel="canonical").attrs["href"] == ORIGIN + url, url
        alternates = {e.attrs["hreflang"]: e.attrs["href"] for e in page.find("link", rel="alternate")}
        lang = page.one("html").attrs["lang"]
        assert alternates[lang] == ORIGIN + url, url
        # every language the page exists in (all five for the directory; an article's translations), and only those
        versions = {code for code in SETTINGS["LANGUAGES"] if url.replace(f"/{lang}/", f"/{code}/", 1) in pages}
        assert set(alternates) == versions | {"x-default"}, url
        for code in versions:
            assert alternates[code] == ORIGIN + url.replace(f"/{lang}/", f"/{code}/", 1), url
        assert all(href.startswith(ORIGIN + "/") for href in alternates.values()), url
        assert alternates["x-default"] == alternates["fr"]


def test_pages_kept_out_of_search_engines_name_no_canonical_address(pages: dict[str, Page]) -> None:
    for url, page in pages.items():
        if url.endswith(("/appointment/", "/me/")) or "/pro/" in url or url == "/404.html":
            assert page.find("link", rel="canonical") == [], url


def test_open_graph_gives_a_preview_of_every_public_page(pages: dict[str, Page], site: Path) -> None:
    for url, page in public(pages).items():
        title = page.one("title").text
        assert meta(page, "og:title") and title.startswith(meta(page, "og:title")), url
        assert meta(page, "og:description") == page.one("meta", name="description").attrs["content"], url
        assert meta(page, "og:url") == ORIGIN + url
        assert meta(page, "og:site_name") == SETTINGS["SITENAME"]
        lang = page.one("html").attrs["lang"]
        assert meta(page, "og:locale") == SETTINGS["OPEN_GRAPH_LOCALES"][lang]
        assert meta(page, "og:type") == ("article" if "/articles/" in url and url.count("/") == 4 else "website"), url
        image = meta(page, "og:image")
        assert image.startswith(ORIGIN + "/theme/images/icon-512."), url
        assert (site / image.removeprefix(ORIGIN + "/")).is_file()


def test_each_public_page_has_a_description_of_its_own(pages: dict[str, Page]) -> None:
    """Search results show the description: pages that share one look like duplicates of each other."""
    by_description: dict[str, list[str]] = defaultdict(list)
    for url, page in public(pages).items():
        text = page.one("meta", name="description").attrs["content"].strip()
        assert len(text) >= 20, f"{url}: {text!r} is too short to say what the page is"
        by_description[text].append(url)
    shared = {text: urls for text, urls in by_description.items() if len(urls) > 1}
    assert shared == {}
    tagline = {lang: text for lang, text in SETTINGS["SITE_TAGLINE"].items()}
    for lang in SETTINGS["LANGUAGES"]:
        for url in (f"/{lang}/legal/", f"/{lang}/privacy/", f"/{lang}/search/", f"/{lang}/specialties/"):
            assert pages[url].one("meta", name="description").attrs["content"] != tagline[lang], url


def test_icons_and_the_web_app_manifest_are_where_browsers_look(pages: dict[str, Page], site: Path) -> None:
    assert (site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert (site / "apple-touch-icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for lang in SETTINGS["LANGUAGES"]:
        page = pages[f"/{lang}/"]
        assert page.one("link", rel="manifest").attrs["href"] == f"/{lang}/manifest.webmanifest"
        assert page.one("link", rel="apple-touch-icon").attrs["href"] == "/apple-touch-icon.png"
        icon = page.one("link", rel="icon").attrs["href"]
        assert (site / icon.lstrip("/")).read_text(encoding="utf-8").startswith("<svg")
        manifest = json.loads((site / lang / "manifest.webmanifest").read_text(encoding="utf-8"))
        assert manifest["lang"] == lang and manifest["start_url"] == f"/{lang}/"
        assert manifest["name"] == SETTINGS["SITENAME"] and manifest["description"] == SETTINGS["SITE_TAGLINE"][lang]
        assert manifest["theme_color"] == page.one("meta", name="theme-color").attrs["content"]
        sizes = {i["sizes"] for i in manifest["icons"]}
        assert {"192x192", "512x512"} <= sizes
        for entry in manifest["icons"]:
            assert (site / entry["src"].lstrip("/")).is_file(), entry
