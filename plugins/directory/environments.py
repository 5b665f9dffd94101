"""What the theme's templates get: the filters every environment has, and one environment per site language with
the settings and helpers bound to that language (plugins.directory.i18n makes the overlay; templating.py speeds
it up). Compiled templates are kept between builds in the cache folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from markupsafe import Markup
from pelican.generators import Generator

from plugins.directory.i18n import Catalogs, by_language_name, language_environment, language_name, localized
from plugins.directory.rebuild import fingerprint
from plugins.directory.records import compact
from plugins.directory.sitemap import origin
from plugins.directory.views import ESTABLISHMENT_TYPES, hours_by_day, route

# The settings templates read, as globals of the same names.
TEMPLATE_SETTINGS = (
    *("SITEURL", "SITENAME", "SITE_TAGLINE", "ARTICLE_CATEGORIES", "TERRITORY_COUNTRY"),
    "BOOKING_RETENTION_DAYS",  # what the booking widget says of how long details are kept
    *("OPEN_DATA_LICENCE", "OPEN_DATA_CSV_DELIMITER", "TIMEZONE"),
)


def install_filters(generator: Generator) -> None:
    """The theme's filters in every generator's environment (wired by register()): Pelican's own generators
    compile the theme's templates even though the directory plugin renders them, per language."""
    default = str(generator.settings["DEFAULT_LANG"])
    generator.env.filters.update(
        {
            "jsonld": jsonld,
            "lookup": lookup,
            "tr": lambda text: localized(text, default, default),
            "language_name": lambda code: language_name(code, default),
            "by_language_name": lambda codes: by_language_name(codes, default),
        }
    )


def lookup(key: str, mapping: dict[str, Any]) -> Any:
    """``codes | map("lookup", directory.specialties)``: the records the codes name."""
    return mapping[key]


def jsonld(value: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` data block, safe inside HTML."""
    text = compact(value)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S704


def language_globals(settings: Mapping[str, Any], languages: list[str], lang: str) -> dict[str, Any]:
    """Settings and helpers the templates use, bound to one language."""
    siteurl = str(settings.get("SITEURL", ""))
    site_origin = origin(settings)
    default = languages[0]

    def url(kind: str, key: str = "", number: int = 1, lang: str = lang) -> str:
        return f"{siteurl}/{route(kind, lang, key, number)}"

    def departments_jsonld(establishment: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"@type": "MedicalOrganization", "name": localized(dep["name"], lang, default)}
            | ({"telephone": dep["phone"]} if "phone" in dep else {})
            for dep in establishment.get("departments", [])
        ]

    def practices_at(sites: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The establishments a physician's sites are in, as schema.org organizations (their JSON-LD)."""
        return [
            {
                "@type": ESTABLISHMENT_TYPES[e["kind"]],
                "@id": f"{site_origin}/{route('establishment', lang, e['id'])}",
                "name": e["name"],
            }
            for site in sites
            if (e := site.get("establishment_record"))
        ]

    return {
        **{name: settings.get(name) for name in TEMPLATE_SETTINGS},
        "DEFAULT_LANG": default,
        "LANGUAGES": languages,
        "LOCALE": dict(settings.get("OPEN_GRAPH_LOCALES") or {}).get(lang, lang),  # "fr_FR": dates, the scripts' clock
        "url": url,
        "hours_by_day": hours_by_day,
        "departments_jsonld": departments_jsonld,
        "SCHEMA_TYPES": ESTABLISHMENT_TYPES,
        "practices_at": practices_at,
    }


def language_environments(
    base: Environment, settings: Mapping[str, Any], languages: list[str]
) -> dict[str, Environment]:
    """One environment per language, overlaying ``base`` (Pelican's): translations inlined, helpers bound."""
    catalogs = Catalogs(Path(settings["THEME"]) / "translations", languages)
    shortcuts = bool(settings.get("DIRECTORY_TEMPLATE_SHORTCUTS", True))
    envs = {
        lang: language_environment(
            base,
            lang,
            catalogs,
            languages[0],
            language_globals(settings, languages, lang),
            shortcuts=shortcuts,
            locale=dict(settings.get("OPEN_GRAPH_LOCALES") or {}).get(lang),
        )
        for lang in languages
    }
    for lang, env in envs.items():
        # Compiled templates are kept between builds, per language and per version of its messages (the
        # translations are part of the compiled code).
        messages = fingerprint(sorted(catalogs.messages.get(lang, {}).items()))
        folder = Path(settings.get("CACHE_PATH", "cache")) / f"jinja-{lang}-{messages}"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return envs
