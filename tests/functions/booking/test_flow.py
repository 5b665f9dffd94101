"""A patient's journey through the API: free slots, a hold, the e-mailed code, the confirmation, the manage token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, Clock, code_in, hold_body, local, text_of

KEY = {"Idempotency-Key": "key-0001-abcdef"}


def slots(api: Api, reason: str = "consultation", day: str = "2027-03-02", days: int = 1) -> list[str]:
    answer = api.get(f"/v1/practitioners/pr-test/slots?from={day}&days={days}&reason={reason}")
    assert answer.status == 200, answer.body
    return [slot["start"] for slot in answer.body["slots"]]


def test_slots_carry_their_utc_offset_and_follow_the_reasons_grid(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    starts = slots(api)
    assert starts[:3] == ["2027-03-02T08:00:00+01:00", "2027-03-02T08:20:00+01:00", "2027-03-02T08:40:00+01:00"]
    assert starts[-1] == "2027-03-02T17:40:00+01:00"
    assert len(starts) == 2 * 12  # two 4-hour periods of 20-minute slots


def test_hold_confirm_show(api: Api, seed: Callable[..., Any], outbox: Callable[[], list[Any]]) -> None:
    seed()
    held = api.post("/v1/appointments", hold_body(local(2, 9)), headers=KEY)
    assert held.status == 201, held.body
    assert held.body["status"] == "held"
    assert held.body["start"] == "2027-03-02T09:00:00+01:00"
    assert held.body["end"] == "2027-03-02T09:20:00+01:00"
    assert held.body["hold_expires_at"] == "2027-03-01T07:10:00+01:00"
    assert "2027-03-02T09:00:00+01:00" not in slots(api)

    [message] = outbox()
    assert message["To"] == "louise@example.org"
    code = code_in(message)

    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code})
    assert confirmed.status == 200, confirmed.body
    assert confirmed.body["status"] == "confirmed"
    token = confirmed.body["manage_token"]
    assert len(token) >= 22
    confirmation = outbox()[1]
    assert token in text_of(confirmation)

    shown = api.get(f"/v1/appointments/{held.body['id']}", headers={"Authorization": f"Bearer {token}"})
    assert shown.status == 200
    assert shown.body["practitioner_name"] == "Dr Camille Testa"


def test_hold_expires(api: Api, seed: Callable[..., Any], clock: Clock, outbox: Callable[[], list[Any]]) -> None:
    seed()
    held = api.post("/v1/appointments", hold_body(local(2, 9)), headers=KEY)
    code = code_in(outbox()[0])
    clock.advance(minutes=10, seconds=1)
    assert "2027-03-02T09:00:00+01:00" in slots(api)
    late = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code})
    assert late.status == 410, late.body
