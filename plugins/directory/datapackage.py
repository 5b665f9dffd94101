"""``open-data/datapackage.json``: what the open data files are, under which licence, and every column of the CSV
files with its type and meaning, as a Frictionless Data Package (v1; https://specs.frictionlessdata.io/), which
data portals and the ``frictionless`` tools read; and the published JSON Schemas of the JSON files, copied beside
them under ``open-data/schema/``. Made from the data dictionary (plugins.directory.dictionary), like its page.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from plugins.directory.dictionary import FILES, KINDS, Field, SchemaFiles, csv_fields
from plugins.directory.i18n import localized

CHANGES = "changes.json"  # plugins.directory.changelog writes it
TITLES = {
    "practitioner": {
        "fr": "Professionnels de santé",
        "en": "Health professionals",
        "it": "Professionisti sanitari",
        "es": "Profesionales sanitarios",
        "ru": "Медицинские специалисты",
    },
    "establishment": {
        "fr": "Établissements de santé",
        "en": "Health establishments",
        "it": "Strutture sanitarie",
        "es": "Centros sanitarios",
        "ru": "Медицинские учреждения",
    },
}


def licence_of(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The ``OPEN_DATA_LICENCE`` setting (pelicanconf.py states the default)."""
    return dict(settings["OPEN_DATA_LICENCE"])


def table_field(field: Field, lang: str, default: str) -> dict[str, Any]:
    """A CSV column as a Table Schema field: lists are text with ``|`` between items, booleans ``yes``/``no``."""
    out: dict[str, Any] = {"name": field.name, "type": "string", "description": field.described(lang, default)}
    if field.type in ("number", "integer"):
        out["type"] = field.type
    elif field.type == "boolean":
        out |= {"type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
    constraints: dict[str, Any] = {"required": True} if field.required else {}
    if field.values and field.type != "list":
        constraints["enum"] = list(field.values)
    return out | ({"constraints": constraints} if constraints else {})


def descriptor(settings: Mapping[str, Any], schemas: SchemaFiles, site_origin: str, delimiter: str) -> dict[str, Any]:
    """The Data Package descriptor of ``open-data/``: texts in the site's default language, as the FHIR directory."""
    lang = str(settings["DEFAULT_LANG"])
    licence = licence_of(settings)
    resources: list[dict[str, Any]] = []
    for kind in KINDS:
        name, title = FILES[kind], localized(TITLES[kind], lang, lang)
        resources.append(
            {
                "name": f"{name}-csv",
                "title": title,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": delimiter, "header": True, "lineTerminator": "\n"},
                "schema": {"fields": [table_field(f, lang, lang) for f in csv_fields(schemas, kind)]},
            }
        )
        resources.append(
            {
                "name": f"{name}-json",
                "title": title,
                "path": f"{name}.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "schema": f"schema/{kind}.schema.json",
            }
        )
    resources.append({"name": "changes", "path": CHANGES, "format": "json", "mediatype": "application/json"})
    return {
        "name": "health-directory",
        "title": f"{settings['SITENAME']}",
        "description": localized(settings.get("SITE_TAGLINE"), lang, lang),
        "homepage": f"{site_origin}/{lang}/open-data/",
        "licenses": [
            {"name": licence["name"], "path": licence["path"], "title": localized(licence["title"], lang, lang)}
        ],
        "resources": resources,
    }


def write_descriptor(output: Path, settings: Mapping[str, Any], schemas: SchemaFiles, site_origin: str) -> None:
    """``open-data/datapackage.json`` and ``open-data/schema/`` (rewritten only when they differ)."""
    folder = output / "open-data"
    delimiter = str(settings.get("OPEN_DATA_CSV_DELIMITER") or ";")
    text = json.dumps(descriptor(settings, schemas, site_origin, delimiter), ensure_ascii=False, indent=1) + "\n"
    write_if_changed(folder / "datapackage.json", text.encode())
    for kind in KINDS:
        source = schemas.folder / f"{kind}.schema.json"
        write_if_changed(folder / "schema" / source.name, source.read_bytes())


def write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` unless the file already holds it (a rebuild leaves an unchanged file as it is)."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(data)
    shutil.move(temporary, path)
