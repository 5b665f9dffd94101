"""The Pelican generator of the directory: one page per professional, establishment, specialty and place, in
every site language, plus the home and index pages, the articles and pages, open data, sitemap.xml and robots.txt.

It wires the plugin's modules; each does one thing:

==================  ===========================================================================================
``model``           load and validate the data files (every error at once)
``records``         what they are loaded into: ``Practitioner``, ``Directory``
``views``           the indexes, routes and what each page shows (plain values)
``documents``       Pelican's articles and pages: checks and their pages
``sanitise``        the articles' and pages' HTML cleaned by an allow-list (nh3); a warning per thing removed
``pages``           every page of the site as a ``PageJob`` (path, template, values, fingerprint)
``environments``    the template environments, one per language (with ``i18n`` and ``templating``)
``writer``          rendering jobs into files; splicing large files
``workers``         the forked processes that render and write beside the build
``rebuild``         stamps, fingerprints and the manifest: only what changed is written again
``opendata``        open-data/ (JSON and CSV)
``dictionary``      what every column and field of the open data means (its page, ``datapackage``)
``changelog``       open-data/changes.json: what changed since the previous build
``sitemap``         sitemap.xml and robots.txt
``vocabulary``      the search vocabulary of each language (content/search/): checks, professionals' keywords
``search_terms``    what the search page reads besides the index: the vocabulary and the words for typos
==================  ===========================================================================================

The search index (``search_index``, with ``search_pages``) is a command of its own, run on the built site.

``generate_context`` loads and checks everything and stops the build with every error at once;
``generate_output`` writes.
"""

from __future__ import annotations

import logging
import os
from array import array
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from pelican.generators import Generator

from plugins.directory.changelog import write_changes
from plugins.directory.datapackage import write_descriptor
from plugins.directory.dictionary import SchemaFiles, missing_meanings
from plugins.directory.documents import call_links, check_documents, read_documents
from plugins.directory.environments import language_environments
from plugins.directory.model import (
    DataError,
    DataFilesError,
    cache_file,
    collection_paused,
    load_data_file,
    load_directory,
)
from plugins.directory.opendata import DEFAULT_DELIMITER, write_open_data
from plugins.directory.pages import SitePages
from plugins.directory.rebuild import (
    ASSETS_CONTEXT_KEY,
    data_time,
    load_indexes,
    practitioner_folders,
    practitioners_to_render,
    read_manifest,
    remove_practitioner_pages,
    shared_fingerprint,
    site_fingerprint,
    suggestions_changed,
    write_manifest,
)
from plugins.directory.records import Directory
from plugins.directory.sanitise import clean_documents
from plugins.directory.search_terms import write_search_terms
from plugins.directory.sitemap import origin, sitemap_fingerprint, write_robots, write_sitemap
from plugins.directory.views import Indexes
from plugins.directory.vocabulary import FOLDER as VOCABULARY_FOLDER
from plugins.directory.vocabulary import Vocabulary, load_vocabularies
from plugins.directory.workers import Background, in_processes, process_count
from plugins.directory.writer import PageJob, render_pages

logger = logging.getLogger(__name__)


