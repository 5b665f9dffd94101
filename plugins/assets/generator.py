"""The theme's assets in the build: the template helpers (``asset``, ``module_script``, ``ORIGIN``) and the generator
that writes the hashed files, the icons browsers ask for at fixed addresses and a web app manifest per language.

Pelican's own copy of theme/static/ is switched off (``THEME_STATIC_PATHS = []`` in pelicanconf.py): every file
the theme serves goes through here, under ``theme/`` of the site, with its content hash in its name.
"""

from __future__ import annotations

import json
import logging
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from pelican.generators import Generator

from plugins.assets.minifier import MinifyError
from plugins.assets.pipeline import Asset, AssetError, build_assets, module_closure

logger = logging.getLogger(__name__)

CONTEXT_KEY = "theme_assets"  # the directory plugin reads ``digest`` there into its pages' fingerprint
PREFIX = "theme"  # the site folder of the theme's files
# Addresses browsers and other clients ask for whatever a page says: short-lived, never renamed.
ROOT_FILES = {"images/favicon.ico": "favicon.ico", "images/apple-touch-icon.png": "apple-touch-icon.png"}
MANIFEST_ICONS = {"images/icon-192.png": "192x192", "images/icon-512.png": "512x512"}
THEME_COLOR, BACKGROUND_COLOR = "#0b5f66", "#f7f4ee"  # site.css's --sea and --sand


class Assets:
    """The theme's files as the site serves them, built once per build (on first use)."""

    def __init__(self, static: Path, siteurl: str) -> None:
        self.static = static
        self.siteurl = siteurl

    @cached_property
    def files(self) -> dict[str, Asset]:
        try:
            return build_assets(self.static, PREFIX)
        except MinifyError as err:
            raise AssetError(f"theme/static/: files the minifier could not read:\n{err}") from None

    def get(self, name: str) -> Asset:
        try:
            return self.files[name]
        except KeyError:
            raise AssetError(f"theme/static/{name} does not exist (a template links it)") from None

    def url(self, name: str) -> str:
        """``asset("css/site.css")`` in a template: the file's URL under its hashed name."""
        return f"{self.siteurl}/{self.get(name).path}"

    def module_script(self, *names: str) -> Markup:
        """``module_script("js/booking.js")``: the module's ``<script>``, after a ``modulepreload`` of every module
        it imports, directly or not (the browser then fetches them at once instead of one level at a time). Several
        modules of one page go in one call, so that the modules they share are preloaded once."""
        preloaded: list[str] = []
        for name in names:
            self.get(name)
            preloaded += [m for m in module_closure(self.files, name) if m not in preloaded and m not in names]
        preloads = [f'<link rel="modulepreload" href="{escape(self.url(m))}">' for m in preloaded]
        scripts = [f'<script type="module" src="{escape(self.url(name))}"></script>' for name in names]
        return Markup("\n  ".join([*preloads, *scripts]))  # noqa: S704

    @property
    def digest(self) -> str:
        """Changes whenever a served name changes (and so the pages that link it): part of the fingerprint every
        directory page has (plugins/directory/rebuild.py), so those pages are rendered again."""
        return " ".join(f"{name}={asset.path}" for name, asset in self.files.items())


def origin(settings: dict[str, Any]) -> str:
    """The site's absolute origin: SITEURL when it is absolute (publishing), else SITE_ORIGIN (development)."""
    siteurl = str(settings.get("SITEURL", ""))
    return siteurl if siteurl.startswith("http") else str(settings.get("SITE_ORIGIN", "")).rstrip("/")


def install_helpers(generator: Generator) -> None:
    """The template helpers in each generator's environment (wired by register()); one ``Assets`` for the build,
    shared through the generators' common context."""
    assets = generator.context.get(CONTEXT_KEY)
    if not isinstance(assets, Assets):
        static = Path(generator.settings["THEME"]) / "static"
        assets = generator.context[CONTEXT_KEY] = Assets(static, str(generator.settings.get("SITEURL", "")))
    site_origin = origin(generator.settings)
    generator.env.globals.update(
        {
            "asset": assets.url,
            "module_script": assets.module_script,
            "ORIGIN": site_origin,
            "OG_LOCALES": dict(generator.settings.get("OPEN_GRAPH_LOCALES", {})),
        }
    )
    generator.env.filters["absolute"] = lambda url: (
        url if url.startswith(("http://", "https://")) else site_origin + url
    )


class AssetsGenerator(Generator):  # type: ignore[misc]
    """Builds the assets before any page is rendered, writes them with the icons and manifests."""

    @property
    def assets(self) -> Assets:
        assets: Assets = self.context[CONTEXT_KEY]
        return assets

    def generate_context(self) -> None:
        self.assets.files  # noqa: B018 - built now: before pages are rendered, in this process, before any fork

    def generate_output(self, writer: Any) -> None:
        output = Path(self.output_path)
        folder = output / PREFIX
        wanted = {asset.path for asset in self.assets.files.values()}
        if folder.is_dir():  # the folder is ours alone: older versions of the files go
            for old in [p for p in folder.rglob("*") if p.is_file()]:
                if old.relative_to(output).as_posix() not in wanted:
                    old.unlink()
        for asset in self.assets.files.values():
            target = output / asset.path
            if not target.exists():  # a hashed name: same name, same bytes
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(asset.data)
        for name, path in ROOT_FILES.items():
            (output / path).write_bytes(self.assets.get(name).data)
        for lang in self.settings.get("LANGUAGES", [self.settings["DEFAULT_LANG"]]):
            target = output / lang / "manifest.webmanifest"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(self.manifest(lang), ensure_ascii=False, indent=1), encoding="utf-8")
        logger.info("Theme assets: %d files under %s/", len(wanted), PREFIX)

    def manifest(self, lang: str) -> dict[str, Any]:
        """The web app manifest of one language: the site's name, its tagline, its home page and icons."""
        siteurl = str(self.settings.get("SITEURL", ""))
        tagline = self.settings.get("SITE_TAGLINE", {})
        default = self.settings["DEFAULT_LANG"]
        icons = [
            {"src": self.assets.url(name), "sizes": sizes, "type": "image/png"}
            for name, sizes in MANIFEST_ICONS.items()
        ]
        icons.append({"src": self.assets.url("images/favicon.svg"), "sizes": "any", "type": "image/svg+xml"})
        return {
            "id": f"{siteurl}/{lang}/",
            "name": self.settings["SITENAME"],
            "short_name": self.settings["SITENAME"],
            "description": tagline.get(lang, tagline.get(default, "")) if isinstance(tagline, dict) else tagline,
            "lang": lang,
            "dir": "ltr",
            "start_url": f"{siteurl}/{lang}/",
            "scope": f"{siteurl}/",
            "display": "minimal-ui",
            "theme_color": THEME_COLOR,
            "background_color": BACKGROUND_COLOR,
            "icons": icons,
        }
