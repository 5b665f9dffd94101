"""The Pelican generator of the directory: one page per professional, establishment, specialty and place, in
every site language, plus the home and index pages, open data, sitemap.xml and robots.txt.

``generate_context`` loads and validates the data files (plugins.directory.model) and stops the build with every
error at once; ``generate_output`` writes. Pages whose inputs did not change since the last build into the same
output folder are not rendered again (a manifest of fingerprints in the cache folder), and large builds render in
one process per core.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import signal
import sys
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import accumulate, chain
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup
from pelican.contents import Article, Page
from pelican.generators import Generator

from plugins.directory import i18n, model, templating, views
from plugins.directory.i18n import Catalogs, language_environment, language_name, localized
from plugins.directory.model import (
    ESTABLISHMENT_COLUMNS,
    PRACTITIONER_COLUMNS,
    DataError,
    DataFilesError,
    Directory,
    Practitioner,
    cache_file,
    collection_paused,
    compact,
    csv_text,
    establishment_row,
    load_data_file,
    load_directory,
)
from plugins.directory.views import (
    ROUTES,
    Indexes,
    build_indexes,
    chunks,
    hours_by_day,
    practitioner_view,
    route,
)

logger = logging.getLogger(__name__)

ARTICLE_FIELDS = ("category", "summary", "reviewed", "reviewer", "sources")
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (the protocol's limit)
INDEXES_FORMAT = 2  # of the cache file of the indexes' positions
MANIFEST_FORMAT = 2  # of the cache file that says what the last build into an output folder wrote
PRO_PAGES = {
    "pro": "pro/signin",
    "pro-agenda": "pro/agenda",
    "pro-appointment": "pro/appointment",
    "pro-settings": "pro/settings",
}


@dataclass
class PageJob:
    """One page to write: where, with which template and values, and what it depends on."""

    save_as: str
    template: str
    values: dict[str, Any] | Callable[[], dict[str, Any]]  # or how to compute them (when rendered or listed)
    fingerprint: str = ""  # empty: the site's (write_everything), or none for a professional's page
    more: Callable[[], dict[str, Any]] | None = None  # values computed only if the page is rendered
    language: str = ""  # when ``values`` is computed later

    def context(self) -> dict[str, Any]:
        """The page's values (computed on first use)."""
        if callable(self.values):
            self.values = self.values()
        return self.values

    @property
    def lang(self) -> str:
        return self.language or str(self.context()["lang"])


class Splice:
    """A file made of pieces: new bytes, or byte ranges of the file's previous version, copied by the kernel
    (``os.copy_file_range``) without passing through Python. The open data of 100,000 professionals is 212 MB;
    a rebuild after one change copies two ranges and writes one record."""

    def __init__(self, head: bytes, separator: bytes, tail: bytes) -> None:
        self.head, self.separator, self.tail = head, separator, tail
        self.pieces: list[bytes | tuple[int, int]] = []
        self.size = len(head)  # of the new file so far, tail excluded

    def _next(self, length: int) -> tuple[int, int]:
        start = self.size + (len(self.separator) if self.pieces else 0)
        self.size = start + length
        return start, self.size

    def add(self, data: bytes) -> tuple[int, int]:
        """Append new bytes; returns where they are in the new file."""
        where = self._next(len(data))
        if self.pieces:
            self.pieces.append(self.separator)
        self.pieces.append(data)
        return where

    def copy(self, start: int, end: int) -> tuple[int, int]:
        """Append bytes ``start:end`` of the previous version; returns where they are in the new file."""
        where = self._next(end - start)
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, tuple) and last[1] + len(self.separator) == start:
            self.pieces[-1] = (last[0], end)  # contiguous in the old file, separator included: one range
        else:
            if self.pieces:
                self.pieces.append(self.separator)
            self.pieces.append((start, end))
        return where

    def write(self, path: Path) -> None:
        """Write the new version beside ``path`` (reading ranges from ``path``), then put it in its place."""
        temporary = path.with_name(path.name + ".new")
        old = open(path, "rb") if any(isinstance(piece, tuple) for piece in self.pieces) else None
        try:
            with open(temporary, "wb") as new:
                new.write(self.head)
                for piece in self.pieces:
                    if isinstance(piece, bytes):
                        new.write(piece)
                        continue
                    assert old is not None
                    new.flush()
                    copy_range(old.fileno(), new.fileno(), *piece)
                new.write(self.tail)
        finally:
            if old is not None:
                old.close()
        temporary.replace(path)


