"""My data: the download of everything stored about me, who in the practices looked at my appointments, and
deleting my account (upcoming appointments cancelled with the usual e-mails, a deleted account's session dead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, Clock, ProPool, local
from tests.functions.patients.authenticator import Authenticator
from tests.functions.patients.session import set_cookie, sign_in
from tests.functions.patients.test_appointments import book_as_guest, book_signed_in
from tests.functions.patients.test_passkeys import register, sign_in_with

Outbox = Callable[[], list[Any]]


def test_my_data_holds_everything_stored_about_me(
    api: Api, seed: Callable[..., Any], outbox: Outbox, services: Any
) -> None:
    seed()
    guest = book_as_guest(api, outbox, local(3, 9))
    me = sign_in(api, outbox)
    assert register(me, Authenticator()).status == 201
    me.post(
        "/v1/me/relatives",
        {"given_name": "Léa", "family_name": "Rossi", "birth_date": "2019-05-04", "relation": "child"},
    )
    booked = book_signed_in(me, local(2, 9))
    answer = me.get("/v1/me/data")
    assert answer.status == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = answer.body
    assert data["account"]["email"] == "louise@example.org"
    assert [p["name"] for p in data["passkeys"]] == ["Laptop"]
    assert "public_key" not in str(data)
    assert [r["given_name"] for r in data["relatives"]] == ["Léa"]
    assert [s["via"] for s in data["sessions"]] == ["code"]
    assert [a["id"] for a in data["appointments"]] == [booked, guest]  # by start
    assert data["appointments"][0]["patient"]["email"] == "louise@example.org"
    # every item of my partition is in it: nothing is kept that the file leaves out
    items = services.get_store().account_items(me.cookie.split("=", 1)[1].split(".")[0])
    kinds = sorted(str(i["SK"]).split("#")[0] for i in items)
    assert kinds == ["ACCOUNT", "PASSKEY", "RELATIVE", "SESSION"]


def test_i_see_who_in_the_practice_looked_at_my_appointments(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    booked = book_as_guest(pro_api, outbox, local(2, 9))
    book_as_guest(pro_api, outbox, local(2, 10), email="someone.else@example.org")
    assert pro_api.get(f"/v1/pro/appointments/{booked}", headers=pro_pool.auth("secretary")).status == 200
    me = sign_in(pro_api, outbox)
    looks = me.get("/v1/me/looks").body["looks"]
    assert [(look["role"], look["action"], look["appointment"]) for look in looks] == [("secretary", "read", booked)]
    assert looks[0]["practice"] == "Dr Camille Testa" and looks[0]["at"] == "2027-03-01T06:00:00Z"
    assert me.get("/v1/me/data").body["looks"] == looks


def test_deleting_my_account_cancels_what_is_upcoming_and_ends_every_session(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock, services: Any
) -> None:
    seed()
    me = sign_in(api, outbox)
    key = Authenticator()
    assert register(me, key).status == 201
    upcoming = book_signed_in(me, local(2, 9))
    other_device = sign_in(api, outbox, network="198.51.100.40")
    refused = me.post("/v1/me/delete", {"email": "someone.else@example.org"})
    assert (refused.status, refused.body["error"]["field"]) == (422, "email")
    assert me.post("/v1/me/delete", {"email": "louise@example.org"}, csrf=False).status == 400
    sent = len(outbox())
    deleted = me.post("/v1/me/delete", {"email": "Louise@Example.org"})
    assert deleted.status == 200, deleted.body
    assert deleted.body["cancelled"] == [upcoming]
    assert "Max-Age=0" in set_cookie(deleted)
    assert [m["Subject"][:18] for m in outbox()[sent:]] == ["Rendez-vous annulé"]
    stored = services.get_store().appointment(upcoming)
    assert stored.status == "cancelled"  # the practice's record, kept until the retention policy deletes it
    for session in (me, other_device):
        gone = session.get("/v1/me")
        assert (gone.status, gone.body["error"]["code"]) == (401, "unauthorized")
    assert sign_in_with(api, key).status == 401
    account_id = me.cookie.split("=", 1)[1].split(".")[0]
    assert services.get_store().account_items(account_id) == []

    # signing in again with a code makes a new, empty account
    again = sign_in(api, outbox, network="198.51.100.41")
    assert again.get("/v1/me/passkeys").body["passkeys"] == []
