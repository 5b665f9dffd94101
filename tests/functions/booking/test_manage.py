"""Showing, cancelling and moving an appointment with its manage token (and 404 for anyone without it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar

from tests.functions.conftest import Api, Clock, code_in, hold_body, local, patient, text_of

Outbox = Callable[[], list[Any]]


@pytest.fixture
def booked(api: Api, seed: Callable[..., Any], outbox: Outbox) -> tuple[str, dict[str, str]]:
    """A confirmed 20-minute appointment on Tuesday 2 March at 09:00: its id and the manage header."""
    seed()
    held = api.post("/v1/appointments", hold_body(local(2, 9)), headers={"Idempotency-Key": "manage-key-1"})
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    return held.body["id"], {"Authorization": f"Bearer {confirmed.body['manage_token']}"}


def free(api: Api, start: str) -> bool:
    answer = api.get("/v1/practitioners/pr-test/slots?from=2027-03-02&days=1&reason=consultation")
    return start in [s["start"] for s in answer.body["slots"]]


def calendar_method(message: Any) -> str:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return str(Calendar.from_ical(part.get_content()).get("METHOD"))
    raise AssertionError("no calendar file")


def test_the_token_shows_it_and_anything_else_is_the_same_404(api: Api, booked: tuple[str, dict[str, str]]) -> None:
    appointment_id, auth = booked
    shown = api.get(f"/v1/appointments/{appointment_id}", headers=auth)
    assert shown.status == 200
    assert shown.body["start"] == "2027-03-02T09:00:00+01:00"
    assert shown.body["patient"]["email"] == "louise@example.org"
    assert shown.body["address"] == "1 quai Antoine Ier, 98000 Monaco"
    refusals = [
        api.get(f"/v1/appointments/{appointment_id}"),
        api.get(f"/v1/appointments/{appointment_id}", headers={"Authorization": "Bearer " + "A" * 43}),
        api.get(f"/v1/appointments/{appointment_id}", headers={"Authorization": auth["Authorization"][7:]}),
        api.get("/v1/appointments/0123456789abcdef0123", headers=auth),
        api.post(f"/v1/appointments/{appointment_id}/cancel", headers={"Authorization": "Bearer nope"}),
        api.post(f"/v1/appointments/{appointment_id}/move", {"start": local(2, 10)}),
    ]
    assert {r.status for r in refusals} == {404}
    assert len({str(r.body) for r in refusals}) == 1


def test_a_hold_has_no_token_yet(api: Api, seed: Callable[..., Any]) -> None:
    seed()
    held = api.post("/v1/appointments", hold_body(local(2, 9)), headers={"Idempotency-Key": "manage-key-2"})
    assert api.get(f"/v1/appointments/{held.body['id']}", headers={"Authorization": "Bearer x"}).status == 404


def test_cancel_frees_the_slot_and_tells_the_patient_once(
    api: Api, booked: tuple[str, dict[str, str]], outbox: Outbox
) -> None:
    appointment_id, auth = booked
    assert not free(api, "2027-03-02T09:00:00+01:00")
    sent = len(outbox())
    cancelled = api.post(f"/v1/appointments/{appointment_id}/cancel", headers=auth)
    assert (cancelled.status, cancelled.body["status"]) == (200, "cancelled")
    assert free(api, "2027-03-02T09:00:00+01:00")
    assert len(outbox()) == sent + 1
    assert calendar_method(outbox()[-1]) == "CANCEL"
    again = api.post(f"/v1/appointments/{appointment_id}/cancel", {}, headers=auth)
    assert (again.status, again.body["status"]) == (200, "cancelled")
    assert len(outbox()) == sent + 1
    assert api.get(f"/v1/appointments/{appointment_id}", headers=auth).body["status"] == "cancelled"
    moved = api.post(f"/v1/appointments/{appointment_id}/move", {"start": local(2, 10)}, headers=auth)
    assert (moved.status, moved.body["error"]["code"]) == (409, "not_confirmed")


def test_cancel_frees_a_place_under_the_cap(
    api: Api, booked: tuple[str, dict[str, str]], store: Any, outbox: Outbox
) -> None:
    appointment_id, auth = booked
    assert store.patient_appointments("pr-test", "louise@example.org").entries.keys() == {appointment_id}
    api.post(f"/v1/appointments/{appointment_id}/cancel", headers=auth)
    assert store.patient_appointments("pr-test", "Louise@Example.org ").entries == {}


def test_too_late_to_cancel_or_move_once_it_started(api: Api, booked: tuple[str, dict[str, str]], clock: Clock) -> None:
    appointment_id, auth = booked
    clock.advance(days=1, hours=2)  # Tuesday 09:00
    late = api.post(f"/v1/appointments/{appointment_id}/cancel", headers=auth)
    assert (late.status, late.body["error"]["code"]) == (409, "too_late")
    assert api.post(f"/v1/appointments/{appointment_id}/move", {"start": local(3, 9)}, headers=auth).status == 409


def test_move_takes_the_new_slot_and_releases_the_old_in_one_go(
    api: Api, booked: tuple[str, dict[str, str]], outbox: Outbox, store: Any
) -> None:
    appointment_id, auth = booked
    moved = api.post(f"/v1/appointments/{appointment_id}/move", {"start": local(2, 10, 20)}, headers=auth)
    assert moved.status == 200, moved.body
    assert (moved.body["start"], moved.body["end"]) == ("2027-03-02T10:20:00+01:00", "2027-03-02T10:40:00+01:00")
    assert free(api, "2027-03-02T09:00:00+01:00")
    assert not free(api, "2027-03-02T10:20:00+01:00")
    message = outbox()[-1]
    assert "10:20" in text_of(message) and "09:00" in text_of(message)
    assert auth["Authorization"][7:] in text_of(message)  # the manage link again
    assert calendar_method(message) == "REQUEST"
    day = store.agenda("pr-test", *_day())
    new_start = datetime.fromisoformat(local(2, 10, 20))
    assert [(a.id, a.start_epoch) for a in day] == [(appointment_id, new_start.timestamp())]  # the agenda follows


def _day() -> tuple[datetime, datetime]:
    return datetime(2027, 3, 2, tzinfo=UTC), datetime(2027, 3, 3, tzinfo=UTC)


def test_a_move_onto_a_taken_slot_changes_nothing(api: Api, booked: tuple[str, dict[str, str]], outbox: Outbox) -> None:
    appointment_id, auth = booked
    other = api.post(
        "/v1/appointments",
        hold_body(local(2, 10), reason="long", patient=patient(email="b@example.org")),
        headers={"Idempotency-Key": "manage-key-3"},
    )
    assert other.status == 201
    blocked = api.post(f"/v1/appointments/{appointment_id}/move", {"start": local(2, 10, 20)}, headers=auth)
    assert (blocked.status, blocked.body["error"]["code"]) == (409, "slot_taken")
    shown = api.get(f"/v1/appointments/{appointment_id}", headers=auth)
    assert shown.body["start"] == "2027-03-02T09:00:00+01:00"
    assert not free(api, "2027-03-02T09:00:00+01:00")


def test_moves_are_checked_like_bookings(api: Api, booked: tuple[str, dict[str, str]]) -> None:
    appointment_id, auth = booked
    for body, field in (
        ({"start": local(2, 9, 10)}, "start"),
        ({"start": "2027-03-02T10:00:00"}, "start"),
        ({"start": local(2, 10), "reason": "long"}, "reason"),
    ):
        answer = api.post(f"/v1/appointments/{appointment_id}/move", body, headers=auth)
        assert (answer.status, answer.body["error"]["field"]) == (422, field)
    same = api.post(f"/v1/appointments/{appointment_id}/move", {"start": local(2, 9)}, headers=auth)
    assert (same.status, same.body["start"]) == (200, "2027-03-02T09:00:00+01:00")


class Recording:
    """A DynamoDB client that notes each call it passes on: the operation and its parameters but the key."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def call(**params: Any) -> Any:
            self.calls.append((name, {k: v for k, v in params.items() if k != "Key"}))
            return method(**params)

        return call


