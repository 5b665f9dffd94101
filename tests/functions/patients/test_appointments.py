"""My appointments: every appointment booked with the account's e-mail, whatever the professional, guest bookings
included, in one Query; booking signed in needs no code; cancel and move from the list; nobody else's."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, Clock, code_in, hold_body, local, patient
from tests.functions.patients.session import Patient, sign_in

Outbox = Callable[[], list[Any]]


def book_as_guest(api: Api, outbox: Outbox, start: str, practitioner: str = "pr-test", **who: Any) -> str:
    key = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    held = api.post(
        "/v1/appointments", hold_body(start, practitioner=practitioner, patient=patient(**who)), headers=key
    )
    assert held.status == 201, held.body
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    assert confirmed.status == 200, confirmed.body
    return str(held.body["id"])


def book_signed_in(me: Patient, start: str, **who: Any) -> str:
    """A booking from the patient space: the session is the e-mail's proof, so no code is e-mailed."""
    headers = {**me.headers(), "Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    held = me.api.post("/v1/appointments", hold_body(start, patient=patient(**who)), headers=headers)
    assert held.status == 201 and held.body["proven"] is True, held.body
    confirmed = me.api.post(f"/v1/appointments/{held.body['id']}/confirm", {}, headers=me.headers())
    assert confirmed.status == 200, confirmed.body
    return str(held.body["id"])


def test_guest_bookings_with_the_same_mailbox_join_the_account_whatever_the_professional(
    api: Api, seed: Callable[..., Any], outbox: Outbox, services: Any
) -> None:
    seed()
    seed(id="pr-other", given_name="Marc", family_name="Autre")
    first = book_as_guest(api, outbox, local(3, 9))
    second = book_as_guest(api, outbox, local(2, 10), practitioner="pr-other", email="Louise+rdv@Example.org")
    book_as_guest(api, outbox, local(2, 11), email="someone.else@example.org")
    me = sign_in(api, outbox)
    store = services.get_store()
    before = store.requests
    mine = me.get("/v1/me/appointments")
    assert mine.status == 200
    # one BatchGetItem for the session and its account, one Query of GSI2 for the list
    assert store.requests - before == 2
    assert [a["id"] for a in mine.body["upcoming"]] == [second, first]  # soonest first
    assert [a["practitioner_name"] for a in mine.body["upcoming"]] == ["Dr Marc Autre", "Dr Camille Testa"]
    assert mine.body["past"] == []


def test_signed_in_the_booking_needs_no_code_and_lands_in_the_list(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    me = sign_in(api, outbox)
    sent = len(outbox())
    booked = book_signed_in(me, local(2, 9))
    # no code e-mail: the confirmation only
    assert [m["Subject"] for m in outbox()[sent:]] == ["Rendez-vous confirmé : mardi 2 mars 2027 à 09:00"]
    assert [a["id"] for a in me.get("/v1/me/appointments").body["upcoming"]] == [booked]

    # without the CSRF token the session proves nothing: the hold is a guest's, and its code is e-mailed
    headers = {**me.headers(csrf=False), "Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    guest = api.post("/v1/appointments", hold_body(local(2, 10)), headers=headers)
    assert guest.status == 201 and guest.body["proven"] is False


def test_cancel_and_move_from_the_list_and_past_appointments_move_down(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock
) -> None:
    seed()
    me = sign_in(api, outbox)
    moving = book_signed_in(me, local(2, 9))
    cancelling = book_signed_in(me, local(2, 10))
    moved = me.post(f"/v1/me/appointments/{moving}/move", {"start": local(3, 11)})
    assert moved.status == 200, moved.body
    assert moved.body["start"] == "2027-03-03T11:00:00+01:00"
    assert outbox()[-1]["Subject"].startswith("Rendez-vous déplacé au mercredi 3 mars 2027")
    cancelled = me.post(f"/v1/me/appointments/{cancelling}/cancel", {})
    assert (cancelled.status, cancelled.body["status"]) == (200, "cancelled")
    assert outbox()[-1]["Subject"].startswith("Rendez-vous annulé")
    listed = me.get("/v1/me/appointments").body
    assert [a["id"] for a in listed["upcoming"]] == [moving]
    assert [a["id"] for a in listed["past"]] == [cancelling]
    clock.advance(days=3)
    again = sign_in(api, outbox, network="198.51.100.20")
    listed = again.get("/v1/me/appointments").body
    assert listed["upcoming"] == [] and [a["id"] for a in listed["past"]] == [moving, cancelling]  # latest first


def test_another_patients_appointment_is_404_for_every_action(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    theirs = book_as_guest(api, outbox, local(2, 9), email="someone.else@example.org")
    me = sign_in(api, outbox)
    for path, body in (("cancel", {}), ("move", {"start": local(3, 11)})):
        answer = me.post(f"/v1/me/appointments/{theirs}/{path}", body)
        assert (answer.status, answer.body["error"]["code"]) == (404, "not_found")
        missing = me.post(f"/v1/me/appointments/00000000000000000000/{path}", body)
        assert missing.status == 404 and missing.body["error"]["message"] == answer.body["error"]["message"]
    assert me.get("/v1/me/appointments").body["upcoming"] == []
    refused = me.post(f"/v1/me/appointments/{theirs}/cancel", {}, csrf=False)
    assert refused.status == 400
