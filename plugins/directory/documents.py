"""The health articles and the site's other Markdown pages (Pelican's ``Article`` and ``Page``: documents here).

Pelican reads them; this module checks what an article needs, files it under its letter, links its translations,
and lists the pages they make: one per document, the articles' index and one page per category, per language.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pelican.contents import Article, Page

from plugins.directory.model import DataError
from plugins.directory.views import route
from plugins.directory.writer import PageJob

ARTICLE_FIELDS = ("category", "summary", "reviewed", "reviewer", "sources")


def read_documents(context: Mapping[str, Any]) -> tuple[list[Article], list[Page]]:
    """The articles (by title) and pages (by source file) Pelican read, from its context."""
    documents = [c for c in context.get("generated_content", {}).values() if isinstance(c, Article | Page)]
    articles = sorted((c for c in documents if isinstance(c, Article)), key=lambda a: title_order(a.title))
    pages = sorted((c for c in documents if not isinstance(c, Article)), key=lambda c: str(c.source_path))
    return articles, pages


def check_documents(
    documents: Sequence[Article | Page], languages: Sequence[str], categories: Mapping[str, Any], root: Path
) -> list[DataError]:
    """Articles need a category, summary, last-reviewed date, reviewer and sources; every document a language.
    Also sets what the templates read of an article: ``title_initial``, ``reviewed_date``, ``sources`` (each a
    ``Source``: text and address) and ``demo`` (``Demo: yes``: content a real reviewer has yet to confirm)."""
    errors = []
    for doc in documents:
        rel = os.path.relpath(doc.source_path, root)
        problems = []
        if doc.lang not in languages:
            problems.append(("lang", f"{doc.lang!r} is not one of the site languages {languages}"))
        if isinstance(doc, Article):
            meta = doc.metadata
            doc.title_initial = initial(doc.title)
            problems += [(name, "is required for a health article") for name in ARTICLE_FIELDS if name not in meta]
            if "category" in meta and doc.category.slug not in categories:
                problems.append(("category", f"unknown category {doc.category.name!r}: use one of {list(categories)}"))
            if "reviewed" in meta:
                try:
                    doc.reviewed_date = date.fromisoformat(str(meta["reviewed"]))
                except ValueError:
                    problems.append(("reviewed", f"{meta['reviewed']!r} is not a date (YYYY-MM-DD)"))
            if "sources" in meta:
                lines = [meta["sources"]] if isinstance(meta["sources"], str) else list(meta["sources"])
                doc.sources = [Source.of(line) for line in lines]
                problems += [
                    (
                        "sources",
                        f"{line.strip()!r} does not end with its address: 'Publisher — Title (year) https://...'",
                    )
                    for line, source in zip(lines, doc.sources, strict=True)
                    if not source.url
                ]
            doc.demo = str(meta.get("demo", "")).strip().lower() == "yes"
        errors += [DataError(rel, source_line(doc.source_path, name), name, msg) for name, msg in problems]
    return errors


@dataclass(frozen=True)
class Source:
    """One line of an article's ``Sources``: ``Publisher — Title (year) https://url``, the address last, after the
    last space (an address has none; it may have parentheses)."""

    text: str  # "Publisher — Title (year)"
    url: str  # "" when the line does not end with an https address
    publisher: str = ""
    title: str = ""
    year: str = ""

    @classmethod
    def of(cls, line: str) -> Source:
        text, _, url = line.strip().rpartition(" ")
        if not (text and re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", url)):
            return cls(line.strip(), "")
        found = re.fullmatch(r"(?P<publisher>.+?) — (?P<title>.+?)(?: \((?P<year>\d{4})\))?", text)
        if not found:
            return cls(text, url)
        return cls(text, url, found["publisher"], found["title"], found["year"] or "")

    @property
    def host(self) -> str:
        """``www.who.int``: where the link leads, shown beside it."""
        return urlsplit(self.url).hostname or ""

    @property
    def jsonld(self) -> dict[str, Any]:
        """schema.org CreativeWork of an article's ``citation``."""
        work: dict[str, Any] = {"@type": "CreativeWork", "name": self.title or self.text, "url": self.url}
        if self.publisher:
            work["publisher"] = {"@type": "Organization", "name": self.publisher}
        if self.year:
            work["datePublished"] = self.year
        return work


