"""The search relevance set (``search_relevance.json``) and how it is scored: each query is opened on the search page
(``/<lang>/search/?q=...``: the page's own code, Pagefind's index and the vocabulary, in Chromium), and its first
five results are compared with what the set calls right.

A query's ``right`` is a list of alternatives; a result is right when it matches one of them, and it matches an
alternative when it matches all of its conditions:

=================  ==========================================================================================
``specialty``      a professional with one of these specialties
``profession``     a professional of one of these professions
``practitioner``   one of these professionals (ids)
``language``       a professional who speaks this language (ISO code)
``place``          a professional with a site in, or an establishment in, one of these places
``establishment``  an establishment of one of these kinds
``article``        one of these health articles (Slug)
=================  ==========================================================================================

A query's score is the share of its first five results that are right, out of five or, when the site has fewer
right pages, out of that number (a name has one page: it counts when it is among the five). The set's figure is
the mean of its queries' scores. tests/e2e/test_search_relevance.py asserts it; bench/search_relevance.py prints it
for any built site.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

from plugins.directory.model import load_directory
from plugins.directory.records import Directory

SET = Path(__file__).with_name("search_relevance.json")
TOP = 5
CONDITIONS = {"specialty", "profession", "practitioner", "language", "place", "establishment", "article"}
# the search page's status is final once it no longer says it is searching ("Searching…", "Recherche…")
DONE = """() => {
  const status = document.querySelector("[data-search-status]");
  return status.textContent !== "" && !status.textContent.endsWith("…");
}"""
# the query put in the search box and the form sent, as pressing Enter does (without the box's typing events, whose
# delayed search would run it a second time)
SUBMIT = """(query) => {
  const form = document.querySelector("[data-search-form]");
  form.elements.q.value = query;
  form.requestSubmit();
}"""
RESULTS = f"""items => items.slice(0, {TOP}).map(
  (item) => item.dataset.practitioner || item.querySelector("a").getAttribute("href")
)"""


@dataclass(frozen=True)
class Query:
    lang: str
    q: str
    kind: str
    right: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class Outcome:
    query: Query
    top: tuple[str, ...]  # professionals' ids, other pages' paths
    right: tuple[bool, ...]
    available: int

    @property
    def score(self) -> float:
        return sum(self.right) / min(TOP, self.available) if self.available else 0.0


def load_set(path: Path = SET) -> list[Query]:
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = [Query(q["lang"], q["q"], q["kind"], tuple(q["right"])) for q in data["queries"]]
    for query in queries:
        for alternative in query.right:
            unknown = set(alternative) - CONDITIONS
            assert not unknown, f"{query.q!r}: unknown conditions {unknown}"
    return queries


class Site:
    """What the relevance set is judged against: the directory's data files and the articles' slugs."""

    def __init__(self, content: Path) -> None:
        self.content = content

    @cached_property
    def directory(self) -> Directory:
        return load_directory(self.content / "directory")

    @cached_property
    def articles(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for path in (self.content / "articles").glob("*/*.md"):
            match = re.search(r"^Slug:\s*(\S+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
            if match:
                found[path.parent.name].add(match.group(1))
        return found

    def page(self, result: str) -> tuple[str, Mapping[str, Any]]:
        """A result as ("practitioner", record), ("establishment", record), ("article", {"slug"}) or ("other", {})."""
        if result.startswith("pr-"):
            return "practitioner", self.practitioners[result]
        parts = result.strip("/").split("/")
        if len(parts) == 3 and parts[1] == "establishments":
            return "establishment", self.directory.establishment_by_id[parts[2]]
        if len(parts) == 3 and parts[1] == "articles":
            return "article", {"slug": parts[2]}
        return "other", {}

    @cached_property
    def practitioners(self) -> dict[str, Mapping[str, Any]]:
        return {p["id"]: p.data for p in self.directory.practitioners}

    def pages(self, lang: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
        yield from (("practitioner", p) for p in self.practitioners.values())
        yield from (("establishment", e) for e in self.directory.establishments)
        yield from (("article", {"slug": slug}) for slug in self.articles.get(lang, ()))


def matches(kind: str, page: Mapping[str, Any], alternative: Mapping[str, Any]) -> bool:
    """Whether a page meets every condition of one alternative."""
    tests: dict[str, Callable[[Any], bool]] = {
        "specialty": lambda codes: kind == "practitioner" and bool(set(page["specialties"]) & set(codes)),
        "profession": lambda codes: kind == "practitioner" and page["profession"] in codes,
        "practitioner": lambda ids: kind == "practitioner" and page["id"] in ids,
        "language": lambda code: kind == "practitioner" and code in page["languages"],
        "place": lambda codes: (
            (kind == "practitioner" and any(s["place"] in codes for s in page["sites"]))
            or (kind == "establishment" and page["place"] in codes)
        ),
        "establishment": lambda kinds: kind == "establishment" and page["kind"] in kinds,
        "article": lambda slugs: kind == "article" and page["slug"] in slugs,
    }
    return all(tests[name](value) for name, value in alternative.items())


def judge(query: Query, top: Sequence[str], site: Site) -> Outcome:
    right = tuple(any(matches(*site.page(r), a) for a in query.right) for r in top)
    available = sum(1 for kind, page in site.pages(query.lang) if any(matches(kind, page, a) for a in query.right))
    return Outcome(query, tuple(top), right, available)


def search(page: Any, base: str, query: Query) -> list[str]:
    """The first results of the search page for ``query``: the language's search page opened once (as a link,
    the way the home page's form lands there), then each query typed and sent with the page's own form."""
    if not page.url.startswith(f"{base}/{query.lang}/search/"):
        page.goto(f"{base}/{query.lang}/search/?q={quote(query.q)}")
    else:
        page.evaluate(SUBMIT, query.q)
    page.wait_for_function(DONE)
    return list(page.eval_on_selector_all("[data-search-results] > li", RESULTS))


def run(page: Any, base: str, queries: Iterable[Query], site: Site) -> list[Outcome]:
    return [judge(query, search(page, base, query), site) for query in queries]


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The set's figure, per language and per kind of query, and the queries below a full score."""

    def mean(items: Sequence[Outcome]) -> float:
        return round(sum(o.score for o in items) / len(items), 3) if items else 0.0

    by: dict[str, dict[str, list[Outcome]]] = {"lang": defaultdict(list), "kind": defaultdict(list)}
    for o in outcomes:
        by["lang"][o.query.lang].append(o)
        by["kind"][o.query.kind].append(o)
    return {
        "queries": len(outcomes),
        "top5_right": mean(outcomes),
        "first_right": round(sum(1 for o in outcomes if o.right[:1] == (True,)) / len(outcomes), 3),
        "by_language": {k: mean(v) for k, v in sorted(by["lang"].items())},
        "by_kind": {k: mean(v) for k, v in sorted(by["kind"].items())},
        "below": [
            {"lang": o.query.lang, "q": o.query.q, "score": round(o.score, 2), "top": list(o.top)}
            for o in outcomes
            if o.score < 1
        ],
    }
