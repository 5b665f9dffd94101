"""The whole directory as open data, under ``open-data/``: JSON (the data files as they are) and CSV (one row per
professional and site), for professionals and establishments.

The CSV files are for spreadsheets as much as for programs: UTF-8 with a byte order mark (without it Excel reads
UTF-8 as the system's code page and breaks every accent) and the ``OPEN_DATA_CSV_DELIMITER`` (a semicolon by
default: Excel in French, Italian, German... splits a double-clicked file on the list separator of the system's
region, a semicolon wherever the decimal mark is a comma; LibreOffice and Google Sheets detect either).

The professionals' files are spliced: a record unchanged since the last build is copied from the previous files
by the kernel (``writer.Splice``), so a rebuild after one change reads and writes one record, not 212 MB. Large
builds write the open data in a process of their own while the pages render (plugins.directory.workers).
"""

from __future__ import annotations

import csv
import io
from array import array
from collections.abc import Iterable, Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

from plugins.directory.rebuild import previous_positions
from plugins.directory.records import Directory, compact
from plugins.directory.writer import Splice

# The open data's CSV columns: one row per professional and practice site (scripts/import_csv.py reads them back).
PRACTITIONER_COLUMNS = [
    "id", "national_id", "civility", "given_name", "family_name", "profession", "specialties", "languages",
    "phone", "email", "accepting_new_patients", "teleconsultation", "online_booking", "convention",
    "consultation_eur", "payment_methods", "site_id", "site_name", "establishment", "department", "address",
    "postal_code", "city", "place", "latitude", "longitude", "accessibility", "biography_fr", "biography_en",
]  # fmt: skip
BOM = "\ufeff"
DEFAULT_DELIMITER = ";"
ESTABLISHMENT_COLUMNS = [
    "id", "name", "kind", "address", "postal_code", "city", "place", "latitude", "longitude", "phone", "email",
    "website", "emergency", "accessibility", "departments",
]  # fmt: skip


# How the rows are written: files of another format (an older build's) are written anew, never spliced. 2: every text
# cell quoted, formulas neutralised.
FORMAT = 3
# What a spreadsheet reads as the start of a formula when a cell begins with it (OWASP, "CSV Injection"), and the
# quote that marks a cell as neutralised, which a cell that begins with it also gets so that reading back is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralised(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: a quote before it when it begins as a formula would (or with the
    quote itself). A phone number in international form (``+377 …``) gets it too: a spreadsheet would otherwise read
    it as a sum, or show an error; with it the number shows as written. ``scripts/import_csv.py`` removes it."""
    return NEUTRALISER + text if text.startswith((*FORMULA_STARTS, NEUTRALISER)) else text


def unneutralised(cell: str) -> str:
    """The value of a cell :func:`neutralised` wrote (the quote it added removed), for reading the CSV back."""
    return cell[1:] if cell.startswith(NEUTRALISER) and cell[1:].startswith((*FORMULA_STARTS, NEUTRALISER)) else cell


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return neutralised("|".join(str(v) for v in value))
    if isinstance(value, int | float):  # a number is written as a number (a negative longitude stays one)
        return value
    return "" if value is None else neutralised(str(value))


def practitioner_rows(p: Mapping[str, Any]) -> list[list[Any]]:
    """The CSV rows of one professional: one per site."""
    rows = []
    for site in p["sites"]:
        row = {
            **p,
            "convention": p["fees"]["convention"],
            "consultation_eur": p["fees"].get("consultation_eur"),
            "site_id": site["id"],
            "site_name": site.get("name"),
            "biography_fr": p.get("biography", {}).get("fr"),
            "biography_en": p.get("biography", {}).get("en"),
            **{k: site.get(k) for k in ("establishment", "department", "address", "postal_code", "city")},
            **{k: site.get(k) for k in ("place", "latitude", "longitude", "accessibility")},
        }
        rows.append([_cell(row.get(column)) for column in PRACTITIONER_COLUMNS])
    return rows


def establishment_row(e: Mapping[str, Any]) -> list[Any]:
    row = {**e, "departments": [x["id"] for x in e.get("departments", [])]}
    return [_cell(row.get(column)) for column in ESTABLISHMENT_COLUMNS]


def csv_text(rows: Iterable[list[Any]], delimiter: str = DEFAULT_DELIMITER) -> str:
    """The rows as CSV: a cell holding the separator, a double quote or a line break between double quotes, every
    other cell as it is (a text that would start a formula already carries its quote, ``neutralised``), so numbers
    stay numbers and the header names its columns plainly. Rows end with "\n"; the writer is given "\r\n" so that
    it quotes a cell holding either character (a lone carriage return would otherwise end the row in a reader)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    lines = []
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        lines.append(buffer.getvalue()[:-2] + "\n")
    return "".join(lines)


