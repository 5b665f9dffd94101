"""Large builds render in several forked processes and write the open data and sitemap in another one, at the
same time: the site must be the same, byte for byte, as one process alone makes it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plugins.directory.model import load_directory
from tests.site.sitebuild import ROOT, differences


def pelican(content: Path, output: Path, processes: int) -> None:
    command = [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output)]
    command += ["-q", "-e", f'CACHE_PATH="{output}-cache"', f"DIRECTORY_PROCESSES={processes}"]
    if (content.parent / "theme").is_dir():  # a test's own copy of the theme, to change
        command += [f'THEME="{content.parent / "theme"}"']
    command += ["FHIR_FILE_SIZE=300"]  # 1,000 professionals: the FHIR directory in four files of each type
    # Two languages are enough to compare the processes' work (every language is rendered alike), at 40% of the cost
    command += ['LANGUAGES=["fr", "en"]', 'ARTICLE_PATHS=["articles/fr", "articles/en"]']
    command += ['PAGE_PATHS=["pages/fr", "pages/en"]']
    environment = {**os.environ, "COLUMNS": "400"}
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=environment, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_build_in_several_processes_is_the_build_of_one(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("directory"))
    shutil.copytree(ROOT / "content" / "directory" / "schema", content / "directory" / "schema")
    generate = [sys.executable, "scripts/make_demo_data.py", "--count", "1000", "--seed", "7"]
    subprocess.run([*generate, "--out", str(content / "directory")], cwd=ROOT, check=True, capture_output=True)
    alone, together = tmp_path / "one", tmp_path / "three"
    pelican(content, alone, processes=1)
    pelican(content, together, processes=2)  # above 2,000 pages: two renderers and the open-data writer

    assert differences(alone, together) == []
    directory = load_directory(content / "directory")
    assert len(directory.practitioners) == 1000
    for p in directory.practitioners:
        for lang in ("fr", "en"):
            assert (together / lang / "professionals" / p.summary.id / "index.html").is_file()
    opendata = json.loads((together / "open-data" / "practitioners.json").read_text(encoding="utf-8"))
    assert [record["id"] for record in opendata] == [p.summary.id for p in directory.practitioners]
    sitemap = (together / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("/professionals/pr-") >= 2 * 1000


def edit(path: Path, **changes: object) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(changes)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def changes(site: Path) -> list[dict[str, Any]]:
    """The builds listed by the open data's change log, newest first."""
    builds: list[dict[str, Any]] = json.loads((site / "open-data" / "changes.json").read_text("utf-8"))["builds"]
    return builds


def rebuilt(site: Path, fresh: Path) -> list[str]:
    """The files that differ between a rebuilt site and a fresh build of the same data, but the change log: the
    one file that depends on the builds before (what changed since the last one), checked on its own."""
    return [path for path in differences(site, fresh) if not path.endswith("open-data/changes.json")]


