"""Import a national register's public extract into the directory's data files: one file per professional, written
or updated, never overwriting what was edited by hand.

    python scripts/import_register.py --format rpps --out content/directory PS_LibreAcces_Personne_activite.txt
    python scripts/import_register.py --format rpps --out content/directory --postcode 06240 --postcode 06320 FILE
    python scripts/import_register.py --format rpps --out content/directory --dry-run FILE   # the diff, nothing written

Professions and specialties are mapped to taxonomy.json by its ``codes``, sites to places.json by postcode and
town; what cannot be mapped or read is reported with its line and column, and the rest is imported. The merge
rules are in scripts/registers/merge.py and docs/data-files.md; the import's record of what it wrote last is
``<directory>/imports/<format>.json``.

Exit codes: 0 everything in the file was imported; 1 something was not (each line of the report says what and
where; the rest was written); 2 the command could not run (no such file, not an extract of that format).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins.directory.model import DataError, parse_json  # noqa: E402
from scripts.data_files import diff, file_text, like, validate  # noqa: E402
from scripts.import_csv import new_record  # noqa: E402
from scripts.registers import Code, Entry, Extract, Site, readers  # noqa: E402
from scripts.registers.merge import MISSING, gone_sites, merge  # noqa: E402
from scripts.registers.rpps import HeaderError  # noqa: E402

STATE_FORMAT = 1
# The order of a new file's fields (that of the schema and of the demo data).
ORDER = [
    "$schema", "id", "civility", "given_name", "family_name", "profession", "specialties", "languages", "phone",
    "identifiers", "accepting_new_patients", "teleconsultation", "online_booking", "fees", "payment_methods",
    "visit_reasons", "sites", "booking_rules",
]  # fmt: skip
SITE_ORDER = ["id", "name", "address", "postal_code", "city", "place", "latitude", "longitude", "timezone", "phone"]


def folded(text: str) -> str:
    """Text compared without case, accents or punctuation: "Cap-d'Ail" == "CAP D AIL"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class Territory:
    """The code lists an import maps to: taxonomy.json's professions and specialties by their national codes, and
    places.json's places by postcode."""

    professions: dict[tuple[str, str], str]
    specialties: dict[tuple[str, str], tuple[str, str]]  # (system, code) -> (specialty, its profession)
    places: list[dict[str, Any]]

    @classmethod
    def load(cls, directory: Path) -> Territory:
        taxonomy = json.loads((directory / "taxonomy.json").read_text(encoding="utf-8"))
        places = json.loads((directory / "places.json").read_text(encoding="utf-8"))["places"]
        professions = {(c["system"], c["code"]): p["code"] for p in taxonomy["professions"] for c in p.get("codes", [])}
        specialties = {
            (c["system"], c["code"]): (s["code"], s["profession"])
            for s in taxonomy["specialties"]
            for c in s.get("codes", [])
        }
        return cls(professions, specialties, places)

    def profession(self, code: Code) -> str | None:
        return next(
            (self.professions[(s, code.code)] for s in code.systems if (s, code.code) in self.professions), None
        )

    def specialty(self, code: Code) -> tuple[str, str] | None:
        return next(
            (self.specialties[(s, code.code)] for s in code.systems if (s, code.code) in self.specialties), None
        )

    def place(self, site: Site) -> dict[str, Any] | str:
        """The place of a site: the only one with its postcode, or the one of those named like its town; else why
        there is none."""
        same = [p for p in self.places if p.get("postal_code") == site.postal_code]
        if len(same) > 1:
            same = [p for p in same if folded(site.city) in (folded(p["name"]), folded(p.get("city", "")))]
        if len(same) == 1:
            return same[0]
        if not same:
            return f"no place of places.json has the postcode {site.postal_code} ({site.city})"
        return f"several places of places.json have the postcode {site.postal_code}; none is named {site.city!r}"


@dataclass
class Report:
    """What the import did and what it could not do."""

    source: str
    problems: list[DataError] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(DataError(self.source, line, column, message))


