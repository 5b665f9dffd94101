"""Directions to every practice site and establishment: plain links that open the place in OpenStreetMap, Apple
Maps and Google Maps (a `geo:` link did nothing on an iPhone or a desktop), nothing loaded from them."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from plugins.directory.model import load_directory
from plugins.directory.records import Directory
from tests.site.conftest import Element, Page
from tests.site.sitebuild import ROOT

SERVICES = ("www.openstreetmap.org", "maps.apple.com", "www.google.com")


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(ROOT / "content" / "directory")


def links(page: Page) -> list[list[Element]]:
    """The directions links of each place on a page, in order."""
    lists = page.find("ul", class_="directions__links directions")
    return [[a for li in ul.children for a in li.children if a.tag == "a"] for ul in lists]


def coordinates(href: str) -> tuple[float, float]:
    """Where a directions link points, read back from its address."""
    url = urlsplit(href)
    query = parse_qs(url.query)
    if url.hostname == "www.openstreetmap.org":
        return float(query["mlat"][0]), float(query["mlon"][0])
    latitude, longitude = (query["ll"] if url.hostname == "maps.apple.com" else query["query"])[0].split(",")
    return float(latitude), float(longitude)


def test_each_site_of_a_professional_and_each_establishment_has_directions(
    pages: dict[str, Page], directory: Directory
) -> None:
    places = [(f"professionals/{p['id']}", p["sites"]) for p in directory.practitioners]
    places += [(f"establishments/{e['id']}", [e]) for e in directory.establishments]
    for lang in ("fr", "en"):
        for path, sites in places:
            page = pages[f"/{lang}/{path}/"]
            found = links(page)
            assert len(found) == len(sites), page.url
            for site, anchors in zip(sites, found, strict=True):
                hosts = tuple(urlsplit(a.attrs["href"]).hostname for a in anchors)
                assert hosts == SERVICES, page.url
                for a in anchors:
                    assert a.attrs["href"].startswith("https://")
                    assert coordinates(a.attrs["href"]) == (site["latitude"], site["longitude"]), a.attrs["href"]
                    assert site["address"] in a.text  # named for screen readers: a page may list several
            assert "geo:" not in page.html


def test_apple_maps_names_the_place_and_nothing_is_loaded_from_the_services(pages: dict[str, Page]) -> None:
    page = pages["/en/professionals/pr-000001/"]
    apple = links(page)[0][1].attrs["href"]
    assert parse_qs(urlsplit(apple).query)["q"] == ["Cabinet, 4 boulevard Rainier III, 98000 Monaco"]
    for element in page.elements:
        if element.tag in ("img", "iframe", "script", "link"):
            for name in ("src", "href"):
                assert not any(host in element.attrs.get(name, "") for host in SERVICES)
    headers = json.loads((ROOT / "infra" / "security_headers.json").read_text(encoding="utf-8"))
    assert "default-src 'self'" in json.dumps(headers)
