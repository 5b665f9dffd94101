"""Every component is a folder with its macro, a README documenting each parameter, and examples that render in
every language without inline script or style. (The accessibility of each example is checked in real Chromium by
tests/e2e/test_site_components.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment

from tests.theme.components import COMPONENTS, Component, components, environments, incomplete

ALL = components()


@pytest.fixture(scope="module")
def envs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Environment]:
    return environments(tmp_path_factory.mktemp("out"))


def test_the_theme_has_its_components_each_with_macro_readme_and_examples() -> None:
    names = {c.name for c in ALL}
    assert {"site-header", "site-footer", "search-form", "practitioner-card", "booking-area"} <= names
    assert incomplete() == [], "each component folder needs <name>.html, README.md and examples.json"


@pytest.mark.parametrize("component", ALL, ids=lambda c: c.name)
def test_readme_documents_every_parameter(component: Component) -> None:
    readme = (component.folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {component.name}\n")
    documented = set(re.findall(r"^\| `(\w+)` \|", readme, flags=re.MULTILINE))
    assert documented == set(component.parameters)
    assert component.examples, "at least one named example"


@pytest.mark.parametrize("component", ALL, ids=lambda c: c.name)
def test_examples_render_in_every_language_without_inline_code(
    component: Component, envs: dict[str, Environment]
) -> None:
    for lang, env in envs.items():
        for example in component.examples:
            html = component.render(env, example)
            if example != "single page":  # the one example that must render nothing
                assert html.strip(), f"{component.name}/{example} ({lang}) is empty"
            assert not re.search(r"<script(?![^>]*src=)|\sstyle=|<style|\son\w+=", html), html
    french = component.render(envs["fr"], next(iter(component.examples)))
    english = component.render(envs["en"], next(iter(component.examples)))
    assert french != english, f"{component.name} is not translated"


def test_the_french_catalog_translates_every_message(tmp_path: Path) -> None:
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    messages = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(COMPONENTS.parent), method_map=[("**.html", "jinja2")], options_map={"**.html": {}}
        )
    }
    with (COMPONENTS.parents[1] / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string}
    assert messages - translated == set()
