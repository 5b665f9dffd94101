"""The composition root: services made on first use and kept, parts a test swaps with ``use``, a fresh start with
``reset``, and an app whose import makes nothing and loads none of what only some routes need."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib import services
from chalicelib.core.store import Store, make_table

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@pytest.fixture
def fresh(table_name: str) -> Any:
    services.reset()
    yield services
    services.reset()


def test_each_service_is_made_once_over_the_same_store(fresh: Any) -> None:
    store = fresh.get_store()
    assert fresh.get_store() is store
    assert fresh.get_bookings() is fresh.get_bookings()
    assert fresh.get_bookings().store is fresh.get_agenda().store is fresh.get_practice().store is store
    assert fresh.get_feeds().store is store


def test_a_swapped_part_is_what_every_service_is_made_with(fresh: Any, table_name: str) -> None:
    before = fresh.get_bookings()
    frozen = datetime(2027, 3, 1, 6, tzinfo=UTC)
    mine = Store(make_table(table_name))
    fresh.use(clock=lambda: frozen, store=mine, mailer=None)
    bookings = fresh.get_bookings()
    assert bookings is not before and bookings.store is mine and bookings.mailer() is None
    assert bookings.clock() == frozen and fresh.get_agenda().clock() == frozen
    assert fresh.get_agenda().store is mine and fresh.get_agenda().mailer() is None


def test_reset_reads_the_environment_again(fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fresh.get_store()
    monkeypatch.setenv("TABLE_NAME", "another-table")
    assert fresh.get_store() is first  # the settings are read once
    fresh.reset()
    assert fresh.get_store().name == "another-table"


def test_importing_the_app_makes_nothing_and_loads_no_route_s_own_libraries() -> None:
    """What a fresh Lambda environment does before its first request: anything heavy is loaded by the first
    request that needs it (docs/performance.md)."""
    heavy = ["boto3", "botocore", "pydantic", "jwt", "icalendar", "jinja2", "babel", "holidays"]
    code = f"import sys, app; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], cwd=FUNCTIONS, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
