"""The site's search index (Pagefind), fed with the directory's data instead of its 200,000 HTML pages.

    python -m plugins.directory.search_index --settings pelicanconf.py --content content --site output

Pagefind reading the built site spent its time on the professionals' pages: about 20 KB of HTML each, of which
the search index keeps the name, profession, specialties, facts, addresses, languages and biography. This command
gives Pagefind, for each professional and language, a page of only those parts (plugins.directory.search_pages:
the same elements, text, filters and meta as the ``data-pagefind-body`` of ``theme/templates/practitioner.html``
without its ``data-pagefind-ignore`` sections), written to a scratch folder in memory (``/dev/shm`` when there is
one).
Pagefind parses those as it parses the site, so every fragment (text, excerpt, word weights of the headings,
anchors, filters, meta) is the one the full page gives. The other pages that carry a search body (articles and
establishments, ``OTHER_PAGES``) are copied from the built site beside them.

Each language is indexed by a Pagefind command of its own (``python -m pagefind --site <that language's pages>``),
started as soon as its pages are written, while the next language's are: the languages are indexed side by side.
The records come from the cache of validated records the Pelican build leaves (``records_cache``), so right
after ``pelican`` no data file is validated twice; the data files themselves are read ahead by a few threads (a
cold disk answers several requests at once faster than one after the other), once for all languages. The
languages' bundles are merged into ``<site>/pagefind/`` (a language's files have names of their own, the scripts
are the same in every bundle, and ``pagefind-entry.json`` lists every language); the new bundle replaces the
previous one only once complete.

Not Pagefind's Python API (``PagefindIndex``, a Pagefind process serving requests): with Pagefind 1.5.2 that
process acknowledges ``write_files`` before the last bytes are written, and closing the index stops it, which can
leave files cut short (Pagefind issue #1271, fixed after 1.5.2; the command exits only once its files are
written). Nor
``add_custom_record``: the service looks up every added record among all those before it (quadratic: 80,000
records took 83 s, 200,000 would take about 9 minutes), its Python client reads one answer every 0.1 s, and a
custom record has neither the headings' weights nor the anchors of a page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugins.directory.i18n import Catalogs
from plugins.directory.model import DataFilesError, cache_file, collection_paused, load_directory
from plugins.directory.records import Directory, Practitioner
from plugins.directory.search_pages import Texts, practitioner_page
from plugins.directory.views import route
from plugins.directory.vocabulary import FOLDER as VOCABULARY_FOLDER
from plugins.directory.vocabulary import load_vocabularies

# The other pages whose template marks a search body (article.html, establishment.html), copied from the built
# site; tests/site/test_search_index.py checks that no other page of the site has one.
OTHER_PAGES = ("{lang}/articles/*/index.html", "{lang}/establishments/*/index.html")
READ_AHEAD_THREADS = 4  # threads asking for the data files ahead of the pages' writer
READ_AHEAD_CHUNK = 500  # files per read-ahead task
BUNDLE = "pagefind"
ENTRY = "pagefind-entry.json"


class SearchIndexError(RuntimeError):
    """The index could not be built; the message says why."""


def write_pages(
    practitioners: Sequence[Practitioner], d: Directory, t: Texts, root: Path, reads: Sequence[Future[None]] = ()
) -> None:
    """The searchable page of each professional in ``t.lang``, at its URL under ``root``
    (``root/fr/professionals/<id>/index.html``: Pagefind makes the URL from the path below ``root``).

    ``reads``: the read-ahead of the data files, one task per ``READ_AHEAD_CHUNK`` professionals, waited for chunk
    by chunk (they run ahead of this loop)."""
    prefix = f"{root}/"
    for number, start in enumerate(range(0, len(practitioners), READ_AHEAD_CHUNK)):
        if number < len(reads):
            reads[number].result()
        for p in practitioners[start : start + READ_AHEAD_CHUNK]:
            folder = prefix + route("practitioner", t.lang, p.summary.id)
            try:
                os.mkdir(folder)
            except FileNotFoundError:  # the first page
                os.makedirs(folder)
            descriptor = os.open(folder + "index.html", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(descriptor, practitioner_page(p.data, d, t).encode())
            finally:
                os.close(descriptor)


def copy_other_pages(site: Path, lang: str, root: Path) -> int:
    """The site's other searchable pages in ``lang`` (``OTHER_PAGES``), copied to the same place under ``root``."""
    count = 0
    for pattern in OTHER_PAGES:
        for page in site.glob(pattern.format(lang=lang)):
            target = root / page.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
            count += 1
    return count


