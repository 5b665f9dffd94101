"""The directory plugin: pages, open data and sitemap built from content/directory/ (see docs/data-files.md).

The generator (``generator.py``) wires the plugin's modules; its docstring lists what each one does.
"""

from __future__ import annotations

from pelican import signals

from plugins.directory.environments import install_filters
from plugins.directory.generator import get_generators


def register() -> None:
    signals.generator_init.connect(install_filters)
    signals.get_generators.connect(get_generators)
