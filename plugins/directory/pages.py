"""Every page the site has, as a ``PageJob``: its path, template, values and fingerprint.

``SitePages.jobs()`` lists the pages the site always has (root, 404, home, search, the professionals' area,
index pages, articles and pages, the lists by specialty, profession and place, establishments) in the order the
sitemap lists them; ``SitePages.practitioner_jobs()`` the professionals' pages to render. A new kind of page is a
route in ``views.ROUTES``, a template, and a ``PageJob`` here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from pelican.contents import Article, Page

from plugins.directory.datapackage import TITLES
from plugins.directory.dictionary import FILES, KINDS, SchemaFiles, csv_fields
from plugins.directory.documents import article_list_jobs, document_jobs, untranslated
from plugins.directory.nearest import specialty_key
from plugins.directory.records import Directory, Practitioner, Summary
from plugins.directory.views import Indexes, chunks, page_values, practitioner_view, route
from plugins.directory.vocabulary import Vocabulary
from plugins.directory.writer import PageJob

# The professionals' area: static pages that the back-office API fills in once signed in (route -> template).
PRO_PAGES = {
    "pro": "pro/signin",
    "pro-agenda": "pro/agenda",
    "pro-appointment": "pro/appointment",
    "pro-settings": "pro/settings",
}


def list_tools(d: Directory, positions: Sequence[int]) -> dict[str, Any]:
    """What a list's sort and filters offer (the list-tools component, on the lists and the establishments'
    pages): the languages its professionals speak, and its professions with the specialties they have there, as
    taxonomy entries in the taxonomy's order (from the summaries: every page of the list offers the same,
    whichever page it is)."""
    everyone = d.practitioners
    languages = sorted({code for i in positions for code in everyone[i].summary.languages})
    found: dict[str, set[str]] = {}
    for i in positions:
        summary = everyone[i].summary
        found.setdefault(summary.profession, set()).update(summary.specialties)
    choices = [
        {"profession": entry, "specialties": [s for c, s in d.specialties.items() if c in found[code]]}
        for code, entry in d.professions.items()
        if code in found
    ]
    return {"languages": languages, "choices": choices, "options": sum(len(c["specialties"]) or 1 for c in choices)}


def member_records(members: list[Practitioner]) -> dict[str, Any]:
    """The records of a list's professionals, read when the list is rendered (plain dicts for the templates)."""
    return {"members": [p.data for p in members]}


