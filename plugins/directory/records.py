"""What the directory is made of once loaded: a professional (``Practitioner``: a ``Summary`` at once, the record on
first use), establishments and code lists as plain records, and the whole ``Directory``.

plugins.directory.model loads them from the data files; the pages, the open data and the search index read them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import orjson

Record = dict[str, Any]


class Summary(NamedTuple):
    """What lists, indexes and the suggestions of other professionals need of a professional, kept apart so that a
    rebuild need not parse every file."""

    id: str
    given_name: str
    family_name: str
    profession: str
    specialties: tuple[str, ...]
    places: tuple[str, ...]  # distinct, in the order of the sites
    establishments: tuple[str, ...]
    languages: tuple[str, ...]
    civility: str  # "" when the file gives none
    accepting_new_patients: bool
    positions: tuple[tuple[float, float], ...]  # (latitude, longitude) of each site, in the order of the sites

    @classmethod
    def of(cls, record: Record) -> Summary:
        sites = record["sites"]
        return cls(
            record["id"],
            record["given_name"],
            record["family_name"],
            record["profession"],
            tuple(record["specialties"]),
            tuple(dict.fromkeys(site["place"] for site in sites)),
            tuple(dict.fromkeys(site["establishment"] for site in sites if "establishment" in site)),
            tuple(record["languages"]),
            record.get("civility", ""),
            record["accepting_new_patients"],
            tuple((site["latitude"], site["longitude"]) for site in sites),
        )


class Practitioner(Mapping[str, Any]):
    """A professional's record: its summary at once, the rest read from its data file on first use.

    A rebuild after one file changed needs every summary (lists, indexes) but only the records of the pages it
    renders again, so unchanged files are not read.
    """

    __slots__ = ("_data", "path", "summary")

    def __init__(self, summary: Summary, path: str, data: Record | None = None) -> None:
        self.summary = summary
        self.path = path
        self._data = data

    @property
    def data(self) -> Record:
        if self._data is None:
            with open(self.path, "rb") as handle:
                record = parse_json(handle.read())
            record.pop("$schema", None)
            self._data = record
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    @classmethod
    def of(cls, record: Record, path: str) -> Practitioner:
        clean = {k: v for k, v in record.items() if k != "$schema"}
        return cls(Summary.of(record), path, clean)


@dataclass
class Directory:
    """The whole directory: professionals, establishments and the code lists they refer to."""

    practitioners: list[Practitioner]
    establishments: list[Record]
    professions: dict[str, Record]
    specialties: dict[str, Record]
    places: dict[str, Record]
    sources: dict[str, str] = field(default_factory=dict)  # establishment id -> data file, for error messages
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # establishment id -> (mtime_ns, size)
    changed: set[str] = field(default_factory=set)  # ids of the records read (not from the cache) in this load
    # the professionals' stamps in the order of ``practitioners``; and a fingerprint of all their summaries, the
    # same as long as no name, code or language of any professional changed and none was added or removed
    practitioner_stamps: list[tuple[int, int]] = field(default_factory=list)
    summaries: str = ""

    @cached_property
    def establishment_by_id(self) -> dict[str, Record]:
        return {e["id"]: e for e in self.establishments}


def compact(value: Any) -> str:
    """Compact JSON, UTF-8 characters as they are (orjson writes exactly what ``json.dumps(value,
    ensure_ascii=False, separators=(",", ":"))`` writes, faster; the standard module takes integers beyond 64 bits)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_json(raw: bytes) -> Any:
    """A JSON document's value: orjson (about three times faster than the standard module over 100,000 files),
    the standard module where orjson refuses (integers beyond 64 bits) or to report a syntax error the usual way."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw.decode("utf-8"))
