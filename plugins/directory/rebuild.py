"""What a build keeps for the next one into the same output folder, and how the next one finds what changed.

* **Stamps**: each data file's modification time and size. A professional's page is rendered again only when
  their file's stamp changed (``previous_positions``, ``practitioners_to_render``).
* **Fingerprints**: what a page depends on, hashed. Every directory page shares one (``shared_fingerprint``:
  templates, translations, the plugin's code, code lists, establishments, settings); the site's other pages add
  the articles, pages and emergency numbers (``site_fingerprint``); a list page adds its members' stamps.
* **The manifest** (``read_manifest``, ``write_manifest``): what the last build wrote there, with those stamps and
  fingerprints, the open data's record lengths, the sitemap's fingerprint, and what each professional's
  suggestions of others nearby show (``suggestions_changed``: their page is rendered again when that changes).
* **The indexes' cache** (``load_indexes``): the lists' order, kept while no professional's summary changed.

Every cache says what it was made from, so a rebuilt site is byte for byte what a build from nothing makes
(tests/site/test_build_processes.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from plugins.directory.records import Directory
from plugins.directory.views import Indexes, build_indexes, route

INDEXES_FORMAT = 3  # of the cache file of the indexes' positions
MANIFEST_FORMAT = 2  # of the cache file that says what the last build into an output folder wrote
PLUGIN = Path(__file__).resolve().parent
# The plugin's modules that do not make pages: the search index is a command of its own, run on the built site.
NOT_PAGE_CODE = frozenset({"search_index.py", "search_pages.py", "search_terms.py"})
# Where plugins/assets keeps the theme's files in Pelican's context; their ``digest`` names every served file.
ASSETS_CONTEXT_KEY = "theme_assets"
# The settings every directory page shows or depends on.
SHARED_SETTINGS = (
    *("SITEURL", "SITENAME", "SITE_TAGLINE", "SITE_ORIGIN", "DEFAULT_LANG", "LANGUAGES", "TERRITORY_COUNTRY"),
    *("DIRECTORY_PAGE_SIZE", "THEME_STATIC_DIR", "ARTICLE_CATEGORIES", "HOME_SPECIALTIES"),
    *("OPEN_DATA_LICENCE", "OPEN_DATA_CSV_DELIMITER"),
)


def fingerprint(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def page_code() -> list[Path]:
    """The source files of the code that makes pages: the plugin's modules (not their compiled copies in
    __pycache__, which any run of another of the plugin's commands may rewrite)."""
    return [path for path in PLUGIN.glob("*.py") if path.name not in NOT_PAGE_CODE]


def shared_fingerprint(settings: Mapping[str, Any], content: Path, d: Directory, assets: str = "") -> str:
    """What every directory page depends on: templates, translations, code lists, the schemas (the data
    dictionary shows them), the search vocabulary, establishments, settings, and
    ``assets``, the names under which the theme's files are served (plugins/assets: pages link them by their
    content hash, so a changed stylesheet is a changed page)."""
    theme = Path(settings["THEME"])
    files = [p for folder in (theme / "templates", theme / "translations") for p in folder.rglob("*")]
    stamps = sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in [*files, *page_code()] if p.is_file())
    folder = content / settings.get("DIRECTORY_PATH", "directory")
    # the search vocabulary: its terms are in the professionals' pages (their search keywords)
    vocabulary = sorted((content / settings.get("SEARCH_VOCABULARY_PATH", "search")).glob("vocabulary.*.json"))
    for path in [
        folder / "taxonomy.json",
        folder / "places.json",
        *sorted((folder / "schema").glob("*.json")),
        *vocabulary,
    ]:
        stat = path.stat()
        stamps.append((path.name, stat.st_mtime_ns, stat.st_size))
    stamps += [(e["id"], *d.stamps[e["id"]]) for e in d.establishments]
    return fingerprint(*stamps, *(repr(settings.get(k)) for k in SHARED_SETTINGS), assets)


def data_time(d: Directory, folder: Path) -> int:
    """The newest modification (nanoseconds) among the directory's data files, the code lists and the folders that
    hold them (so that a removed file counts): a property of the data, the same for every build of it."""
    times = [t for t, _ in d.practitioner_stamps]
    times += [t for t, _ in d.stamps.values()]
    paths = [folder / n for n in ("taxonomy.json", "places.json", "practitioners", "establishments")]
    times += [p.stat().st_mtime_ns for p in paths if p.exists()]
    return max(times, default=0)


def site_fingerprint(shared: str, sources: Iterable[str], content: Path, summaries: str) -> str:
    """What the pages other than the directory's lists depend on: the shared fingerprint, the articles' and pages'
    source files, the emergency numbers, and the summaries of all professionals (counts and languages on the
    home and search pages)."""
    paths = [*sources, str(content / "emergency.json")]
    stamps = [(path, (stat := os.stat(path)).st_mtime_ns, stat.st_size) for path in paths]
    return fingerprint(shared, summaries, *stamps)