class DirectoryGenerator(Generator):  # type: ignore[misc]
    """Pelican generator for the directory, the site's index pages, and the articles and pages in every language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages: list[str] = list(self.settings.get("LANGUAGES", [self.settings["DEFAULT_LANG"]]))
        self.envs = language_environments(self.env, self.settings, self.languages)

    def generate_context(self) -> None:
        content = Path(self.path)
        root = content.resolve().parent
        folder = content / self.settings.get("DIRECTORY_PATH", "directory")
        errors: list[DataError] = []
        directory = None
        try:
            with collection_paused():
                directory = load_directory(folder, self.cache_file("records", folder, "pickle"), root)
        except DataFilesError as err:
            errors += err.errors
        emergency: dict[str, Any] = {"numbers": []}
        try:
            emergency = load_data_file(content / "emergency.json", "emergency", folder / "schema", root)
        except DataFilesError as err:
            errors += err.errors
        self.schemas = SchemaFiles(folder / "schema")
        errors += missing_meanings(self.schemas, self.languages)
        self.articles, self.pages = read_documents(self.context)
        categories = self.settings.get("ARTICLE_CATEGORIES", {})
        errors += check_documents([*self.articles, *self.pages], self.languages, categories, root)
        self.vocabularies: dict[str, Vocabulary] = {}
        if directory is not None:
            slugs = {lang: {a.slug for a in self.articles if a.lang == lang} for lang in self.languages}
            try:
                self.vocabularies = load_vocabularies(
                    content,
                    self.languages,
                    directory,
                    folder / "schema",
                    articles=slugs,
                    folder=self.settings.get("SEARCH_VOCABULARY_PATH", VOCABULARY_FOLDER),
                    report_root=root,
                )
            except DataFilesError as err:
                errors += err.errors
        call_links([*self.articles, *self.pages], emergency["numbers"])
        if errors or directory is None:
            raise DataFilesError(errors)
        for removed in clean_documents([*self.articles, *self.pages], root):  # raw HTML the allow-list refuses
            logger.warning("%s", removed)
        self.directory: Directory = directory
        # The directory lives until the end of the build: frozen out of the collector's sight on leaving this block,
        # later collections do not walk its millions of objects (nor, in the rendering processes, copy the memory
        # pages that hold them).
        with collection_paused():
            self.indexes: Indexes = load_indexes(directory, self.cache_file("indexes", folder, "marshal"))
        self.context.update({"emergency": emergency["numbers"], "directory": directory})

    def generate_output(self, writer: Any) -> None:
        # No garbage collection while writing either: rendering makes no lasting reference cycles (the peak
        # memory of the 10,000-professional build is the same with and without), and at 200,000 pages the
        # collector's passes cost more than the jobs it looked at.
        with collection_paused():
            self.write_everything(Path(self.output_path))

    def write_everything(self, output: Path) -> None:
        """Every page whose fingerprint changed since the last build into ``output``, the open data, the sitemap
        when the set of pages changed, robots.txt; then the pages of removed files go, and the manifest is kept."""
        manifest_file = self.cache_file("pages", output, "marshal")
        previous = read_manifest(manifest_file)
        content, d, languages = Path(self.path), self.directory, self.languages
        shared = shared_fingerprint(self.settings, content, d, self.assets_digest())
        # The open data depends on the records alone: written from the start, by a process of its own in large
        # builds (also in a rebuild of a large directory: splicing the open data of 100,000 professionals takes
        # half a second), while this one works out which pages to render and renders them.
        large = process_count(self.settings.get("DIRECTORY_PROCESSES"), len(d.practitioners) * len(languages)) > 1
        output.mkdir(parents=True, exist_ok=True)
        ids = [p.summary.id for p in d.practitioners]
        stamps = array("q", chain.from_iterable(d.practitioner_stamps))  # each file's modification time and size
        open_data = Background(
            partial(
                write_open_data,
                d,
                output,
                ids,
                stamps,
                previous.get("open_data", {}),
                delimiter=str(self.settings.get("OPEN_DATA_CSV_DELIMITER") or DEFAULT_DELIMITER),
            ),
            large,
            "Writing the open data failed",
        )
        site_origin = origin(self.settings)
        documents = [*self.articles, *self.pages]
        site = SitePages(
            d,
            self.indexes,
            languages,
            self.settings,
            self.articles,
            self.pages,
            shared,
            self.schemas,
            self.vocabularies,
        )
        old_practitioners: dict[str, Any] = previous.get("practitioners", {})
        sitemap_writer = None
        try:
            jobs = list(site.jobs())
            fingerprint = site_fingerprint(shared, (str(doc.source_path) for doc in documents), content, d.summaries)
            for job in jobs:  # the home, search, article and other pages: rendered again when the site changed
                job.fingerprint = job.fingerprint or fingerprint
            pages = {job.save_as: job.fingerprint for job in jobs}
            old_pages: dict[str, str] = previous.get("pages", {})
            root = f"{output}/"
            todo = [
                job
                for job in jobs
                if old_pages.get(job.save_as) != job.fingerprint or not os.path.exists(root + job.save_as)
            ]
            changed = practitioners_to_render(
                output, ids, stamps, old_practitioners, shared=shared, languages=languages
            )
            nearest = site.nearest_stamps()
            changed |= suggestions_changed(ids, nearest, previous.get("nearest", {}))
            todo += site.practitioner_jobs(changed, ids)
            newest = data_time(d, content / self.settings.get("DIRECTORY_PATH", "directory"))
            urls = sitemap_fingerprint(
                site_origin, pages, ids, times=stamps[0::2].tobytes(), newest=newest, documents=documents
            )
            if previous.get("sitemap") != urls or not (output / "sitemap.xml").exists():
                sitemap_writer = Background(
                    partial(
                        write_sitemap,
                        output,
                        site_origin,
                        jobs,
                        documents=documents,
                        practitioners=d.practitioners,
                        stamps=d.practitioner_stamps,
                        languages=languages,
                        newest=newest,
                        zone=str(self.settings.get("TIMEZONE") or "UTC"),
                    ),
                    large,
                    "Writing the sitemap failed",
                )
            self.render(todo)
            write_robots(output, site_origin, languages)
            titles = {lang: [a.title for a in self.articles if a.lang == lang] for lang in languages}
            helpers = {lang: {"tr": env.globals["tr"], "_": env.globals["_"]} for lang, env in self.envs.items()}
            write_search_terms(output, self.vocabularies, d, helpers, titles)
            write_descriptor(output, self.settings, self.schemas, site_origin)
            changes = write_changes(
                output, d, ids, stamps, previous=previous.get("changes", {}), settings=self.settings, time=newest
            )
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
        remove_practitioner_pages(output, set(old_practitioners.get("ids", ())) - set(ids), languages)
        logger.info("Directory: %d pages, %d rendered", len(pages) + len(ids) * len(languages), len(todo))
        practitioners = {
            "shared": shared,
            "ids": ids,
            "stamps": stamps.tobytes(),
            "folders": practitioner_folders(output, languages),
        }
        write_manifest(
            manifest_file,
            {
                "pages": pages,
                "practitioners": practitioners,
                "open_data": offsets,
                "sitemap": urls,
                "nearest": nearest,
                "changes": changes,
            },
        )

    def assets_digest(self) -> str:
        """The served names of the theme's files (plugins/assets, when it is on): pages link them by name."""
        return str(getattr(self.context.get(ASSETS_CONTEXT_KEY), "digest", ""))

    def render(self, jobs: list[PageJob]) -> None:
        """Render ``jobs``; above a few thousand pages, in one forked process per core (same templates, no IPC)."""
        # Only what templates read: Pelican's context holds every setting, and Jinja copies it for each page.
        context = {"emergency": self.context["emergency"], "directory": self.directory}
        work = partial(render_pages, envs=self.envs, context=context, output=Path(self.output_path))
        processes = process_count(self.settings.get("DIRECTORY_PROCESSES"), len(jobs))
        in_processes(work, jobs, processes, "Rendering directory pages failed", "rendering")

    def cache_file(self, what: str, folder: Path, suffix: str) -> Path:
        """A cache file of this generator for one data or output folder (builds of other folders do not mix)."""
        return cache_file(Path(self.settings.get("CACHE_PATH", "cache")), what, folder, suffix)


def get_generators(pelican: Any) -> type[DirectoryGenerator]:
    return DirectoryGenerator
