"""sitemap.xml lists each page once, with the date it last changed: a professional's page, their data file's
modification day; an article or page, its newest Modified, Date or Reviewed; any other page, the newest data
file's day (days on the site's clock, Europe/Monaco)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from tests.site.sitebuild import ROOT

NAMESPACE = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ZONE = ZoneInfo("Europe/Monaco")


def urls(site: Path) -> list[ElementTree.Element]:
    return ElementTree.parse(site / "sitemap.xml").getroot().findall("s:url", NAMESPACE)


def lastmods(site: Path) -> dict[str, str]:
    """Each URL's path and its lastmod."""
    found = {}
    for u in urls(site):
        loc = u.findtext("s:loc", namespaces=NAMESPACE) or ""
        found["/" + loc.split("/", 3)[3]] = u.findtext("s:lastmod", namespaces=NAMESPACE) or ""
    return found


def day_of(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, ZONE).date().isoformat()


def test_each_page_is_listed_once(site: Path) -> None:
    twice = [loc for loc, n in Counter(u.findtext("s:loc", namespaces=NAMESPACE) for u in urls(site)).items() if n > 1]
    assert twice == []


def test_each_page_says_when_it_last_changed(site: Path) -> None:
    missing = [u.findtext("s:loc", namespaces=NAMESPACE) for u in urls(site) if u.find("s:lastmod", NAMESPACE) is None]
    assert missing == []


def test_the_dates_are_those_of_the_pages_sources(site: Path) -> None:
    dates = lastmods(site)
    data = ROOT / "content" / "directory"
    practitioner = data / "practitioners" / "pr-000001.json"
    assert dates["/fr/professionals/pr-000001/"] == dates["/en/professionals/pr-000001/"] == day_of(practitioner)
    # the emergency article: Date 2026-07-01, Reviewed 2026-11-02; the open-data page: Modified 2026-12-06
    assert dates["/en/articles/emergencies/"] == "2026-11-02"
    assert dates["/fr/open-data/"] == "2026-12-06"
    files = [*data.glob("practitioners/*.json"), *data.glob("establishments/*.json")]
    files += [data / name for name in ("taxonomy.json", "places.json", "practitioners", "establishments")]
    newest = max(files, key=lambda p: p.stat().st_mtime_ns)
    assert dates["/fr/"] == dates["/en/specialties/general-practice/"] == day_of(newest)
    assert all(len(d) == 10 and d[4] == "-" for d in dates.values())


def test_a_file_touched_later_dates_its_page_later(tmp_path: Path) -> None:
    """The sitemap is written again when only a date changed (no page added or removed)."""
    from tests.site.sitebuild import build, copy_content

    content = copy_content(tmp_path / "content")
    practitioner = content / "directory" / "practitioners" / "pr-000002.json"
    for moment in ("2025-01-02T12:00", "2025-03-04T12:00"):
        seconds = datetime.fromisoformat(moment).replace(tzinfo=ZONE).timestamp()
        os.utime(practitioner, (seconds, seconds))
        result = build(tmp_path / "output", content)
        assert result.returncode == 0, result.stderr
        assert lastmods(tmp_path / "output")["/fr/professionals/pr-000002/"] == moment[:10]