def previous_positions(old_ids: list[str], old_stamps: array[int], ids: list[str], stamps: array[int]) -> list[int]:
    """For each professional of ``ids``, their position in ``old_ids`` when their file's stamp (modification time
    and size, two numbers each in ``stamps``) is the same there; -1 when they are new or their file changed.

    With the same professionals as before (a rebuild after edits), the stamps are compared block by block: equal
    blocks, nearly all of them, are compared in C."""
    if old_ids == ids:
        positions = list(range(len(ids)))
        block = 2 * 1024
        for start in range(0, len(stamps), block):
            if old_stamps[start : start + block] != stamps[start : start + block]:
                for i in range(start, min(start + block, len(stamps)), 2):
                    if old_stamps[i : i + 2] != stamps[i : i + 2]:
                        positions[i // 2] = -1
        return positions
    where = {pid: 2 * k for k, pid in enumerate(old_ids)}
    positions = []
    for i, pid in enumerate(ids):
        k = where.get(pid, -2)
        positions.append(k // 2 if k >= 0 and old_stamps[k : k + 2] == stamps[2 * i : 2 * i + 2] else -1)
    return positions


def practitioner_folders(output: Path, languages: Sequence[str]) -> dict[str, int]:
    """Modification time of the folder that holds each language's professionals' folders (0: none): while it
    is the same, no professional's folder was added or removed there."""
    times = {}
    for lang in languages:
        try:
            times[lang] = os.stat(output / route("practitioner", lang, "")).st_mtime_ns
        except FileNotFoundError:
            times[lang] = 0
    return times


def practitioners_to_render(
    output: Path,
    ids: list[str],
    stamps: array[int],
    previous: dict[str, Any],
    *,
    shared: str,
    languages: Sequence[str],
) -> set[int]:
    """The positions of the professionals whose pages to render: those whose data file changed since the last
    build into this output folder (``stamps``: modification time and size of each file, in the order of ``ids``;
    ``previous``: the manifest's ``practitioners``), all of them when anything every page shares changed, and
    those whose folder is missing."""
    old_stamps = array("q")
    old_ids = previous.get("ids") if previous.get("shared") == shared else None
    if old_ids is not None:
        old_stamps.frombytes(previous["stamps"])
    if old_ids is None or len(old_stamps) != 2 * len(old_ids):
        todo = set(range(len(ids)))
    else:
        todo = {i for i, k in enumerate(previous_positions(old_ids, old_stamps, ids, stamps)) if k < 0}
    folders = previous.get("folders", {})
    for lang, mtime in practitioner_folders(output, languages).items():
        if len(todo) < len(ids) and (mtime == 0 or folders.get(lang) != mtime):
            names = set(os.listdir(output / route("practitioner", lang, ""))) if mtime else set()
            todo.update(i for i, pid in enumerate(ids) if pid not in names)
    return todo


def suggestions_changed(ids: Sequence[str], now: Mapping[str, Any], before: Mapping[str, Any]) -> set[int]:
    """The positions of the professionals whose suggestions of others nearby (``now``, ``before``: what each shows,
    by id) are not what the last build showed: new, changed or gone."""
    different = {pid for pid in now.keys() | before.keys() if now.get(pid) != before.get(pid)}
    return {i for i, pid in enumerate(ids) if pid in different} if different else set()


def remove_practitioner_pages(output: Path, ids: Iterable[str], languages: Sequence[str]) -> None:
    """Delete the pages of professionals no longer in the directory, and their folders."""
    for pid in ids:
        for lang in languages:
            page = output / route("practitioner", lang, pid) / "index.html"
            page.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # the folder too, unless someone put other files in it
                page.parent.rmdir()


def read_manifest(path: Path) -> dict[str, Any]:
    """What the last build into an output folder wrote (empty when there is none, or of another format)."""
    try:
        manifest = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else {}


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Keep what this build wrote for the next one: ``pages`` (each page's fingerprint by path), ``practitioners``
    (the shared fingerprint, the ids, their files' stamps and their folders' times), ``open_data`` (what
    ``write_open_data`` returned), ``sitemap`` (its fingerprint) and ``nearest`` (what each professional's
    suggestions of others nearby show)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(marshal.dumps({"format": MANIFEST_FORMAT, **manifest}))


def load_indexes(d: Directory, path: Path) -> Indexes:
    """The directory's indexes; their positions and the suggestions of who accepts new patients nearby come from
    the cache file ``path`` while no summary changed (sorting 100,000 names is most of the time a rebuild would
    spend on them)."""
    try:
        cached = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file
    except (OSError, ValueError, EOFError, TypeError):
        cached = None
    version = (INDEXES_FORMAT, d.summaries)
    if isinstance(cached, dict) and cached.get("version") == version and d.summaries:
        return build_indexes(d, cached["positions"], cached["nearest"])
    indexes = build_indexes(d)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(marshal.dumps({"version": version, "positions": indexes.positions, "nearest": indexes.nearest}))
    return indexes
