"""The agenda's time grid (backoffice/grid.py): what the agenda answers around its appointments (openings, absences,
public holidays, the practice's free times of every visit reason) from the one Query of GSI1 that lists them;
the phone-booking form's next free times; a clash that offers the nearest free times in the error's body."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.functions.conftest import Api, Clock, ProPool, hold_body, patient

AGENDA = "/v1/pro/practitioners/pr-test/agenda"
FREE = "/v1/pro/practitioners/pr-test/free-times"
PHONE = "/v1/pro/practitioners/pr-test/appointments"
# 28 March 2027 is the spring clock change: the week of Easter Monday (29 March, a public holiday in Monaco) is on
# summer time, +02:00.
ABSENCE = {"start": "2027-03-30T14:00:00+02:00", "end": "2027-03-31T00:00:00+02:00"}


def by_phone(api: Api, pool: ProPool, start: str, reason: str = "consultation", **patient: str) -> Any:
    body = {
        "site": "main",
        "reason": reason,
        "start": start,
        "patient": {"given_name": "Jean", "family_name": "Bianchi", "kind": "existing", **patient},
    }
    return api.post(PHONE, body, headers=pool.auth("desk"))


@pytest.fixture
def queries(services: Any) -> Iterator[list[str]]:
    """The DynamoDB Query requests the app's store sends while the test runs (botocore's own event hook)."""
    sent: list[str] = []
    events = services.get_store().client.meta.events

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(params.get("IndexName") or "table")

    events.register("before-parameter-build.dynamodb.Query", record)
    yield sent
    events.unregister("before-parameter-build.dynamodb.Query", record)


def test_the_week_grid_gives_openings_absences_holidays_and_free_times_from_one_query(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], queries: list[str]
) -> None:
    seed(closures=[ABSENCE])
    booked = by_phone(pro_api, pro_pool, "2027-03-30T09:00:00+02:00")
    assert booked.status == 201, booked.body
    queries.clear()

    week = pro_api.get(f"{AGENDA}?from=2027-03-29&days=7", headers=pro_pool.auth("desk"))
    assert week.status == 200, week.body
    assert queries == ["GSI1"]  # the appointments, which are also the busy times: nothing more

    body = week.body
    assert body["holidays"] == [{"date": "2027-03-29", "name": {"fr": "Le Lundi de Pâques", "en": "Easter Monday"}}]
    days = [o["start"][:10] for o in body["openings"]]
    assert "2027-03-29" not in days  # closed on the holiday
    assert days == sorted(days) and len(days) == 12  # two periods on each of the six other days
    tuesday = [(o["start"], o["end"]) for o in body["openings"] if o["start"].startswith("2027-03-30")]
    assert tuesday == [
        ("2027-03-30T08:00:00+02:00", "2027-03-30T12:00:00+02:00"),
        ("2027-03-30T14:00:00+02:00", "2027-03-30T18:00:00+02:00"),
    ]
    assert body["openings"][0]["reasons"] == ["consultation", "first-visit", "long", "short"]
    assert body["absences"] == [ABSENCE]

    assert set(body["free_times"]) == {"consultation", "long", "short", "first-visit", "by-phone"}
    assert body["free_times"]["by-phone"] == []  # no opening period accepts it: booked at any time by phone
    consultation = [s["start"] for s in body["free_times"]["consultation"]]
    on_tuesday = [s[11:16] for s in consultation if s.startswith("2027-03-30")]
    assert on_tuesday[:3] == ["08:00", "08:20", "08:40"]
    assert "09:00" not in on_tuesday  # booked
    assert all(s < "14:00" for s in on_tuesday)  # the absence
    assert not [s for s in consultation if s.startswith("2027-03-29")]
    assert [a["start"] for a in body["appointments"]] == ["2027-03-30T09:00:00+02:00"]


def test_a_live_hold_is_busy_and_a_lapsed_one_is_free_again(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], clock: Clock
) -> None:
    seed()
    body = hold_body("2027-03-02T08:20:00+01:00", patient=patient(email="hold@example.org"))
    assert pro_api.post("/v1/appointments", body, headers={"Idempotency-Key": "grid-hold-1"}).status == 201

    def free() -> list[str]:
        answer = pro_api.get(f"{AGENDA}?from=2027-03-02", headers=pro_pool.auth("pro")).body
        return [s["start"][11:16] for s in answer["free_times"]["consultation"]][:3]

    assert free() == ["08:00", "08:40", "09:00"]
    clock.advance(minutes=11)  # the hold lapses unconfirmed
    assert free() == ["08:00", "08:20", "08:40"]


def test_the_grid_shows_no_free_time_that_has_passed(pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]) -> None:
    seed(min_notice_minutes=1440)
    today = pro_api.get(f"{AGENDA}?from=2027-03-01", headers=pro_pool.auth("pro")).body  # now: 07:00
    starts = [s["start"][11:16] for s in today["free_times"]["short"]]
    assert starts[0] == "08:00"  # the practice's own: the patients' day of notice does not apply
    past = pro_api.get(f"{AGENDA}?from=2027-02-22&days=7", headers=pro_pool.auth("pro")).body
    assert all(slots == [] for slots in past["free_times"].values())
    assert len(past["openings"]) == 14  # the openings of past days are still shown


def test_the_next_free_times_of_a_reason_ignore_the_patients_notice_and_horizon(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]
) -> None:
    seed(min_notice_minutes=1440, horizon_days=1)
    assert by_phone(pro_api, pro_pool, "2027-03-01T08:00:00+01:00").status == 201
    answer = pro_api.get(f"{FREE}?reason=consultation&limit=3", headers=pro_pool.auth("desk"))
    assert answer.status == 200, answer.body
    assert answer.body["from"] == "2027-03-01"
    assert [s["start"] for s in answer.body["slots"]] == [
        "2027-03-01T08:20:00+01:00",
        "2027-03-01T08:40:00+01:00",
        "2027-03-01T09:00:00+01:00",
    ]
    later = pro_api.get(f"{FREE}?reason=long&from=2027-03-20&site=main", headers=pro_pool.auth("pro"))
    assert [s["start"] for s in later.body["slots"]][:2] == ["2027-03-20T08:00:00+01:00", "2027-03-20T08:30:00+01:00"]
    assert len(later.body["slots"]) == 6

    unknown = pro_api.get(f"{FREE}?reason=nothing", headers=pro_pool.auth("pro"))
    assert (unknown.status, unknown.body["error"]["field"]) == (422, "reason")
    elsewhere = pro_api.get(f"{FREE}?reason=long&site=beach", headers=pro_pool.auth("pro"))
    assert (elsewhere.status, elsewhere.body["error"]["field"]) == (422, "site")
    assert pro_api.get(f"{FREE}?reason=long", headers=pro_pool.auth("other")).status == 404
    assert pro_api.get(f"{FREE}?reason=long&from=0001-01-01", headers=pro_pool.auth("pro")).status == 422


def test_a_clash_on_a_phone_booking_answers_the_nearest_free_times(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]
) -> None:
    seed()
    assert by_phone(pro_api, pro_pool, "2027-03-02T10:00:00+01:00").status == 201
    assert by_phone(pro_api, pro_pool, "2027-03-02T10:20:00+01:00").status == 201

    clash = by_phone(pro_api, pro_pool, "2027-03-02T10:00:00+01:00", given_name="Anna")
    assert clash.status == 409
    error = clash.body["error"]
    assert (error["code"], error["field"]) == ("slot_taken", "start")
    starts = [s["start"] for s in error["alternatives"]]
    assert starts == [  # the six nearest to 10:00, on the consultation's 20-minute grid (the earlier on a tie)
        "2027-03-02T08:40:00+01:00",
        "2027-03-02T09:00:00+01:00",
        "2027-03-02T09:20:00+01:00",
        "2027-03-02T09:40:00+01:00",
        "2027-03-02T10:40:00+01:00",
        "2027-03-02T11:00:00+01:00",
    ]
    assert {s["site"] for s in error["alternatives"]} == {"main"}
    taken = by_phone(pro_api, pro_pool, starts[3], given_name="Anna")  # one of them, as the form offers it
    assert taken.status == 201, taken.body


def test_only_a_phone_bookings_clash_carries_alternatives(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]
) -> None:
    seed()
    assert by_phone(pro_api, pro_pool, "2027-03-02T10:00:00+01:00").status == 201
    block = {"site": "main", "start": "2027-03-02T10:00:00+01:00", "end": "2027-03-02T11:00:00+01:00"}
    refused = pro_api.post("/v1/pro/practitioners/pr-test/blocks", block, headers=pro_pool.auth("pro"))
    assert refused.status == 409
    assert set(refused.body["error"]) == {"code", "message", "field"}


def test_the_weeks_query_reads_only_what_the_grid_shows(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], services: Any
) -> None:
    seed()
    booked = by_phone(pro_api, pro_pool, "2027-03-30T09:00:00+02:00", email="jean@example.org", phone="+37799000000")
    assert booked.status == 201, booked.body
    read: list[dict[str, Any]] = []
    events = services.get_store().client.meta.events

    def record(parsed: dict[str, Any], **_: Any) -> None:
        read.extend(parsed.get("Items", []))

    events.register("after-call.dynamodb.Query", record)
    try:
        week = pro_api.get(f"{AGENDA}?from=2027-03-29&days=7", headers=pro_pool.auth("desk"))
    finally:
        events.unregister("after-call.dynamodb.Query", record)
    assert week.status == 200, week.body
    [line] = week.body["appointments"]
    assert line["patient"] == {"given_name": "Jean", "family_name": "Bianchi", "kind": "existing"}
    assert (line["start"], line["end"], line["reason"]) == (booked.body["start"], booked.body["end"], "consultation")

    [item] = read
    assert set(item["patient"]) == {"given_name", "family_name", "kind"}  # no e-mail, no phone
    assert not {"address", "phone", "units", "PK", "GSI1PK", "practitioner_name"} & set(item)
