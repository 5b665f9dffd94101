"""Each named example of each theme component, on a page of its own with the site's stylesheet: axe-core finds no
violation in real Chromium (the house rule: an accessibility check of each example)."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_site_accessibility import describe
from tests.theme.components import components, environments

LANDMARKS = {"site-header", "site-footer"}  # landmarks of their own: not inside <main>
LIST_ITEMS = {"article-card": "article-cards", "practitioner-card": "cards"}  # <li>: inside their list (README)
EXAMPLES = [(c, name) for c in components() for name in c.examples if name != "single page"]


@pytest.fixture(scope="module")
def gallery(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One page per (component, example, language) under /_components/ of the served site; url by key."""
    envs = environments(tmp_path_factory.mktemp("components"))
    home = (built_site / "fr" / "index.html").read_text(encoding="utf-8")
    stylesheet = re.search(r'<link rel="stylesheet" href="(/theme/css/site\.[0-9a-f]+\.css)">', home)
    icon = re.search(r'<link rel="icon" href="(/theme/images/favicon\.[0-9a-f]+\.svg)"', home)
    assert stylesheet and icon, "the site's stylesheet and icon, under their hashed names"
    folder = built_site / "_components"
    folder.mkdir(exist_ok=True)
    urls = {}
    for number, (component, example) in enumerate(EXAMPLES):
        for lang, env in envs.items():
            html = component.render(env, example)
            if component.name in LIST_ITEMS:
                html = f'<ul class="{LIST_ITEMS[component.name]}">{html}</ul>'
            body = (
                html
                if component.name in LANDMARKS
                else f"<main><h1>{component.name}</h1><h2>{escape(example)}</h2>{html}</main>"
            )
            page = (
                f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{component.name}: {escape(example)}</title>"
                f'<link rel="stylesheet" href="{stylesheet.group(1)}">'
                f'<link rel="icon" href="{icon.group(1)}"></head>'
                f"<body>{body}</body></html>"
            )
            (folder / f"{number}-{lang}.html").write_text(page, encoding="utf-8")
            urls[f"{component.name}/{example}/{lang}"] = f"/_components/{number}-{lang}.html"
    return urls


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_component_example_passes_axe(
    site_url: str, gallery: dict[str, str], browser_page: tuple[Any, Any], lang: str
) -> None:
    page, console = browser_page
    axe = Axe()
    failures = {}
    for key, path in gallery.items():
        if not key.endswith(f"/{lang}"):
            continue
        page.goto(site_url + path)
        # a component alone is not a whole page: page-level rules (one <main>, an <h1>, every text in a
        # landmark) are checked on the real pages by test_site_accessibility.py
        options = {
            "rules": {
                "region": {"enabled": False},
                "landmark-one-main": {"enabled": False},
                "page-has-heading-one": {"enabled": False},
            }
        }
        violations = axe.run(page, options=options).response["violations"]
        if violations:
            failures[key] = describe(violations)
    assert failures == {}
    assert console.errors == []
