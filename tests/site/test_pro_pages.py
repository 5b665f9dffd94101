"""The professional area's pages in the built site: one of each in both languages, filled in by module scripts of the
site's own, kept out of search engines (noindex, robots.txt, not in the sitemap) and sending no referrer."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.site.conftest import Page

PRO_PAGES = {
    "": ("pro-signin.js",),
    "agenda/": ("pro-agenda.js",),
    "appointment/": ("pro-appointment.js",),
    "settings/": ("pro-reminders.js", "pro-settings.js"),
}
# What each page's scripts import, preloaded once (module_script); the agenda's time grid is a module of its own.
PRELOADED = {"agenda/": ["api-core", "pro-core", "pro-grid"]}


@pytest.mark.parametrize("lang", ["fr", "en", "ru"])
@pytest.mark.parametrize("path", list(PRO_PAGES))
def test_each_page_in_each_language_with_its_script(pages: dict[str, Page], site: Path, lang: str, path: str) -> None:
    page = pages[f"/{lang}/pro/{path}"]
    assert page.one("html").attrs["lang"] == lang
    assert page.one("meta", name="robots").attrs["content"] == "noindex, nofollow"
    assert page.one("meta", name="referrer").attrs["content"] == "no-referrer"
    scripts = [e.attrs for e in page.find("script") if e.attrs.get("type") != "application/ld+json"]
    stems = [name.removesuffix(".js") for name in PRO_PAGES[path]] + ["language"]  # the switcher's, on every page
    assert len(scripts) == len(stems) and all(script["type"] == "module" for script in scripts)
    for stem, script in zip(stems, scripts, strict=True):
        assert re.fullmatch(rf"/theme/js/{stem}\.[0-9a-f]{{10}}\.js", script["src"])  # named by its content
        assert (site / script["src"].lstrip("/")).is_file()
    preloaded = [e.attrs["href"] for e in page.find("link", rel="modulepreload")]
    assert [href.split("/")[-1].split(".")[0] for href in preloaded] == PRELOADED.get(path, ["api-core", "pro-core"])
    assert all((site / href.lstrip("/")).is_file() for href in preloaded)
    stylesheets = [link.attrs["href"] for link in page.find("link", rel="stylesheet")]
    assert any(re.fullmatch(r"/theme/css/pro\.[0-9a-f]{10}\.css", href) for href in stylesheets)
    root = page.one("div", class_="pro")
    assert root.attrs["data-signin"] == f"/{lang}/pro/"
    assert root.attrs["data-api"] == "/api/v1"
    assert page.find("template", **{"data-pro-messages": ""}), "the scripts' texts come from the page"


def test_the_area_is_out_of_the_sitemap_and_disallowed_to_robots(site: Path) -> None:
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert not [loc.text for loc in sitemap.findall("s:url/s:loc", namespace) if "/pro/" in (loc.text or "")]
    robots = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "Disallow: /fr/pro/" in robots and "Disallow: /en/pro/" in robots


def test_the_pages_speak_their_language(pages: dict[str, Page]) -> None:
    assert pages["/fr/pro/"].one("title").text.startswith("Se connecter")
    assert pages["/en/pro/"].one("title").text.startswith("Sign in")
    assert pages["/fr/pro/settings/"].one("h2", id="hours-title").text == "Horaires d'ouverture de la semaine"
    assert pages["/en/pro/settings/"].one("h2", id="hours-title").text == "Weekly opening hours"