def write_open_data(
    d: Directory,
    output: Path,
    ids: list[str],
    stamps: array[int],
    previous: dict[str, Any],
    *,
    delimiter: str = DEFAULT_DELIMITER,
) -> dict[str, Any]:
    """The whole directory as open data: JSON (the data files as they are) and CSV (one row per site).

    The professionals' part is spliced: an unchanged record's bytes are copied from the previous files
    (``previous`` holds each record's stamp and lengths), so a rebuild reads only the files that changed.
    Returns what the next build needs to do the same.
    """
    folder = output / "open-data"
    folder.mkdir(parents=True, exist_ok=True)
    files = folder / "practitioners.json", folder / "practitioners.csv"
    spliced = splice_practitioners(d, *files, ids=ids, stamps=stamps, previous=previous, delimiter=delimiter)
    places = [{k: v for k, v in e.items() if k != "$schema"} for e in d.establishments]
    (folder / "establishments.json").write_text(compact(places), encoding="utf-8")
    rows = csv_text([ESTABLISHMENT_COLUMNS, *(establishment_row(e) for e in d.establishments)], delimiter)
    (folder / "establishments.csv").write_text(BOM + rows, encoding="utf-8")
    return spliced


def splice_practitioners(
    d: Directory,
    json_file: Path,
    csv_file: Path,
    *,
    ids: list[str],
    stamps: array[int],
    previous: dict[str, Any],
    delimiter: str = DEFAULT_DELIMITER,
) -> dict[str, Any]:
    """The professionals' open data files (``ids`` and their files' ``stamps`` in file order), written anew only
    where records changed: each run of records unchanged and consecutive in the previous files is copied (when the
    previous CSV has the same format: BOM and delimiter)."""
    head = (BOM + csv_text([PRACTITIONER_COLUMNS], delimiter)).encode()
    json_out, csv_out = Splice(b"[", b",", b"]"), Splice(head, b"", b"")
    old_sizes = [path.stat().st_size if path.exists() else -1 for path in (json_file, csv_file)]
    same = previous.get("sizes") == old_sizes and previous.get("csv_head") == head and previous.get("format") == FORMAT
    old_ids: list[str] = previous.get("ids", []) if same else []
    old_stamps, old_lengths = array("q"), array("q")  # per record: mtime and size; JSON and CSV lengths
    if old_ids:
        old_stamps.frombytes(previous["stamps"])
        old_lengths.frombytes(previous["lengths"])
    if not (len(old_stamps) == len(old_lengths) == 2 * len(old_ids)):
        old_ids = []
    # where each previous record starts in the previous files
    json_at = list(accumulate((n + 1 for n in old_lengths[0::2]), initial=len(json_out.head)))
    csv_at = list(accumulate(old_lengths[1::2], initial=len(csv_out.head)))
    lengths = array("q", bytes(16 * len(ids)))
    written: list[int] = []

    def add(i: int) -> None:
        p = d.practitioners[i]
        text, rows = compact(p.data).encode(), csv_text(practitioner_rows(p.data), delimiter).encode()
        json_out.add(text)
        csv_out.add(rows)
        lengths[2 * i], lengths[2 * i + 1] = len(text), len(rows)
        written.append(i)

    def copy(i: int, k: int, count: int) -> None:  # previous records k.. to new positions i..
        json_out.copy(json_at[k], json_at[k + count] - 1)
        csv_out.copy(csv_at[k], csv_at[k + count])
        lengths[2 * i : 2 * (i + count)] = old_lengths[2 * k : 2 * (k + count)]

    positions = previous_positions(old_ids, old_stamps, ids, stamps)
    for i, pid in enumerate(ids):  # read again in this build: written anew, whatever its stamp
        if pid in d.changed:
            positions[i] = -1
    i = 0
    while i < len(ids):
        k = positions[i]
        if k < 0:
            add(i)
            i += 1
            continue
        count = 1
        while i + count < len(ids) and positions[i + count] == k + count:
            count += 1
        copy(i, k, count)
        i += count
    if written or old_ids != ids or -1 in old_sizes:
        json_out.write(json_file)
        csv_out.write(csv_file)
    sizes = [json_file.stat().st_size, csv_file.stat().st_size]
    return {
        "format": FORMAT,
        "sizes": sizes,
        "ids": ids,
        "stamps": stamps.tobytes(),
        "lengths": lengths.tobytes(),
        "csv_head": head,
    }
