"""The search index built from the directory's data (plugins/directory/search_index.py): the fragments Pagefind
stores are those it makes from the built pages, each professional's carries the right URL, language, meta,
filters and text, and searches find professionals by name, by specialty and by the languages they speak."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from plugins.directory import search_index
from plugins.directory.i18n import language_name
from plugins.directory.model import load_directory
from plugins.directory.search_index import (
    BUNDLE,
    OTHER_PAGES,
    SearchIndexError,
    build_search_index,
    main,
    read_settings,
)
from plugins.directory.vocabulary import load_vocabularies
from tests.site.sitebuild import ROOT, index

DIRECTORY = load_directory(ROOT / "content" / "directory")
VOCABULARIES = load_vocabularies(ROOT / "content", ["fr", "en"], DIRECTORY, ROOT / "content" / "directory" / "schema")


def fragments(bundle: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every page of a Pagefind bundle: URL -> (fragment file name, fragment)."""
    out = {}
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        out[fragment["url"]] = (path.name, fragment)
    return out


def entry(bundle: Path) -> dict[str, Any]:
    return dict(json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def indexed(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo site with the index of `make site`."""
    output = tmp_path_factory.mktemp("indexed") / "output"
    shutil.copytree(site, output)
    result = index(output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def from_pages(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo site indexed as before: Pagefind reading every built page."""
    output = tmp_path_factory.mktemp("from-pages") / "output"
    shutil.copytree(site, output)
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_every_page_has_the_fragment_pagefind_makes_of_the_built_page(indexed: Path, from_pages: Path) -> None:
    new, old = fragments(indexed / BUNDLE), fragments(from_pages / BUNDLE)
    assert sorted(new) == sorted(old)  # the same pages: professionals, establishments, articles, nothing else
    different = [url for url in old if new[url] != old[url]]  # file name (language, hash of the fragment) included
    assert different == [], different[:3]
    expected = {lang: {**meta, "hash": None} for lang, meta in entry(from_pages / BUNDLE)["languages"].items()}
    got = {lang: {**meta, "hash": None} for lang, meta in entry(indexed / BUNDLE)["languages"].items()}
    # each language with its page count (the hashes depend on the pages' order), the same version and characters
    assert {**entry(indexed / BUNDLE), "languages": got} == {**entry(from_pages / BUNDLE), "languages": expected}
    # the same scripts and per-language files (the metadata's name is its hash)
    names = {p.name for p in (indexed / BUNDLE).iterdir() if p.is_file() and p.suffix != ".pf_meta"}
    assert names == {p.name for p in (from_pages / BUNDLE).iterdir() if p.is_file() and p.suffix != ".pf_meta"}
    assert len(list((indexed / BUNDLE).glob("*.pf_meta"))) == len(expected)


def test_other_pages_are_the_articles_and_establishments(from_pages: Path) -> None:
    urls = {url for url in fragments(from_pages / BUNDLE) if "/professionals/" not in url}
    kinds = {url.split("/")[2] for url in urls}
    assert kinds == {"articles", "establishments"}, kinds
    assert [pattern.format(lang="fr") for pattern in OTHER_PAGES] == [
        "fr/articles/*/index.html",
        "fr/establishments/*/index.html",
    ]


def test_a_professionals_record_carries_url_language_meta_filters_and_text(indexed: Path) -> None:
    p = next(p for p in DIRECTORY.practitioners if p["biography"] and p["specialties"] and len(p["languages"]) > 1)
    pages = fragments(indexed / BUNDLE)
    for lang, new_patients, online, left_out in (
        ("fr", "Accepte de nouveaux patients", "Rendez-vous en ligne", ("Motifs de consultation", "Tarifs")),
        ("en", "Accepts new patients", "Books online", ("Visit reasons", "Fees and payment")),
    ):
        url = f"/{lang}/professionals/{p['id']}/"
        name, fragment = pages[url]
        assert name.startswith(f"{lang}_")  # in that language's index
        title = fragment["meta"]["title"]
        keywords = fragment["meta"].pop("keywords")  # the vocabulary's names of what they are
        assert fragment["meta"] == {"id": p["id"], "title": title}
        assert keywords == VOCABULARIES[lang].keywords(p["profession"], p["specialties"]) != ""
        assert title.endswith(f"{p['given_name']} {p['family_name']}")
        filters = fragment["filters"]
        assert filters["profession"] == [DIRECTORY.professions[p["profession"]]["label"][lang]]
        assert filters["specialty"] == [DIRECTORY.specialties[code]["label"][lang] for code in p["specialties"]]
        assert filters["place"] == [DIRECTORY.places[site["place"]]["name"] for site in p["sites"]]
        assert filters["language"] == [language_name(code, lang).capitalize() for code in p["languages"]]
        assert filters.get("new_patients") == ([new_patients] if p["accepting_new_patients"] else None)
        assert filters.get("online_booking") == ([online] if p["online_booking"] else None)
        content = fragment["content"]
        assert content.startswith(title + ".")  # the name first, as the page's heading
        assert p["biography"][lang] in content
        assert p["sites"][0]["address"] in content
        for heading in left_out:  # the booking area, visit reasons and fees are not searched
            assert heading not in content


def test_a_second_build_replaces_the_index(indexed: Path) -> None:
    before = fragments(indexed / BUNDLE)
    stale = indexed / BUNDLE / "fragment" / "fr_0000000.pf_fragment"
    stale.write_bytes(b"")
    result = index(indexed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not stale.exists()  # a new bundle, not files added to the previous one
    assert [p.name for p in indexed.iterdir() if p.name.startswith(".")] == []  # no staging folder left
    assert fragments(indexed / BUNDLE) == before


def test_a_failed_build_leaves_the_previous_index(
    indexed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "output"
    shutil.copytree(indexed, site)
    before = fragments(site / BUNDLE)
    real = search_index.pagefind
    started: list[str] = []

    async def failing(root: Path, bundle: Path) -> None:
        started.append(root.name)
        if root.name == "en":
            raise SearchIndexError("Pagefind failed")
        await real(root, bundle)

    monkeypatch.setattr(search_index, "pagefind", failing)
    # in a thread of its own: the command runs its own event loop, and in a session with browser tests
    # Playwright's synchronous API keeps one running in this thread
    with ThreadPoolExecutor(1) as pool, pytest.raises(SearchIndexError):
        settings = read_settings(ROOT / "pelicanconf.py")
        pool.submit(build_search_index, site, ROOT / "content", settings, tmp_path / "scratch").result()
    assert started == settings["LANGUAGES"]
    assert fragments(site / BUNDLE) == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []
    assert list((tmp_path / "scratch").iterdir()) == []


def test_a_site_that_was_not_built_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["--settings", str(ROOT / "pelicanconf.py"), "--content", str(ROOT / "content"), "--site", str(tmp_path)]
    )
    assert code == 1
    assert "not a built site" in capsys.readouterr().err


# ------------------------------------------------------------------------------------ searching in Chromium


@pytest.fixture(scope="module")
def search(indexed: Path, chromium: Any) -> Iterator[Any]:
    """``search(lang, query, filters)``: the ids of the results of Pagefind's own API in Chromium, on the site
    served as the local portal serves it (the worker's own Content-Security-Policy included)."""
    from local.portal import PortalApp

    server = make_server("127.0.0.1", 0, PortalApp(indexed, pool=None), threaded=True)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages: dict[str, Any] = {}

    def run(lang: str, query: str | None, filters: dict[str, Any] | None = None) -> list[str]:
        if lang not in pages:
            pages[lang] = chromium.new_page()
            pages[lang].goto(f"{base}/{lang}/search/")
        return list(
            pages[lang].evaluate(
                """async ([query, filters]) => {
                    const pagefind = await import("/pagefind/pagefind.js");
                    const search = await pagefind.search(query, { filters });
                    const data = await Promise.all(search.results.map((r) => r.data()));
                    return data.map((d) => d.meta.id);
                }""",
                [query, filters or {}],
            )
        )

    try:
        yield run
    finally:
        for page in pages.values():
            page.close()
        server.shutdown()
        thread.join(timeout=10)


def speaking(code: str, specialty: str | None = None) -> set[str]:
    return {
        p["id"]
        for p in DIRECTORY.practitioners
        if code in p["languages"] and (specialty is None or specialty in p["specialties"])
    }


@pytest.mark.browser
def test_search_finds_a_professional_by_name(search: Any) -> None:
    families = [p.summary.family_name for p in DIRECTORY.practitioners]
    p = next(p for p in DIRECTORY.practitioners if families.count(p.summary.family_name) == 1)
    for lang in ("fr", "en"):
        found = search(lang, f"{p.summary.given_name} {p.summary.family_name}")
        assert found[0] == p.summary.id
        assert [pid for pid in search(lang, p.summary.family_name) if pid.startswith("pr-")] == [p.summary.id]


@pytest.mark.browser
def test_search_finds_the_professionals_of_a_specialty(search: Any) -> None:
    cardiology = {p["id"] for p in DIRECTORY.practitioners if "cardiology" in p["specialties"]}
    assert cardiology
    assert {pid for pid in search("fr", "cardiologie") if pid.startswith("pr-")} == cardiology
    assert {pid for pid in search("en", "cardiology") if pid.startswith("pr-")} == cardiology


@pytest.mark.browser
def test_search_filters_by_the_languages_spoken(search: Any) -> None:
    assert speaking("it")
    assert set(search("fr", None, {"language": {"any": ["Italien"]}})) == speaking("it")
    assert set(search("en", None, {"language": {"any": ["Italian"]}})) == speaking("it")
    general = {pid for pid in search("en", "general practice", {"language": {"any": ["Italian"]}})}
    assert {pid for pid in general if pid.startswith("pr-")} == speaking("it", "general-practice")
