"""The theme's components (theme/templates/components/<name>/): their macros, documented parameters and examples."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, nodes
from pelican.settings import read_settings

from plugins import typography
from plugins.directory.generator import DirectoryGenerator
from tests.site.sitebuild import ROOT

COMPONENTS = ROOT / "theme" / "templates" / "components"


@dataclass
class Component:
    name: str
    folder: Path
    macro: str
    parameters: list[str]
    examples: dict[str, dict[str, Any]]

    def render(self, env: Environment, example: str) -> str:
        source = f'{{% from "components/{self.name}/{self.name}.html" import {self.macro} %}}'
        template = env.from_string(source + f"{{{{ {self.macro}(**params) }}}}")
        return template.render(params=self.examples[example])


def incomplete() -> list[str]:
    """Component folders that lack their macro, README or examples."""
    needed = ("{}.html", "README.md", "examples.json")
    return [
        folder.name
        for folder in sorted(p for p in COMPONENTS.iterdir() if p.is_dir())
        if not all((folder / name.format(folder.name)).is_file() for name in needed)
    ]


def components() -> list[Component]:
    """Every complete component folder (the incomplete ones are reported by their own test)."""
    found = []
    skip = set(incomplete())
    for folder in sorted(p for p in COMPONENTS.iterdir() if p.is_dir() and p.name not in skip):
        source = (folder / f"{folder.name}.html").read_text(encoding="utf-8")
        macros = list(Environment().parse(source).find_all(nodes.Macro))
        macro = next(m for m in macros if m.name == folder.name.replace("-", "_"))
        examples = json.loads((folder / "examples.json").read_text(encoding="utf-8"))
        found.append(Component(folder.name, folder, macro.name, [a.name for a in macro.args], examples))
    return found


def environments(output: Path) -> dict[str, Environment]:
    """The per-language template environments of the site build (same globals, filters and translations)."""
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    typography.register()  # its template filter, as the site build has it (Pelican registers plugins there)
    generator = DirectoryGenerator(
        context={}, settings=settings, path=str(ROOT / "content"), theme=settings["THEME"], output_path=str(output)
    )
    return generator.envs
