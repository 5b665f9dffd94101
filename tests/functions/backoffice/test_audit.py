"""The audit log as the operator queries it (scripts/audit_log.py): by appointment, for a patient's request, and by
professional over a period; each entry says who, in which role, for whom, which appointment, what and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from scripts import audit_log
from tests.functions.conftest import Api, Clock, ProPool, code_in, hold_body, local, patient


@pytest.fixture
def query(table_name: str, capsys: pytest.CaptureFixture[str]) -> Callable[..., list[dict[str, Any]]]:
    """Run scripts/audit_log.py on the test's table; its JSON lines."""

    def run(*args: str) -> list[dict[str, Any]]:
        assert audit_log.main(["--table", table_name, *args]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    return run


@pytest.fixture
def booked(pro_api: Api, seed: Callable[..., Any], outbox: Callable[[], list[Any]]) -> list[str]:
    """Two appointments of pr-test on Tuesday 2 March, 09:00 and 10:00; pr-other has none."""
    seed()
    seed(id="pr-other")
    ids = []
    for n, email in enumerate(("louise@example.org", "jean@example.org")):
        held = pro_api.post(
            "/v1/appointments",
            hold_body(local(2, 9 + n), patient=patient(email=email)),
            headers={"Idempotency-Key": f"audit-{n}-key"},
        )
        confirmed = pro_api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
        assert confirmed.status == 200
        ids.append(str(held.body["id"]))
    return ids


def test_the_operator_finds_every_access_by_appointment_and_by_professional(
    pro_api: Api, pro_pool: ProPool, booked: list[str], clock: Clock, query: Callable[..., list[dict[str, Any]]]
) -> None:
    first, second = booked
    pro_api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-02", headers=pro_pool.auth("secretary"))
    clock.advance(minutes=5)
    pro_api.get(f"/v1/pro/appointments/{first}", headers=pro_pool.auth("pro"))
    clock.advance(days=2)
    pro_api.post(f"/v1/pro/appointments/{first}/cancel", headers=pro_pool.auth("pro"))
    pro_api.get(
        "/v1/pro/practitioners/pr-other/agenda?from=2027-03-02", headers=pro_pool.auth("other")
    )  # nothing shown

    entries = query("--appointment", first)
    assert [(e["at"], e["action"], e["role"], e["subject"]) for e in entries] == [
        ("2027-03-01T06:00:00Z", "list", "secretary", pro_pool.subs["secretary"]),
        ("2027-03-01T06:05:00Z", "read", "professional", pro_pool.subs["pro"]),
        ("2027-03-03T06:05:00Z", "cancel", "professional", pro_pool.subs["pro"]),
    ]
    assert {(e["appointment_id"], e["practitioner_id"]) for e in entries} == {(first, "pr-test")}
    assert set(entries[0]) == {"at", "action", "appointment_id", "practitioner_id", "subject", "role", "token_id"}

    period = query("--practitioner", "pr-test", "--from", "2027-03-01", "--to", "2027-03-01")
    assert [(e["action"], e["appointment_id"]) for e in period] in (
        [("list", first), ("list", second), ("read", first)],
        [("list", second), ("list", first), ("read", first)],  # the two list entries share their second
    )
    later = query("--practitioner", "pr-test", "--from", "2027-03-02", "--to", "2027-03-31")
    assert [e["action"] for e in later] == ["cancel"]
    assert query("--practitioner", "pr-other", "--from", "2027-03-01", "--to", "2027-03-31") == []


def test_a_front_desk_is_named_in_the_entries_of_what_it_did(
    pro_api: Api, pro_pool: ProPool, booked: list[str], clock: Clock, query: Callable[..., list[dict[str, Any]]]
) -> None:
    first, _ = booked
    desk = pro_pool.auth("desk")
    assert pro_api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-02", headers=desk).status == 200
    clock.advance(minutes=1)
    assert pro_api.get(f"/v1/pro/appointments/{first}", headers=desk).status == 200
    clock.advance(minutes=1)
    assert pro_api.post(f"/v1/pro/appointments/{first}/move", {"start": local(4, 11)}, headers=desk).status == 200

    entries = query("--appointment", first)
    assert [(e["action"], e["role"], e["subject"]) for e in entries] == [
        ("list", "desk", pro_pool.subs["desk"]),
        ("read", "desk", pro_pool.subs["desk"]),
        ("move", "desk", pro_pool.subs["desk"]),
    ]
    assert {e["token_id"] for e in entries} != {None}


def test_a_week_shown_is_one_write_of_one_item_per_date_and_a_moved_appointment_keeps_its_entries(  # noqa: PLR0917 (fixtures)
    pro_api: Api,
    pro_pool: ProPool,
    seed: Callable[..., Any],
    outbox: Callable[[], list[Any]],
    clock: Clock,
    services: Any,
    query: Callable[..., list[dict[str, Any]]],
    capsys: pytest.CaptureFixture[str],
    table_name: str,
) -> None:
    seed()
    made: dict[str, tuple[str, dict[str, str]]] = {}
    for n, (day, hour, email) in enumerate(
        ((2, 9, "louise@example.org"), (2, 10, "jean@example.org"), (4, 9, "marie@example.org"))
    ):
        held = pro_api.post(
            "/v1/appointments",
            hold_body(local(day, hour), patient=patient(email=email)),
            headers={"Idempotency-Key": f"week-{n}-key"},
        )
        confirmed = pro_api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
        assert confirmed.status == 200, confirmed.body
        made[email] = (str(held.body["id"]), {"Authorization": f"Bearer {confirmed.body['manage_token']}"})
    louise, manage = made["louise@example.org"]
    jean, marie = made["jean@example.org"][0], made["marie@example.org"][0]

    writes: list[tuple[str, dict[str, Any]]] = []
    events = services.get_store().client.meta.events

    def record(params: dict[str, Any], event_name: str, **_: Any) -> None:
        writes.append((event_name.rsplit(".", 1)[-1], params))

    for operation in ("BatchWriteItem", "PutItem"):
        events.register(f"before-parameter-build.dynamodb.{operation}", record)
    try:
        week = pro_api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-01&days=7", headers=pro_pool.auth("desk"))
    finally:
        for operation in ("BatchWriteItem", "PutItem"):
            events.unregister(f"before-parameter-build.dynamodb.{operation}", record)
    assert week.status == 200 and len(week.body["appointments"]) == 3
    [(operation, params)] = writes  # the three patients shown: one request
    assert operation == "BatchWriteItem"
    [puts] = params["RequestItems"].values()
    items = [{k: TypeDeserializer().deserialize(v) for k, v in put["PutRequest"]["Item"].items()} for put in puts]
    shown = {item["day"]: set(item["appointment_ids"]) for item in items}
    assert shown == {"2027-03-02": {louise, jean}, "2027-03-04": {marie}}  # UTC dates of the starts

    # Louise moves her appointment to Friday from the link in her e-mail: the showing that named it on Tuesday is
    # still hers, and the one of Thursday's patient is not.
    clock.advance(minutes=5)
    moved = pro_api.post(f"/v1/appointments/{louise}/move", {"start": local(5, 9)}, headers=manage)
    assert moved.status == 200, moved.body
    assert [(e["action"], e["appointment_id"], e["role"]) for e in query("--appointment", louise)] == [
        ("list", louise, "desk")
    ]
    assert [e["appointment_id"] for e in query("--appointment", marie)] == [marie]
    period = query("--practitioner", "pr-test", "--from", "2027-03-01", "--to", "2027-03-01")
    assert sorted(e["appointment_id"] for e in period) == sorted([louise, jean, marie])  # a line per patient shown

    # Once the table has deleted the appointment (its retention period), the operator gives its date.
    services.get_store().table.delete_item(Key={"PK": f"APPOINTMENT#{louise}", "SK": "APPOINTMENT"})
    capsys.readouterr()
    assert audit_log.main(["--table", table_name, "--appointment", louise]) == 0
    printed = capsys.readouterr()
    assert printed.out == "" and "--practitioner and --on" in printed.err
    found = query("--appointment", louise, "--practitioner", "pr-test", "--on", "2027-03-02")
    assert [(e["action"], e["appointment_id"]) for e in found] == [("list", louise)]
