"""sitemap.xml and robots.txt: every indexable page with its other-language versions, and what crawlers may read.

The sitemap changes only with the set of pages (``sitemap_fingerprint``): a rebuild that changes no URL leaves it
as it is. Large builds write it in a process of their own while the pages render (plugins.directory.workers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pelican.contents import Article, Page

from plugins.directory.documents import content_alternates
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
Entry = tuple[str, list[dict[str, Any]]]  # a page's path and its alternates (lang, path, exists)


def origin(settings: Mapping[str, Any]) -> str:
    """The site's absolute origin: SITEURL when it is absolute, else SITE_ORIGIN (development)."""
    siteurl = str(settings.get("SITEURL", ""))
    return siteurl if siteurl.startswith("http") else str(settings.get("SITE_ORIGIN", "")).rstrip("/")


def sitemap_fingerprint(site_origin: str, pages: Iterable[str], ids: Sequence[str]) -> str:
    """What the sitemap depends on: the origin, the pages' paths and the professionals' ids."""
    return fingerprint(site_origin, sorted(pages), "\n".join(ids))


def sitemap_entries(
    jobs: Iterable[PageJob],
    documents: Iterable[Article | Page],
    practitioners: Iterable[Practitioner],
    languages: Sequence[str],
) -> list[Entry]:
    """Every indexable page (the site's pages, then the articles and pages, then the professionals') with the
    versions of it in every language."""
    entries = [
        (job.context()["page_path"], job.context()["alternates"])
        for job in jobs
        if job.template not in NOT_INDEXED and not job.template.startswith("pro/")
    ]
    for doc in documents:
        entries.append((doc.url, content_alternates(doc, languages, "articles")))
    for p in practitioners:
        paths = [
            {"lang": lang, "path": route("practitioner", lang, p.summary.id), "exists": True} for lang in languages
        ]
        entries += [(a["path"], paths) for a in paths]
    return entries


def write_sitemap(
    output: Path,
    site_origin: str,
    jobs: Iterable[PageJob],
    *,
    documents: Iterable[Article | Page],
    practitioners: Iterable[Practitioner],
    languages: Sequence[str],
) -> None:
    """sitemap.xml with every page and its other-language versions; an index of files above 50,000 URLs."""
    lines = []
    for path, alternates in sitemap_entries(jobs, documents, practitioners, languages):
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{a["lang"]}" href="{escape(site_origin + "/" + a["path"])}"/>'
            for a in alternates
            if a["exists"]
        )
        lines.append(f"<url><loc>{escape(site_origin + '/' + path)}</loc>{links}</url>")
    parts = [lines[i : i + SITEMAP_LIMIT] for i in range(0, len(lines), SITEMAP_LIMIT)]
    if len(parts) == 1:
        (output / "sitemap.xml").write_text(URLSET + "\n".join(parts[0]) + "\n</urlset>\n", encoding="utf-8")
        return
    index = []
    for number, part in enumerate(parts, start=1):
        (output / f"sitemap-{number}.xml").write_text(URLSET + "\n".join(part) + "\n</urlset>\n", encoding="utf-8")
        index.append(f"<sitemap><loc>{escape(site_origin)}/sitemap-{number}.xml</loc></sitemap>")
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
