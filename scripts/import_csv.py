"""Import an operator's spreadsheet (CSV) into the directory's data files, all rows validated before any is written.

One row per professional and practice site, with the columns of the open data (/open-data/practitioners.csv) and an
optional ``hours`` column (``mon-fri 08:00-12:00; tue,thu 14:00-18:00``), separated by semicolons (as the open data)
or commas, UTF-8 with or without a byte order mark. Lists are separated by ``|``, booleans are ``yes``/``no``; the
quote the open data puts before a cell that would start a formula (``'+377 …``) is removed. A row whose file exists
updates the fields present in the spreadsheet and keeps the others (visit reasons, booking rules, other sites); a
new professional gets a phone-only "Consultation" visit reason and no online booking. See docs/data-files.md.

    python scripts/import_csv.py operators.csv [--directory content/directory] [--dry-run]
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins.directory.model import DataError, DataFilesError  # noqa: E402
from plugins.directory.opendata import unneutralised  # noqa: E402
from scripts.data_files import file_text  # noqa: E402
from scripts.data_files import validate as check_files  # noqa: E402

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TRUE, FALSE = {"yes", "true", "1", "oui", "y"}, {"no", "false", "0", "non", "n"}
BOOLEANS = ("accepting_new_patients", "teleconsultation", "online_booking")
LISTS = ("specialties", "languages", "payment_methods")
SITE_FIELDS = ("address", "postal_code", "city", "place")
DEFAULT_REASON = {
    "id": "consultation",
    "label": {"fr": "Consultation", "en": "Consultation"},
    "duration_minutes": 20,
    "new_patients": True,
    "existing_patients": True,
    "online": False,
}
DEFAULT_RULES = {"min_notice_minutes": 1440, "horizon_days": 30, "buffer_minutes": 0, "max_future_per_patient": 2}


class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def boolean(column: str, value: str) -> bool:
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise RowError(column, f"{value!r} is not yes or no")


def number(column: str, value: str) -> int | float:
    try:
        parsed = float(value.replace(",", "."))
    except ValueError:
        raise RowError(column, f"{value!r} is not a number") from None
    return int(parsed) if parsed.is_integer() and column == "consultation_eur" else parsed


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def days_of(spec: str) -> list[str]:
    days: list[str] = []
    for part in spec.split(","):
        if "-" in part:
            first, last = (WEEKDAYS.index(d.strip()) for d in part.split("-"))
            days += WEEKDAYS[first : last + 1]
        else:
            days.append(part.strip())
    return days


def hours(value: str, reasons: list[str]) -> list[dict[str, Any]]:
    """``mon-fri 08:00-12:00; sat 09:00-12:00`` -> opening periods accepting ``reasons``."""
    periods = []
    for chunk in filter(None, (c.strip() for c in value.split(";"))):
        match = re.fullmatch(r"([a-z,\- ]+?)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)", chunk)
        if not match:
            raise RowError("hours", f"{chunk!r}: expected e.g. 'mon-fri 08:00-12:00'")
        try:
            days = days_of(match.group(1))
        except ValueError:
            raise RowError("hours", f"{match.group(1)!r}: days are mon, tue, wed, thu, fri, sat, sun") from None
        periods.append({"days": days, "start": match.group(2), "end": match.group(3), "reasons": reasons})
    return periods


def apply_row(record: dict[str, Any], row: dict[str, str]) -> None:
    """Update ``record`` with the non-empty cells of ``row`` (one professional, one site)."""
    cell = {k: unneutralised((v or "").strip()) for k, v in row.items() if k}
    for column in ("national_id", "civility", "given_name", "family_name", "profession", "phone", "email"):
        if cell.get(column):
            record[column] = cell[column]
    for column in LISTS:
        if cell.get(column):
            record[column] = split(cell[column])
    for column in BOOLEANS:
        if cell.get(column):
            record[column] = boolean(column, cell[column])
    fees = record.setdefault("fees", {})
    if cell.get("convention"):
        fees["convention"] = cell["convention"]
    if cell.get("consultation_eur"):
        fees["consultation_eur"] = number("consultation_eur", cell["consultation_eur"])
    for lang in ("fr", "en"):
        if cell.get(f"biography_{lang}"):
            record.setdefault("biography", {})[lang] = cell[f"biography_{lang}"]
    site_id = cell.get("site_id") or "main"
    sites = record.setdefault("sites", [])
    site = next((s for s in sites if s["id"] == site_id), None)
    if site is None:
        site = {"id": site_id, "timezone": "Europe/Monaco", "hours": []}
        sites.append(site)
    if cell.get("site_name"):
        site["name"] = cell["site_name"]
    for column in ("establishment", "department", *SITE_FIELDS):
        if cell.get(column):
            site[column] = cell[column]
    for column in ("latitude", "longitude"):
        if cell.get(column):
            site[column] = number(column, cell[column])
    if cell.get("accessibility"):
        site["accessibility"] = split(cell["accessibility"])
    if cell.get("hours"):
        site["hours"] = hours(cell["hours"], [r["id"] for r in record["visit_reasons"]])


def new_record(pid: str) -> dict[str, Any]:
    return {
        "$schema": "../schema/practitioner.schema.json",
        "id": pid,
        "specialties": [],
        "accepting_new_patients": True,
        "teleconsultation": False,
        "online_booking": False,
        "payment_methods": [],
        "visit_reasons": [copy.deepcopy(DEFAULT_REASON)],
        "booking_rules": dict(DEFAULT_RULES),
    }


def field_column(field: str) -> str:
    """The CSV column an error's field comes from: ``sites[0].place`` -> ``place``."""
    last = re.sub(r"\[\d+\]", "", field).split(".")[-1]
    return {"convention": "convention", "hours": "hours", "reasons": "hours", "start": "hours", "end": "hours"}.get(
        last, last
    )


