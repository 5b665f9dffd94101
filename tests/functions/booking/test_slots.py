"""GET /v1/practitioners/{id}/slots: free slots over a window of local dates, from two DynamoDB reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.functions.conftest import Api, hold_body, local
from tests.functions.factories import practitioner_record

KEY = {"Idempotency-Key": "slots-test-key-1"}


def starts(api: Api, query: str = "from=2027-03-02&days=1&reason=consultation", pro: str = "pr-test") -> list[str]:
    answer = api.get(f"/v1/practitioners/{pro}/slots?{query}")
    assert answer.status == 200, answer.body
    return [slot["start"] for slot in answer.body["slots"]]


def test_a_day_of_slots_on_the_reasons_grid_with_offsets(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    answer = api.get("/v1/practitioners/pr-test/slots?from=2027-03-02&days=1&reason=consultation")
    assert answer.body["practitioner"] == "pr-test"
    assert answer.body["from"] == "2027-03-02"
    assert answer.body["days"] == 1
    first = answer.body["slots"][0]
    assert first == {"start": "2027-03-02T08:00:00+01:00", "end": "2027-03-02T08:20:00+01:00", "site": "main"}
    found = [slot["start"][11:16] for slot in answer.body["slots"]]
    assert found == [f"{h:02d}:{m:02d}" for h in (8, 9, 10, 11, 14, 15, 16, 17) for m in (0, 20, 40)]
    assert answer.headers["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_today_starts_after_the_minimum_notice_and_from_defaults_to_today(api: Api, seed: Callable[..., Any]) -> None:
    seed(min_notice_minutes=120)  # now is 07:00, so 09:00 is the first start
    assert starts(api, "reason=consultation&days=1")[0] == "2027-03-01T09:00:00+01:00"


def test_local_clock_times_hold_across_the_spring_change_and_holidays_close(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    found = starts(api, "from=2027-03-27&days=4&reason=long")
    firsts = [s for s in found if s[11:16] == "08:00"]
    # Clocks go forward on Sunday 28 March: 08:00 stays 08:00, the offset changes. Monday 29 is Easter Monday, a
    # public holiday in Monaco: no weekly opening that day.
    assert firsts == ["2027-03-27T08:00:00+01:00", "2027-03-28T08:00:00+02:00", "2027-03-30T08:00:00+02:00"]


def test_the_horizon_ends_the_window(api: Api, seed: Callable[..., Any]) -> None:
    seed(horizon_days=3)
    days = {s[:10] for s in starts(api, "from=2027-03-01&days=10&reason=consultation")}
    assert days == {"2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04"}


def test_the_answer_says_the_last_day_the_horizon_reaches(api: Api, seed: Callable[..., Any]) -> None:
    """So that the widget stops offering the next week once it is past the horizon (it offered it for ever)."""
    seed(horizon_days=3)
    for query in ("from=2027-03-01&days=7", "from=2027-03-08&days=7"):
        answer = api.get(f"/v1/practitioners/pr-test/slots?{query}&reason=consultation")
        assert answer.body["last_day"] == "2027-03-04"  # now is Monday 1 March 2027, 07:00 in Monaco
    assert answer.body["slots"] == []


def test_a_held_appointment_hides_every_slot_it_overlaps_whatever_the_reason(
    api: Api, seed: Callable[..., Any]
) -> None:
    seed()
    assert api.post("/v1/appointments", hold_body(local(2, 9), reason="long"), headers=KEY).status == 201
    found = starts(api)
    assert "2027-03-02T09:00:00+01:00" not in found  # 09:00-09:20 inside 09:00-09:30
    assert "2027-03-02T09:20:00+01:00" not in found  # 09:20-09:40 overlaps 09:00-09:30
    assert "2027-03-02T09:40:00+01:00" in found
    assert "2027-03-02T08:40:00+01:00" in found


def test_the_buffer_keeps_a_gap_on_both_sides(api: Api, seed: Callable[..., Any]) -> None:
    seed(buffer_minutes=10)
    assert api.post("/v1/appointments", hold_body(local(2, 9)), headers=KEY).status == 201
    found = starts(api)
    assert "2027-03-02T08:40:00+01:00" not in found  # ends 09:00, less than 10 minutes before
    assert "2027-03-02T09:20:00+01:00" not in found  # starts less than 10 minutes after 09:20
    assert "2027-03-02T08:20:00+01:00" in found
    assert "2027-03-02T09:40:00+01:00" in found


def test_closures_and_sites(api: Api, seed: Callable[..., Any]) -> None:
    seed(closures=[{"start": "2027-03-02T00:00:00+01:00", "end": "2027-03-02T12:00:00+01:00"}])
    assert starts(api)[0] == "2027-03-02T14:00:00+01:00"
    assert starts(api, "from=2027-03-02&days=1&reason=consultation&site=main")[0] == "2027-03-02T14:00:00+01:00"
    other = api.get("/v1/practitioners/pr-test/slots?from=2027-03-02&reason=consultation&site=annex")
    assert (other.status, other.body["error"]["field"]) == (422, "site")


def test_two_reads_whatever_the_window(api: Api, seed: Callable[..., Any], services: Any) -> None:
    seed()
    store = services.get_store()
    for days in (1, 31):
        before = store.requests
        assert starts(api, f"from=2027-03-01&days={days}&reason=short")
        assert store.requests - before == 2  # the profile and one Query of the window's units


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2027-03-02&days=32&reason=consultation", "days"),
        ("from=2027-03-02&days=0&reason=consultation", "days"),
        ("from=2027-03-02&days=seven&reason=consultation", "days"),
        ("from=2027-02-30&reason=consultation", "from"),
        ("from=0001-01-01&reason=consultation", "from"),
        ("from=9999-12-31&reason=consultation", "from"),
        ("from=2027-03-02", "reason"),
        ("from=2027-03-02&reason=consultation&colour=blue", "colour"),
        ("from=2027-03-02&reason=consultation&reason=long", "reason"),
        ("from=2027-03-02&reason=consultation&patient=maybe", "patient"),
        ("from=2027-03-02&reason=nope", "reason"),
        ("from=2027-03-02&reason=by-phone", "reason"),
        ("from=2027-03-02&reason=first-visit&patient=existing", "reason"),
    ],
)
def test_invalid_queries_are_422_naming_the_parameter(
    api: Api, seed: Callable[..., Any], query: str, field: str
) -> None:
    seed()
    answer = api.get(f"/v1/practitioners/pr-test/slots?{query}")
    assert answer.status == 422, answer.body
    assert answer.body["error"]["code"] == "invalid_input"
    assert answer.body["error"]["field"] == field


def test_unknown_professional_and_no_online_booking_are_the_same_404(api: Api, seed: Callable[..., Any]) -> None:
    seed(id="pr-phone-only", online_booking=False)
    unknown = api.get("/v1/practitioners/pr-nobody/slots?reason=consultation")
    phone_only = api.get("/v1/practitioners/pr-phone-only/slots?reason=consultation")
    assert unknown.status == phone_only.status == 404
    assert unknown.body == phone_only.body
    assert api.get("/v1/practitioners/" + "x" * 3000 + "/slots?reason=consultation").status == 404


def test_slots_of_two_sites_in_the_repeated_autumn_hour_are_in_time_order(
    api: Api, seed: Callable[..., Any], clock: Any
) -> None:
    # Sunday 25 October 2026, Monaco: clocks go back at 03:00 CEST, so 02:00-03:00 is lived twice. Two sites of one
    # professional share the zone; 02:10+01:00 is later than 02:50+02:00 although its clock time is earlier.
    record = practitioner_record(min_notice_minutes=0)
    night = {"days": ["sun"], "reasons": ["consultation"]}
    record["sites"] = [
        {**record["sites"][0], "id": "a", "hours": [{**night, "start": "02:00", "end": "03:00"}]},
        {**record["sites"][0], "id": "b", "hours": [{**night, "start": "02:50", "end": "03:00"}]},
    ]
    seed(record=record)
    clock.now = datetime(2026, 10, 20, 7, 0, tzinfo=UTC)
    answer = api.get("/v1/practitioners/pr-test/slots?from=2026-10-25&days=1&reason=consultation")
    found = [(slot["start"], slot["site"]) for slot in answer.body["slots"]]
    assert found == [
        ("2026-10-25T02:00:00+02:00", "a"),
        ("2026-10-25T02:20:00+02:00", "a"),
        ("2026-10-25T02:40:00+02:00", "a"),
        ("2026-10-25T02:50:00+02:00", "b"),
        ("2026-10-25T02:00:00+01:00", "a"),
        ("2026-10-25T02:10:00+01:00", "b"),
        ("2026-10-25T02:20:00+01:00", "a"),
        ("2026-10-25T02:30:00+01:00", "b"),
        ("2026-10-25T02:40:00+01:00", "a"),
    ]