def copy_range(source: int, destination: int, start: int, end: int) -> None:
    """Copy bytes ``start:end`` of ``source`` to the current position of ``destination``."""
    position = start
    while position < end:
        try:
            done = os.copy_file_range(source, destination, end - position, position)
        except OSError:  # a file system without copy_file_range: through memory
            done = os.write(destination, os.pread(source, min(end - position, 1 << 24), position))
        if done == 0:
            raise OSError(f"the previous open data file ended at byte {position}, before {end}")
        position += done


class PageFiles:
    """Writes rendered pages under the output folder: a folder and an ``index.html`` per page, in as few system
    calls as the file system allows (Pelican's writer, made for a few hundred pages, stats and checks each path
    several times; at 200,000 pages that was a sixth of the build)."""

    def __init__(self, output: Path) -> None:
        self.output = str(output)
        self.folders: set[str] = set()

    def write(self, save_as: str, html: str) -> None:
        path = f"{self.output}/{save_as}"
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(descriptor, html.encode())
        finally:
            os.close(descriptor)


def forked(work: Callable[[], None], failure: str) -> int:
    """Run ``work()`` in a forked process, which leaves without the parent's clean-up: exit status 0, or 1 after
    logging ``failure`` with the exception. Returns the process id."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            work()
        except BaseException:
            logger.exception(failure)
            code = 1
        finally:
            os._exit(code)
    return pid


class Background:
    """``work()`` run by a forked process from now on (when ``fork``), else by this one when ``result()`` is asked
    for. The result (plain values) comes back with marshal through a pipe."""

    def __init__(self, work: Callable[[], Any], fork: bool, failure: str) -> None:
        self.work, self.failure = work, failure
        self.child: int | None = None
        if not fork or not hasattr(os, "fork"):
            return
        reader, writer = os.pipe()

        def hand_over() -> None:  # in the child: do the work, hand its result over
            os.close(reader)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(marshal.dumps(work()))

        self.child, self.reader = forked(hand_over, failure), reader
        os.close(writer)

    def result(self) -> Any:
        if self.child is None:
            return self.work()
        with os.fdopen(self.reader, "rb") as pipe:
            data = pipe.read()
        status, self.child = os.waitpid(self.child, 0)[1], None
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{self.failure}; see the messages above")
        return marshal.loads(data)  # noqa: S302 - from our own child process

    def stop(self) -> None:
        """Stop the process (after a failure elsewhere: no orphan goes on writing)."""
        if self.child is not None:
            os.kill(self.child, signal.SIGTERM)
            os.waitpid(self.child, 0)
            os.close(self.reader)
            self.child = None


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


def _memo(function: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """``function`` computed once, on first use."""
    result: list[dict[str, Any]] = []

    def memo() -> dict[str, Any]:
        if not result:
            result.append(function())
        return result[0]

    return memo


def member_records(members: list[Practitioner]) -> dict[str, Any]:
    """The records of a list's professionals, read when the list is rendered (plain dicts for the templates)."""
    return {"members": [p.data for p in members]}


def install_filters(generator: Generator) -> None:
    """The theme's filters in every generator's environment (wired by register()): Pelican's own generators
    compile the theme's templates even though the directory plugin renders them, per language."""
    default = str(generator.settings["DEFAULT_LANG"])
    generator.env.filters.update(
        {
            "jsonld": jsonld,
            "lookup": lookup,
            "tr": lambda text: localized(text, default, default),
            "language_name": lambda code: language_name(code, default),
        }
    )


def lookup(key: str, mapping: dict[str, Any]) -> Any:
    """``codes | map("lookup", directory.specialties)``: the records the codes name."""
    return mapping[key]


