"""sitemap.xml and robots.txt: every indexable page once, with its other-language versions and the date it last
changed (``<lastmod>``), and what crawlers may read.

A page's date: a professional's, their data file's modification time; an article's or page's, the newest of its
``Modified``, ``Date`` and ``Reviewed`` metadata; any other page's, the newest data file's. Dates are days on the
site's clock (``TIMEZONE``). The sitemap is written again when the set of pages or one of those dates may have
changed (``sitemap_fingerprint``), else left as it is. Large builds write it in a process of their own while the
pages render (plugins.directory.workers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from pelican.contents import Article, Page

from plugins.directory.rebuild import fingerprint
from plugins.directory.records import Practitioner
from plugins.directory.views import route
from plugins.directory.writer import PageJob

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (the protocol's limit)
# Templates of pages that are not in the sitemap: the root (a redirect), the 404, the patient's "manage my
# appointment" page and the patient space (nothing to index there); nor is the professionals' area (templates
# under pro/).
NOT_INDEXED = ("root", "404", "appointment", "me")
URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
Entry = tuple[str, list[dict[str, Any]], str]  # a page's path, its alternates (lang, path, exists), its lastmod
QUARTER_HOUR = 900 * 10**9  # every zone's offset and change of offset falls on a quarter of an hour


def origin(settings: Mapping[str, Any]) -> str:
    """The site's absolute origin: SITEURL when it is absolute, else SITE_ORIGIN (development)."""
    siteurl = str(settings.get("SITEURL", ""))
    return siteurl if siteurl.startswith("http") else str(settings.get("SITE_ORIGIN", "")).rstrip("/")


def sitemap_fingerprint(
    site_origin: str, pages: Iterable[str], ids: Sequence[str], *, times: bytes, newest: int, documents: Iterable[Any]
) -> str:
    """What the sitemap depends on: the origin, the pages' paths, the professionals' ids, and what the pages' dates
    come from (``times``: the professionals' data files' modification times; ``newest``: the newest data file's;
    the documents' dates). Comparing times rather than days costs nothing at 100,000 professionals; an edit on the
    same day as the file's last one then writes the same sitemap again."""
    dates = [document_date(doc).isoformat() for doc in documents]
    return fingerprint(site_origin, sorted(pages), "\n".join(ids), hashlib.blake2b(times).hexdigest(), newest, dates)


def document_date(document: Article | Page) -> date:
    """The day an article or page last changed: the newest of its ``Modified``, ``Date`` and ``Reviewed`` (an
    article shows its review date, so a new review is a change of the page)."""
    days = [getattr(document, name, None) for name in ("modified", "date", "reviewed_date")]
    return max(d.date() if isinstance(d, datetime) else d for d in days if isinstance(d, date))


class Days:
    """Data files' modification times (nanoseconds) as days on the site's clock, ``2026-03-01``; times a quarter
    of an hour apart or less share one conversion (100,000 files have only a few hundred distinct ones)."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.known: dict[int, str] = {}

    def __call__(self, nanoseconds: int) -> str:
        quarter = nanoseconds // QUARTER_HOUR
        day = self.known.get(quarter)
        if day is None:
            moment = datetime.fromtimestamp(quarter * QUARTER_HOUR / 1e9, UTC).astimezone(self.zone)
            day = self.known[quarter] = moment.date().isoformat()
        return day


def sitemap_entries(
    jobs: Iterable[PageJob],
    documents: Iterable[Article | Page],
    practitioners: Sequence[Practitioner],
    stamps: Sequence[tuple[int, int]],
    languages: Sequence[str],
    *,
    newest: int,
    zone: str,
) -> list[Entry]:
    """Every indexable page (the site's pages, articles and pages among them, then the professionals') with the
    versions of it in every language and its date. ``stamps``: the professionals' data files' (modification time,
    size), in the order of ``practitioners``; ``newest``: the newest data file's time."""
    day = Days(zone)
    default = day(newest)
    dates = {doc.url: document_date(doc).isoformat() for doc in documents}
    entries = [
        (path, job.context()["alternates"], dates.get(path, default))
        for job in jobs
        if job.template not in NOT_INDEXED and not job.template.startswith("pro/")
        for path in [job.context()["page_path"]]
    ]
    for p, (mtime, _) in zip(practitioners, stamps, strict=True):
        paths = [
            {"lang": lang, "path": route("practitioner", lang, p.summary.id), "exists": True} for lang in languages
        ]
        changed = day(mtime)
        entries += [(a["path"], paths, changed) for a in paths]
    return entries


def write_sitemap(
    output: Path,
    site_origin: str,
    jobs: Iterable[PageJob],
    *,
    documents: Iterable[Article | Page],
    practitioners: Sequence[Practitioner],
    stamps: Sequence[tuple[int, int]],
    languages: Sequence[str],
    newest: int,
    zone: str,
) -> None:
    """sitemap.xml with every page, its other-language versions and its date; an index of files above 50,000
    URLs (dated by their newest page)."""
    lines, days = [], []
    entries = sitemap_entries(jobs, documents, practitioners, stamps, languages, newest=newest, zone=zone)
    base = escape(site_origin + "/")
    shared: list[dict[str, Any]] | None = None  # the versions of a page in every language are listed one after
    links = ""  # the other, with the same alternates: their links are written once
    for path, alternates, lastmod in entries:
        if alternates is not shared:
            shared = alternates
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{a["lang"]}" href="{base}{escape(a["path"])}"/>'
                for a in alternates
                if a["exists"]
            )
        lines.append(f"<url><loc>{base}{escape(path)}</loc><lastmod>{lastmod}</lastmod>{links}</url>")
        days.append(lastmod)
    parts = [range(i, min(i + SITEMAP_LIMIT, len(lines))) for i in range(0, len(lines), SITEMAP_LIMIT)]
    if len(parts) <= 1:
        (output / "sitemap.xml").write_text(URLSET + "\n".join(lines) + "\n</urlset>\n", encoding="utf-8")
        return
    index = []
    for number, part in enumerate(parts, start=1):
        text = URLSET + "\n".join(lines[part.start : part.stop]) + "\n</urlset>\n"
        (output / f"sitemap-{number}.xml").write_text(text, encoding="utf-8")
        newest_day = max(days[part.start : part.stop])
        index.append(
            f"<sitemap><loc>{escape(site_origin)}/sitemap-{number}.xml</loc><lastmod>{newest_day}</lastmod></sitemap>"
        )
    (output / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "\n".join(index)
        + "\n</sitemapindex>\n",
        encoding="utf-8",
    )


def write_robots(output: Path, site_origin: str, languages: Sequence[str]) -> None:
    """robots.txt: everything but the API and the professionals' area, and where the sitemap is."""
    (output / "robots.txt").write_text(
        "User-agent: *\nAllow: /\nDisallow: /api/\n"
        + "".join(f"Disallow: /{route('pro', lang)}\n" for lang in languages)
        + f"\nSitemap: {site_origin}/sitemap.xml\n",
        encoding="utf-8",
    )