@dataclass
class SitePages:
    """The pages of one build: what they show comes from the loaded directory, its indexes, and Pelican's
    articles and pages; ``shared`` is the fingerprint every directory page depends on."""

    directory: Directory
    indexes: Indexes
    languages: list[str]
    settings: Mapping[str, Any]
    articles: list[Article]
    pages: list[Page]
    shared: str
    schemas: SchemaFiles  # the published JSON SchemaFiles: the open data's dictionary shows their fields
    vocabularies: Mapping[str, Vocabulary] = field(default_factory=dict)

    def values(self, lang: str, kind: str, key: str = "", number: int = 1, **values: Any) -> dict[str, Any]:
        return page_values(self.languages, lang, kind, key, number, **values)

    def jobs(self) -> Iterator[PageJob]:
        """Every page but the professionals'; list pages carry their own fingerprint, the others none yet."""
        d, ix = self.directory, self.indexes
        spoken = ix.spoken_languages
        default = self.languages[0]
        homes = [{"lang": lang, "path": route("home", lang), "exists": True} for lang in self.languages]
        yield PageJob("index.html", "root", {"lang": default, "page_path": "", "alternates": homes})
        yield PageJob(
            "404.html",
            "404",
            {"lang": default, "page_path": "404.html", "alternates": homes, "no_hreflang": True, "page_kind": ""},
        )
        yield from document_jobs([*self.articles, *self.pages], self.languages)
        articles_by_lang = {lang: [a for a in self.articles if a.lang == lang] for lang in self.languages}
        stamps: dict[tuple[str, str, int], str] = {}  # one per list page, the same in every language
        for lang in self.languages:
            articles = articles_by_lang[lang]
            latest = sorted(articles, key=lambda a: a.date, reverse=True)[:4]
            yield PageJob(
                f"{lang}/index.html",
                "home",
                self.values(
                    lang,
                    "home",
                    latest_articles=latest,
                    professions=self.profession_counts(),
                    featured=self.featured_specialties(),
                ),
            )
            yield PageJob(
                f"{lang}/search/index.html",
                "search",
                self.values(lang, "search", professions=self.profession_counts(), spoken_languages=spoken),
            )
            # the patient's "manage my appointment" page: the page reads the appointment from the link's fragment
            yield PageJob(f"{lang}/appointment/index.html", "appointment", self.values(lang, "appointment"))
            yield PageJob(route("me", lang) + "index.html", "me", self.values(lang, "me"))
            for kind, template in PRO_PAGES.items():
                yield PageJob(route(kind, lang) + "index.html", template, self.values(lang, kind))
            yield PageJob(
                f"{lang}/specialties/index.html",
                "specialties",
                self.values(lang, "specialties", professions=self.profession_counts()),
            )
            yield PageJob(
                f"{lang}/places/index.html",
                "places",
                self.values(lang, "places", places=[(p, len(ix.by_place.get(c, []))) for c, p in d.places.items()]),
            )
            yield PageJob(
                f"{lang}/establishments/index.html",
                "establishments",
                self.values(lang, "establishments", groups=ix.establishments_by_place),
            )
            yield PageJob(route("dictionary", lang) + "index.html", "dictionary", partial(self.dictionary, lang))
            elsewhere = untranslated(self.articles, lang, self.languages)
            categories = self.settings.get("ARTICLE_CATEGORIES", {})
            yield from article_list_jobs(lang, articles, categories, self.values, elsewhere)
            yield from self.directory_jobs(lang, stamps)

    def directory_jobs(self, lang: str, stamps: dict[tuple[str, str, int], str]) -> Iterator[PageJob]:
        """The lists by specialty, profession and place (paginated), and the establishments' pages, in ``lang``.
        Each carries a fingerprint (the shared one, its members' data files' stamps, its counts), computed for
        the first language and kept in ``stamps`` for the others."""
        d, ix = self.directory, self.indexes
        size = int(self.settings.get("DIRECTORY_PAGE_SIZE", 100))
        shared = self.shared
        files = d.practitioner_stamps

        def members_stamp(positions: list[int]) -> int:
            """The members' data files' stamps, hashed (hash() of int tuples is the same in every process)."""
            return hash(tuple(map(files.__getitem__, positions)))

        lists: list[tuple[str, str, str, dict[str, Any]]] = [
            ("specialty", code, "by_specialty", {"specialty": spec}) for code, spec in d.specialties.items()
        ]
        lists += [("profession", code, "by_profession", {"profession": prof}) for code, prof in d.professions.items()]
        lists += [
            ("place", code, "by_place", {"place": place, "establishments": ix.establishments_by_place.get(code, [])})
            for code, place in d.places.items()
        ]
        most = int(self.settings.get("DIRECTORY_LIST_TOOLS_MAX", 1000))
        for kind, code, group, extra in lists:
            members = getattr(ix, group).get(code, [])
            pages = chunks(members, size)
            positions = ix.positions[group].get(code, [])
            tools = list_tools(d, positions) if 0 < len(members) <= most else None
            for number, part in enumerate(pages, start=1):
                key = (kind, code, number)
                if key not in stamps:
                    where = positions[(number - 1) * size : number * size]
                    stamps[key] = f"{shared}:{len(members)}:{len(pages)}:{members_stamp(where)}:{tools!r}"
                stamp = stamps[key]
                values = {"pages": len(pages), "total": len(members), "tools": tools, **extra}
                yield PageJob(
                    route(kind, lang, code, number) + "index.html",
                    "listing",
                    partial(self.values, lang, kind, code, number, **values),
                    stamp,
                    partial(member_records, part),
                    lang,
                )
        for est in d.establishments:
            members = ix.by_establishment.get(est["id"], [])
            positions = ix.positions["by_establishment"].get(est["id"], [])
            tools = list_tools(d, positions) if 0 < len(members) <= most else None
            key = ("establishment", est["id"], 1)
            if key not in stamps:
                stamps[key] = f"{shared}:{members_stamp(positions)}:{tools!r}"
            stamp = stamps[key]
            yield PageJob(
                route("establishment", lang, est["id"]) + "index.html",
                "establishment",
                self.values(lang, "establishment", est["id"], e=est, place=d.places[est["place"]], tools=tools),
                stamp,
                partial(member_records, members),
            )

    def featured_specialties(self) -> list[dict[str, Any]]:
        """The home page's first specialties (``HOME_SPECIALTIES``: code -> how patients name whom they look for),
        those with professionals, with their count."""
        featured: Mapping[str, Any] = self.settings.get("HOME_SPECIALTIES") or {}
        return [
            {"code": code, "label": label, "count": len(self.indexes.by_specialty[code])}
            for code, label in featured.items()
            if self.indexes.by_specialty.get(code)
        ]

    def dictionary(self, lang: str) -> dict[str, Any]:
        """The open data's dictionary: each file's CSV columns and JSON fields (plugins.directory.dictionary)."""
        tables = [
            {
                "kind": kind,
                "file": FILES[kind],
                "title": TITLES[kind],
                "csv": csv_fields(self.schemas, kind),
                "json": list(self.schemas.fields(kind)),
            }
            for kind in KINDS
        ]
        return self.values(lang, "dictionary", tables=tables)

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

    def nearest_view(self, i: int) -> list[dict[str, Any]]:
        """Who nearby accepts new patients, for the professional at position ``i`` when they do not: what the
        nearest-accepting component shows of each (empty for everyone else)."""
        d = self.directory
        found = []
        for j, metres in self.indexes.nearest.get(i, ()):
            other = d.practitioners[j].summary
            kind, code = specialty_key(d.practitioners[i].summary)
            found.append(
                {
                    "id": other.id,
                    "civility": other.civility,
                    "given_name": other.given_name,
                    "family_name": other.family_name,
                    "label": (d.specialties if kind == "specialty" else d.professions)[code]["label"],
                    "place": d.places[other.places[0]]["name"],
                    "metres": metres,
                }
            )
        return found

    def nearest_stamps(self) -> dict[str, tuple[Any, ...]]:
        """What each professional's suggestions show, by id (those with suggestions only): a page is rendered again
        when its own changes, though their data file did not (another professional moved or stopped accepting)."""
        everyone = self.directory.practitioners
        return {
            everyone[i].summary.id: tuple(
                (s.id, s.civility, s.given_name, s.family_name, s.places[0], metres)
                for j, metres in suggestions
                for s in (everyone[j].summary,)
            )
            for i, suggestions in self.indexes.nearest.items()
        }

    def keywords(self, lang: str, summary: Summary) -> str:
        """The vocabulary's names of what a professional is, for their search index entry (practitioner.html)."""
        vocabulary = self.vocabularies.get(lang)
        return vocabulary.keywords(summary.profession, summary.specialties) if vocabulary else ""

    def practitioner_jobs(self, todo: Iterable[int], ids: Sequence[str]) -> list[PageJob]:
        """The pages of the professionals at positions ``todo``, every language of one side by side."""
        d = self.directory
        country = str(self.settings.get("TERRITORY_COUNTRY", "MC"))

        @lru_cache(maxsize=1)  # a professional's languages are rendered one after the other: one view for all
        def view(i: int) -> dict[str, Any]:
            return {**practitioner_view(d.practitioners[i], d, country), "nearest": self.nearest_view(i)}

        jobs = []
        for i in sorted(todo):
            pid = ids[i]
            summary = d.practitioners[i].summary
            for lang in self.languages:
                values = self.values(lang, "practitioner", pid, search_keywords=self.keywords(lang, summary))
                jobs.append(
                    PageJob(
                        route("practitioner", lang, pid) + "index.html", "practitioner", values, "", partial(view, i)
                    )
                )
        return jobs
