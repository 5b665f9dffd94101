"""The directory plugin: pages, open data, sitemap (docs/data-files.md) and the FHIR directory (docs/open-data.md)
built from content/directory/.

The generator (``generator.py``) wires the plugin's modules; its docstring lists what each one does.
"""

from __future__ import annotations

from pelican import signals

from plugins.directory import fhir_output
from plugins.directory.environments import install_filters
from plugins.directory.generator import get_generators


def register() -> None:
    signals.generator_init.connect(install_filters)
    signals.get_generators.connect(get_generators)
    signals.get_generators.connect(fhir_output.get_generators)  # after the directory's: it reads its records