def import_csv(csv_path: Path, directory: Path, dry_run: bool = False) -> list[str]:
    """Import ``csv_path`` into ``directory``; return the ids written. Raises DataFilesError naming CSV lines."""
    errors: list[DataError] = []
    records: dict[str, dict[str, Any]] = {}
    lines: dict[str, list[int]] = {}
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        # the open data's semicolons, or the commas of a sheet saved by a spreadsheet set to English
        header = handle.readline()
        handle.seek(0)  # (the decoder starts again: a byte order mark is skipped again)
        delimiter = ";" if header.count(";") > header.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        for row in reader:
            line = reader.line_num
            pid = (row.get("id") or "").strip()
            if not pid:
                errors.append(DataError(csv_path.name, line, "id", "is required"))
                continue
            if pid not in records:
                existing = directory / "practitioners" / f"{pid}.json"
                records[pid] = (
                    json.loads(existing.read_text(encoding="utf-8")) if existing.exists() else new_record(pid)
                )
            lines.setdefault(pid, []).append(line)
            try:
                apply_row(records[pid], row)
            except RowError as err:
                errors.append(DataError(csv_path.name, line, err.column, str(err)))
    if not errors:
        errors = validate(records, directory, csv_path.name, lines)
    if errors:
        raise DataFilesError(errors)
    if not dry_run:
        for pid, record in records.items():
            (directory / "practitioners" / f"{pid}.json").write_text(file_text(record), encoding="utf-8")
    return sorted(records)


def validate(
    records: dict[str, dict[str, Any]], directory: Path, csv_name: str, lines: dict[str, list[int]]
) -> list[DataError]:
    """The build's own checks on the imported records; each error names the CSV line of its professional."""
    folder = directory / "practitioners"
    texts = {folder / f"{pid}.json": file_text(record) for pid, record in records.items()}
    out = []
    for error in check_files(directory, texts):
        pid = Path(error.file).stem
        line = lines.get(pid, [0])[0]
        out.append(DataError(csv_name, line, field_column(error.field), f"{pid}: {error.message}"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--directory", type=Path, default=ROOT / "content" / "directory")
    parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    args = parser.parse_args(argv)
    try:
        written = import_csv(args.csv, args.directory, args.dry_run)
    except DataFilesError as err:
        print(err, file=sys.stderr)
        return 1
    verb = "would write" if args.dry_run else "wrote"
    print(f"{args.csv}: {verb} {len(written)} professional file(s) in {args.directory / 'practitioners'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
