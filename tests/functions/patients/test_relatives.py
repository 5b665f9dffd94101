"""Relatives: a patient adds the people they book for, books for them (the relative is the patient, with a date of
birth; the account holder is shown apart as the person who booked), and caps count per person."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, ProPool, code_in, hold_body, local, text_of
from tests.functions.patients.session import Patient, sign_in

Outbox = Callable[[], list[Any]]
LEA = {"given_name": "Léa", "family_name": "Rossi", "birth_date": "2019-05-04", "relation": "child"}


def add(me: Patient, **overrides: Any) -> Any:
    return me.post("/v1/me/relatives", {**LEA, **overrides})


def book_for(me: Patient, start: str, relative: str | None) -> Any:
    """Hold and confirm from the patient space, for ``relative`` (or for me)."""
    body = hold_body(start, **({"relative": relative} if relative else {}))
    headers = {**me.headers(), "Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    held = me.api.post("/v1/appointments", body, headers=headers)
    if held.status != 201:
        return held
    return me.api.post(f"/v1/appointments/{held.body['id']}/confirm", {}, headers=me.headers())


def test_add_list_and_remove_relatives_and_bad_input(api: Api, outbox: Outbox) -> None:
    me = sign_in(api, outbox)
    added = add(me)
    assert added.status == 201, added.body
    assert {k: added.body[k] for k in LEA} == LEA
    add(me, given_name="Marc", birth_date="1950-01-31", relation="parent")
    listed = me.get("/v1/me/relatives").body["relatives"]
    assert [r["given_name"] for r in listed] == ["Léa", "Marc"]
    for field, value in (("birth_date", "2100-01-01"), ("relation", "neighbour"), ("given_name", "")):
        refused = add(me, **{field: value})
        assert (refused.status, refused.body["error"]["field"]) == (422, field)
    assert me.post("/v1/me/relatives", {**LEA, "nickname": "Lili"}).status == 422
    assert me.post("/v1/me/relatives", LEA, csrf=False).status == 400
    left = api.delete(f"/v1/me/relatives/{added.body['id']}", headers=me.headers())
    assert [r["given_name"] for r in left.body["relatives"]] == ["Marc"]
    assert api.delete(f"/v1/me/relatives/{added.body['id']}", headers=me.headers()).status == 404


def test_booking_for_a_child_shows_the_child_and_apart_the_parent_to_the_practice(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    me = sign_in(pro_api, outbox)
    lea = add(me).body["id"]
    booked = book_for(me, local(2, 9), lea)
    assert booked.status == 200, booked.body
    assert (booked.body["patient"]["given_name"], booked.body["booked_by"]) == (
        "Léa",
        {"given_name": "Louise", "family_name": "Rossi", "relation": "child"},
    )
    agenda = pro_api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-02&days=1", headers=pro_pool.auth("pro"))
    [entry] = agenda.body["appointments"]
    assert entry["patient"]["given_name"] == "Léa"
    assert entry["booked_by"] == {"given_name": "Louise", "family_name": "Rossi", "relation": "child"}
    shown = pro_api.get(f"/v1/pro/appointments/{booked.body['id']}", headers=pro_pool.auth("pro"))
    assert shown.body["patient"]["birth_date"] == "2019-05-04"
    mine = me.get("/v1/me/appointments").body["upcoming"]
    assert [(a["patient"]["given_name"], a["booked_by"]["given_name"]) for a in mine] == [("Léa", "Louise")]


def test_caps_count_per_person_not_per_account(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed(max_future_per_patient=1)
    me = sign_in(api, outbox)
    lea = add(me).body["id"]
    assert book_for(me, local(2, 9), None).status == 200
    assert book_for(me, local(2, 10), lea).status == 200  # Léa's first, though her parent has one already
    second = book_for(me, local(2, 11), lea)
    assert (second.status, second.body["error"]["code"]) == (409, "too_many_appointments")
    marc = add(me, given_name="Marc", relation="other").body["id"]
    assert book_for(me, local(2, 11), marc).status == 200


def test_another_accounts_relative_or_none_signed_in_is_refused(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    theirs = sign_in(api, outbox, "someone.else@example.org")
    their_child = add(theirs).body["id"]
    me = sign_in(api, outbox, network="198.51.100.30")
    refused = book_for(me, local(2, 9), their_child)
    assert (refused.status, refused.body["error"]["code"], refused.body["error"]["field"]) == (
        404,
        "not_found",
        "relative",
    )
    headers = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    guest = api.post("/v1/appointments", hold_body(local(2, 9), relative=their_child), headers=headers)
    assert (guest.status, guest.body["error"]["code"]) == (401, "unauthorized")


def test_saved_details_and_their_bad_input(api: Api, outbox: Outbox) -> None:
    me = sign_in(api, outbox)
    saved = api.put(
        "/v1/me/details",
        {"given_name": "Louise", "family_name": "Rossi", "phone": "+377 6 12 34 56 78"},
        headers=me.headers(),
    )
    assert saved.status == 200, saved.body
    assert me.get("/v1/me").body["account"]["phone"] == "+377 6 12 34 56 78"
    wrong = api.put("/v1/me/details", {"phone": "call me"}, headers=me.headers())
    assert (wrong.status, wrong.body["error"]["field"]) == (422, "phone")
    assert api.put("/v1/me/details", {"email": "new@example.org"}, headers=me.headers()).status == 422
    assert api.put("/v1/me/details", {"phone": None}, headers=me.headers(csrf=False)).status == 400
    forgotten = api.put("/v1/me/details", {"given_name": "Louise", "phone": None}, headers=me.headers())
    assert (forgotten.body["phone"], forgotten.body["family_name"]) == (None, None)


def test_the_e_mails_of_a_booking_for_a_child_say_who_it_is_for(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    me = sign_in(api, outbox)
    lea = add(me).body["id"]
    assert book_for(me, local(2, 9), lea).status == 200
    confirmation = outbox()[-1]
    assert confirmation["To"] == "louise@example.org"
    assert "\r\nPour : Léa Rossi\r\nMotif : " in text_of(confirmation)
    assert book_for(me, local(2, 10), None).status == 200
    assert "Pour" not in text_of(outbox()[-1]).split("Motif")[0]


def test_changing_my_address_proves_the_new_one_first_and_my_appointments_follow(
    api: Api, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    me = sign_in(api, outbox)
    booked = book_for(me, local(2, 9), None).body["id"]
    same = me.post("/v1/me/email", {"email": "Louise@example.org"})
    assert (same.status, same.body["error"]["field"]) == (422, "email")
    sent = me.post("/v1/me/email", {"email": "louise.rossi@example.net"})
    assert sent.status == 202
    message = outbox()[-1]
    assert message["To"] == "louise.rossi@example.net"
    assert me.get("/v1/me").body["account"]["email"] == "louise@example.org"  # nothing changed yet
    path = f"/v1/me/email/{sent.body['id']}"
    code = code_in(message)
    wrong = me.post(path, {"email": "louise.rossi@example.net", "code": "000000" if code != "000000" else "111111"})
    assert wrong.status == 422 and wrong.body["error"]["code"] == "wrong_code"
    assert me.post(path, {"email": "louise.rossi@example.net", "code": code}, csrf=False).status == 400
    changed = me.post(path, {"email": "louise.rossi@example.net", "code": code})
    assert changed.status == 200, changed.body
    assert changed.body["email"] == "louise.rossi@example.net"
    assert [a["id"] for a in me.get("/v1/me/appointments").body["upcoming"]] == [booked]
    # the old address no longer signs in to this account: a new, empty one
    old = sign_in(api, outbox, "louise@example.org", network="198.51.100.60")
    assert old.get("/v1/me/appointments").body["upcoming"] == []
    # and an address with an account of its own cannot be taken
    taken = me.post("/v1/me/email", {"email": "louise@example.org"})
    conflict = me.post(
        f"/v1/me/email/{taken.body['id']}", {"email": "louise@example.org", "code": code_in(outbox()[-1])}
    )
    assert (conflict.status, conflict.body["error"]["code"]) == (409, "conflict")
