"""The demo site, built once per session into a temporary folder, and its HTML pages parsed once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.site.sitebuild import build

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class PageParser(HTMLParser):
    """Collects every element with its attributes, and the text of <script> and <title> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if self.open:
            self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


@dataclass
class Page:
    path: Path
    url: str
    html: str
    elements: list[Element]

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"{self.url}: {len(found)} <{tag} {attrs}>"
        return found[0]


def parse(path: Path, root: Path) -> Page:
    html = path.read_text(encoding="utf-8")
    parser = PageParser()
    parser.feed(html)
    rel = path.relative_to(root).as_posix()
    url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return Page(path, url, html, parser.elements)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo content (400 professionals) built with the project's settings."""
    output = tmp_path_factory.mktemp("site") / "output"
    result = build(output)
    assert result.returncode == 0, result.stderr
    yield output


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[str, Page]:
    """Every HTML page of the built site by URL path (``/fr/``, ``/404.html``...)."""
    parsed = [parse(path, site) for path in sorted(site.rglob("*.html"))]
    return {page.url: page for page in parsed}