def read_ahead(paths: Sequence[str]) -> None:
    """Ask the kernel to read files into the page cache (``posix_fadvise``, which returns at once): the pages'
    writer then finds them there. From a cold disk, 4 threads asking ahead wrote the first language's 100,000
    pages in 7 s, against 13 to 19 s with threads reading the files themselves (they held the writer's
    interpreter lock)."""
    advise = getattr(os, "posix_fadvise", None)
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:  # only advice: the writer reports a missing file
            continue
        try:
            if advise is not None:
                advise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
            else:  # no such call here: read the file
                while os.read(descriptor, 1 << 16):
                    pass
        finally:
            os.close(descriptor)


@dataclass
class Report:
    professionals: int = 0
    other_pages: dict[str, int] = field(default_factory=dict)  # pages matched by OTHER_PAGES, per language
    seconds: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        other = ", ".join(f"{lang} {count}" for lang, count in self.other_pages.items())
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())
        return f"Search index: {self.professionals} professionals, other pages {other} ({steps})"


async def pagefind(root: Path, bundle: Path) -> None:
    """Pagefind's command on ``root``, its bundle written to ``bundle``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(root), "--output-path", str(bundle), "--quiet"]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await process.communicate()
    except BaseException:  # cancelled (the other language failed) or interrupted: no Pagefind left running
        process.kill()
        await process.wait()
        raise
    text = output.decode(errors="replace").strip()
    if process.returncode != 0:
        raise SearchIndexError(f"Pagefind failed on {root} (exit {process.returncode}):\n{text}")
    if text:  # warnings
        print(text, file=sys.stderr)


async def index_languages(
    d: Directory, texts: list[Texts], site: Path, scratch: Path, *, staging: Path, report: Report
) -> None:
    """Each language's pages written, then indexed by a Pagefind process of its own while the next language's
    pages are written: the languages are indexed side by side. Then the bundles are merged and put in place while
    the pages are deleted."""
    practitioners = d.practitioners
    report.professionals = len(practitioners)
    tasks: list[asyncio.Task[None]] = []
    deletions: list[asyncio.Future[None]] = []

    async def index_pages(root: Path, bundle: Path) -> None:
        await pagefind(root, bundle)
        deletions.append(asyncio.ensure_future(asyncio.to_thread(shutil.rmtree, root)))

    began = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=READ_AHEAD_THREADS) as reader:
            reads = [  # in order, ahead of the first language's pages; the records stay loaded for the others
                reader.submit(read_ahead, [p.path for p in practitioners[start : start + READ_AHEAD_CHUNK]])
                for start in range(0, len(practitioners), READ_AHEAD_CHUNK)
            ]
            try:
                for number, t in enumerate(texts):
                    root = scratch / t.lang
                    await asyncio.to_thread(write_pages, practitioners, d, t, root, reads if number == 0 else ())
                    report.other_pages[t.lang] = await asyncio.to_thread(copy_other_pages, site, t.lang, root)
                    tasks.append(asyncio.create_task(index_pages(root, bundle_path(staging, t.lang, number))))
            finally:
                reader.shutdown(cancel_futures=True)
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:  # one failed: stop the others' Pagefind
            task.cancel()
        await asyncio.gather(*tasks, *deletions, return_exceptions=True)
        raise
    report.seconds["index"] = time.perf_counter() - began
    began = time.perf_counter()
    await asyncio.to_thread(merge_bundles, staging, [t.lang for t in texts])
    await asyncio.to_thread(replace_bundle, site, staging)
    report.seconds["merge"] = time.perf_counter() - began
    await asyncio.gather(*deletions)


def bundle_path(staging: Path, lang: str, number: int) -> Path:
    """Where a language's Pagefind process writes its bundle: the first into ``staging``, the others beside it."""
    return staging if number == 0 else staging.with_name(f"{staging.name}-{lang}")


