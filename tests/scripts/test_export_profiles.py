"""scripts/export_profiles.py: the settings saved in the back-office reach the data files, and only them, or nothing
is written."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.backoffice.schemas import PracticeSettings
from chalicelib.backoffice.settings import apply, settings_of
from chalicelib.core.profiles import Profile, profile_item
from chalicelib.core.store import Store, make_table
from plugins.directory.model import load_directory
from scripts import export_profiles
from scripts.export_profiles import file_text

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE = ROOT / "content" / "directory"
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    folder = tmp_path / "directory"
    shutil.copytree(SOURCE, folder)
    return folder


@pytest.fixture
def store(table_name: str, directory: Path) -> Store:
    """The table with the stored profiles of pr-000001 to pr-000003, as the data files were loaded."""
    store = Store(make_table(table_name))
    for pid in ("pr-000001", "pr-000002", "pr-000003"):
        record = read(directory, pid)
        record.pop("$schema")
        store.put_profile(pid, profile_item(record))
    return store


@pytest.fixture
def export(table_name: str, directory: Path) -> Callable[..., int]:
    def run(*args: str) -> int:
        return export_profiles.main(["--table", table_name, "--directory", str(directory), *args])

    return run


def read(directory: Path, pid: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((directory / "practitioners" / f"{pid}.json").read_text(encoding="utf-8"))
    return record


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((directory / "practitioners").glob("*.json"))}


def save(store: Store, pid: str, edit: Edit) -> None:
    """What the back-office's save writes: the settings as read, changed by ``edit``, applied and stored."""
    item = store.profile_for_edit(pid)
    assert item is not None
    current = Profile.from_item(item)
    settings = settings_of(current, NOW).model_dump(mode="json")
    edit(settings)
    proposed = apply(item, current, PracticeSettings.model_validate(settings))
    attributes = {**profile_item(proposed.record), "extra_openings": item.get("extra_openings") or "[]"}
    store.save_profile(pid, attributes, int(item.get("version") or 0))


def evening(settings: dict[str, Any]) -> None:
    settings["sites"][0]["hours"][1]["end"] = "19:00"


def test_saved_hours_are_written_into_their_data_file_and_nothing_else_changes(
    store: Store, directory: Path, export: Callable[..., int]
) -> None:
    before = files(directory)
    expected = read(directory, "pr-000001")
    assert expected["sites"][0]["hours"][1]["end"] == "18:00"
    expected["sites"][0]["hours"][1]["end"] = "19:00"
    save(store, "pr-000001", evening)

    assert export() == 0

    after = files(directory)
    assert after["pr-000001.json"] == file_text(expected).encode()
    changed = [n for n in before if before[n] != after[n]]
    assert changed == ["pr-000001.json"], "pr-000002 and pr-000003 are stored but were never saved in the back-office"
    load_directory(directory)
    assert export() == 0 and files(directory) == after, "a second export finds nothing to change"


def test_reasons_and_rules_are_carried_and_names_stay_the_data_files(
    store: Store, directory: Path, export: Callable[..., int]
) -> None:
    def edit(settings: dict[str, Any]) -> None:
        settings["visit_reasons"][0]["online"] = False
        settings["booking_rules"]["horizon_days"] = 60

    save(store, "pr-000002", edit)
    renamed = read(directory, "pr-000002")
    renamed["family_name"] = "Renamed-By-The-Operator"  # after the profile was stored
    (directory / "practitioners" / "pr-000002.json").write_text(file_text(renamed), encoding="utf-8")

    assert export() == 0

    written = read(directory, "pr-000002")
    assert written["family_name"] == "Renamed-By-The-Operator"
    assert written["visit_reasons"][0]["online"] is False and written["booking_rules"]["horizon_days"] == 60
    assert list(written["booking_rules"]) == list(renamed["booking_rules"]), "keys stay in the file's order"


def test_a_reason_renamed_in_italian_is_written_with_its_other_languages_unchanged(
    store: Store, directory: Path, export: Callable[..., int]
) -> None:
    expected = read(directory, "pr-000003")
    label = expected["visit_reasons"][0]["label"]
    assert set(label) == {"fr", "en", "it", "es", "ru"}, "the demo profiles name their reasons in every language"
    label["it"] = "Visita di controllo"

    def rename(settings: dict[str, Any]) -> None:
        settings["visit_reasons"][0]["label"]["it"] = "Visita di controllo"

    save(store, "pr-000003", rename)

    assert export() == 0
    assert (directory / "practitioners" / "pr-000003.json").read_text(encoding="utf-8") == file_text(expected)


def test_a_dry_run_prints_the_diff_and_writes_nothing(
    store: Store, directory: Path, export: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    before = files(directory)
    save(store, "pr-000001", evening)

    assert export("--dry-run") == 0

    out = capsys.readouterr().out
    assert '-          "end": "18:00",' in out and '+          "end": "19:00",' in out
    assert "would write 1 professional file(s)" in out
    assert files(directory) == before


def test_an_export_that_would_not_validate_writes_nothing_and_names_the_file_and_field(
    store: Store, directory: Path, export: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    # The operator added a second site to the data file, whose hours take vaccinations; meanwhile the practice
    # removed the vaccination reason in the back-office.
    record = read(directory, "pr-000001")
    record["sites"].append({**record["sites"][0], "id": "annex"})
    (directory / "practitioners" / "pr-000001.json").write_text(file_text(record), encoding="utf-8")
    before = files(directory)

    def drop_vaccination(settings: dict[str, Any]) -> None:
        settings["visit_reasons"] = [r for r in settings["visit_reasons"] if r["id"] != "vaccination"]
        for period in settings["sites"][0]["hours"]:
            period["reasons"].remove("vaccination")

    save(store, "pr-000001", drop_vaccination)
    save(store, "pr-000002", evening)

    assert export() == 1

    err = capsys.readouterr().err
    assert "practitioners/pr-000001.json" in err
    assert "sites[1].hours[0].reasons[2]: no visit reason 'vaccination'" in err
    assert "nothing written" in err
    assert files(directory) == before, "pr-000002's valid change is not written either"


def test_the_export_is_limited_to_the_professionals_named(
    store: Store, directory: Path, export: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    before = files(directory)
    save(store, "pr-000001", evening)
    save(store, "pr-000002", evening)

    assert export("--practitioner", "pr-000002", "--practitioner", "pr-000003") == 0

    after = files(directory)
    assert [n for n in before if before[n] != after[n]] == ["pr-000002.json"]
    assert "pr-000003: never saved in the back-office" in capsys.readouterr().err

    assert export("--practitioner", "pr-999999") == 2
    assert "no data file for pr-999999" in capsys.readouterr().err
    assert files(directory) == after
