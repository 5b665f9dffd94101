"""A new address for the account: once the code proves it, the upcoming appointments and the waiting-list entries
send every later e-mail there (reminders, offers, a cancellation), texts go on to the proven mobile number, past
appointments keep the address they were booked with, and "my appointments" lists them all."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.functions.conftest import MONACO, Api, Clock, code_in, local
from tests.functions.patients.session import Patient, sign_in
from tests.functions.patients.test_relatives import add, book_for
from tests.functions.reminders.helpers import (
    MOBILE,
    bearer,
    book,
    prove_mobile,
    reminders_to,
    sns_texter,
    texts,
)
from tests.functions.waitlist.test_waitlist import join, newest, offers_to

Outbox = Callable[[], list[Any]]
OLD, NEW = "louise@example.org", "louise.rossi@example.net"


def change_address(me: Patient, outbox: Outbox, email: str = NEW) -> None:
    sent = me.post("/v1/me/email", {"email": email})
    assert sent.status == 202, sent.body
    changed = me.post(f"/v1/me/email/{sent.body['id']}", {"email": email, "code": code_in(outbox()[-1])})
    assert changed.status == 200, changed.body


def mailbox(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def test_upcoming_appointments_follow_the_new_address_and_past_ones_keep_theirs(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock, services: Any
) -> None:
    seed()
    services.use(texter=sns_texter())
    past = book(api, outbox, local(1, 9))
    upcoming = book(api, outbox, local(4, 9), phone=MOBILE)
    prove_mobile(api, upcoming)
    clock.advance(hours=4)  # the first appointment is over
    me = sign_in(api, outbox)
    change_address(me, outbox)

    listed = me.get("/v1/me/appointments").body
    assert [a["id"] for a in listed["upcoming"]] == [upcoming["id"]]
    assert [a["id"] for a in listed["past"]] == [past["id"]]
    assert listed["upcoming"][0]["patient"]["email"] == NEW
    assert listed["past"][0]["patient"]["email"] == OLD  # what the practice was given, and where its e-mails went
    # the place it takes in the cap with its professional moved with it
    store = services.get_store()
    assert store.patient_appointments("pr-test", NEW).entries == {upcoming["id"]: int(local_end(4, 9))}
    assert upcoming["id"] not in store.patient_appointments("pr-test", OLD).entries

    # the reminder goes to the new address, and the text to the number proven before the change
    auth = bearer(upcoming["manage_token"])
    reminders = api.get(f"/v1/appointments/{upcoming['id']}/reminders", headers=auth).body
    assert reminders["phone_proven"] and reminders["sms"], reminders
    clock.now = datetime(2027, 3, 3, 18, 0, tzinfo=MONACO)
    sent_texts = len(texts())
    from chalicelib import passes

    report = passes.run()
    assert report["reminders"]["emails"] == 1 and report["reminders"]["texts"] == 1, report
    assert len(reminders_to(outbox, NEW)) == 1 and reminders_to(outbox, OLD) == []
    assert texts()[sent_texts][0] == "+377612345678"

    # a cancellation by the practice's link or the patient's: its e-mail goes to the new address, the place frees
    assert api.post(f"/v1/appointments/{upcoming['id']}/cancel", {}, headers=auth).status == 200
    assert "annulé" in str(newest(outbox, NEW)["Subject"])
    assert store.patient_appointments("pr-test", NEW).entries == {}


def test_waiting_lists_follow_the_new_address(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock, services: Any
) -> None:
    seed()
    taken = book(api, outbox, local(2, 8), email="anna@example.org")
    joined = join(api, outbox, OLD, before="2027-03-02", clock=clock)
    me = sign_in(api, outbox)
    change_address(me, outbox)
    [entry] = me.get("/v1/me/data").body["waiting_lists"]
    assert (entry["id"], entry["patient"]["email"]) == (joined["id"], NEW)
    store = services.get_store()
    assert store.waitlist_of_mailbox(mailbox(OLD)) == []
    assert list(store.get_item({"PK": f"EMAIL#{mailbox(NEW)}", "SK": "WAITLIST"})["entries"]) == [joined["id"]]
    # a freed time is offered at the new address
    assert api.post(f"/v1/appointments/{taken['id']}/cancel", {}, headers=bearer(taken["manage_token"])).status == 200
    assert len(offers_to(outbox, NEW)) == 1 and offers_to(outbox, OLD) == []


def test_a_proven_number_is_proven_for_the_new_address_only(
    api: Api, seed: Callable[..., Any], outbox: Outbox, services: Any
) -> None:
    seed()
    services.use(texter=sns_texter())
    booked = book(api, outbox, local(4, 9), phone=MOBILE)
    prove_mobile(api, booked)
    me = sign_in(api, outbox)
    change_address(me, outbox)
    [phone] = me.get("/v1/me/data").body["proven_phones"]
    assert phone["number"] == "+377612345678"
    assert services.get_store().phone_proofs(mailbox(OLD)) == []


def test_a_relatives_appointment_follows_with_its_own_cap_counter(
    api: Api, seed: Callable[..., Any], outbox: Outbox, services: Any
) -> None:
    seed()
    me = sign_in(api, outbox)
    lea = add(me).body["id"]
    booked = book_for(me, local(4, 9), lea).body["id"]
    change_address(me, outbox)
    store = services.get_store()
    assert store.appointment(booked).email == NEW
    assert list(store.patient_appointments("pr-test", NEW, lea).entries) == [booked]
    assert store.patient_appointments("pr-test", OLD, lea).entries == {}
    assert store.patient_appointments("pr-test", NEW).entries == {}  # the child's place, not mine
    assert me.post(f"/v1/me/appointments/{booked}/cancel", {}).status == 200
    assert "annulé" in str(newest(outbox, NEW)["Subject"])
    assert store.patient_appointments("pr-test", NEW, lea).entries == {}


def local_end(day: int, hour: int) -> float:
    """The end of a 20-minute consultation starting at ``local(day, hour)``, epoch seconds."""
    return datetime.fromisoformat(local(day, hour)).timestamp() + 20 * 60
