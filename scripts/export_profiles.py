"""Carry the settings saved in the back-office into the directory's data files, all validated before any is written.

The back-office edits three fields of the record a stored profile keeps (``PRO#<id>`` / ``PROFILE``, see
functions/chalicelib/backoffice/settings.py): the visit reasons, each site's weekly ``hours`` and the booking rules.
This command reads the profiles of the data files' professionals (``BatchGetItem`` by id, never a scan), and for each
profile saved at least once in the back-office (``version`` 1 or more) puts those fields in the data file; names,
sites, fees and everything else stay the file's. A profile never saved there holds the data file as it was loaded
and is left out, so that it cannot undo a later change of the file. Only files whose fields differ are written, in
the files' own format, and only once the whole directory as it would be passes the build's loader. The table is
only read, with the operator's AWS credentials; against the local portal, set ``AWS_ENDPOINT_URL`` to the "Local
AWS endpoint" it prints (and ``--table portal-local``).

    python scripts/export_profiles.py --table portal-prod --dry-run          # what would change, per file
    python scripts/export_profiles.py --table portal-prod [--practitioner pr-000001 ...] [--directory DIR]

Exit codes: 0 done (or nothing to change), 1 the data files would not validate (nothing written; each error names
the file and the field), 2 the command could not run (unknown professional, table unreachable).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "functions"))

from chalicelib.core.errors import Unavailable  # noqa: E402
from chalicelib.core.store import Store, make_table  # noqa: E402
from plugins.directory.model import DataFilesError  # noqa: E402
from scripts.data_files import diff, file_text, like, validate  # noqa: E402


class UnknownPractitioner(Exception):
    pass


def carried(data: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The data-file record ``data`` with the back-office's fields of the stored record: the visit reasons, the
    booking rules, and the weekly hours of each site both have (matched by id)."""
    record = copy.deepcopy(dict(data))
    old_reasons = {r["id"]: r for r in data["visit_reasons"]}
    record["visit_reasons"] = [like(old_reasons.get(r["id"]), r) for r in stored["visit_reasons"]]
    record["booking_rules"] = like(data["booking_rules"], stored["booking_rules"])
    hours = {site["id"]: site.get("hours", []) for site in stored.get("sites", [])}
    for site in record["sites"]:
        if site["id"] in hours:
            site["hours"] = like(site["hours"], hours[site["id"]])
    return record


def changes(directory: Path, store: Store, only: list[str]) -> tuple[dict[Path, str], list[str]]:
    """The new text of each data file the stored profiles change, and notes on the profiles left out."""
    folder = directory / "practitioners"
    ids = only or sorted(p.stem for p in folder.glob("*.json"))
    missing = [pid for pid in ids if not (folder / f"{pid}.json").is_file()]
    if missing:
        raise UnknownPractitioner(f"no data file for {', '.join(missing)} in {folder}")
    profiles = store.profiles(ids)
    texts: dict[Path, str] = {}
    notes: list[str] = []
    for pid in ids:
        item = profiles.get(pid)
        if item is None or not int(item.get("version") or 0):
            if only:
                notes.append(f"{pid}: {'no stored profile' if item is None else 'never saved in the back-office'}")
            continue
        path = folder / f"{pid}.json"
        before = path.read_text(encoding="utf-8")
        after = file_text(carried(json.loads(before), json.loads(item["record"])))
        if json.loads(after) != json.loads(before):
            texts[path] = after
    return texts, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="the portal's DynamoDB table, e.g. portal-prod")
    parser.add_argument("--directory", type=Path, default=ROOT / "content" / "directory")
    parser.add_argument(
        "--practitioner", action="append", default=[], metavar="ID", help="only this professional (repeatable)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the changes as a diff, write nothing")
    args = parser.parse_args(argv)
    try:
        texts, notes = changes(args.directory, Store(make_table(args.table)), args.practitioner)
    except UnknownPractitioner as err:
        print(f"export_profiles: {err}", file=sys.stderr)
        return 2
    except Unavailable as err:
        print(f"export_profiles: table {args.table}: {err}", file=sys.stderr)
        return 2
    for note in notes:
        print(note, file=sys.stderr)
    errors = validate(args.directory, texts)
    if errors:
        print(DataFilesError(errors), file=sys.stderr)
        print("export_profiles: nothing written", file=sys.stderr)
        return 1
    for path, text in sorted(texts.items()):
        if args.dry_run:
            print(diff(path, text, "back-office"), end="")
        else:
            path.write_text(text, encoding="utf-8")
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {len(texts)} professional file(s) in {args.directory / 'practitioners'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