BOLD_NUMBER = re.compile(r"<strong>(\+?[0-9][0-9 \u00a0\u202f]*[0-9])</strong>")


def call_links(documents: Sequence[Article | Page], numbers: Sequence[Mapping[str, Any]]) -> None:
    """Make each number of ``content/emergency.json`` that a document gives in bold (``**15**``, as writers give
    them) a ``tel:`` link, which a phone calls when tapped; other bold numbers stay as they are."""
    known = {re.sub(r"\D", "", str(n["number"])): str(n["number"]) for n in numbers}

    def link(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match[1])
        if digits not in known or known[digits].startswith("+") != match[1].startswith("+"):
            return match[0]
        return f'<a class="tel" href="tel:{"+" if match[1].startswith("+") else ""}{digits}">{match[0]}</a>'

    for doc in documents:
        doc._content = BOLD_NUMBER.sub(link, doc._content or "")


def title_order(title: str) -> tuple[str, str]:
    """How titles are ordered in the A–Z index: letters without their accents first ("Dépistage" before
    "Diabète", as in a French dictionary), then as written."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return plain.casefold(), title


def initial(title: str) -> str:
    """The letter an article is filed under in the A–Z index: ``"Écran"`` -> ``"E"``."""
    letter = unicodedata.normalize("NFKD", title.strip()[:1])[:1].upper()
    return letter if letter.isalpha() else "#"


def source_line(path: str, name: str) -> int:
    """Line of the ``Name:`` metadata in a Markdown file (1 when it is absent)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if re.match(rf"(?i){re.escape(name)}\s*:", line):
                return number
    return 1


def content_alternates(content: Article | Page, languages: Sequence[str], fallback_kind: str) -> list[dict[str, Any]]:
    """(lang, url) of an article or page in every language: its translation, else that language's index."""
    by_lang = {content.lang: content.url}
    by_lang.update({t.lang: t.url for t in content.translations})
    return [
        {"lang": lang, "path": by_lang.get(lang, route(fallback_kind, lang)), "exists": lang in by_lang}
        for lang in languages
    ]


def document_jobs(documents: Sequence[Article | Page], languages: Sequence[str]) -> Iterator[PageJob]:
    """One page per article or page, at its URL, in its own language."""
    for doc in documents:
        kind = "articles" if isinstance(doc, Article) else "page"
        values = {
            "lang": doc.lang,
            "page_path": doc.url,
            "page_kind": kind,
            "alternates": content_alternates(doc, languages, "articles" if kind == "articles" else "home"),
            "article" if kind == "articles" else "page": doc,
        }
        yield PageJob(doc.url + "index.html", "article" if kind == "articles" else "page", values)


def untranslated(articles: Sequence[Article], lang: str, languages: Sequence[str]) -> list[dict[str, Any]]:
    """The articles with no version in ``lang``, each with the versions that exist (in the order of ``languages``),
    titled in the first of them (the default language when it has one), in that title's order."""
    by_slug: dict[str, dict[str, Article]] = {}
    for article in articles:
        by_slug.setdefault(article.slug, {})[article.lang] = article
    missing = []
    for versions in by_slug.values():
        if lang in versions:
            continue
        present = [versions[code] for code in languages if code in versions]
        missing.append(
            {
                "title": present[0].title,
                "lang": present[0].lang,
                "versions": [{"lang": a.lang, "url": a.url} for a in present],
            }
        )
    return sorted(missing, key=lambda item: unicodedata.normalize("NFKD", item["title"]).casefold())


def article_list_jobs(
    lang: str,
    articles: list[Article],
    categories: Mapping[str, Any],
    values: Callable[..., dict[str, Any]],
    elsewhere: list[dict[str, Any]] | None = None,
) -> Iterator[PageJob]:
    """The articles' index of one language (A–Z), with ``elsewhere`` the articles only other languages have (see
    ``untranslated``), and one page per category (``values``: a page's common values)."""
    index = values(lang, "articles", articles=articles, untranslated=elsewhere or [])
    yield PageJob(f"{lang}/articles/index.html", "articles", index)
    for code in categories:
        members = [a for a in articles if a.category.slug == code]
        yield PageJob(
            route("category", lang, code) + "index.html",
            "category",
            values(lang, "category", code, category=code, articles=members),
        )