def test_an_unknown_id_and_a_wrong_token_do_the_same_work(
    api: Api, booked: tuple[str, dict[str, str]], services: Any, table_name: str
) -> None:
    """The time of a refusal must not tell a stranger which appointment ids exist: an unknown id and a wrong token
    on a real appointment make the same requests to the table, of the same small attributes (bench/manage_timing.py
    measures the answers' times)."""
    from chalicelib.core.store import Store, make_table

    appointment_id, _ = booked
    real = make_table(table_name)
    recording = Recording(real.meta.client)
    table = type("T", (), {"name": table_name, "meta": type("M", (), {"client": recording})()})()
    services.use(store=Store(table))
    wrong = {"Authorization": "Bearer " + "A" * 43}
    seen = []
    for target in (appointment_id, "0123456789abcdef0123"):
        for method, path, body in (
            ("GET", f"/v1/appointments/{target}", None),
            ("POST", f"/v1/appointments/{target}/cancel", {}),
            ("POST", f"/v1/appointments/{target}/move", {"start": local(2, 10)}),
        ):
            recording.calls.clear()
            answer = api.request(method, path, body, headers=wrong)
            seen.append((method, path.replace(target, "<id>"), answer.status, str(answer.body), recording.calls[:]))
    existing, unknown = seen[:3], seen[3:]
    assert existing == unknown
    assert {answer[2] for answer in seen} == {404}
    assert all(calls == [("get_item", existing[0][4][0][1])] for *_, calls in seen)
    assert existing[0][4][0][1]["ProjectionExpression"] == "token_hash, #status"
