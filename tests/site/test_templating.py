"""The template engine's shortcuts (plugins/directory/templating.py) give the same pages as Jinja's own runtime."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2 import Environment, pass_context
from markupsafe import Markup
from markupsafe import escape as markup_escape

from plugins.directory.templating import direct, escape


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
