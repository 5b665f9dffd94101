"""``open-data/changes.json``: what changed in the open data from one build to the next (professionals and
establishments added, removed or changed, by id), newest build first, so that a reuser updates their copy without
comparing whole files.

A record counts as changed when its JSON text (as the open data has it) changed, not when its file was only
touched: each build keeps a short digest of every record in the manifest (``state``), and works out again only
those whose data file's stamp changed (``rebuild.previous_positions``). A build with nothing changed adds no entry.
The first build into an output folder has nothing to compare with, unless ``OPEN_DATA_PREVIOUS`` names a folder
holding the open data published last (a build from scratch, in CI: download ``/open-data/`` there first): its
records and its change log are then the previous build's.

This is the one file of the site that depends on the builds before it, not only on the data: a rebuilt site is a
fresh build of the same data but for this file (tests/site/test_build_processes.py).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plugins.directory.datapackage import CHANGES, licence_of, write_if_changed
from plugins.directory.rebuild import previous_positions
from plugins.directory.records import Directory, compact

STATE_FORMAT = 1
DIGEST = 8  # bytes of each record's digest: a change goes unseen once in 2**64
KEEP = 50  # builds listed (a reuser who missed more downloads the whole files again)


def digest(record: Mapping[str, Any]) -> bytes:
    return hashlib.blake2b(compact(record).encode(), digest_size=DIGEST).digest()


def practitioner_digests(d: Directory, ids: list[str], stamps: array[int], old: Mapping[str, Any]) -> bytes:
    """Each professional's digest: the previous build's where their file's stamp is the same, else worked out."""
    old_ids, old_stamps, old_digests = list(old.get("ids", [])), array("q"), bytes(old.get("digests", b""))
    old_stamps.frombytes(old.get("stamps", b""))
    if len(old_stamps) != 2 * len(old_ids) or len(old_digests) != DIGEST * len(old_ids):
        old_ids, old_stamps, old_digests = [], array("q"), b""
    positions = previous_positions(old_ids, old_stamps, ids, stamps)
    out = bytearray(DIGEST * len(ids))
    for i, k in enumerate(positions):
        out[DIGEST * i : DIGEST * (i + 1)] = (
            old_digests[DIGEST * k : DIGEST * (k + 1)] if k >= 0 else digest(d.practitioners[i].data)
        )
    return bytes(out)


def compare(old_ids: Sequence[str], old: bytes, ids: Sequence[str], new: bytes) -> dict[str, list[str]]:
    """Ids added, removed and changed (digest differs) from ``old_ids`` to ``ids``."""
    if list(old_ids) == list(ids) and old == new:
        return {"added": [], "removed": [], "changed": []}
    before = {pid: old[DIGEST * k : DIGEST * (k + 1)] for k, pid in enumerate(old_ids)}
    after = {pid: new[DIGEST * i : DIGEST * (i + 1)] for i, pid in enumerate(ids)}
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(pid for pid, value in after.items() if pid in before and before[pid] != value),
    }


def published_state(folder: Path) -> dict[str, Any]:
    """The state of the open data published in ``folder`` (``OPEN_DATA_PREVIOUS``): its records' ids and digests,
    its change log's builds; empty when the folder has no open data."""
    state: dict[str, Any] = {}
    try:
        for name in ("practitioners", "establishments"):
            records = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            state[name] = {"ids": [r["id"] for r in records], "digests": b"".join(digest(r) for r in records)}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    try:
        state["builds"] = json.loads((folder / CHANGES).read_text(encoding="utf-8"))["builds"]
    except (OSError, ValueError, KeyError, TypeError):
        state["builds"] = []
    return state


def write_changes(
    output: Path,
    d: Directory,
    ids: list[str],
    stamps: array[int],
    *,
    previous: Mapping[str, Any],
    settings: Mapping[str, Any],
    time: int,
) -> dict[str, Any]:
    """Write ``open-data/changes.json`` (only when it changes) with an entry for this build if anything changed
    since ``previous`` (the manifest's state, else the open data of ``OPEN_DATA_PREVIOUS``); ``time``: the newest
    data file's modification (nanoseconds), which dates the entry. Returns the state the next build compares with."""
    if previous.get("format") != STATE_FORMAT and settings.get("OPEN_DATA_PREVIOUS"):
        previous = {"format": STATE_FORMAT, **published_state(Path(str(settings["OPEN_DATA_PREVIOUS"])))}
    known = previous.get("format") == STATE_FORMAT and "practitioners" in previous
    old_people = previous.get("practitioners", {}) if known else {}
    people = practitioner_digests(d, ids, stamps, old_people)
    places = b"".join(digest({k: v for k, v in e.items() if k != "$schema"}) for e in d.establishments)
    place_ids = [e["id"] for e in d.establishments]
    builds: list[dict[str, Any]] = list(previous.get("builds", [])) if known else []
    if known:
        old_places = previous.get("establishments", {})
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(time // 1000 / 1e6, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "practitioners": compare(old_people.get("ids", []), old_people.get("digests", b""), ids, people),
            "establishments": compare(old_places.get("ids", []), old_places.get("digests", b""), place_ids, places),
        }
        if any(entry[kind][what] for kind in ("practitioners", "establishments") for what in entry[kind]):
            builds = [entry, *builds][:KEEP]
    licence = licence_of(settings)
    document = {
        "licence": {"name": licence["name"], "path": licence["path"]},
        "builds": builds,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    write_if_changed(output / "open-data" / CHANGES, text.encode())
    return {
        "format": STATE_FORMAT,
        "practitioners": {"ids": ids, "stamps": stamps.tobytes(), "digests": people},
        "establishments": {"ids": place_ids, "digests": places},
        "builds": builds,
    }
