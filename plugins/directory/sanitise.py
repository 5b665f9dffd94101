"""The articles' and pages' HTML, cleaned at build time by nh3 with an allow-list fit for health articles.

Markdown lets an author write raw HTML, which Pelican passes through: a ``<script>``, a ``javascript:`` link or a
foreign ``<iframe>`` would reach the built page, and only the Content-Security-Policy would stop it. Every article
and page (its text and its summary) goes through :func:`clean` before any page is made; what it removed is a build
warning in the convention of the build's errors, ``file:line: field: message``, the line being where the removed
markup is written in the Markdown file. What the allow-list keeps is written out the same byte for byte (the
articles of ``content/`` build to the same pages with and without cleaning).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nh3

from plugins.directory.model import DataError

# What an article may hold: structure, emphasis, lists, tables, quotations, code, figures, links.
TAGS = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "a"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("strong", "em", "b", "i", "u", "s", "small", "sub", "sup", "mark", "abbr", "dfn", "cite", "q", "time"),
        *("del", "ins", "kbd", "code", "pre", "samp", "var", "blockquote", "figure", "figcaption", "img"),
        *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"),
        *("details", "summary"),
    }
)
ATTRIBUTES = {
    "*": {"id", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan", "abbr"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
}
# Links may go to web pages, e-mail addresses and phone numbers; relative links stay (the site's own pages).
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Removed with what they hold (their text would be code, or a fallback for what was removed).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "textarea", "select"}
)


def clean(html: str) -> str:
    """``html`` with only what the allow-list keeps (no comments; no ``rel`` added to links). The no-break spaces of
    French typography stay characters, as the pages write them: the cleaner writes them back as ``&nbsp;``."""
    cleaned = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )
    return cleaned.replace("&nbsp;", "\u00a0")


@dataclass(frozen=True)
class Removed:
    """One thing the cleaning removed: what to say, what to look for in the source to find its line, and the
    element it is or belongs to."""

    what: str
    needle: str
    tag: str = ""
    attribute: bool = False


class _Markup(HTMLParser):
    """The elements, attributes and comments of an HTML fragment, counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[Removed] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[Removed(f"<{tag}>", f"<{tag}", tag)] += 1
        for name, value in attrs:
            shown = (value or "")[:60]
            self.found[Removed(f'{name}="{shown}" on <{tag}>', value or name, tag, attribute=True)] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.found[Removed("an HTML comment", "<!--")] += 1


def markup(html: str) -> Counter[Removed]:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.found


def removed(before: str, after: str) -> list[Removed]:
    """What is in ``before`` and not in ``after`` (elements, attributes with their value, comments), in order; the
    attributes of a removed element go with it, unsaid."""
    gone = markup(before) - markup(after)
    return [item for item in gone if not (item.attribute and item.tag not in TAGS)]


def line_of(source: str, needle: str) -> int:
    """The first line of ``source`` that holds ``needle`` (case aside); 1 when none does."""
    folded = needle.casefold()
    for number, line in enumerate(source.splitlines(), start=1):
        if folded in line.casefold():
            return number
    return 1


def clean_documents(documents: Sequence[Any], root: Path) -> Iterator[DataError]:
    """Clean every article's and page's HTML in place (its text and its summary); one warning per thing removed,
    naming the Markdown file, the line where it is written and the field (``content`` or ``summary``)."""
    for doc in documents:
        source_text = ""
        fields = [("content", "_content")]
        if getattr(doc, "_summary", None):
            fields.append(("summary", "_summary"))
        for field, attribute in fields:
            html = str(getattr(doc, attribute) or "")
            cleaned = clean(html)
            if cleaned == html:
                continue
            setattr(doc, attribute, cleaned)
            if field == "summary":
                doc.metadata["summary"] = cleaned
            if not source_text:
                source_text = Path(doc.source_path).read_text(encoding="utf-8")
            rel = os.path.relpath(doc.source_path, root)
            for item in removed(html, cleaned):
                message = f"removed {item.what}: not in the articles' allow-list (plugins/directory/sanitise.py)"
                yield DataError(rel, line_of(source_text, item.needle), field, message)
