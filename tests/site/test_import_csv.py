"""scripts/import_csv.py: an operator's spreadsheet becomes valid data files, or nothing is written."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plugins.directory.model import DataFilesError, load_directory
from plugins.directory.opendata import PRACTITIONER_COLUMNS
from scripts.import_csv import import_csv
from tests.site.sitebuild import ROOT

SOURCE = ROOT / "content" / "directory"


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    folder = tmp_path / "directory"
    shutil.copytree(SOURCE, folder)
    return folder


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*PRACTITIONER_COLUMNS, "hours"])
        writer.writeheader()
        writer.writerows(rows)
    return path


NEW = {
    "id": "pr-900001", "civility": "ms", "given_name": "Ada", "family_name": "Testini", "profession": "nurse",
    "specialties": "home-nursing", "languages": "fr|it", "phone": "+377 93 50 00 01",
    "accepting_new_patients": "yes", "teleconsultation": "no", "online_booking": "no", "convention": "agreed",
    "consultation_eur": "30", "payment_methods": "card|cash", "site_id": "main", "site_name": "Cabinet infirmier",
    "address": "3 rue Grimaldi", "postal_code": "98000", "city": "Monaco", "place": "la-condamine",
    "latitude": "43.7365", "longitude": "7.4197", "accessibility": "lift", "biography_fr": "Soins à domicile.",
    "hours": "mon-fri 08:00-12:00; sat 09:00-11:00",
}  # fmt: skip


def test_new_and_updated_professionals_are_written_and_valid(directory: Path, tmp_path: Path) -> None:
    existing = json.loads((SOURCE / "practitioners" / "pr-000001.json").read_text(encoding="utf-8"))
    update = {"id": "pr-000001", "phone": "+377 93 00 00 00", "site_id": "main", "languages": "fr|en"}
    sheet = write_csv(tmp_path / "sheet.csv", [NEW, update])
    assert import_csv(sheet, directory) == ["pr-000001", "pr-900001"]
    loaded = {p["id"]: p for p in load_directory(directory).practitioners}
    ada = loaded["pr-900001"]
    assert ada["family_name"] == "Testini" and ada["languages"] == ["fr", "it"] and not ada["online_booking"]
    assert ada["sites"][0]["hours"][0] == {
        "days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "12:00", "reasons": ["consultation"]
    }  # fmt: skip
    assert ada["fees"] == {"convention": "agreed", "consultation_eur": 30}
    updated = loaded["pr-000001"]
    assert updated["phone"] == "+377 93 00 00 00" and updated["languages"] == ["fr", "en"]
    assert updated["visit_reasons"] == existing["visit_reasons"]  # what the sheet does not have is kept
    assert updated["sites"][0]["hours"] == existing["sites"][0]["hours"]


def test_the_open_data_csv_imports_back_unchanged(directory: Path, tmp_path: Path) -> None:
    from plugins.directory.opendata import practitioner_rows

    source = load_directory(SOURCE)
    rows = [
        dict(zip(PRACTITIONER_COLUMNS, map(str, row), strict=True))
        for p in source.practitioners[:25]
        for row in practitioner_rows(p)
    ]
    sheet = write_csv(tmp_path / "export.csv", rows)
    ids = import_csv(sheet, directory)
    for pid in ids:
        before = json.loads((SOURCE / "practitioners" / f"{pid}.json").read_text(encoding="utf-8"))
        after = json.loads((directory / "practitioners" / f"{pid}.json").read_text(encoding="utf-8"))
        assert after == before


def test_errors_name_the_csv_line_and_column_and_nothing_is_written(directory: Path, tmp_path: Path) -> None:
    bad_place = {**NEW, "id": "pr-900002", "place": "atlantis"}
    bad_flag = {**NEW, "id": "pr-900003", "online_booking": "maybe"}
    sheet = write_csv(tmp_path / "sheet.csv", [NEW, bad_place, bad_flag])
    with pytest.raises(DataFilesError) as raised:
        import_csv(sheet, directory)
    found = {(e.file, e.line, e.field) for e in raised.value.errors}
    assert ("sheet.csv", 4, "online_booking") in found
    assert not (directory / "practitioners" / "pr-900001.json").exists()  # all or nothing
    sheet = write_csv(tmp_path / "sheet.csv", [NEW, bad_place])
    result = subprocess.run(
        [sys.executable, "scripts/import_csv.py", str(sheet), "--directory", str(directory)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "sheet.csv:3: place: pr-900002: unknown place 'atlantis'" in result.stderr
    assert not (directory / "practitioners" / "pr-900001.json").exists()
