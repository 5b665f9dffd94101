"""Load and validate the directory's data files (no Pelican here: the CSV import and the tests use it too).

Every file is checked against its published JSON Schema (content/directory/schema/) and against the other files
(taxonomy codes, places, establishments, visit reasons). All errors of all files are collected, each naming the
file, the line and the field, and raised together as one ``DataFilesError``.

Parsed, valid records are cached by file size and modification time, so that a rebuild after one file changes
parses one file, not 100,000.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema_rs

Record = dict[str, Any]
PathPart = str | int

CACHE_FORMAT = 2


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in one data file: where it is and what is wrong."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field or '(file)'}: {self.message}"


class DataFilesError(Exception):
    """Every error found in the data files, reported at once."""

    def __init__(self, errors: Sequence[DataError]) -> None:
        self.errors = sorted(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(f"{len(self.errors)} error(s) in the data files:\n{lines}")


def field_name(path: Iterable[PathPart]) -> str:
    """``["sites", 0, "hours"]`` -> ``"sites[0].hours"``, the way an operator reads it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def locate(text: str, path: Sequence[PathPart]) -> int:
    """Line (1-based) of the value at ``path`` in the JSON ``text``; the deepest existing parent if it is missing."""
    pos = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    for part in path:
        found = _child(text, pos, part)
        if found is None:
            break
        pos = found
    return text.count("\n", 0, pos) + 1


def _child(text: str, pos: int, part: PathPart) -> int | None:
    """Position of the value of key or index ``part`` in the object or array starting at ``pos``."""
    opening = text[pos : pos + 1]
    if opening not in ("{", "["):
        return None
    pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    index = 0
    while pos < len(text) and text[pos] not in "}]":
        key: PathPart = index
        if opening == "{":
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _WHITESPACE.match(text, pos).end() + 1  # type: ignore[union-attr]
            pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
        if key == part:
            return pos
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == ",":
            pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        index += 1
    return None


@dataclass
class Directory:
    """The whole directory: professionals, establishments and the code lists they refer to."""

    practitioners: list[Record]
    establishments: list[Record]
    professions: dict[str, Record]
    specialties: dict[str, Record]
    places: dict[str, Record]
    sources: dict[str, str] = field(default_factory=dict)  # record id -> data file, for error messages
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # record id -> (mtime_ns, size): what changed

    @cached_property
    def establishment_by_id(self) -> dict[str, Record]:
        return {e["id"]: e for e in self.establishments}


