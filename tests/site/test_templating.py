"""The template engine's shortcuts (plugins/directory/templating.py) give the same pages as Jinja's own runtime."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from markupsafe import escape as markup_escape
from pelican.settings import read_settings

from plugins.directory.generator import DirectoryGenerator
from plugins.directory.templating import (
    CHECKED,
    DirectContext,
    DirectTemplate,
    direct,
    escape,
    installed_versions,
    shortcuts_apply,
)
from tests.site.sitebuild import ROOT, build, differences


class Html:
    def __html__(self) -> str:
        return "<i>safe</i>"


class Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    ["plain", "<a href=\"x\">'&'</a>", "", Markup("<b>kept</b>"), 42, 1.5, None, True, Html(), Text("<sub>")],
)
def test_escape_gives_what_markupsafe_gives(value: Any) -> None:
    ours = escape(value)
    assert ours == markup_escape(value)
    assert type(ours) is Markup


@pass_context
def page_name(context: Any) -> str:
    return str(context["name"])


TEMPLATE = """\
{%- macro card(p, extra="") -%}<li>{{ p.name }}{{ extra }}{{ caller() if caller }}</li>{%- endmacro -%}
<h1>{{ record.name }} {{ record.missing }}|{{ record.items | default("?") is not none }}</h1>
{%- for key, value in record.items() %}[{{ key }}={{ value }}]{% endfor %}
{%- for p in people %}{{ card(p, extra=loop.index) }}{% call card(p) %}!{% endcall %}{% endfor %}
{{ helper(record.name) }} {{ page_name() }} {{ "<script>" }} {{ safe }} {{ number }}
{%- set ns = namespace(total=0) %}{% for p in people %}{% set ns.total = ns.total + p.age %}{% endfor %} {{ ns.total }}
{{ obj.attribute }} {{ {"get": "a key named like a method"}.get("get") }}"""


class Thing:
    attribute = "from an object"


def render(env: Environment) -> str:
    env.globals.update({"helper": lambda text: f"<{text}>", "page_name": page_name})
    values = {
        "record": {"name": "Dr <Ana>", "items": "not the method", "id": 7},
        "people": [{"name": "A&B", "age": 40}, {"name": "C", "age": 2}],
        "name": "the page",
        "safe": Markup("<em>ok</em>"),
        "number": 3,
        "obj": Thing(),
    }
    return env.from_string(TEMPLATE).render(values)


def test_direct_environment_renders_what_jinja_renders() -> None:
    expected = render(Environment(autoescape=True))
    assert "Dr &lt;Ana&gt;" in expected and "A&amp;B!" in expected  # the template really exercises escaping
    assert render(direct(Environment(autoescape=True))) == expected


def test_direct_environment_renders_what_jinja_renders_with_the_checked_versions() -> None:
    env = direct(Environment(autoescape=True), CHECKED)
    assert env.template_class is DirectTemplate and env.context_class is DirectContext
    assert render(env) == render(Environment(autoescape=True))


def test_the_shortcuts_were_checked_against_the_pinned_and_installed_versions() -> None:
    """Raising a pin turns the shortcuts off until someone reads Jinja's and MarkupSafe's internals again and
    updates CHECKED: this test says so before the slower builds do."""
    requirements = (ROOT / "requirements" / "dev.txt").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^(Jinja2|MarkupSafe)==(\S+)$", requirements, re.MULTILINE))
    assert pins == CHECKED
    assert installed_versions() == CHECKED


def test_other_versions_leave_jinja_s_own_runtime_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    shortcuts_apply.cache_clear()
    newer = {**CHECKED, "Jinja2": "3.2.0"}
    with caplog.at_level(logging.WARNING, logger="plugins.directory.templating"):
        envs = [direct(Environment(autoescape=True), newer) for _ in range(3)]  # e.g. one per site language
    shortcuts_apply.cache_clear()
    for env in envs:
        assert env.template_class is Template and env.context_class is Context
        assert not {"getattr", "make_globals"} & set(vars(env))  # Jinja's own methods, not ours
        assert render(env) == render(Environment(autoescape=True))
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Jinja2 3.2.0" in warnings[0] and "Jinja2 3.1.6" in warnings[0]


@pytest.mark.parametrize("shortcuts", [True, False])
def test_the_setting_decides_the_language_environments_runtime(tmp_path: Path, shortcuts: bool) -> None:
    override = {"DIRECTORY_TEMPLATE_SHORTCUTS": shortcuts, "CACHE_PATH": str(tmp_path / "cache")}
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=override)
    generator = DirectoryGenerator(
        context={}, settings=settings, path=str(ROOT / "content"), theme=settings["THEME"], output_path=str(tmp_path)
    )
    assert {env.template_class for env in generator.envs.values()} == {DirectTemplate if shortcuts else Template}


def test_the_site_built_on_jinja_s_own_runtime_is_the_same_byte_for_byte(site: Path, tmp_path: Path) -> None:
    """Every template the site uses, in every language, rendered both ways: the shortcuts change no byte."""
    assert shortcuts_apply(tuple(sorted(installed_versions().items())))  # the session's build used them
    output = tmp_path / "output"
    result = build(output, settings=["DIRECTORY_TEMPLATE_SHORTCUTS=false"])
    assert result.returncode == 0, result.stderr
    assert len(list(output.rglob("*.html"))) > 800
    assert differences(site, output) == []
