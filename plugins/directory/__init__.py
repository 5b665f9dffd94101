"""The directory plugin: pages, open data and sitemap built from content/directory/ (see docs/data-files.md), and
the FHIR directory (docs/open-data.md)."""

from __future__ import annotations

from pelican import signals

from plugins.directory import fhir_output
from plugins.directory.generator import get_generators, install_filters


def register() -> None:
    signals.generator_init.connect(install_filters)
    signals.get_generators.connect(get_generators)
    signals.get_generators.connect(fhir_output.get_generators)  # after the directory's: it reads its records