def owned_values(entry: Entry, territory: Territory, report: Report, timezone: str) -> dict[str, Any] | None:
    """The register's values of the fields it owns, mapped to the directory's codes; None (reported) when the
    professional cannot be imported."""
    who = f"{entry.number} ({entry.given_name} {entry.family_name})"
    profession = territory.profession(entry.profession)
    if profession is None:
        label = f"{entry.profession.label!r} (code {entry.profession.code})"
        report.problem(entry.line, entry.profession.column, f"{who}: profession {label} is not in taxonomy.json")
        return None
    for other in entry.other_professions:
        report.problem(other.line, other.column, f"{who}: second profession {other.label!r} left out")
    specialties = []
    for code in entry.specialties:
        found = territory.specialty(code)
        if found is None or found[1] != profession:
            why = "is not in taxonomy.json" if found is None else f"is not a specialty of {profession}"
            report.problem(code.line, code.column, f"{who}: specialty {code.label!r} (code {code.code}) {why}")
        elif found[0] not in specialties:
            specialties.append(found[0])
    values: dict[str, Any] = {
        "given_name": entry.given_name,
        "family_name": entry.family_name,
        "profession": profession,
        "specialties": specialties,
        f"identifiers[{entry.system}]": entry.number,
    }
    if entry.civility:
        values["civility"] = entry.civility
    phones = [s.phone for s in entry.sites if s.phone]
    if phones:
        values["phone"] = phones[0]
    for site in entry.sites:
        place = territory.place(site)
        if isinstance(place, str):
            report.problem(site.line, site.postal_column, f"{who}: site left out: {place}")
            continue
        prefix = f"sites[{site.key}]."
        for name, value in (
            ("name", site.name), ("address", site.address), ("postal_code", site.postal_code),
            ("city", site.city), ("place", place["code"]), ("latitude", place["latitude"]),
            ("longitude", place["longitude"]), ("timezone", timezone), ("phone", site.phone),
        ):  # fmt: skip
            if value != "":
                values[prefix + name] = value
    if not any(k.startswith("sites[") for k in values):
        report.problem(entry.line, entry.number_column, f"{who}: not imported: none of their sites is a known place")
        return None
    return values


def new_file(pid: str) -> dict[str, Any]:
    """A professional the directory does not have yet: the CSV import's defaults (phone bookings only, one
    consultation reason), French spoken and agreed fees until the operator says otherwise."""
    record = new_record(pid)
    del record["specialties"]  # the register's field: absent until the merge writes it
    record.update(languages=["fr"], fees={"convention": "agreed"}, sites=[])
    return record


def ordered(record: dict[str, Any]) -> dict[str, Any]:
    out = like(dict.fromkeys(ORDER), record)
    out["sites"] = [like(dict.fromkeys(SITE_ORDER), site) for site in out["sites"]]
    return out  # type: ignore[no-any-return]


def existing_files(folder: Path, system: str) -> dict[str, str]:
    """Register number -> data file id, for the files that already carry an identifier of ``system``."""
    found: dict[str, str] = {}
    needle = system.encode()
    for entry in os.scandir(folder) if folder.is_dir() else ():
        if not entry.name.endswith(".json"):
            continue
        with open(entry.path, "rb") as handle:
            raw = handle.read()
        if needle not in raw:
            continue
        try:
            record = parse_json(raw)
        except ValueError:
            continue
        for identifier in record.get("identifiers", []):
            if identifier.get("system") == system:
                found[identifier["value"]] = record["id"]
    return found


def read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state.get("professionals", {}) if state.get("format") == STATE_FORMAT else {}


