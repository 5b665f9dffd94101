"""Load and validate the directory's data files (no Pelican here: the CSV import and the tests use it too).

Every file is checked against its published JSON Schema (content/directory/schema/) and against the other files
(taxonomy codes, places, establishments, visit reasons). All errors of all files are collected, each naming the
file, the line and the field, and raised together as one ``DataFilesError``.

Parsed, valid records are cached by file size and modification time, so that a rebuild after one file changes
parses one file, not 100,000. The cache is a base file and a journal of the entries changed since the base was
written: a rebuild after one change writes a few kilobytes, not the 100,000 entries again.

What the loader makes (``Practitioner``, ``Directory``) is in plugins.directory.records. The loader, its cache
and its checks across files stay one module (over 400 lines): each step reads the state the others leave (which
files the cache let it skip, which records were read anew and so need their references checked, the texts kept
for error lines), and split apart that state would have to be passed between modules at every step.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from plugins.directory.records import Directory, Practitioner, Record, Summary, parse_json

PathPart = str | int

CACHE_FORMAT = 8
JOURNAL_LIMIT = 2000  # entries in the cache's journal before the base file is written again


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


def read_json(path: Path | str, root: Path, errors: list[DataError]) -> tuple[bytes, Any] | None:
    """The bytes and value of a JSON file, or None with a syntax error recorded."""
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        return raw, parse_json(raw)
    except UnicodeDecodeError as err:
        errors.append(DataError(_rel(Path(path), root), 1, "", f"not UTF-8 text: {err.reason} (byte {err.start})"))
    except json.JSONDecodeError as err:
        errors.append(
            DataError(_rel(Path(path), root), err.lineno, "", f"invalid JSON: {err.msg} (column {err.colno})")
        )
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class Loader:
    """Reads one directory folder (``content/directory``) into a ``Directory`` or raises ``DataFilesError``.

    With a cache file, a file whose size and modification time did not change is neither read nor validated
    again: its summary comes from the cache (marshal: fast to load for 100,000), the rest from the file if a
    page that shows it is rendered again. The cache is ``cache_file`` (the base) and ``<cache_file>.journal``:
    the entries changed since the base was written (a removed file's entry is None).
    """

    def __init__(self, folder: Path, cache_file: Path | None = None, report_root: Path | None = None) -> None:
        self.folder = folder
        self.cache_file = cache_file
        self.root = report_root or folder.parent
        self.schemas = Schemas(folder / "schema")
        self.errors: list[DataError] = []
        self.texts: dict[str, bytes] = {}  # record id -> file contents, only for files read in this run
        self.journal: dict[str, dict[str, Any]] = {"establishments": {}, "practitioners": {}}  # since the base
        self.changed = False  # an entry of the cache changed in this run
        self.summaries_changed = False  # a professional was added or removed, or their summary changed
        self.fresh: list[Practitioner] = []  # the professionals whose files were read in this run
        self.sources: dict[str, str] = {}  # establishment id -> data file
        self.cache: dict[str, Any] = {}  # the entries of the cache file and its journal, updated as files are read

    def load(self) -> Directory:
        taxonomy = self._codes("taxonomy.json")
        places = {p["code"]: p for p in self._codes("places.json").get("places", [])}
        cache = self.cache = self._read_cache()
        establishments, establishment_stamps = self._records("establishments", "establishment")
        practitioners, practitioner_stamps = self._records("practitioners", "practitioner")
        directory = Directory(
            practitioners=practitioners,
            establishments=establishments,
            professions={p["code"]: p for p in taxonomy.get("professions", [])},
            specialties={s["code"]: s for s in taxonomy.get("specialties", [])},
            places=places,
            sources=self.sources,
            stamps={e["id"]: stamp for e, stamp in zip(establishments, establishment_stamps, strict=True)},
            changed=set(self.texts),
            practitioner_stamps=practitioner_stamps,
        )
        # What the references of a professional depend on: unchanged, only the files read now need checking.
        context = [self._stamp(self.folder / name) for name in ("taxonomy.json", "places.json")]
        context += [self._stamp(p) for p in sorted((self.folder / "schema").glob("*.json"))]
        context += sorted(directory.stamps[e["id"]] for e in directory.establishments)
        recheck_all = cache.get("context") != context
        self._check_references(directory, None if recheck_all else self.fresh)
        if self.errors:
            raise DataFilesError(self.errors)
        if self.summaries_changed or not cache.get("summaries"):
            # orjson: the same bytes for the same summaries in every run (marshal's depend on object sharing)
            summaries = orjson.dumps([tuple(p.summary) for p in directory.practitioners])
            cache["summaries"] = hashlib.blake2b(summaries, digest_size=12).hexdigest()
            self.changed = True
        directory.summaries = cache["summaries"]
        if self.changed or recheck_all:
            cache["context"] = context
            self._write_cache(cache)
        return directory

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int]:
        stat = path.stat()
        return (stat.st_mtime_ns, stat.st_size)

    def _codes(self, name: str) -> dict[str, Any]:
        loaded = read_json(self.folder / name, self.root, self.errors)
        return loaded[1] if loaded else {}

    def _journal_file(self) -> Path:
        assert self.cache_file is not None
        return self.cache_file.with_name(self.cache_file.name + ".journal")

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            # loads() of the whole file: load() from a file object reads it in small pieces, five times slower
            value = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file, in the cache folder
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return value if isinstance(value, dict) and value.get("format") == CACHE_FORMAT else None

    def _read_cache(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"format": CACHE_FORMAT, "base": "", "establishments": {}, "practitioners": {}}
        if self.cache_file is None:
            return empty
        cache = self._read(self.cache_file)
        if cache is None:
            return empty
        journal = self._read(self._journal_file())
        if journal is not None and journal.get("base") == cache["base"]:
            for subfolder in ("establishments", "practitioners"):
                self.journal[subfolder] = journal[subfolder]
                entries = cache[subfolder]
                for rel, entry in journal[subfolder].items():
                    if entry is None:
                        entries.pop(rel, None)
                    else:
                        entries[rel] = entry
            cache["context"], cache["summaries"] = journal.get("context"), journal.get("summaries")
        return cache

    def _write_cache(self, cache: dict[str, Any]) -> None:
        """The journal alone while it is small; else the base again (and no journal)."""
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        journal = self._journal_file()
        if cache["base"] and sum(map(len, self.journal.values())) <= JOURNAL_LIMIT:
            extra = {"context": cache.get("context"), "summaries": cache.get("summaries")}
            self._replace(journal, {"format": CACHE_FORMAT, "base": cache["base"], **self.journal, **extra})
            return
        cache["base"] = os.urandom(8).hex()  # a journal written for an earlier base is never applied to this one
        self._replace(self.cache_file, cache)
        journal.unlink(missing_ok=True)

    @staticmethod
    def _replace(path: Path, value: dict[str, Any]) -> None:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(marshal.dumps(value))
        temporary.replace(path)

    def _records(self, subfolder: str, kind: str) -> tuple[list[Any], list[tuple[int, int]]]:
        """The records of every valid file of one kind, sorted by file name, and their files' stamps; errors
        recorded. A professional's record is a ``Practitioner`` (its summary at once, the rest on first use)."""
        values: list[Any] = []
        stamps: list[tuple[int, int]] = []
        entries_cache: dict[str, tuple[Any, ...]] = self.cache[
            subfolder
        ]  # file name -> (mtime, size, summary or record)
        journal = self.journal[subfolder]
        folder = self.folder / subfolder
        prefix = _rel(folder, self.root) + os.sep
        absolute = str(folder) + os.sep
        names = sorted(name for name in os.listdir(folder) if name.endswith(".json")) if folder.is_dir() else []
        practitioners = kind == "practitioner"
        found = 0  # names found in the cache: fewer than its entries, and files were removed
        # stat() relative to the folder's descriptor: the kernel does not walk the whole path 100,000 times
        descriptor = os.open(folder, os.O_RDONLY) if names and os.stat in os.supports_dir_fd else None
        try:
            for name in names:
                stat = os.stat(name, dir_fd=descriptor) if descriptor is not None else os.stat(absolute + name)
                stamp = (stat.st_mtime_ns, stat.st_size)
                cached = entries_cache.get(name)
                if cached is not None:
                    found += 1
                    if cached[0] == stamp[0] and cached[1] == stamp[1]:
                        if practitioners:
                            values.append(Practitioner(Summary(*cached[2]), absolute + name))
                        else:
                            values.append(cached[2])
                            self.sources[cached[2]["id"]] = prefix + name
                        stamps.append(stamp)
                        continue
                    del entries_cache[name]
                    found -= 1
                value = self._read_anew(subfolder, kind, name, stamp, cached)
                if value is not None:
                    values.append(value)
                    stamps.append(stamp)
        finally:
            if descriptor is not None:
                os.close(descriptor)
        if len(entries_cache) != found + len(self.fresh if practitioners else ()) or not practitioners:
            present = set(names)
            for name in [n for n in entries_cache if n not in present]:  # files removed since the last run
                del entries_cache[name]
                journal[name] = None
                self.changed = True
                self.summaries_changed |= practitioners
        return values, stamps

    def _read_anew(
        self, subfolder: str, kind: str, name: str, stamp: tuple[int, int], cached: tuple[Any, ...] | None
    ) -> Any:
        """A new or changed file's record (None if invalid), and its entry in the cache and the journal."""
        entries_cache, journal = self.cache[subfolder], self.journal[subfolder]
        self.changed = True
        journal[name] = None
        path, rel = str(self.folder / subfolder / name), _rel(self.folder / subfolder / name, self.root)
        record = self._read_record(rel, path, kind)
        if record is None:
            return None
        if kind != "practitioner":
            entries_cache[name] = journal[name] = (*stamp, record)
            self.sources[record["id"]] = rel
            return record
        value = Practitioner.of(record, path)
        summary = tuple(value.summary)
        if cached is None or tuple(cached[2]) != summary:
            self.summaries_changed = True
        entries_cache[name] = journal[name] = (*stamp, summary)
        self.fresh.append(value)
        return value

    def _read_record(self, rel: str, path: str, kind: str) -> Record | None:
        """A data file's record, read and validated; None with its errors recorded."""
        loaded = read_json(path, self.root, self.errors)
        if loaded is None:
            return None
        text, record = loaded
        problems = list(self.schemas.errors(kind, record))
        expected = os.path.basename(path).removesuffix(".json")
        if not problems and record["id"] != expected:
            problems.append((["id"], f"must match the file name ({expected})"))
        for where, message in problems:
            self.errors.append(DataError(rel, locate(text.decode(), where), field_name(where), message))
        if problems:
            return None
        self.texts[record["id"]] = text
        return record  # type: ignore[no-any-return]

    def _error(self, directory: Directory, record: Mapping[str, Any], path: list[PathPart], message: str) -> None:
        rel = (
            _rel(Path(record.path), self.root) if isinstance(record, Practitioner) else directory.sources[record["id"]]
        )
        raw = self.texts.get(record["id"])
        text = (self.root / rel).read_text(encoding="utf-8") if raw is None else raw.decode()
        self.errors.append(DataError(rel, locate(text, path), field_name(path), message))

    def _check_references(self, d: Directory, only: list[Practitioner] | None) -> None:
        """What a schema cannot say: codes that exist, and parts of a file that refer to each other.

        ``only``: the professionals to check (those read in this run); None: all of them.
        """
        for est in d.establishments:
            if est["place"] not in d.places:
                self._error(d, est, ["place"], f"unknown place {est['place']!r} (see places.json)")
        establishments = d.establishment_by_id
        for pr in d.practitioners if only is None else only:
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
        self,
        d: Directory,
        pr: Mapping[str, Any],
        s: int,
        site: Record,
        *,
        reasons: set[str],
        establishments: dict[str, Record],
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


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection while loading: the records make no reference cycles, and at 100,000 files the
    collector's passes over the growing heap took half the loading time. What was made meanwhile is then left
    out of later collections (``gc.freeze``): the next allocation would otherwise start a pass over all of it
    (0.15 s after loading 100,000 summaries), and the records live until the end of the build anyway."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def cache_file(cache_path: Path, what: str, folder: Path, suffix: str) -> Path:
    """A build cache file for one data or output folder, under ``cache_path`` (builds of other folders do not mix):
    the site build writes them, the search index reads the records' one."""
    key = hashlib.blake2b(str(folder.resolve()).encode(), digest_size=6).hexdigest()
    return cache_path / f"directory-{what}-{key}.{suffix}"


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
            errors.append(DataError(_rel(path, root), locate(text.decode(), where), field_name(where), message))
    if errors:
        raise DataFilesError(errors)
    return loaded[1] if loaded else None
