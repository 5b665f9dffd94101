"""The health articles as Pelican reads them: each topic in every site language, with the metadata a reader needs to
trust it (category, summary, review date and reviewer, sources that name their publisher and link to them), and
the same review in each language. The build checks that the fields exist (plugins/directory, ARTICLE_FIELDS); these
tests check what they say."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from tests.site.sitebuild import ROOT

ARTICLES = sorted((ROOT / "content" / "articles").glob("*/*.md"))
# "Publisher — Title (year) https://url": the URL last, after a space, so that a template can make it a link.
SOURCE = re.compile(r"^(?P<publisher>\S.*?) — (?P<title>\S.*) \((?P<year>\d{4})\) (?P<url>https://\S+)$")


@pytest.fixture(scope="module")
def settings() -> dict[str, Any]:
    return read_settings(str(ROOT / "pelicanconf.py"))


@pytest.fixture(scope="module")
def metadata(settings: dict[str, Any]) -> dict[Path, dict[str, Any]]:
    """Each article's metadata, read by the reader the build uses."""
    reader = MarkdownReader(settings)
    return {path: reader.read(str(path))[1] for path in ARTICLES}


def sources(meta: dict[str, Any]) -> list[str]:
    value = meta.get("sources", [])
    return [value] if isinstance(value, str) else list(value)


def test_every_topic_is_in_every_language(metadata: dict[Path, dict[str, Any]], settings: dict[str, Any]) -> None:
    languages: dict[str, set[str]] = defaultdict(set)
    for path, meta in metadata.items():
        assert meta["lang"] == path.parent.name, f"{path}: Lang {meta['lang']} in the {path.parent.name}/ folder"
        assert meta["slug"] not in languages or meta["lang"] not in languages[meta["slug"]], f"{path}: slug twice"
        languages[meta["slug"]].add(meta["lang"])
    expected = set(settings["LANGUAGES"])
    missing = {slug: expected - found for slug, found in languages.items() if found != expected}
    assert not missing
    assert len(languages) >= 20  # the topics people here look for most (issue 16)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_article_says_what_it_is_who_reviewed_it_and_where_it_comes_from(
    path: Path, metadata: dict[Path, dict[str, Any]], settings: dict[str, Any]
) -> None:
    meta = metadata[path]
    assert meta["category"].slug in settings["ARTICLE_CATEGORIES"]
    assert len(re.sub(r"<[^>]+>", "", meta["summary"]).strip()) >= 40
    reviewed = date.fromisoformat(meta["reviewed"])
    assert reviewed.year >= 2000
    name, _, qualification = meta["reviewer"].partition(", ")
    assert name.strip() and qualification.strip(), f"reviewer {meta['reviewer']!r}: 'Name, qualification'"
    assert meta.get("demo") in ("yes", "no"), "Demo: yes until a real reviewer confirms the article, then no"
    listed = sources(meta)
    assert listed
    for source in listed:
        match = SOURCE.match(source)
        assert match, f"source {source!r}: 'Publisher — Title (year) https://url'"
        url = urlsplit(match["url"])
        assert url.netloc and "." in url.netloc, source
        assert 1990 <= int(match["year"]) <= reviewed.year, source


def test_translations_share_their_review(metadata: dict[Path, dict[str, Any]]) -> None:
    by_slug: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for meta in metadata.values():
        by_slug[meta["slug"]].append(meta)
    for slug, versions in by_slug.items():
        for field in ("category", "reviewed", "demo", "date"):
            assert len({str(v.get(field)) for v in versions}) == 1, f"{slug}: {field} differs between languages"
        assert len({v["reviewer"].partition(", ")[0] for v in versions}) == 1, f"{slug}: reviewer differs"


def test_the_numbers_articles_give_are_the_territorys(metadata: dict[Path, dict[str, Any]]) -> None:
    """A short number in bold ("call **15**") is one of content/emergency.json, so that changing a number there
    and forgetting an article fails here."""
    numbers = {n["number"] for n in json.loads((ROOT / "content" / "emergency.json").read_text("utf-8"))["numbers"]}
    for path in metadata:
        for number in re.findall(r"\*\*(\d{2,4})\*\*", path.read_text(encoding="utf-8")):
            assert number in numbers, f"{path}: **{number}** is not in content/emergency.json"
