"""The open data as people reuse it: CSV files a spreadsheet opens with their accents and columns, under a stated
licence, with a data dictionary and a change log."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pelican.settings import read_settings

from plugins.directory.model import load_directory
from plugins.directory.opendata import ESTABLISHMENT_COLUMNS, PRACTITIONER_COLUMNS
from scripts.import_csv import import_csv
from tests.site.conftest import Element, Page
from tests.site.sitebuild import ROOT

BOM = b"\xef\xbb\xbf"


def test_the_csv_files_open_in_a_spreadsheet_with_their_accents_and_columns(site: Path) -> None:
    """What Excel, LibreOffice and Google Sheets go by: a byte order mark says UTF-8 (without it Excel reads the
    system's code page: "Ã©" for "é"), and the region's list separator (a semicolon) splits the columns."""
    for name, columns in (("practitioners.csv", PRACTITIONER_COLUMNS), ("establishments.csv", ESTABLISHMENT_COLUMNS)):
        data = (site / "open-data" / name).read_bytes()
        assert data.startswith(BOM), name
        text = data[len(BOM) :].decode("utf-8")
        assert text.splitlines()[0] == ";".join(columns)
        rows = list(csv.reader(text.splitlines(), delimiter=";"))
        assert {len(row) for row in rows} == {len(columns)}, name
        assert any("é" in cell for row in rows for cell in row), name


def test_the_open_data_csv_imports_back_as_the_data_files(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "directory"
    shutil.copytree(ROOT / "content" / "directory", folder)
    before = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (folder / "practitioners").glob("*.json")}
    written = import_csv(site / "open-data" / "practitioners.csv", folder)
    assert len(written) == len(before)
    after = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (folder / "practitioners").glob("*.json")}
    assert after == before
    assert len(load_directory(folder).practitioners) == len(before)


def test_the_licence_is_on_the_open_data_pages_and_in_the_files_metadata(site: Path, pages: dict[str, Page]) -> None:
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    licence = settings["OPEN_DATA_LICENCE"]
    for lang in ("fr", "en"):
        for url in (f"/{lang}/open-data/", f"/{lang}/open-data/dictionary/"):
            section = pages[url].one("section", class_="licence")
            text = " ".join(section.text.split())
            assert licence["title"][lang] in text and licence["path"] in text, url
            assert any(a.attrs.get("href") == f"/{lang}/open-data/dictionary/" for a in pages[url].find("a")), url
    package = json.loads((site / "open-data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [{"name": "etalab-2.0", "path": licence["path"], "title": licence["title"]["fr"]}]
    changes = json.loads((site / "open-data" / "changes.json").read_text(encoding="utf-8"))
    assert changes["licence"]["name"] == "etalab-2.0"


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every field path of a record as the dictionary names them (``sites[].hours[].days``)."""
    found = set()
    for key, child in value.items():
        path = prefix + key
        if child == []:  # a list of records or of values: the records' fields are checked where there are some
            continue
        if isinstance(child, list) and isinstance(child[0], dict):
            found.add(path + "[]")
            for item in child:
                found |= paths(item, path + "[].")
        elif isinstance(child, dict) and not all(len(k) == 2 for k in child):  # not a text per language
            found.add(path)
            found |= paths(child, path + ".")
        else:
            found.add(path)
    return found


def test_the_dictionary_names_every_column_and_every_field_the_files_have(site: Path, pages: dict[str, Page]) -> None:
    for lang in ("fr", "en"):
        page = pages[f"/{lang}/open-data/dictionary/"]
        for name, columns in (("practitioners", PRACTITIONER_COLUMNS), ("establishments", ESTABLISHMENT_COLUMNS)):
            section = page.one("section", aria_labelledby=f"file-{name}")
            lists = [e for e in section.children if e.tag == "dl"]
            csv_names = [dt.text.strip() for dt in descendants(lists[0], "dt")]
            assert csv_names == columns
            described = {dt.text.strip() for dt in descendants(lists[1], "dt")}
            records = json.loads((site / "open-data" / f"{name}.json").read_text(encoding="utf-8"))
            used = set().union(*(paths(r) for r in records))
            assert used <= described, used - described
            for dd in descendants(section, "dd"):
                assert dd.text.strip(), f"{lang} {name}: a blank meaning"
    package = json.loads((site / "open-data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in (r for r in package["resources"] if r["format"] == "csv"):
        header = (site / "open-data" / resource["path"]).read_text(encoding="utf-8-sig").splitlines()[0]
        assert header.split(resource["dialect"]["delimiter"]) == [f["name"] for f in resource["schema"]["fields"]]
        assert all(f["description"] for f in resource["schema"]["fields"])
    schema = json.loads((site / "open-data" / "schema" / "practitioner.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "practitioner.schema.json"


def descendants(element: Element, tag: str) -> list[Element]:
    found = []
    for child in element.children:
        if child.tag == tag:
            found.append(child)
        found += descendants(child, tag)
    return found


def test_a_field_without_a_meaning_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    from plugins.directory import dictionary

    schemas = dictionary.SchemaFiles(ROOT / "content" / "directory" / "schema")
    assert dictionary.missing_meanings(schemas, ["fr", "en"]) == []
    meanings = {kind: dict(texts) for kind, texts in dictionary.MEANINGS.items()}
    del meanings["practitioner"]["sites[].hours[].reasons"]
    meanings["establishment"]["emergency"] = {"fr": "Urgences 24 h/24."}
    monkeypatch.setattr(dictionary, "MEANINGS", meanings)
    found = {(e.field, e.message) for e in dictionary.missing_meanings(schemas, ["fr", "en"])}
    assert found == {
        ("practitioner: sites[].hours[].reasons", "has no meaning in 'fr'"),
        ("practitioner: sites[].hours[].reasons", "has no meaning in 'en'"),
        ("establishment: emergency", "has no meaning in 'en'"),
    }
