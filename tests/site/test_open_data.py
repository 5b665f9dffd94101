"""The open data as people reuse it: CSV files a spreadsheet opens with their accents and columns, under a stated
licence, with a data dictionary and a change log."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from plugins.directory.model import load_directory
from plugins.directory.opendata import ESTABLISHMENT_COLUMNS, PRACTITIONER_COLUMNS
from scripts.import_csv import import_csv
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