def jsonld(value: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` data block, safe inside HTML."""
    text = compact(value)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S704


def content_alternates(content: Article | Page, languages: list[str], fallback_kind: str) -> list[dict[str, Any]]:
    """(lang, url) of an article or page in every language: its translation, else that language's index."""
    by_lang = {content.lang: content.url}
    by_lang.update({t.lang: t.url for t in content.translations})
    return [
        {"lang": lang, "path": by_lang.get(lang, route(fallback_kind, lang)), "exists": lang in by_lang}
        for lang in languages
    ]


def initial(title: str) -> str:
    """The letter an article is filed under in the A–Z index: ``"Écran"`` -> ``"E"``."""
    letter = unicodedata.normalize("NFKD", title.strip()[:1])[:1].upper()
    return letter if letter.isalpha() else "#"


def source_line(path: str, name: str) -> int:
    """Line of the ``Name:`` metadata in a Markdown file (1 when it is absent)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if re.match(rf"(?i){re.escape(name)}\s*:", line):
                return number
    return 1


class DirectoryGenerator(Generator):  # type: ignore[misc]
    """Pelican generator for the directory, the site's index pages, and the articles and pages in every language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages: list[str] = list(self.settings.get("LANGUAGES", [self.settings["DEFAULT_LANG"]]))
        catalogs = Catalogs(Path(self.settings["THEME"]) / "translations", self.languages)
        self.envs = {
            lang: language_environment(self.env, lang, catalogs, self.languages[0], self.language_globals(lang))
            for lang in self.languages
        }
        for lang, env in self.envs.items():
            # Compiled templates are kept between builds, per language and per version of its messages (the
            # translations are part of the compiled code).
            messages = self.fingerprint(sorted(catalogs.messages.get(lang, {}).items()))
            folder = Path(self.settings.get("CACHE_PATH", "cache")) / f"jinja-{lang}-{messages}"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))

    def language_globals(self, lang: str) -> dict[str, Any]:
        """Settings and helpers the templates use, bound to one language."""
        siteurl = str(self.settings.get("SITEURL", ""))
        default = self.languages[0]

        def url(kind: str, key: str = "", number: int = 1, lang: str = lang) -> str:
            return f"{siteurl}/{route(kind, lang, key, number)}"

        def departments_jsonld(establishment: dict[str, Any]) -> list[dict[str, Any]]:
            return [
                {"@type": "MedicalOrganization", "name": localized(dep["name"], lang, default)}
                | ({"telephone": dep["phone"]} if "phone" in dep else {})
                for dep in establishment.get("departments", [])
            ]

        names = (
            "SITEURL",
            "SITENAME",
            "SITE_TAGLINE",
            "ARTICLE_CATEGORIES",
            "TERRITORY_COUNTRY",
            "BOOKING_RETENTION_DAYS",
        )
        return {
            **{name: self.settings.get(name) for name in names},
            "DEFAULT_LANG": default,
            "LANGUAGES": self.languages,
            "url": url,
            "hours_by_day": hours_by_day,
            "departments_jsonld": departments_jsonld,
        }

    def generate_context(self) -> None:
        content = Path(self.path)
        root = content.resolve().parent
        folder = content / self.settings.get("DIRECTORY_PATH", "directory")
        cache = self.cache_file("records", folder, "pickle")
        errors: list[DataError] = []
        directory = None
        try:
            with collection_paused():
                directory = load_directory(folder, cache, root)
        except DataFilesError as err:
            errors += err.errors
        emergency: dict[str, Any] = {"numbers": []}
        try:
            emergency = load_data_file(content / "emergency.json", "emergency", folder / "schema", root)
        except DataFilesError as err:
            errors += err.errors
        documents = [c for c in self.context.get("generated_content", {}).values() if isinstance(c, Article | Page)]
        self.articles = sorted((c for c in documents if isinstance(c, Article)), key=lambda a: a.title.casefold())
        self.pages = sorted((c for c in documents if not isinstance(c, Article)), key=lambda c: str(c.source_path))
        errors += self.check_documents(root)
        if errors or directory is None:
            raise DataFilesError(errors)
        self.directory: Directory = directory
        # The directory lives until the end of the build: frozen out of the collector's sight on leaving this block,
        # later collections do not walk its millions of objects (nor, in the rendering processes, copy the memory
        # pages that hold them).
        with collection_paused():
            self.indexes: Indexes = self.load_indexes(directory, folder)
        self.context.update({"emergency": emergency["numbers"], "directory": directory})

    def load_indexes(self, d: Directory, folder: Path) -> Indexes:
        """The directory's indexes; their positions come from the cache while no summary changed (sorting 100,000
        names is most of the time a rebuild would spend on them)."""
        path = self.cache_file("indexes", folder, "marshal")
        try:
            cached = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file
        except (OSError, ValueError, EOFError, TypeError):
            cached = None
        version = (INDEXES_FORMAT, d.summaries)
        if isinstance(cached, dict) and cached.get("version") == version and d.summaries:
            return build_indexes(d, cached["positions"])
        indexes = build_indexes(d)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(marshal.dumps({"version": version, "positions": indexes.positions}))
        return indexes

    def check_documents(self, root: Path) -> list[DataError]:
        """Articles need a category, summary, last-reviewed date, reviewer and sources; every document a language."""
        categories = self.settings.get("ARTICLE_CATEGORIES", {})
        errors = []
        for doc in [*self.articles, *self.pages]:
            rel = os.path.relpath(doc.source_path, root)
            problems = []
            if doc.lang not in self.languages:
                problems.append(("lang", f"{doc.lang!r} is not one of the site languages {self.languages}"))
            if isinstance(doc, Article):
                meta = doc.metadata
                doc.title_initial = initial(doc.title)
                problems += [(name, "is required for a health article") for name in ARTICLE_FIELDS if name not in meta]
                if "category" in meta and doc.category.slug not in categories:
                    problems.append(
                        ("category", f"unknown category {doc.category.name!r}: use one of {list(categories)}")
                    )
                if "reviewed" in meta:
                    try:
                        doc.reviewed_date = date.fromisoformat(str(meta["reviewed"]))
                    except ValueError:
                        problems.append(("reviewed", f"{meta['reviewed']!r} is not a date (YYYY-MM-DD)"))
                if isinstance(meta.get("sources"), str):
                    doc.sources = [meta["sources"]]
            errors += [DataError(rel, source_line(doc.source_path, name), name, msg) for name, msg in problems]
        return errors

    # ----------------------------------------------------------------------------------------------- output

    def generate_output(self, writer: Any) -> None:
        # No garbage collection while writing either: rendering makes no lasting reference cycles (the peak
        # memory of the 10,000-professional build is the same with and without), and at 200,000 pages the
        # collector's passes cost more than the jobs it looked at.
        with collection_paused():
            self.write_everything(Path(self.output_path))

    def write_everything(self, output: Path) -> None:
        manifest_file = self.cache_file("pages", output, "marshal")
        previous = self.read_manifest(manifest_file)
        self.shared = self.shared_fingerprint()
        d = self.directory
        # The open data depends on the records alone: written from the start, by a process of its own in large
        # builds (also in a rebuild of a large directory: splicing the open data of 100,000 professionals takes
        # half a second), while this one works out which pages to render and renders them.
        large = self.render_processes(len(d.practitioners) * len(self.languages)) > 1
        output.mkdir(parents=True, exist_ok=True)
        ids = [p.summary.id for p in d.practitioners]
        stamps = array("q", chain.from_iterable(d.practitioner_stamps))  # each file's modification time and size
        open_data = Background(
            partial(self.write_open_data, output, ids, stamps, previous.get("open_data", {})),
            large,
            "Writing the open data failed",
        )
        sitemap_writer = None
        try:
            jobs = list(self.jobs())
            site = self.site_fingerprint()
            for job in jobs:  # the home, search, article and other pages: rendered again when the site changed
                job.fingerprint = job.fingerprint or site
            pages = {job.save_as: job.fingerprint for job in jobs}
            old_pages: dict[str, str] = previous.get("pages", {})
            root = f"{output}/"
            todo = [
                job
                for job in jobs
                if old_pages.get(job.save_as) != job.fingerprint or not os.path.exists(root + job.save_as)
            ]
            todo += self.practitioner_jobs(output, ids, stamps, previous.get("practitioners", {}))
            # the sitemap changes only with the set of pages
            urls = self.fingerprint(self.origin(), sorted(pages), "\n".join(ids))
            if previous.get("sitemap") != urls or not (output / "sitemap.xml").exists():
                sitemap_writer = Background(
                    partial(self.write_sitemap, output, jobs), large, "Writing the sitemap failed"
                )
            self.render(todo)
            self.write_robots(output)
            if sitemap_writer is not None:
                sitemap_writer.result()
            offsets = open_data.result()
        except BaseException:
            for writer in (open_data, sitemap_writer):
                if writer is not None:
                    writer.stop()
            raise
        for stale in set(old_pages) - set(pages):
            (output / stale).unlink(missing_ok=True)
        old_practitioners = previous.get("practitioners", {})
        for pid in set(old_practitioners.get("ids", ())) - set(ids):
            for lang in self.languages:
                page = output / route("practitioner", lang, pid) / "index.html"
                page.unlink(missing_ok=True)
                with contextlib.suppress(OSError):  # the folder too, unless someone put other files in it
                    page.parent.rmdir()
        logger.info("Directory: %d pages, %d rendered", len(pages) + len(ids) * len(self.languages), len(todo))
        manifest = {
            "format": MANIFEST_FORMAT,
            "pages": pages,
            "practitioners": {
                "shared": self.shared,
                "ids": ids,
                "stamps": stamps.tobytes(),
                "folders": self.practitioner_folders(output),
            },
            "open_data": offsets,
            "sitemap": urls,
        }
        manifest_file.parent.mkdir(parents=True, exist_ok=True)
        manifest_file.write_bytes(marshal.dumps(manifest))

    def practitioner_folders(self, output: Path) -> dict[str, int]:
        """Modification time of the folder that holds each language's professionals' folders (0: none): while it
        is the same, no professional's folder was added or removed there."""
        times = {}
        for lang in self.languages:
            try:
                times[lang] = os.stat(output / route("practitioner", lang, "")).st_mtime_ns
            except FileNotFoundError:
                times[lang] = 0
        return times

    def practitioner_jobs(
        self, output: Path, ids: list[str], stamps: array[int], previous: dict[str, Any]
    ) -> list[PageJob]:
        """The professionals' pages to render: those whose data file changed since the last build into this
        output folder (``stamps``: modification time and size of each file, in the order of ``ids``), all of them
        when anything every page shares changed, and those whose folder is missing."""
        d = self.directory
        old_stamps = array("q")
        old_ids = previous.get("ids") if previous.get("shared") == self.shared else None
        if old_ids is not None:
            old_stamps.frombytes(previous["stamps"])
        if old_ids is None or len(old_stamps) != 2 * len(old_ids):
            todo = set(range(len(ids)))
        else:
            todo = {i for i, k in enumerate(previous_positions(old_ids, old_stamps, ids, stamps)) if k < 0}
        folders = previous.get("folders", {})
        for lang, mtime in self.practitioner_folders(output).items():
            if len(todo) < len(ids) and (mtime == 0 or folders.get(lang) != mtime):
                names = set(os.listdir(output / route("practitioner", lang, ""))) if mtime else set()
                todo.update(i for i, pid in enumerate(ids) if pid not in names)
        country = str(self.settings.get("TERRITORY_COUNTRY", "MC"))
        jobs = []
        for i in sorted(todo):  # the languages of one professional side by side: one view for both
            p, pid = d.practitioners[i], ids[i]
            view = _memo(partial(practitioner_view, p, d, country))
            for lang in self.languages:
                values = self.page_values(lang, "practitioner", pid)
                jobs.append(PageJob(route("practitioner", lang, pid) + "index.html", "practitioner", values, "", view))
        return jobs

    def cache_file(self, what: str, folder: Path, suffix: str) -> Path:
        """A cache file of this generator for one data or output folder (builds of other folders do not mix)."""
        return cache_file(Path(self.settings.get("CACHE_PATH", "cache")), what, folder, suffix)

    @staticmethod
    def read_manifest(path: Path) -> dict[str, Any]:
        try:
            manifest = marshal.loads(path.read_bytes())  # noqa: S302 - our own cache file
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        return manifest if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else {}

    def render_processes(self, pages: int) -> int:
        """How many processes render ``pages``: one per core above a few thousand pages, else one."""
        processes = int(self.settings.get("DIRECTORY_PROCESSES") or os.cpu_count() or 1)
        return processes if pages >= 2000 and hasattr(os, "fork") else 1

    def render(self, jobs: list[PageJob]) -> None:
        """Render ``jobs``; above a few thousand pages, in one forked process per core (same templates, no IPC)."""
        processes = self.render_processes(len(jobs))
        if processes < 2:
            self.render_some(jobs)
            return
        size = -(-len(jobs) // processes)

        def share(n: int) -> list[PageJob]:  # contiguous: the languages of a page stay in one process
            return jobs[n * size : (n + 1) * size]

        children = [
            forked(partial(self.render_some, share(n)), "Rendering directory pages failed") for n in range(1, processes)
        ]
        try:
            self.render_some(share(0))
        except BaseException:  # stop the other processes too: no orphan goes on writing pages
            for pid in children:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            raise
        failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
        if failed:
            raise RuntimeError(f"{len(failed)} rendering process(es) failed; see the messages above")

    def render_some(self, jobs: Iterable[PageJob]) -> None:
        templates: dict[tuple[str, str], Any] = {}
        # Only what templates read: Pelican's context holds every setting, and Jinja copies it for each page.
        context = {"emergency": self.context["emergency"], "directory": self.directory}
        pages = PageFiles(Path(self.output_path))
        for job in jobs:
            key = (job.lang, job.template)
            template = templates.get(key)
            if template is None:
                template = templates[key] = self.envs[job.lang].get_template(f"{job.template}.html")
            values = {**context, **job.context(), **job.more()} if job.more else {**context, **job.context()}
            pages.write(job.save_as, template.render(values))

    def page_values(self, lang: str, kind: str, key: str = "", number: int = 1, **values: Any) -> dict[str, Any]:
        path = route(kind, lang, key, number)
        alternates = [
            {"lang": other, "path": route(kind, other, key, number), "exists": True} for other in self.languages
        ]
        return {
            "lang": lang,
            "page_path": path,
            "page_kind": kind,
            "page_key": key,
            "number": number,
            "alternates": alternates,
            **values,
        }

    def jobs(self) -> Iterator[PageJob]:
        d, ix = self.directory, self.indexes
        size = int(self.settings.get("DIRECTORY_PAGE_SIZE", 100))
        shared = self.shared
        stamps: dict[tuple[str, str, int], str] = {}  # one per list page, the same in every language
        files = d.practitioner_stamps

        def members_stamp(positions: list[int]) -> int:
            """The members' data files' stamps, hashed (hash() of int tuples is the same in every process)."""
            return hash(tuple(map(files.__getitem__, positions)))

        spoken = ix.spoken_languages
        default = self.languages[0]
        homes = [{"lang": lang, "path": route("home", lang), "exists": True} for lang in self.languages]
        yield PageJob("index.html", "root", {"lang": default, "page_path": "", "alternates": homes})
        yield PageJob(
            "404.html",
            "404",
            {"lang": default, "page_path": "404.html", "alternates": homes, "no_hreflang": True, "page_kind": ""},
        )
        for doc in [*self.articles, *self.pages]:
            kind = "articles" if isinstance(doc, Article) else "page"
            values = {
                "lang": doc.lang,
                "page_path": doc.url,
                "page_kind": kind,
                "alternates": content_alternates(doc, self.languages, "articles" if kind == "articles" else "home"),
                "article" if kind == "articles" else "page": doc,
            }
            yield PageJob(doc.url + "index.html", "article" if kind == "articles" else "page", values)
        articles_by_lang = {lang: [a for a in self.articles if a.lang == lang] for lang in self.languages}
        for lang in self.languages:
            articles = articles_by_lang[lang]
            latest = sorted(articles, key=lambda a: a.date, reverse=True)[:4]
            yield PageJob(
                f"{lang}/index.html",
                "home",
                self.page_values(lang, "home", latest_articles=latest, professions=self.profession_counts()),
            )
            yield PageJob(
                f"{lang}/search/index.html",
                "search",
                self.page_values(lang, "search", professions=self.profession_counts(), spoken_languages=spoken),
            )
            # the patient's "manage my appointment" page: the page reads the appointment from the link's fragment
            yield PageJob(f"{lang}/appointment/index.html", "appointment", self.page_values(lang, "appointment"))
            yield PageJob(route("me", lang) + "index.html", "me", self.page_values(lang, "me"))
            # the professionals' area: static pages that the back-office API fills in once signed in
            for kind, template in PRO_PAGES.items():
                yield PageJob(route(kind, lang) + "index.html", template, self.page_values(lang, kind))
            yield PageJob(
                f"{lang}/specialties/index.html",
                "specialties",
                self.page_values(lang, "specialties", professions=self.profession_counts()),
            )
            yield PageJob(
                f"{lang}/places/index.html",
                "places",
                self.page_values(
                    lang, "places", places=[(p, len(ix.by_place.get(c, []))) for c, p in d.places.items()]
                ),
            )
            yield PageJob(
                f"{lang}/establishments/index.html",
                "establishments",
                self.page_values(lang, "establishments", groups=ix.establishments_by_place),
            )
            yield PageJob(
                f"{lang}/articles/index.html", "articles", self.page_values(lang, "articles", articles=articles)
            )
            for code in self.settings.get("ARTICLE_CATEGORIES", {}):
                members = [a for a in articles if a.category.slug == code]
                yield PageJob(
                    route("category", lang, code) + "index.html",
                    "category",
                    self.page_values(lang, "category", code, category=code, articles=members),
                )
            lists: list[tuple[str, str, str, dict[str, Any]]] = [
                ("specialty", code, "by_specialty", {"specialty": spec}) for code, spec in d.specialties.items()
            ]
            lists += [
                ("profession", code, "by_profession", {"profession": prof}) for code, prof in d.professions.items()
            ]
            lists += [
                (
                    "place",
                    code,
                    "by_place",
                    {"place": place, "establishments": ix.establishments_by_place.get(code, [])},
                )
                for code, place in d.places.items()
            ]
            for kind, code, group, extra in lists:
                members = getattr(ix, group).get(code, [])
                pages = chunks(members, size)
                for number, part in enumerate(pages, start=1):
                    key = (kind, code, number)
                    if key not in stamps:
                        where = ix.positions[group].get(code, [])[(number - 1) * size : number * size]
                        stamps[key] = f"{shared}:{len(members)}:{len(pages)}:{members_stamp(where)}"
                    stamp = stamps[key]
                    yield PageJob(
                        route(kind, lang, code, number) + "index.html",
                        "listing",
                        partial(
                            self.page_values, lang, kind, code, number, pages=len(pages), total=len(members), **extra
                        ),
                        stamp,
                        partial(member_records, part),
                        lang,
                    )
            for est in d.establishments:
                members = ix.by_establishment.get(est["id"], [])
                key = ("establishment", est["id"], 1)
                if key not in stamps:
                    stamps[key] = f"{shared}:{members_stamp(ix.positions['by_establishment'].get(est['id'], []))}"
                stamp = stamps[key]
                yield PageJob(
                    route("establishment", lang, est["id"]) + "index.html",
                    "establishment",
                    self.page_values(lang, "establishment", est["id"], e=est, place=d.places[est["place"]]),
                    stamp,
                    partial(member_records, members),
                )

    def profession_counts(self) -> list[dict[str, Any]]:
        """Professions with their specialties and how many professionals each has."""
        d, ix = self.directory, self.indexes
        return [
            {
                "profession": prof,
                "count": len(ix.by_profession.get(code, [])),
                "specialties": [
                    (spec, len(ix.by_specialty.get(s_code, [])))
                    for s_code, spec in d.specialties.items()
                    if spec["profession"] == code and ix.by_specialty.get(s_code)
                ],
            }
            for code, prof in d.professions.items()
            if ix.by_profession.get(code)
        ]

    def shared_fingerprint(self) -> str:
        """What every directory page depends on: templates, translations, code lists, establishments, settings."""
        theme = Path(self.settings["THEME"])
        # the code that makes pages: this module and those it imports from the plugin (not their compiled copies
        # in __pycache__, which any run of another of the plugin's commands may rewrite)
        code = [Path(module.__file__ or "") for module in (sys.modules[__name__], model, views, i18n, templating)]
        files = [p for folder in (theme / "templates", theme / "translations") for p in folder.rglob("*")]
        stamps = sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in [*files, *code] if p.is_file())
        folder = Path(self.path) / self.settings.get("DIRECTORY_PATH", "directory")
        for name in ("taxonomy.json", "places.json"):
            stat = (folder / name).stat()
            stamps.append((name, stat.st_mtime_ns, stat.st_size))
        stamps += [(e["id"], *self.directory.stamps[e["id"]]) for e in self.directory.establishments]
        keys = (
            *("SITEURL", "SITENAME", "SITE_TAGLINE", "SITE_ORIGIN", "DEFAULT_LANG", "LANGUAGES", "TERRITORY_COUNTRY"),
            *("DIRECTORY_PAGE_SIZE", "THEME_STATIC_DIR", "ARTICLE_CATEGORIES"),
        )
        settings = [repr(self.settings.get(k)) for k in keys]
        return self.fingerprint(*stamps, *settings)

    def site_fingerprint(self) -> str:
        """What the pages other than the directory's lists depend on: the shared fingerprint, the articles and
        pages (their source files), the emergency numbers, and the summaries of all professionals (counts and
        languages on the home and search pages)."""
        sources = [str(doc.source_path) for doc in [*self.articles, *self.pages]]
        sources.append(str(Path(self.path) / "emergency.json"))
        stamps = [(path, (stat := os.stat(path)).st_mtime_ns, stat.st_size) for path in sources]
        return self.fingerprint(self.shared, self.directory.summaries, *stamps)

    @staticmethod
    def fingerprint(*parts: Any) -> str:
        return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()

    # ------------------------------------------------------------------------------ machine-readable files

    def write_open_data(
        self, output: Path, ids: list[str], stamps: array[int], previous: dict[str, Any]
    ) -> dict[str, Any]:
        """The whole directory as open data: JSON (the data files as they are) and CSV (one row per site).

        The professionals' part is spliced: an unchanged record's bytes are copied from the previous files
        (``previous`` holds each record's stamp and lengths), so a rebuild reads only the files that changed.
        Returns what the next build needs to do the same.
        """
        folder = output / "open-data"
        folder.mkdir(parents=True, exist_ok=True)
        d = self.directory
        files = folder / "practitioners.json", folder / "practitioners.csv"
        spliced = self.splice_practitioners(*files, ids, stamps, previous)
        places = [{k: v for k, v in e.items() if k != "$schema"} for e in d.establishments]
        (folder / "establishments.json").write_text(compact(places), encoding="utf-8")
        rows = csv_text([ESTABLISHMENT_COLUMNS, *(establishment_row(e) for e in d.establishments)])
        (folder / "establishments.csv").write_text(rows, encoding="utf-8")
        return spliced

    def splice_practitioners(
        self, json_file: Path, csv_file: Path, ids: list[str], stamps: array[int], previous: dict[str, Any]
    ) -> dict[str, Any]:
        """The professionals' open data files (``ids`` and their files' ``stamps`` in file order), written anew only
        where records changed: each run of records unchanged and consecutive in the previous files is copied."""
        d = self.directory
        json_out, csv_out = Splice(b"[", b",", b"]"), Splice(csv_text([PRACTITIONER_COLUMNS]).encode(), b"", b"")
        old_sizes = [path.stat().st_size if path.exists() else -1 for path in (json_file, csv_file)]
        old_ids: list[str] = previous.get("ids", []) if previous.get("sizes") == old_sizes else []
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
            text, rows = p.text.encode(), p.csv.encode()
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
        return {"sizes": sizes, "ids": ids, "stamps": stamps.tobytes(), "lengths": lengths.tobytes()}

    def origin(self) -> str:
        siteurl = str(self.settings.get("SITEURL", ""))
        return siteurl if siteurl.startswith("http") else str(self.settings.get("SITE_ORIGIN", "")).rstrip("/")

    def write_sitemap(self, output: Path, jobs: list[PageJob]) -> None:
        """sitemap.xml with every page and its other-language versions; an index of files above 50,000 URLs."""
        origin = self.origin()
        entries = [
            (job.context()["page_path"], job.context()["alternates"])
            for job in jobs
            if job.template not in ("root", "404", "appointment", "me")  # nothing to index on the patients' own pages
            and not job.template.startswith("pro/")  # nor in the professionals' area
        ]
        for doc in [*self.articles, *self.pages]:
            entries.append((doc.url, content_alternates(doc, self.languages, "articles")))
        for p in self.directory.practitioners:
            paths = [
                {"lang": lang, "path": route("practitioner", lang, p.summary.id), "exists": True}
                for lang in self.languages
            ]
            entries += [(a["path"], paths) for a in paths]
        lines = []
        for path, alternates in entries:
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{a["lang"]}" href="{escape(origin + "/" + a["path"])}"/>'
                for a in alternates
                if a["exists"]
            )
            lines.append(f"<url><loc>{escape(origin + '/' + path)}</loc>{links}</url>")
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        )
        parts = [lines[i : i + SITEMAP_LIMIT] for i in range(0, len(lines), SITEMAP_LIMIT)]
        if len(parts) == 1:
            (output / "sitemap.xml").write_text(head + "\n".join(parts[0]) + "\n</urlset>\n", encoding="utf-8")
            return
        index = []
        for number, part in enumerate(parts, start=1):
            (output / f"sitemap-{number}.xml").write_text(head + "\n".join(part) + "\n</urlset>\n", encoding="utf-8")
            index.append(f"<sitemap><loc>{escape(origin)}/sitemap-{number}.xml</loc></sitemap>")
        (output / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "\n".join(index)
            + "\n</sitemapindex>\n",
            encoding="utf-8",
        )

    def write_robots(self, output: Path) -> None:
        (output / "robots.txt").write_text(
            "User-agent: *\nAllow: /\nDisallow: /api/\n"
            + "".join(f"Disallow: /{route('pro', lang)}\n" for lang in self.languages)
            + f"\nSitemap: {self.origin()}/sitemap.xml\n",
            encoding="utf-8",
        )


def get_generators(pelican: Any) -> type[DirectoryGenerator]:
    return DirectoryGenerator


__all__ = ["PRACTITIONER_COLUMNS", "ROUTES", "DirectoryGenerator", "get_generators", "install_filters"]