def merge_bundles(staging: Path, languages: Sequence[str]) -> None:
    """Move the other languages' files into the first language's bundle and list every language in its entry.

    Each language's files are named after it (``fragment/en_*.pf_fragment``, ``index/en_*.pf_index``,
    ``filter/en_*.pf_filter``, ``pagefind.en_*.pf_meta``, ``wasm.en.pagefind``); the scripts are the same in
    every bundle.
    """
    entry = json.loads((staging / ENTRY).read_text(encoding="utf-8"))
    for lang in languages[1:]:
        other = bundle_path(staging, lang, 1)
        other_entry = json.loads((other / ENTRY).read_text(encoding="utf-8"))
        if other_entry["version"] != entry["version"]:
            raise SearchIndexError(f"Pagefind versions differ between languages: {other_entry['version']}")
        entry["languages"].update(other_entry["languages"])
        for folder in ("fragment", "index", "filter"):
            if not (other / folder).is_dir():
                continue
            (staging / folder).mkdir(exist_ok=True)
            for entry_file in os.scandir(other / folder):
                os.replace(entry_file.path, staging / folder / entry_file.name)
        for path in other.iterdir():
            if path.is_file() and path.name.startswith((f"pagefind.{lang}_", f"wasm.{lang}.")):
                os.replace(path, staging / path.name)
        shutil.rmtree(other)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    (staging / ENTRY).write_text(text, encoding="utf-8")


def replace_bundle(site: Path, staging: Path) -> None:
    """``staging`` becomes ``<site>/pagefind``; the previous bundle is removed once out of the way."""
    final = site / BUNDLE
    old = site / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


def default_scratch() -> Path:
    """Memory-backed ``/dev/shm`` when it exists (200,000 small files are written and read once), else the
    system's temporary folder."""
    shm = Path("/dev/shm")  # noqa: S108 - a private folder is made inside it (tempfile.mkdtemp)
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


def records_cache(cache_path: Path, folder: Path) -> Path:
    """The cache of validated records the Pelican build keeps for ``folder`` (the same ``cache_file`` names it):
    right after the build, loading reads no data file; a file changed since is read and validated again."""
    return cache_file(cache_path, "records", folder, "pickle")


def build_search_index(
    site: Path, content: Path, settings: Mapping[str, Any], scratch: Path | None = None, cache_path: Path | None = None
) -> Report:
    """Build ``<site>/pagefind/`` from the directory under ``content`` and the built site's other pages."""
    if not (site / "index.html").is_file():
        raise SearchIndexError(f"{site} is not a built site (no index.html): build the pages first")
    languages = list(settings.get("LANGUAGES") or [settings["DEFAULT_LANG"]])
    catalogs = Catalogs(Path(settings["THEME"]) / "translations", languages)
    content = Path(os.path.abspath(content))  # as Pelican makes PATH absolute: the cache names files relative to it
    folder = content / settings.get("DIRECTORY_PATH", "directory")
    cache = records_cache(cache_path or Path(settings.get("CACHE_PATH") or "cache"), folder)
    report = Report()
    start = time.perf_counter()
    with collection_paused():
        directory = load_directory(folder, cache, content.resolve().parent)  # as DirectoryGenerator loads it
        directory.establishment_by_id  # noqa: B018 - computed once, before the pages are written in a thread
    vocabularies = load_vocabularies(  # the pages' build checked the articles they name
        content,
        languages,
        directory,
        folder / "schema",
        folder=settings.get("SEARCH_VOCABULARY_PATH", VOCABULARY_FOLDER),
        report_root=content.resolve().parent,
    )
    texts = [Texts(lang, languages[0], catalogs, vocabularies[lang]) for lang in languages]
    report.seconds["data"] = time.perf_counter() - start
    staging = site / f".{BUNDLE}-building"
    leftovers = [bundle_path(staging, lang, number) for number, lang in enumerate(languages)]
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)
    scratch = scratch or default_scratch()
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="search-index-", dir=scratch) as pages:
            with collection_paused():
                asyncio.run(
                    index_languages(directory, texts, site.resolve(), Path(pages), staging=staging, report=report)
                )
    finally:
        for leftover in leftovers:
            shutil.rmtree(leftover, ignore_errors=True)
    return report


def read_settings(path: Path) -> dict[str, Any]:
    from pelican.settings import read_settings as pelican_settings

    return dict(pelican_settings(str(path)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--settings", type=Path, default=Path("pelicanconf.py"), help="Pelican settings file")
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (with directory/)")
    parser.add_argument("--site", type=Path, default=Path("output"), help="the built site; the index goes to pagefind/")
    parser.add_argument("--scratch", type=Path, help="folder for the pages given to Pagefind (default /dev/shm)")
    parser.add_argument("--cache-path", type=Path, help="the Pelican build's CACHE_PATH (default: the settings')")
    parser.add_argument("--quiet", action="store_true", help="print nothing when all goes well")
    args = parser.parse_args(argv)
    try:
        settings = read_settings(args.settings)
        report = build_search_index(args.site, args.content, settings, args.scratch, args.cache_path)
    except (SearchIndexError, DataFilesError) as err:
        print(f"search index: {err}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
