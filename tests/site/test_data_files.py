"""Validation of the data files: every error of every file at once, each naming the file, the line and the field."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from plugins.directory import model
from plugins.directory.model import DataFilesError, load_data_file, load_directory, locate
from plugins.directory.records import Directory
from tests.site.sitebuild import ROOT, build, copy_content

DIRECTORY = ROOT / "content" / "directory"


def test_the_demo_data_and_emergency_numbers_are_valid() -> None:
    directory = load_directory(DIRECTORY)
    assert len(directory.practitioners) == len(list((DIRECTORY / "practitioners").glob("*.json")))
    emergency = load_data_file(ROOT / "content" / "emergency.json", "emergency", DIRECTORY / "schema")
    assert emergency["numbers"][0]["number"] == "112"


def test_locate_finds_the_line_of_a_nested_value() -> None:
    text = (
        '{\n  "a": 1,\n  "sites": [\n    {"id": "x"},\n    {\n      "hours": [\n        {"end": "08:00"}\n'
        "      ]\n    }\n  ]\n}\n"
    )
    assert locate(text, ["a"]) == 2
    assert locate(text, ["sites", 0, "id"]) == 4
    assert locate(text, ["sites", 1, "hours", 0, "end"]) == 7
    assert locate(text, ["sites", 1, "missing"]) == 5  # a missing field: the line of the object that lacks it


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the demo content with one error of each kind in four files."""
    content = copy_content(tmp_path / "content")
    folder = content / "directory" / "practitioners"
    edit(folder / "pr-000002.json", '"phone": "+377', '"phone": "377')  # schema: pattern
    edit(folder / "pr-000002.json", '"given_name"', '"givenname"')  # schema: unknown and missing field
    edit(folder / "pr-000003.json", '"place": "', '"place": "atlantis-')  # reference: unknown place
    edit(folder / "pr-000004.json", '"teleconsultation": ', '"teleconsultation": ,')  # JSON syntax
    edit(content / "articles" / "en" / "hypertension.md", "Reviewer: ", "Reviewd-by: ")  # article metadata
    return content


def test_all_errors_of_all_files_are_reported_with_file_line_and_field(broken: Path) -> None:
    folder = broken / "directory" / "practitioners"
    with pytest.raises(DataFilesError) as raised:
        load_directory(broken / "directory", report_root=broken.parent)
    found = {(e.file, e.line, e.field) for e in raised.value.errors}
    assert (
        "content/directory/practitioners/pr-000002.json",
        line_of(folder / "pr-000002.json", '"phone"'),
        "phone",
    ) in found
    assert (
        "content/directory/practitioners/pr-000002.json",
        line_of(folder / "pr-000002.json", "givenname"),
        "givenname",
    ) in found
    assert ("content/directory/practitioners/pr-000002.json", 1, "given_name") in found
    place_line = line_of(folder / "pr-000003.json", "atlantis-")
    assert ("content/directory/practitioners/pr-000003.json", place_line, "sites[0].place") in found
    syntax = [e for e in raised.value.errors if e.file.endswith("pr-000004.json")]
    assert len(syntax) == 1 and syntax[0].line == line_of(folder / "pr-000004.json", '"teleconsultation"')
    assert "invalid JSON" in syntax[0].message


def test_the_build_stops_and_names_file_line_and_field(broken: Path, tmp_path: Path) -> None:
    result = build(tmp_path / "output", content=broken)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    phone_line = line_of(broken / "directory" / "practitioners" / "pr-000002.json", '"phone"')
    assert f"content/directory/practitioners/pr-000002.json:{phone_line}: phone:" in message
    assert "content/directory/practitioners/pr-000003.json:" in message and "sites[0].place" in message
    assert "content/directory/practitioners/pr-000004.json:" in message
    reviewer_line = line_of(broken / "articles" / "en" / "hypertension.md", "Reviewd-by")
    assert f"content/articles/en/hypertension.md:{reviewer_line}" in message or "hypertension.md:1: reviewer" in message
    assert not (tmp_path / "output" / "fr" / "index.html").exists()


def test_a_rebuild_parses_only_changed_files_and_renders_only_their_pages(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build(output, content, cache).returncode == 0
    profile = output / "fr" / "professionals" / "pr-000005" / "index.html"
    other = output / "fr" / "professionals" / "pr-000006" / "index.html"
    before = other.stat().st_mtime_ns
    record = content / "directory" / "practitioners" / "pr-000005.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["family_name"] = "Renommé"
    data["biography"] = {"fr": "<script>alert(1)</script> & co"}  # data is text: escaped, never markup
    record.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.utime(record)
    assert build(output, content, cache).returncode == 0
    html = profile.read_text(encoding="utf-8")
    assert "Renommé" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html and "<script>alert" not in html
    assert other.stat().st_mtime_ns == before  # untouched: not rendered again
    listings = (output / "en" / "professions" / data["profession"]).rglob("index.html")
    shown = [page for page in listings if 'data-practitioner="pr-000005"' in page.read_text(encoding="utf-8")]
    assert len(shown) == 1 and "Renommé" in shown[0].read_text(encoding="utf-8")  # its list is rendered again
    # the open data, spliced from the previous files, is the whole directory as it is now
    opendata = json.loads((output / "open-data" / "practitioners.json").read_text(encoding="utf-8"))
    current = load_directory(content / "directory")
    assert opendata == [dict(p) for p in current.practitioners]
    assert next(p for p in opendata if p["id"] == "pr-000005")["family_name"] == "Renommé"
    with (output / "open-data" / "practitioners.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == sum(len(p["sites"]) for p in current.practitioners)
    assert [r["family_name"] for r in rows if r["id"] == "pr-000005"] == ["Renommé"]
    # a removed professional's pages go away
    record.unlink()
    assert build(output, content, cache).returncode == 0
    assert not profile.exists()


def test_the_records_cache_and_journal_match_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = copy_content(tmp_path / "content") / "directory"
    cache = tmp_path / "cache" / "records"
    journal = cache.with_name("records.journal")

    def rename(pid: str, name: str) -> None:
        path = folder / "practitioners" / f"{pid}.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        record["family_name"] = name
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")

    def summaries(directory: Directory) -> list[tuple[object, ...]]:
        return [tuple(p.summary) for p in directory.practitioners]

    first = load_directory(folder, cache)
    assert cache.is_file() and not journal.exists()
    rename("pr-000005", "Journalé")
    second = load_directory(folder, cache)
    assert second.changed == {"pr-000005"} and journal.is_file()  # one entry written, not the whole base
    third = load_directory(folder, cache)  # base + journal: no file read again
    fresh = load_directory(folder)
    assert third.changed == set() and summaries(third) == summaries(fresh)
    assert third.summaries == fresh.summaries != first.summaries
    monkeypatch.setattr(model, "JOURNAL_LIMIT", 0)  # a journal this long: the base is written again
    rename("pr-000006", "Rebasé")
    assert load_directory(folder, cache).changed == {"pr-000006"} and not journal.exists()
    fourth = load_directory(folder, cache)
    fresh = load_directory(folder)
    assert fourth.changed == set() and summaries(fourth) == summaries(fresh) and fourth.summaries == fresh.summaries
    assert "Rebasé" in [p.summary.family_name for p in fourth.practitioners]