def plan(
    extract: Extract, directory: Path, state: Mapping[str, Any], report: Report, timezone: str
) -> tuple[dict[Path, str], dict[str, Any]]:
    """The new text of every data file the import changes, and the import's new record."""
    territory = Territory.load(directory)
    folder = directory / "practitioners"
    systems = {e.system for e in extract.entries}
    known = {number: pid for system in systems for number, pid in existing_files(folder, system).items()}
    texts: dict[Path, str] = {}
    new_state = {k: copy.deepcopy(v) for k, v in state.items()}
    for entry in extract.entries:
        values = owned_values(entry, territory, report, timezone)
        if values is None:
            continue
        last = state.get(entry.number, {})
        pid = known.get(entry.number) or last.get("file") or entry.file_id
        path = folder / f"{pid}.json"
        before = path.read_text(encoding="utf-8") if path.exists() else None
        record = json.loads(before) if before is not None else new_file(pid)
        if before is not None and entry.number not in known and last.get("file") != pid:
            report.problem(entry.line, entry.number_column, f"{entry.number}: {path.name} exists for someone else")
            continue
        merged = merge(record, values, last.get("fields", {}), {"hours": []})
        if "phone" not in merged.record:
            report.problem(entry.line, entry.phone_column, f"{entry.number}: no phone number anywhere: not imported")
            continue
        for key, current, value in merged.kept:
            shown = "removed" if current is MISSING else repr(current)
            report.kept.append(f"{path}: {key}: kept {shown} (edited by hand), the register says {value!r}")
        for site in gone_sites(merged.record, values, last.get("fields", {})):
            report.notes.append(f"{path}: site {site} is no longer in the register (kept; remove it by hand)")
        new_state[entry.number] = {"file": pid, "fields": values}
        text = file_text(merged.record if before is not None else ordered(merged.record))
        if text == before:
            report.unchanged.append(pid)
            continue
        texts[path] = text
        (report.updated if before is not None else report.created).append(pid)
    return texts, new_state


def import_register(
    fmt: str, source: Path, directory: Path, postcodes: Sequence[str], *, dry_run: bool, timezone: str
) -> tuple[Report, dict[Path, str]]:
    """Read, map, merge and (unless ``dry_run``) write; the report and the files' new texts."""
    report = Report(source.name)
    extract = readers()[fmt](source, postcodes)
    for problem in extract.problems:
        report.problem(problem.line, problem.column, problem.message)
    state_file = directory / "imports" / f"{fmt}.json"
    texts, new_state = plan(extract, directory, read_state(state_file), report, timezone)
    invalid = validate(directory, texts)
    bad = {Path(e.file) for e in invalid}
    for error in invalid:
        report.problems.append(error)
    for path in bad:
        texts.pop(path, None)
        pid = path.stem
        for number, item in list(new_state.items()):
            if item["file"] == pid:
                new_state.pop(number)
        for names in (report.created, report.updated):
            if pid in names:
                names.remove(pid)
    report.notes.append(
        f"{extract.rows} rows read, {extract.filtered} outside the postcodes, {len(extract.entries)} professionals"
    )
    state_text = file_text({"format": STATE_FORMAT, "register": fmt, "professionals": dict(sorted(new_state.items()))})
    if dry_run:
        return report, {**texts, state_file: state_text}
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(state_text, encoding="utf-8")
    return report, texts


def data_folder(out: Path) -> Path:
    """``--out``: the directory folder (content/directory), or its practitioners/ folder."""
    if not (out / "taxonomy.json").exists() and (out.parent / "taxonomy.json").exists():
        return out.parent
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the register's extract")
    parser.add_argument("--format", required=True, choices=sorted(readers()), help="the extract's format")
    parser.add_argument("--out", type=Path, required=True, help="the directory folder, e.g. content/directory")
    parser.add_argument("--postcode", action="append", default=[], help="only sites whose postcode starts so")
    parser.add_argument("--timezone", default="Europe/Paris", help="IANA time zone of new sites")
    parser.add_argument("--dry-run", action="store_true", help="print the changes as a diff, write nothing")
    args = parser.parse_args(argv)
    directory = data_folder(args.out)
    if not (directory / "taxonomy.json").exists():
        print(f"import_register: {args.out} is not a directory folder (no taxonomy.json)", file=sys.stderr)
        return 2
    try:
        report, texts = import_register(
            args.format, args.file, directory, args.postcode, dry_run=args.dry_run, timezone=args.timezone
        )
    except (OSError, HeaderError) as err:
        print(f"import_register: {args.file}: {err}", file=sys.stderr)
        return 2
    if args.dry_run:
        for path, text in sorted(texts.items()):
            print(diff(path, text, args.format), end="")
    for line in [*map(str, sorted(report.problems)), *report.kept, *report.notes]:
        print(line, file=sys.stderr)
    verb = "would write" if args.dry_run else "wrote"
    print(
        f"{args.file}: {verb} {len(report.created)} new and {len(report.updated)} updated professional file(s) "
        f"in {directory / 'practitioners'}; {len(report.unchanged)} unchanged, {len(report.kept)} hand edit(s) "
        f"kept, {len(report.problems)} problem(s)"
    )
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
