"""Dates at the ends of the calendar, on every route that takes one, patient and back-office: a 4xx in the one error
shape naming the field (never a 500, whose local-time arithmetic overflowed past year 9999 or before year 1), and
nothing written to the table. Accepted dates are those of the years 2000 to 2099, as the OpenAPI document says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.functions.conftest import Api, ProPool, hold_body, local

AGENDA = "/v1/pro/practitioners/pr-test/agenda"
FAR_DAYS = ["0001-01-01", "0001-01-02", "1999-12-31", "2100-01-01", "9999-12-25", "9999-12-30", "9999-12-31"]
# Instants whose own date, or whose date on the site's clock or in UTC, is at an end of the calendar.
FAR_INSTANTS = [
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "0001-01-01T00:30:00+01:00",
    "1999-12-31T23:00:00-01:00",
    "9999-12-31T23:30:00-12:00",  # year 10000 in UTC and on the site's clock
    "9999-12-31T23:59:00+00:00",
    "2100-01-01T00:00:00+01:00",
]


@pytest.fixture
def table_items(store: Any) -> Callable[[], list[dict[str, Any]]]:
    """Every item in the test's table (its size stays small: a scan is what a test may do, not the API)."""

    def read() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = store.table.scan()["Items"]
        return items

    return read


@pytest.fixture
def signed_in(pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]) -> Iterator[dict[str, str]]:
    seed()
    yield pro_pool.auth("pro")


def assert_refused(answer: Any, field: str) -> None:
    assert answer.status == 422, answer.body
    assert answer.body["error"]["code"] == "invalid_input"
    assert answer.body["error"]["field"] == field


def test_the_agenda_from_any_far_date(pro_api: Api, signed_in: dict[str, str], table_items: Any) -> None:
    before = table_items()
    for day in FAR_DAYS:
        for days in (1, 7):
            assert_refused(pro_api.get(f"{AGENDA}?from={day}&days={days}", headers=signed_in), "from")
    assert table_items() == before
    assert pro_api.get(f"{AGENDA}?from=2099-12-31&days=7", headers=signed_in).status == 200  # the last week there is


def test_a_settings_preview_from_any_far_date(pro_api: Api, signed_in: dict[str, str], table_items: Any) -> None:
    url = "/v1/pro/practitioners/pr-test/settings"
    settings = pro_api.get(url, headers=signed_in).body["settings"]
    before = table_items()
    for day in FAR_DAYS:
        answer = pro_api.post(f"{url}/preview", {"settings": settings, "from": day, "days": 31}, headers=signed_in)
        assert_refused(answer, "from")
    assert table_items() == before
    last = pro_api.post(f"{url}/preview", {"settings": settings, "from": "2099-12-31", "days": 31}, headers=signed_in)
    assert last.status == 200, last.body


def test_blocks_and_phone_bookings_at_any_far_time(pro_api: Api, signed_in: dict[str, str], table_items: Any) -> None:
    before = table_items()
    for instant in FAR_INSTANTS:
        block = {"site": "main", "start": local(2, 14), "end": instant}
        assert_refused(pro_api.post("/v1/pro/practitioners/pr-test/blocks", block, headers=signed_in), "end")
        block = {"site": "main", "start": instant, "end": local(2, 14)}
        assert_refused(pro_api.post("/v1/pro/practitioners/pr-test/blocks", block, headers=signed_in), "start")
        booking = {
            "site": "main",
            "reason": "consultation",
            "start": instant,
            "patient": {"given_name": "Louise", "family_name": "Rossi"},
        }
        answer = pro_api.post("/v1/pro/practitioners/pr-test/appointments", booking, headers=signed_in)
        assert_refused(answer, "start")
    assert table_items() == before


def test_absences_at_any_far_time(pro_api: Api, signed_in: dict[str, str], table_items: Any) -> None:
    url = "/v1/pro/practitioners/pr-test/settings"
    current = pro_api.get(url, headers=signed_in).body
    before = table_items()
    far = [*FAR_INSTANTS, "9999-12-31T23:59:00", "0001-01-01T00:00:00"]  # without an offset: the practice's clock
    for instant in far:
        for closure, field in (
            ({"start": "2027-03-02T00:00:00", "end": instant}, "settings.closures.0.end"),
            ({"start": instant, "end": "2027-03-02T00:00:00"}, "settings.closures.0.start"),
        ):
            settings = {**current["settings"], "closures": [closure]}
            body = {"version": current["version"], "settings": settings}
            assert_refused(pro_api.put(url, body, headers=signed_in), field)
            assert_refused(pro_api.post(f"{url}/preview", {"settings": settings}, headers=signed_in), field)
    assert table_items() == before


def test_patients_slots_holds_and_moves_at_any_far_date(api: Api, seed: Callable[..., Any], table_items: Any) -> None:
    seed()
    before = table_items()
    for day in FAR_DAYS:
        assert_refused(api.get(f"/v1/practitioners/pr-test/slots?reason=consultation&from={day}&days=31"), "from")
    for instant in FAR_INSTANTS:
        answer = api.post("/v1/appointments", hold_body(instant), headers={"Idempotency-Key": "far-instant-1"})
        assert_refused(answer, "start")
        moved = api.post(
            "/v1/appointments/0123456789abcdef0123/move", {"start": instant}, headers={"Authorization": "Bearer x"}
        )
        assert_refused(moved, "start")
    assert table_items() == before
