"""GET /v1/next-available: the first free slot of up to 50 professionals, for directory lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.functions.conftest import Api, hold_body, local, patient
from tests.functions.factories import practitioner_record


def test_first_slots_in_the_order_asked_with_null_for_unknown_and_phone_only(
    api: Api, seed: Callable[..., Any], services: Any
) -> None:
    seed()
    seed(id="pr-phone-only", online_booking=False)
    seed(id="pr-later", min_notice_minutes=24 * 60)
    store = services.get_store()
    before = store.requests
    answer = api.get("/v1/next-available?ids=pr-later,pr-nobody,pr-test,pr-phone-only")
    assert answer.status == 200, answer.body
    found = [(r["practitioner"], r["slot"] and (r["slot"]["start"], r["slot"]["site"])) for r in answer.body["results"]]
    assert found == [
        ("pr-later", ("2027-03-02T08:00:00+01:00", "main")),  # 24 hours' notice from Monday 07:00
        ("pr-nobody", None),
        ("pr-test", ("2027-03-01T08:00:00+01:00", "main")),
        ("pr-phone-only", None),
    ]
    assert store.requests - before == 3  # one BatchGetItem, one Query per bookable professional
    assert "max-age=30" in answer.headers["Cache-Control"]


def test_a_full_first_week_is_looked_past(api: Api, seed: Callable[..., Any], services: Any) -> None:
    # One 20-minute slot a week, Mondays at 08:00: holding the next two pushes the first free one three weeks out.
    record = practitioner_record()
    record["sites"][0]["hours"] = [{"days": ["mon"], "start": "08:00", "end": "08:20", "reasons": ["consultation"]}]
    seed(record=record)
    for day, key in ((1, "week-one-key"), (8, "week-two-key")):
        held = api.post(
            "/v1/appointments",
            hold_body(local(day, 8), patient=patient(email=f"p{day}@example.org")),
            headers={"Idempotency-Key": key},
        )
        assert held.status == 201, held.body
    store = services.get_store()
    before = store.requests
    answer = api.get("/v1/next-available?ids=pr-test")
    assert answer.body["results"][0]["slot"]["start"] == "2027-03-15T08:00:00+01:00"
    assert store.requests - before == 3  # BatchGetItem, the first week's Query, then the horizon's


def test_one_to_fifty_valid_ids(api: Api) -> None:
    for query, field in (
        ("ids=" + ",".join(f"pr-{i}" for i in range(51)), "ids"),
        ("ids=", "ids"),
        ("", "ids"),
        ("ids=pr-1,Not_An_Id", "ids.1"),
    ):
        answer = api.get(f"/v1/next-available?{query}")
        assert (answer.status, answer.body["error"]["field"]) == (422, field), query
    assert api.get("/v1/next-available?ids=" + ",".join(f"pr-{i}" for i in range(50))).status == 200


def test_the_earliest_site_wins_in_the_repeated_autumn_hour(api: Api, seed: Callable[..., Any], clock: Any) -> None:
    # Sunday 25 October 2026 at 02:45+02:00 in Monaco, 15 minutes before the clocks go back. Site a's next slot is
    # 02:00+01:00 (after the change), site b's is 02:50+02:00: earlier, although its clock time is later.
    record = practitioner_record(min_notice_minutes=0)
    night = {"days": ["sun"], "reasons": ["consultation"]}
    record["sites"] = [
        {**record["sites"][0], "id": "a", "hours": [{**night, "start": "02:00", "end": "03:00"}]},
        {**record["sites"][0], "id": "b", "hours": [{**night, "start": "02:50", "end": "03:00"}]},
    ]
    seed(record=record)
    clock.now = datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    answer = api.get("/v1/next-available?ids=pr-test")
    assert answer.body["results"][0]["slot"] == {
        "start": "2026-10-25T02:50:00+02:00",
        "end": "2026-10-25T02:10:00+01:00",  # 20 minutes later, after the change
        "site": "b",
    }


def test_with_hours_each_bookable_professional_carries_its_weekly_hours_per_site(
    api: Api, seed: Callable[..., Any], services: Any
) -> None:
    record = practitioner_record()
    record["sites"].append(
        {
            **record["sites"][0],
            "id": "annex",
            "hours": [
                {"days": ["fri", "mon"], "start": "09:00", "end": "11:30", "reasons": ["short"], "note": "back door"}
            ],
        }
    )
    seed(record=record)
    seed(id="pr-phone-only", online_booking=False)
    seed(id="pr-closed", sites=[{**record["sites"][0], "hours": []}])
    store = services.get_store()
    ids = "ids=pr-test,pr-phone-only,pr-nobody,pr-closed"
    before = store.requests
    without = api.get(f"/v1/next-available?{ids}")
    reads = store.requests - before
    answer = api.get(f"/v1/next-available?{ids}&hours=true")
    assert answer.status == 200, answer.body
    assert store.requests - before == 2 * reads  # no read of its own: the profiles the slots came from
    assert [r["slot"] for r in answer.body["results"]] == [r["slot"] for r in without.body["results"]]
    assert "max-age=30" in answer.headers["Cache-Control"]
    test, phone_only, nobody, closed = answer.body["results"]
    every = ["consultation", "long", "short", "first-visit"]
    week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert test["hours"] == [
        {
            "site": "main",
            "periods": [
                {"days": week, "start": "08:00", "end": "12:00", "reasons": every},
                {"days": week, "start": "14:00", "end": "18:00", "reasons": every},
            ],
        },
        # days in weekday order; a field the public page does not show (the note) is not sent
        {
            "site": "annex",
            "periods": [{"days": ["mon", "fri"], "start": "09:00", "end": "11:30", "reasons": ["short"]}],
        },
    ]
    assert (phone_only["hours"], nobody["hours"]) == (None, None)  # nothing about phone-only or unknown ids
    assert closed["hours"] == [{"site": "main", "periods": []}]


def test_without_hours_the_answer_has_none_and_a_wrong_flag_is_refused(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    for query in ("ids=pr-test", "ids=pr-test&hours=false"):
        answer = api.get(f"/v1/next-available?{query}")
        assert answer.status == 200, answer.body
        assert answer.body["results"][0]["hours"] is None
        assert answer.body["results"][0]["slot"] is not None
    for query in ("ids=pr-test&hours=maybe", "ids=pr-test&hours=true&hours=true"):
        answer = api.get(f"/v1/next-available?{query}")
        assert (answer.status, answer.body["error"]["field"]) == (422, "hours"), query


def test_the_ids_are_sent_as_the_document_says(api: Api, seed: Callable[..., Any]) -> None:
    """The document describes ``ids`` as one comma-separated parameter (``style: form``, ``explode: false``), the
    form the API reads; a client that follows it (schemathesis did) is not refused for sending it twice."""
    from tests.functions import contract

    seed()
    seed(id="pr-other")
    parameter = next(
        p for p in contract.document()["paths"]["/v1/next-available"]["get"]["parameters"] if p["name"] == "ids"
    )
    assert (parameter["schema"]["type"], parameter["style"], parameter["explode"]) == ("array", "form", False)
    answer = api.get("/v1/next-available?ids=pr-test,pr-other")
    assert answer.status == 200
    assert [r["practitioner"] for r in answer.body["results"]] == ["pr-test", "pr-other"]
    twice = api.get("/v1/next-available?ids=pr-test&ids=pr-other")  # the exploded form the document does not use
    assert (twice.status, twice.body["error"]["field"]) == (422, "ids")
