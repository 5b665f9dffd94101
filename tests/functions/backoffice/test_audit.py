"""The audit log as the operator queries it (scripts/audit_log.py): by appointment, for a patient's request, and by
professional over a period; each entry says who, in which role, for whom, which appointment, what and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

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