def test_a_rebuild_after_changes_is_the_full_build_of_the_changed_data(tmp_path: Path) -> None:
    """What a rebuild keeps from the last one (pages, open data, indexes, the records' cache) must never show: after
    each round of changes the rebuilt site is, byte for byte, what a build from nothing makes of the same data; the
    change log says what each round changed."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("directory"))
    shutil.copytree(ROOT / "content" / "directory" / "schema", content / "directory" / "schema")
    generate = [sys.executable, "scripts/make_demo_data.py", "--count", "1000", "--seed", "11"]
    subprocess.run([*generate, "--out", str(content / "directory")], cwd=ROOT, check=True, capture_output=True)
    folder = content / "directory" / "practitioners"
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    site = tmp_path / "site"
    pelican(content, site, processes=2)
    assert changes(site) == []  # nothing to compare with
    untouched = site / "fr" / "professionals" / "pr-000500" / "index.html"
    written = untouched.stat().st_mtime_ns

    practitioner_files = sorted((site / "fhir").glob("Practitioner.*.ndjson"))
    assert len(practitioner_files) == 4
    fhir_times = [path.stat().st_mtime_ns for path in practitioner_files]

    # 1. the same professionals: a phone number, and a new name that moves someone in every list
    phone = json.loads((folder / "pr-000010.json").read_text(encoding="utf-8"))["phone"]
    edit(folder / "pr-000010.json", phone=phone[:-1] + ("1" if phone[-1] != "1" else "2"))
    edit(folder / "pr-000020.json", family_name="Aaberg")
    long_ago = datetime(2025, 1, 2, 12, tzinfo=UTC).timestamp()  # a day the sitemap must show (not today's)
    os.utime(folder / "pr-000010.json", (long_ago, long_ago))
    pelican(content, site, processes=2)
    pelican(content, tmp_path / "fresh-1", processes=2)
    assert rebuilt(site, tmp_path / "fresh-1") == []
    assert changes(tmp_path / "fresh-1") == []
    [entry] = changes(site)
    assert entry["practitioners"] == {"added": [], "removed": [], "changed": ["pr-000010", "pr-000020"]}
    assert entry["establishments"] == {"added": [], "removed": [], "changed": []}
    assert untouched.stat().st_mtime_ns == written  # not rendered again
    assert "Aaberg" in (site / "en" / "professionals" / "pr-000020" / "index.html").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/fr/professionals/pr-000010/</loc><lastmod>2025-01-02</lastmod>" in sitemap
    rewritten = [p for p, t in zip(practitioner_files, fhir_times, strict=True) if p.stat().st_mtime_ns != t]
    assert 1 <= len(rewritten) <= 2, "the FHIR files of the two edited professionals only"

    # 2. professionals added and removed
    record = json.loads((folder / "pr-000030.json").read_text(encoding="utf-8"))
    record.update(id="pr-000030b", family_name="Zyzzyva")
    (folder / "pr-000030b.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "pr-000040.json").unlink()
    pelican(content, site, processes=2)
    pelican(content, tmp_path / "fresh-2", processes=2)
    assert rebuilt(site, tmp_path / "fresh-2") == []
    assert changes(site)[0]["practitioners"] == {"added": ["pr-000030b"], "removed": ["pr-000040"], "changed": []}
    assert not (site / "fr" / "professionals" / "pr-000040").exists()
    opendata = json.loads((site / "open-data" / "practitioners.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in opendata] == sorted(p.name.removesuffix(".json") for p in folder.glob("*.json"))

    # 3. a rebuild with nothing changed renders nothing and leaves the site as it is
    pages = [untouched, site / "fr" / "index.html", site / "en" / "search" / "index.html", site / "sitemap.xml"]
    pages += [site / "en" / "professions" / "physician" / "index.html", site / "open-data" / "practitioners.json"]
    pages += [
        *sorted((site / "fhir").iterdir()),
        site / "open-data" / "changes.json",
        site / "open-data" / "datapackage.json",
    ]
    times = [page.stat().st_mtime_ns for page in pages]
    pelican(content, site, processes=2)
    assert rebuilt(site, tmp_path / "fresh-2") == []
    assert len(changes(site)) == 2
    assert [page.stat().st_mtime_ns for page in pages] == times

    # 4. a theme file changed: every page links it under its new name (its hash), so every page is rendered again
    stylesheet = tmp_path / "theme" / "static" / "css" / "site.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.rebuild-test { color: red; }\n", "utf-8")
    pelican(content, site, processes=2)
    pelican(content, tmp_path / "fresh-3", processes=2)
    assert rebuilt(site, tmp_path / "fresh-3") == []
    assert len(changes(site)) == 2  # no data changed
    assert untouched.stat().st_mtime_ns != written
    linked = re.findall(r"theme/css/site\.[0-9a-f]+\.css", untouched.read_text(encoding="utf-8"))
    assert linked and (site / linked[0]).read_text(encoding="utf-8").endswith("color:red}")
