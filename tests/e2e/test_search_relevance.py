"""Search relevance, measured on the search page in Chromium: the queries of search_relevance.json (lay names,
labels, typos, body parts, complaints, services, names, places, and their combinations, in the site's five
languages; in Russian also what Russian speakers type in Latin letters, "cardio", "dermato") and the share of right
results among the first five (tests/e2e/relevance.py says how it is scored)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from tests.e2e.relevance import Site, load_set, run, summary
from tests.site.sitebuild import ROOT

TARGET = 0.9


def test_at_least_nine_results_in_ten_of_the_first_five_are_right(site_url: str, browser_page: tuple[Any, Any]) -> None:
    page, console = browser_page
    queries = load_set()
    languages = Counter(q.lang for q in queries)
    assert languages["fr"] + languages["en"] >= 80
    assert set(languages) == {"fr", "en", "it", "es", "ru"}
    assert min(languages.values()) >= 30, languages  # each language's figure stands on enough queries
    result = summary(run(page, site_url, queries, Site(ROOT / "content")))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    assert result["top5_right"] >= TARGET, result["below"]
    for lang, figure in result["by_language"].items():
        assert figure >= TARGET, (lang, result["below"])
    assert console.errors == []
