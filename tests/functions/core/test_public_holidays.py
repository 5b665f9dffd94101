"""The territory's public holidays as the booking functions read them (public_holidays.json, written by
scripts/public_holidays.py) agree with the pinned holidays package, day for day, in every year the API accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from importlib.metadata import version

import holidays

from chalicelib.core import schedule
from scripts import public_holidays
from tests.site.sitebuild import ROOT


def test_the_table_is_what_the_pinned_package_gives() -> None:
    data = json.loads(schedule.PUBLIC_HOLIDAYS.read_text(encoding="utf-8"))
    assert data["holidays"] == version("holidays"), "holidays was upgraded: run make public-holidays"
    assert data["years"] == [2000, 2100]
    for country, by_year in data["countries"].items():
        assert sorted(by_year) == [str(year) for year in range(2000, 2101)]
        for year, listed in by_year.items():
            expected = sorted(holidays.country_holidays(country, years=int(year)))
            assert [date.fromisoformat(d) for d in listed] == expected, (country, year)


def test_the_committed_file_is_what_the_script_writes() -> None:
    assert schedule.PUBLIC_HOLIDAYS.read_text(encoding="utf-8") == public_holidays.text(public_holidays.table())


def test_monaco_days_come_from_the_table_and_other_countries_from_the_package() -> None:
    schedule.holiday_dates.cache_clear()
    assert date(2026, 11, 19) in schedule.holiday_dates("MC", 2026)  # the Sovereign Prince's day
    assert date(2026, 1, 27) in schedule.holiday_dates("MC", 2026)  # Sainte-Dévote
    assert date(2026, 7, 14) in schedule.holiday_dates("FR", 2026)  # not in the table: the package answers
    assert date(2026, 7, 14) not in schedule.holiday_dates("MC", 2026)


def test_a_slot_lookup_for_the_territory_does_not_import_the_package() -> None:
    code = (
        "import sys; from datetime import date; from chalicelib.core import schedule;"
        "assert schedule.holiday_dates('MC', 2031); assert schedule._known_country('MC');"
        "print('holidays' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "functions", capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
