"""Theme assets: the stylesheets, scripts and images of theme/static/, minified and named by their content hash,
the site's icons and web app manifests, and the template helpers that link them (docs/operations.md#caching)."""

from __future__ import annotations

from typing import Any

from pelican import signals

from plugins.assets.generator import AssetsGenerator, install_helpers


def get_generators(pelican: Any) -> type[AssetsGenerator]:
    return AssetsGenerator


def register() -> None:
    signals.generator_init.connect(install_helpers)
    signals.get_generators.connect(get_generators)
