"""My data: the download of everything stored about me (my waiting lists and proven mobile numbers included), who
in the practices looked at my appointments, and deleting my account (waiting lists withdrawn, upcoming appointments
cancelled with the usual e-mails, proven numbers erased, a deleted account's session dead)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.functions.conftest import Api, Clock, ProPool, local
from tests.functions.patients.authenticator import Authenticator
from tests.functions.patients.session import set_cookie, sign_in
from tests.functions.patients.test_appointments import book_as_guest, book_signed_in
from tests.functions.patients.test_passkeys import register, sign_in_with
from tests.functions.reminders.helpers import MOBILE, bearer, book, prove_mobile, sns_texter
from tests.functions.waitlist.test_waitlist import TUESDAY, join, offers_to, one_slot_a_week

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
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], outbox: Outbox, clock: Clock
) -> None:
    seed()
    booked = book_as_guest(pro_api, outbox, local(2, 9))
    book_as_guest(pro_api, outbox, local(2, 10), email="someone.else@example.org")
    assert pro_api.get(f"/v1/pro/appointments/{booked}", headers=pro_pool.auth("secretary")).status == 200
    clock.advance(minutes=3)
    assert (
        pro_api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-02", headers=pro_pool.auth("desk")).status == 200
    )
    me = sign_in(pro_api, outbox)
    looks = me.get("/v1/me/looks").body["looks"]
    assert [(look["role"], look["action"], look["appointment"]) for look in looks] == [
        ("desk", "list", booked),  # the agenda showed my name (and the other patient's, who is not mine)
        ("secretary", "read", booked),
    ]
    assert looks[1]["practice"] == "Dr Camille Testa" and looks[1]["at"] == "2027-03-01T06:00:00Z"
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


def test_my_data_holds_my_waiting_lists_and_my_proven_mobile_numbers(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock, services: Any
) -> None:
    seed()
    services.use(texter=sns_texter())
    booked = book(api, outbox, local(3, 10), phone=MOBILE)
    prove_mobile(api, booked)
    joined = join(api, outbox, "louise@example.org", before="2027-03-04")
    join(api, outbox, "someone.else@example.org", before="2027-03-04")
    me = sign_in(api, outbox)
    data = me.get("/v1/me/data").body
    [entry] = data["waiting_lists"]
    assert (entry["id"], entry["state"], entry["before"]) == (joined["id"], "waiting", "2027-03-04")
    assert (entry["practitioner"], entry["reason"], entry["patient"]["email"]) == (
        "pr-test",
        "consultation",
        "louise@example.org",
    )
    assert entry["kept_until"] == "2027-03-05T23:00:00Z"  # the day after its last date (Monaco's midnight, UTC)
    [phone] = data["proven_phones"]
    assert phone["number"] == "+377612345678"
    assert phone["number_sha256"] == hashlib.sha256(b"+377612345678").hexdigest()
    assert datetime.fromisoformat(phone["kept_until"]) == datetime.fromisoformat(data["appointments"][0]["kept_until"])
    # every item kept under my mailbox that names me is in the file: the proven numbers and the waiting list's
    store = services.get_store()
    mailbox = "EMAIL#" + hashlib.sha256(b"louise@example.org").hexdigest()
    kinds = {str(i["SK"]).split("#")[0] for i in store.query_partition(mailbox)}
    assert kinds == {"ACCOUNT", "HOLDS", "WAITLIST", "PHONE"}  # the pointer, counters of what the file lists


def test_deleting_my_account_withdraws_my_waiting_lists_and_erases_my_proven_numbers(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock, services: Any
) -> None:
    one_slot_a_week(seed)
    services.use(texter=sns_texter())
    first = book(api, outbox, TUESDAY, email="anna@example.org")
    mine = book(api, outbox, local(9, 8), phone=MOBILE)
    prove_mobile(api, mine)
    joined = join(api, outbox, "louise@example.org", clock=clock)
    join(api, outbox, "chloe@example.org", clock=clock)
    assert api.post(f"/v1/appointments/{first['id']}/cancel", {}, headers=bearer(first["manage_token"])).status == 200
    [(offer_id, token)] = offers_to(outbox, "louise@example.org")  # the freed time is held for me
    me = sign_in(api, outbox)
    deleted = me.post("/v1/me/delete", {"email": "louise@example.org"})
    assert deleted.status == 200, deleted.body
    assert deleted.body["cancelled"] == [mine["id"]]
    assert deleted.body["withdrawn"] == [joined["id"]]
    # the time held for me went to the next patient at once, and my offer's link opens nothing I can take
    assert len(offers_to(outbox, "chloe@example.org")) == 1
    late = api.post(f"/v1/offers/{offer_id}/accept", {}, headers=bearer(token))
    assert late.status == 410, late.body
    store = services.get_store()
    queue = store.query_partition("WAIT#pr-test")
    assert [e["email"] for e in queue] == ["chloe@example.org"]
    mailbox = "EMAIL#" + hashlib.sha256(b"louise@example.org").hexdigest()
    assert {str(i["SK"]).split("#")[0] for i in store.query_partition(mailbox)} <= {"HOLDS"}
    assert "+377612345678" not in str(store.query_partition(mailbox))
