"""The open data's data dictionary: every field of the JSON files, read from the published JSON Schemas, and every
column of the CSV files, from the CSV writer's column lists (plugins.directory.opendata), each with what it means
in every site language. The dictionary page (``/<lang>/open-data/dictionary/``) and ``open-data/datapackage.json``
are made from here, so they cannot drift from the files: a field or column without a meaning stops the build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plugins.directory.dictionary_texts import COLUMN_SOURCES, MEANINGS
from plugins.directory.model import DataError
from plugins.directory.opendata import ESTABLISHMENT_COLUMNS, PRACTITIONER_COLUMNS

KINDS = {"practitioner": PRACTITIONER_COLUMNS, "establishment": ESTABLISHMENT_COLUMNS}
FILES = {"practitioner": "practitioners", "establishment": "establishments"}
ROWS = {"practitioner": "sites[]"}  # the CSV has a row per professional and site
TEXT = "practitioner.schema.json#/$defs/text"  # a text per language: a field of its own, not an object's fields


@dataclass(frozen=True)
class Field:
    """One field of a JSON file, or one column of a CSV file."""

    name: str  # "sites[].hours[].days", or the CSV column "site_id"
    type: str  # string, number, integer, boolean, text (per language), list, object
    required: bool
    values: tuple[str, ...]  # the values it may take, when the schema lists them
    meaning: Mapping[str, str]  # per language

    def described(self, lang: str, default: str) -> str:
        return self.meaning.get(lang) or self.meaning.get(default, "")


class SchemaFiles:
    """The published JSON Schemas by ``$id``, and how to follow a ``$ref`` between them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.documents: dict[str, Any] = {}
        for path in sorted(folder.glob("*.schema.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            self.documents[document["$id"]] = document

    def resolve(self, node: Mapping[str, Any], base: str) -> tuple[Mapping[str, Any], str, str]:
        """The node a ``$ref`` points at (followed to the end), the document it is in, and the last reference."""
        ref = ""
        while "$ref" in node:
            target, _, pointer = str(node["$ref"]).partition("#")
            ref = f"{target or base}#{pointer}"
            base = target or base
            found: Any = self.documents[base]
            for part in filter(None, pointer.split("/")):
                found = found[part]
            node = {**found, **{k: v for k, v in node.items() if k != "$ref"}}
        return node, base, ref

    def fields(self, kind: str) -> Iterator[Field]:
        """Every field of a ``kind`` file, depth first, as the file nests them (``$schema`` left out: the open
        data drops it)."""
        document = self.documents[f"{kind}.schema.json"]
        yield from self._walk(document, document["$id"], "", set(document.get("required", [])), kind)

    def _walk(self, node: Mapping[str, Any], base: str, prefix: str, required: set[str], kind: str) -> Iterator[Field]:
        for name, declared in node.get("properties", {}).items():
            if name == "$schema":
                continue
            path = f"{prefix}{name}"
            child, child_base, ref = self.resolve(declared, base)
            meaning = MEANINGS[kind].get(path, {})
            if ref == TEXT:
                yield Field(path, "text", name in required, (), meaning)
            elif child.get("type") == "object" and "properties" in child:
                yield Field(path, "object", name in required, (), meaning)
                yield from self._walk(child, child_base, f"{path}.", set(child.get("required", [])), kind)
            elif child.get("type") == "array":
                items, items_base, _ = self.resolve(child.get("items", {}), child_base)
                if items.get("type") == "object":
                    yield Field(f"{path}[]", "list", name in required, (), MEANINGS[kind].get(f"{path}[]", {}))
                    yield from self._walk(items, items_base, f"{path}[].", set(items.get("required", [])), kind)
                else:
                    yield Field(path, "list", name in required, tuple(items.get("enum", ())), meaning)
            else:
                kind_of = "string" if "enum" in child else str(child.get("type", "string"))
                yield Field(path, kind_of, name in required, tuple(child.get("enum", ())), meaning)


def csv_fields(schemas: SchemaFiles, kind: str) -> list[Field]:
    """The columns of the ``kind`` CSV file, in order: each takes its type and values from the field it comes
    from (``COLUMN_SOURCES``, else the field of the same name) and has a meaning of its own when it needs one."""
    by_name = {f.name: f for f in schemas.fields(kind)}
    columns = []
    for column in KINDS[kind]:
        path = COLUMN_SOURCES[kind].get(column, column)
        source = by_name.get(path)
        meaning = MEANINGS[kind].get(f"csv:{column}") or (source.meaning if source else {})
        # a column is always filled when its field and every field holding it are required; it holds a list when
        # its field is in a list other than the one its file has a row for each item of (a professional's sites)
        parts = path.split(".")
        holders = [".".join(parts[:i]) for i in range(1, len(parts))]
        required = bool(source and source.required) and all(by_name[h].required for h in holders if h in by_name)
        kind_of = source.type if source else "string"
        if any(h.endswith("[]") and h != ROWS.get(kind) for h in holders):
            kind_of = "list"
        values = source.values if source else ()
        columns.append(Field(column, "string" if kind_of == "text" else kind_of, required, values, meaning))
    return columns


def missing_meanings(schemas: SchemaFiles, languages: list[str]) -> list[DataError]:
    """Every field and column without a meaning in each site language (the dictionary would show a blank)."""
    where = "plugins/directory/dictionary_texts.py"
    errors = []
    for kind in KINDS:
        for field in [*schemas.fields(kind), *csv_fields(schemas, kind)]:
            for lang in languages:
                if not field.meaning.get(lang):
                    errors.append(DataError(where, 1, f"{kind}: {field.name}", f"has no meaning in {lang!r}"))
    return errors
