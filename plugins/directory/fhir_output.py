"""The FHIR R4 directory written with the site: ``fhir/<Type>.ndjson`` and the manifest ``fhir/directory.json``.

A Pelican generator of its own (wired by register()), run after the directory's: it reads the records the directory
generator loaded and validated (``context["directory"]``), as the open data does. A rebuild writes only the
professionals whose data files changed: each file is spliced from the previous build's bytes (the open data's
``Splice``), with this build's positions kept in a cache file beside the directory's. Large directories are
split: each type in several files (``Practitioner.1.ndjson``...; a professional's file chosen by a digest of their
id), so that a rebuild after an edit copies one file of each type, not 300 MB. Anything every resource depends on
(code lists, establishments, settings, this code) changing writes everything again.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import zlib
from array import array
from datetime import UTC, datetime
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

import orjson
from pelican.generators import Generator

from plugins.directory import fhir
from plugins.directory.fhir import Publisher
from plugins.directory.model import cache_file, collection_paused
from plugins.directory.rebuild import data_time, previous_positions
from plugins.directory.records import Directory, compact
from plugins.directory.writer import Splice

logger = logging.getLogger(__name__)

STATE_FORMAT = 3
FOLDER = "fhir"
MANIFEST = "directory.json"
PER_PROFESSIONAL = ("Practitioner", "PractitionerRole", "HealthcareService", "Location")
TYPES = ("Organization", "Location", "Practitioner", "PractitionerRole", "HealthcareService")
FILE_SIZE = 20_000  # professionals per file, about (FHIR_FILE_SIZE): a rebuild copies one file of each type, not all


def bucket_count(professionals: int, size: int = FILE_SIZE) -> int:
    """Files per type: one up to ``size`` professionals, then a power of two (it changes rarely: every file is
    written again when it does)."""
    count = 1
    while count * size < professionals:
        count *= 2
    return count


def bucket(pid: str, count: int) -> int:
    """The file a professional is in: by a checksum of their id (CRC-32: the same in every build and process, and
    a third of a digest's time over 100,000 ids), so that adding or removing someone changes one file."""
    return zlib.crc32(pid.encode()) % count


def file_names(k: int, count: int) -> list[str]:
    """The per-professional files of bucket ``k``: ``Practitioner.ndjson``, or ``Practitioner.3.ndjson`` when
    there are several."""
    return [f"{kind}.ndjson" if count == 1 else f"{kind}.{k + 1}.ndjson" for kind in PER_PROFESSIONAL]


def line(resource: dict[str, Any]) -> bytes:
    """One NDJSON line: compact JSON as the open data writes it (orjson's bytes straight away)."""
    try:
        return orjson.dumps(resource) + b"\n"
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: the standard module's text
        return (compact(resource) + "\n").encode()


def ndjson(resources: list[dict[str, Any]]) -> bytes:
    return b"".join(map(line, resources))


def origin(settings: dict[str, Any]) -> str:
    """The site's absolute origin: SITEURL when it is one (publishing), else SITE_ORIGIN (development)."""
    siteurl = str(settings.get("SITEURL", ""))
    return (siteurl if siteurl.startswith("http") else str(settings.get("SITE_ORIGIN", ""))).rstrip("/")


def instant(nanoseconds: int) -> str:
    """A FHIR instant in UTC with microseconds: ``2026-03-01T09:30:00.123456Z``."""
    moment = datetime.fromtimestamp(nanoseconds // 1000 / 1e6, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FhirWriter:
    """Writes the FHIR directory of one loaded ``Directory`` into ``output/fhir``."""

    def __init__(self, directory: Directory, settings: dict[str, Any], content: Path, output: Path) -> None:
        self.d, self.settings, self.content, self.output = directory, settings, content, output
        lang = str(settings.get("DEFAULT_LANG", "fr"))
        self.publisher = Publisher(directory, origin(settings), lang, str(settings.get("TERRITORY_COUNTRY", "MC")))
        self.folder = content / str(settings.get("DIRECTORY_PATH", "directory"))

    def shared(self) -> str:
        """What every resource depends on besides its professional's own file."""
        paths = [self.folder / "taxonomy.json", self.folder / "places.json", *self.code()]
        stamps = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths]
        stamps += sorted((e["id"], *self.d.stamps[e["id"]]) for e in self.d.establishments)
        keys = ("SITEURL", "SITE_ORIGIN", "DEFAULT_LANG", "TERRITORY_COUNTRY", "DIRECTORY_PATH")
        parts = (STATE_FORMAT, stamps, [repr(self.settings.get(k)) for k in keys])
        return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()

    @staticmethod
    def code() -> list[Path]:
        """This module and the modules whose code shapes the resources."""
        from plugins.directory import i18n, views

        return [Path(m.__file__ or "") for m in (sys.modules[__name__], fhir, i18n, views)]

    def transaction_time(self) -> str:
        """The newest modification among the files the resources come from (and their folders, so that a removed
        file counts): every change up to it is in the files, none after. The same data gives the same manifest,
        so a client polling it sees a new time exactly when the directory changed."""
        return instant(data_time(self.d, self.folder))

    def write(self, previous: dict[str, Any]) -> dict[str, Any]:
        """Write the NDJSON files and the manifest; returns what the next build needs to splice."""
        folder = self.output / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        shared = self.shared()
        establishments = previous.get("establishments") if previous.get("shared") == shared else None
        if establishments is None or not (folder / "Organization.ndjson").exists():
            establishments = self.establishment_lines(folder)  # else unchanged since the last build
        heads, counts = establishments
        ids = [p.summary.id for p in self.d.practitioners]
        stamps = array("q", chain.from_iterable(self.d.practitioner_stamps))
        count = bucket_count(len(ids), int(self.settings.get("FHIR_FILE_SIZE") or FILE_SIZE))
        usable = previous.get("shared") == shared and len(previous.get("buckets", [])) == count
        members: list[list[int]] = [[] for _ in range(count)]
        for i, pid in enumerate(ids):
            members[bucket(pid, count)].append(i)
        files: list[tuple[str, str, int]] = [("Organization", "Organization.ndjson", counts["Organization"])]
        buckets = []
        for k, positions in enumerate(members):
            own = heads if k == 0 else dict.fromkeys(PER_PROFESSIONAL, b"")
            local = array("q", chain.from_iterable(stamps[2 * i : 2 * i + 2] for i in positions))
            old = previous["buckets"][k] if usable else {}
            state = self.splice(
                folder, file_names(k, count), heads=own, positions=positions, stamps=local, previous=old
            )
            buckets.append(state)
            sites = array("i")
            sites.frombytes(state["sites"])
            extra = counts if k == 0 else dict.fromkeys(TYPES, 0)
            for kind, name in zip(PER_PROFESSIONAL, file_names(k, count), strict=True):
                files.append((kind, name, extra[kind] + (len(positions) if kind == "Practitioner" else sum(sites))))
        for stale in {p.name for p in folder.glob("*.ndjson")} - {name for _, name, _ in files}:
            (folder / stale).unlink()  # a file of the previous build's layout
        self.write_manifest(folder, sorted(files, key=lambda f: TYPES.index(f[0])))
        return {"format": STATE_FORMAT, "shared": shared, "establishments": establishments, "buckets": buckets}

    def establishment_lines(self, folder: Path) -> tuple[dict[str, bytes], dict[str, int]]:
        """Organization.ndjson written whole (if changed); the establishments' Locations and HealthcareServices,
        which head the first of their files; the number of resources of each type they make."""
        organizations, locations, services = [], [], []
        for e in self.d.establishments:
            orgs, location, service = self.publisher.establishment_resources(e)
            organizations += orgs
            locations.append(location)
            services.append(service)
        replace_if_changed(folder / "Organization.ndjson", ndjson(organizations))
        heads = dict.fromkeys(PER_PROFESSIONAL, b"")
        heads["Location"], heads["HealthcareService"] = ndjson(locations), ndjson(services)
        counts = dict.fromkeys(TYPES, 0)
        counts |= {"Organization": len(organizations), "Location": len(locations), "HealthcareService": len(services)}
        return heads, counts

    def lines(self, i: int) -> tuple[list[bytes], int]:
        """The professional at position ``i``: their line(s) in each per-professional file, and their sites."""
        p = self.d.practitioners[i]
        practitioner, sites = self.publisher.practitioner_resources(p.data)
        location = b"".join(line(s[0]) for s in sites)
        role = b"".join(line(s[1]) for s in sites)
        service = b"".join(line(s[2]) for s in sites)
        return [line(practitioner), role, service, location], len(sites)

    def splice(
        self,
        folder: Path,
        names: list[str],
        *,
        heads: dict[str, bytes],
        positions: list[int],
        stamps: array[int],
        previous: dict[str, Any],
    ) -> dict[str, Any]:
        """One bucket's files (the professionals at ``positions``, whose files' ``stamps`` these are), written anew
        only where professionals changed, as the open data is; not touched at all when none did."""
        paths = [folder / name for name in names]
        ids = [self.d.practitioners[i].summary.id for i in positions]
        sizes = [p.stat().st_size if p.exists() else -1 for p in paths]
        old_ids: list[str] = previous.get("ids", []) if previous.get("sizes") == sizes else []
        old_stamps, old_lengths, old_sites = array("q"), array("q"), array("i")
        if old_ids:
            old_stamps.frombytes(previous["stamps"])
            old_lengths.frombytes(previous["lengths"])
            old_sites.frombytes(previous["sites"])
        width = len(PER_PROFESSIONAL)
        if not (len(old_stamps) == 2 * len(old_ids) and len(old_lengths) == width * len(old_ids)):
            old_ids = []
        old_heads = previous.get("heads", [0] * width) if old_ids else [0] * width
        starts = [list(accumulate(old_lengths[k::width], initial=old_heads[k])) for k in range(width)]
        outs = [Splice(heads[kind], b"", b"") for kind in PER_PROFESSIONAL]
        lengths, sites = array("q", bytes(8 * width * len(ids))), array("i", bytes(4 * len(ids)))
        written = 0
        moved = previous_positions(old_ids, old_stamps, ids, stamps)
        for j, pid in enumerate(ids):
            if pid in self.d.changed:  # read again in this build: written anew, whatever its stamp
                moved[j] = -1
        j = 0
        while j < len(ids):
            k = moved[j]
            if k < 0:
                blocks, sites[j] = self.lines(positions[j])
                for n, block in enumerate(blocks):
                    outs[n].add(block)
                    lengths[width * j + n] = len(block)
                written += 1
                j += 1
                continue
            count = 1
            while j + count < len(ids) and moved[j + count] == k + count:
                count += 1
            for n in range(width):
                outs[n].copy(starts[n][k], starts[n][k + count])
            lengths[width * j : width * (j + count)] = old_lengths[width * k : width * (k + count)]
            sites[j : j + count] = old_sites[k : k + count]
            j += count
        new_heads = [len(heads[kind]) for kind in PER_PROFESSIONAL]
        if written or old_ids != ids or new_heads != old_heads or -1 in sizes:
            for out, path in zip(outs, paths, strict=True):
                out.write(path)
        if written:
            logger.info("FHIR directory: %s: %d of %d professionals written anew", names[0], written, len(ids))
        return {
            "sizes": [p.stat().st_size for p in paths],
            "heads": new_heads,
            "ids": ids,
            "stamps": stamps.tobytes(),
            "lengths": lengths.tobytes(),
            "sites": sites.tobytes(),
        }

    def write_manifest(self, folder: Path, files: list[tuple[str, str, int]]) -> None:
        """fhir/directory.json, in the shape of a FHIR Bulk Data export's manifest: each file, its type and count."""
        base = f"{self.publisher.origin}/{FOLDER}"
        manifest = {
            "transactionTime": self.transaction_time(),
            "request": f"{base}/{MANIFEST}",
            "requiresAccessToken": False,
            "output": [{"type": kind, "url": f"{base}/{name}", "count": count} for kind, name, count in files],
            "error": [],
        }
        replace_if_changed(folder / MANIFEST, (compact(manifest) + "\n").encode())


def replace_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` unless the file already holds exactly it (its time then says when it last changed)."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(data)
    temporary.replace(path)


class FhirGenerator(Generator):  # type: ignore[misc]
    """Writes the FHIR directory; nothing to add to the context (the directory generator loads the records)."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        directory = self.context.get("directory")
        if not isinstance(directory, Directory):  # the directory generator stopped the build before this
            return
        output = Path(self.output_path)
        state_file = cache_file(Path(self.settings.get("CACHE_PATH", "cache")), "fhir", output, "marshal")
        try:
            previous = marshal.loads(state_file.read_bytes())  # noqa: S302 - our own cache file
        except (OSError, ValueError, EOFError, TypeError):
            previous = {}
        if not isinstance(previous, dict) or previous.get("format") != STATE_FORMAT:
            previous = {}
        with collection_paused():
            state = FhirWriter(directory, self.settings, Path(self.path), output).write(previous)
        state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = state_file.with_name(state_file.name + ".tmp")
        temporary.write_bytes(marshal.dumps(state))
        os.replace(temporary, state_file)


def get_generators(pelican: Any) -> type[FhirGenerator]:
    return FhirGenerator
