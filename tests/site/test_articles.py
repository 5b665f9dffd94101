"""The health articles and pages as Pelican reads them: each topic in the languages it must exist in, with the
metadata a reader needs to trust it (category, summary, review date and reviewer, sources that name their publisher
and link to them), the same review in each language, and links that stay in the reader's language. The build checks
that the fields exist (plugins/directory, ARTICLE_FIELDS); these tests check what they say.

Content can be written before its language is built: the build reads only the folders of the site's languages
(ARTICLE_PATHS and PAGE_PATHS in pelicanconf.py), and these tests read every folder."""

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

from tests.site.conftest import Page
from tests.site.sitebuild import ROOT, build, copy_content

ARTICLES = sorted((ROOT / "content" / "articles").glob("*/*.md"))
PAGES = sorted((ROOT / "content" / "pages").glob("*/*.md"))
# The languages content is written in, and what each must cover (issue 17): French, English and Italian every
# article; Spanish and Russian the emergency article (the site shows a notice with links to the versions that exist
# in place of the others). Every page exists in every one of them: a visitor must be able to read how the portal
# works, the legal notice and the privacy notice.
EVERY_ARTICLE = ("fr", "en", "it")
SOME_ARTICLES = {"es": {"emergencies"}, "ru": {"emergencies"}}
CONTENT_LANGUAGES = (*EVERY_ARTICLE, *SOME_ARTICLES)
LINK = re.compile(r"\]\((/[^)\s]*)\)")
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


@pytest.fixture(scope="module")
def page_metadata(settings: dict[str, Any]) -> dict[Path, dict[str, Any]]:
    reader = MarkdownReader(settings)
    return {path: reader.read(str(path))[1] for path in PAGES}


def slugs_by_language(documents: dict[Path, dict[str, Any]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path, meta in documents.items():
        assert meta["lang"] == path.parent.name, f"{path}: Lang {meta['lang']} in the {path.parent.name}/ folder"
        assert meta["slug"] not in found[meta["lang"]], f"{path}: slug {meta['slug']} twice in {meta['lang']}"
        found[meta["lang"]].add(meta["slug"])
    return found


def sources(meta: dict[str, Any]) -> list[str]:
    value = meta.get("sources", [])
    return [value] if isinstance(value, str) else list(value)


def test_content_is_written_in_known_languages_and_in_every_site_language(settings: dict[str, Any]) -> None:
    folders = {path.parent.name for path in (*ARTICLES, *PAGES)}
    assert folders <= set(CONTENT_LANGUAGES), f"folders of no planned language: {folders - set(CONTENT_LANGUAGES)}"
    assert set(settings["LANGUAGES"]) <= set(CONTENT_LANGUAGES), "a site language needs its content here"
    for path in (ROOT / "content" / "articles").rglob("*.md"):
        assert path.parent.parent.name == "articles", f"{path}: not articles/<language>/<name>.md"


def test_every_topic_is_in_the_languages_it_must_be_in(metadata: dict[Path, dict[str, Any]]) -> None:
    languages = slugs_by_language(metadata)
    topics = languages["fr"]
    assert len(topics) >= 20  # the topics people here look for most (issue 16)
    missing = {lang: topics - languages[lang] for lang in EVERY_ARTICLE if topics - languages[lang]}
    missing |= {lang: wanted - languages[lang] for lang, wanted in SOME_ARTICLES.items() if wanted - languages[lang]}
    assert not missing
    orphans = {lang: slugs - topics for lang, slugs in languages.items() if slugs - topics}
    assert not orphans, "a translation of no French article (check its Slug)"


def test_every_page_is_in_every_content_language(page_metadata: dict[Path, dict[str, Any]]) -> None:
    languages = slugs_by_language(page_metadata)
    assert {"help", "legal", "privacy", "accessibility", "open-data"} <= languages["fr"]
    differences = {lang: languages["fr"] ^ languages[lang] for lang in CONTENT_LANGUAGES}
    assert not {lang: slugs for lang, slugs in differences.items() if slugs}


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


def test_the_numbers_articles_give_are_the_territorys() -> None:
    """A short number in bold ("call **15**") is one of content/emergency.json, so that changing a number there
    and forgetting an article (in any language) fails here."""
    numbers = {n["number"] for n in json.loads((ROOT / "content" / "emergency.json").read_text("utf-8"))["numbers"]}
    for path in (*ARTICLES, *PAGES):
        for number in re.findall(r"\*\*(\d{2,4}(?: \d{3})?)\*\*", path.read_text(encoding="utf-8")):
            assert number in numbers, f"{path}: **{number}** is not in content/emergency.json"


def test_links_stay_in_the_readers_language_and_lead_to_a_page(
    metadata: dict[Path, dict[str, Any]], page_metadata: dict[Path, dict[str, Any]], pages: dict[str, Page]
) -> None:
    """A link in a document leads to a page of its language: to an article or page written in that language, or to
    a directory page that the built site has (in French, where every language's path is the same but the first
    part). Checked on the Markdown, so that it holds for languages the site does not build yet."""
    articles, documents = slugs_by_language(metadata), slugs_by_language(page_metadata)
    broken = []
    for path in (*ARTICLES, *PAGES):
        lang = path.parent.name
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            rest = target.removeprefix(f"/{lang}/")
            if rest == target:
                # the open data and the FHIR directory's files, the same in every language
                ok = target.startswith(("/open-data/", "/fhir/"))
            elif match := re.fullmatch(r"articles/([^/]+)/", rest):
                ok = match[1] in articles[lang]
            elif re.fullmatch(r"[^/]+/", rest) and f"/fr/{rest}" in pages and rest[:-1] in documents["fr"]:
                ok = rest[:-1] in documents[lang]
            else:
                ok = f"/fr/{rest}" in pages
            if not ok:
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert not broken


def test_the_build_leaves_out_languages_it_does_not_build_and_checks_the_others(tmp_path: Path) -> None:
    """A folder of a language not in LANGUAGES is not read (its content is written ahead of the language); a document
    in a site language's folder that names another language stops the build, naming the file, line and field."""
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    assert "de" not in settings["LANGUAGES"]
    content = copy_content(tmp_path / "content")
    for kind, name in (("articles", "urgences.md"), ("pages", "help.md")):
        (content / kind / "de").mkdir()
        text = (content / kind / "fr" / name).read_text(encoding="utf-8")
        (content / kind / "de" / name).write_text(text.replace("Lang: fr", "Lang: de", 1), encoding="utf-8")
    result = build(tmp_path / "output", content)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    assert not (output / "de").exists()
    french = (output / "fr" / "articles" / "emergencies" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="en"' in french and 'hreflang="de"' not in french and 'href="/de/' not in french
    assert "/de/" not in (output / "sitemap.xml").read_text(encoding="utf-8")

    (content / "articles" / "de" / "urgences.md").rename(content / "articles" / "fr" / "urgences-de.md")
    result = build(tmp_path / "output-2", content)
    assert result.returncode != 0
    message = " ".join((result.stdout + result.stderr).split())
    assert "content/articles/fr/urgences-de.md:3: lang: 'de' is not one of the site languages" in message