class Schemas:
    """The published JSON Schemas, compiled once."""

    def __init__(self, schema_dir: Path) -> None:
        documents = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(schema_dir.glob("*.schema.json"))]
        registry = jsonschema_rs.Registry([(d["$id"], d) for d in documents])
        self.validators = {
            d["$id"].removesuffix(".schema.json"): jsonschema_rs.Draft202012Validator(d, registry=registry)
            for d in documents
        }

    def errors(self, kind: str, record: Any) -> Iterator[tuple[list[PathPart], str]]:
        """(path, message) for each way ``record`` breaks the schema of ``kind``; nothing when it is valid."""
        validator = self.validators[kind]
        if validator.is_valid(record):
            return
        for error in validator.iter_errors(record):
            path = list(error.instance_path)
            kind_ = error.kind
            if isinstance(kind_, jsonschema_rs.ValidationErrorKind.Required):
                path.append(str(kind_.property))
                yield path, "is required but missing"
            elif isinstance(kind_, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
                for name in kind_.unexpected:
                    yield [*path, name], "is not a field of this schema (check its spelling)"
            else:
                yield path, error.message


def read_json(path: Path, root: Path, errors: list[DataError]) -> tuple[str, Any] | None:
    """The text and value of a JSON file, or None with a syntax error recorded."""
    text = path.read_text(encoding="utf-8")
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as err:
        errors.append(DataError(_rel(path, root), err.lineno, "", f"invalid JSON: {err.msg} (column {err.colno})"))
        return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class Loader:
    """Reads one directory folder (``content/directory``) into a ``Directory`` or raises ``DataFilesError``."""

    def __init__(self, folder: Path, cache_file: Path | None = None, report_root: Path | None = None) -> None:
        self.folder = folder
        self.cache_file = cache_file
        self.root = report_root or folder.parent
        self.schemas = Schemas(folder / "schema")
        self.errors: list[DataError] = []
        self.texts: dict[str, str] = {}  # relative file -> text, only for files read in this run

    def load(self) -> Directory:
        taxonomy = self._codes("taxonomy.json")
        places = {p["code"]: p for p in self._codes("places.json").get("places", [])}
        cache = self._read_cache()
        establishments = self._records("establishments", "establishment", cache)
        practitioners = self._records("practitioners", "practitioner", cache)
        directory = Directory(
            practitioners=[r for _, r, _ in practitioners],
            establishments=[r for _, r, _ in establishments],
            professions={p["code"]: p for p in taxonomy.get("professions", [])},
            specialties={s["code"]: s for s in taxonomy.get("specialties", [])},
            places=places,
            sources={r["id"]: f for f, r, _ in establishments + practitioners},
            stamps={r["id"]: stamp for _, r, stamp in establishments + practitioners},
        )
        self._check_references(directory)
        if self.errors:
            raise DataFilesError(self.errors)
        self._write_cache(cache)
        return directory

    def _codes(self, name: str) -> dict[str, Any]:
        loaded = read_json(self.folder / name, self.root, self.errors)
        return loaded[1] if loaded else {}

    def _read_cache(self) -> dict[str, tuple[int, int, Record]]:
        if self.cache_file is None or not self.cache_file.exists():
            return {}
        try:
            with self.cache_file.open("rb") as handle:
                version, entries = pickle.load(handle)  # noqa: S301 - our own cache file, in the build's cache folder
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            return {}
        return entries if version == CACHE_FORMAT else {}

    def _write_cache(self, cache: dict[str, tuple[int, int, Record]]) -> None:
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_file.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump((CACHE_FORMAT, cache), handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.cache_file)

    def _records(
        self, subfolder: str, kind: str, cache: dict[str, tuple[int, int, Record]]
    ) -> list[tuple[str, Record, tuple[int, int]]]:
        """(relative file, record) of every valid file of one kind, sorted by file name; errors recorded."""
        out = []
        folder = self.folder / subfolder
        entries = sorted(os.scandir(folder), key=lambda e: e.name) if folder.is_dir() else []
        for entry in entries:
            if not entry.name.endswith(".json"):
                continue
            rel = _rel(Path(entry.path), self.root)
            stat = entry.stat()
            cached = cache.get(rel)
            if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
                out.append((rel, cached[2], (stat.st_mtime_ns, stat.st_size)))
                continue
            cache.pop(rel, None)
            loaded = read_json(Path(entry.path), self.root, self.errors)
            if loaded is None:
                continue
            text, record = loaded
            problems = list(self.schemas.errors(kind, record))
            if not problems and record["id"] != entry.name.removesuffix(".json"):
                problems.append((["id"], f"must match the file name ({entry.name.removesuffix('.json')})"))
            for path, message in problems:
                self.errors.append(DataError(rel, locate(text, path), field_name(path), message))
            if problems:
                continue
            self.texts[rel] = text
            cache[rel] = (stat.st_mtime_ns, stat.st_size, record)
            out.append((rel, record, (stat.st_mtime_ns, stat.st_size)))
        # files removed since the last run leave the cache
        kept = {rel for rel, _, _ in out}
        for rel in [r for r in cache if r.startswith(_rel(folder, self.root) + os.sep) and r not in kept]:
            if not (self.root / rel).exists():
                del cache[rel]
        return out

    def _error(self, directory: Directory, record: Record, path: list[PathPart], message: str) -> None:
        rel = directory.sources[record["id"]]
        text = self.texts.get(rel)
        if text is None:
            text = (self.root / rel).read_text(encoding="utf-8")
        self.errors.append(DataError(rel, locate(text, path), field_name(path), message))

    def _check_references(self, d: Directory) -> None:
        """What a schema cannot say: codes that exist, and parts of a file that refer to each other."""
        for est in d.establishments:
            if est["place"] not in d.places:
                self._error(d, est, ["place"], f"unknown place {est['place']!r} (see places.json)")
        establishments = d.establishment_by_id
        for pr in d.practitioners:
            if pr["profession"] not in d.professions:
                self._error(d, pr, ["profession"], f"unknown profession {pr['profession']!r} (see taxonomy.json)")
            for i, code in enumerate(pr["specialties"]):
                specialty = d.specialties.get(code)
                if specialty is None:
                    self._error(d, pr, ["specialties", i], f"unknown specialty {code!r} (see taxonomy.json)")
                elif specialty["profession"] != pr["profession"]:
                    self._error(d, pr, ["specialties", i], f"{code!r} is a specialty of {specialty['profession']}")
            reasons = [r["id"] for r in pr["visit_reasons"]]
            for i, reason in enumerate(reasons):
                if reason in reasons[:i]:
                    self._error(d, pr, ["visit_reasons", i, "id"], f"visit reason {reason!r} is listed twice")
            for s, site in enumerate(pr["sites"]):
                self._check_site(d, pr, s, site, reasons=set(reasons), establishments=establishments)

    def _check_site(
        self, d: Directory, pr: Record, s: int, site: Record, *, reasons: set[str], establishments: dict[str, Record]
    ) -> None:
        if site["place"] not in d.places:
            self._error(d, pr, ["sites", s, "place"], f"unknown place {site['place']!r} (see places.json)")
        est_id = site.get("establishment")
        if est_id is not None:
            est = establishments.get(est_id)
            if est is None:
                self._error(d, pr, ["sites", s, "establishment"], f"no establishment file {est_id}.json")
            elif "department" in site and site["department"] not in {x["id"] for x in est.get("departments", [])}:
                self._error(d, pr, ["sites", s, "department"], f"{est_id} has no department {site['department']!r}")
        for h, period in enumerate(site["hours"]):
            if period["start"] >= period["end"]:
                self._error(d, pr, ["sites", s, "hours", h, "end"], "must be later than start")
            for r, reason in enumerate(period["reasons"]):
                if reason not in reasons:
                    self._error(d, pr, ["sites", s, "hours", h, "reasons", r], f"no visit reason {reason!r}")


def load_directory(folder: Path, cache_file: Path | None = None, report_root: Path | None = None) -> Directory:
    """Load and validate ``folder`` (content/directory); raise ``DataFilesError`` listing every problem."""
    return Loader(folder, cache_file, report_root).load()


def load_data_file(path: Path, kind: str, schema_dir: Path, report_root: Path | None = None) -> Any:
    """Load one stand-alone data file (e.g. content/emergency.json) validated against ``<kind>.schema.json``."""
    errors: list[DataError] = []
    root = report_root or path.parent
    loaded = read_json(path, root, errors)
    if loaded is not None:
        text, value = loaded
        for where, message in Schemas(schema_dir).errors(kind, value):
            errors.append(DataError(_rel(path, root), locate(text, where), field_name(where), message))
    if errors:
        raise DataFilesError(errors)
    return loaded[1] if loaded else None
