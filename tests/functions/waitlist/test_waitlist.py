"""The waiting list through the API: joined with an e-mailed code (test_proofs.py: with an e-mail proof), a freed
time offered to the first patient alone, accepted in one step, passed to the next when it lapses; caps, one offer
at a time, counts for the practice."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from chalicelib import passes
from tests.functions.conftest import MONACO, Api, Clock, code_in, local, text_of
from tests.functions.factories import practitioner_record
from tests.functions.reminders.helpers import bearer, book

OFFER = re.compile(r"/appointment/#id=([0-9a-f]{20})&offer=([A-Za-z0-9_-]+)")
TUESDAY = local(2, 8)  # the only opening of the week


def one_slot_a_week(seed: Any) -> None:
    """A professional open on Tuesdays from 08:00 to 08:20: one 20-minute time a week."""
    record = practitioner_record()
    record["sites"][0]["hours"] = [{"days": ["tue"], "start": "08:00", "end": "08:20", "reasons": ["consultation"]}]
    seed(record=record)


def join(api: Api, outbox: Any, email: str, before: str = "2027-03-03", clock: Clock | None = None) -> dict[str, Any]:
    """Join the waiting list as ``email`` (the code read from the outbox); a second later on ``clock``, so that
    the queue's order is the order of the calls (a frozen clock would give two patients the same place)."""
    body = {
        "practitioner": "pr-test",
        "site": "main",
        "reason": "consultation",
        "before": before,
        "patient": {"given_name": "Paul", "family_name": "Bianchi", "email": email, "kind": "existing"},
        "language": "fr",
    }
    asked = api.post("/v1/waitlist", body)
    assert asked.status == 202, asked.body
    message = newest(outbox, email)
    assert "liste d'attente" in str(message["Subject"])
    joined = api.post(f"/v1/waitlist/{asked.body['id']}/confirm", {"code": code_in(message)})
    assert joined.status == 201, joined.body
    if clock is not None:
        clock.advance(seconds=1)
    return dict(joined.body)


def newest(outbox: Any, to: str) -> EmailMessage:
    mine = [m for m in outbox() if str(m["To"]) == to]
    assert mine, f"nothing sent to {to}"
    return mine[-1]


def offers_to(outbox: Any, to: str) -> list[tuple[str, str]]:
    found = []
    for message in outbox():
        if str(message["To"]) == to and "s'est libéré" in str(message["Subject"]):
            match = OFFER.search(text_of(message))
            assert match
            found.append((match.group(1), match.group(2)))
    return found


def test_a_cancelled_time_goes_to_the_first_patient_waiting_who_accepts_it(
    api: Api, seed: Any, clock: Clock, outbox: Any
) -> None:
    one_slot_a_week(seed)
    first = book(api, outbox, TUESDAY, email="anna@example.org")
    join(api, outbox, "bruno@example.org", clock=clock)
    join(api, outbox, "chloe@example.org", clock=clock)
    assert offers_to(outbox, "bruno@example.org") == []  # nothing freed yet
    free = api.get("/v1/practitioners/pr-test/slots?reason=consultation&from=2027-03-02&days=1").body["slots"]
    assert free == []
    assert api.post(f"/v1/appointments/{first['id']}/cancel", {}, headers=bearer(first["manage_token"])).status == 200
    [(offer_id, token)] = offers_to(outbox, "bruno@example.org")
    assert offers_to(outbox, "chloe@example.org") == []
    # held for Bruno alone: nobody else sees it, nor can the link's id without its token open it
    assert api.get("/v1/practitioners/pr-test/slots?reason=consultation&from=2027-03-02&days=1").body["slots"] == []
    assert api.get(f"/v1/offers/{offer_id}", headers=bearer("guess")).status == 404
    shown = api.get(f"/v1/offers/{offer_id}", headers=bearer(token))
    assert shown.status == 200 and shown.body["appointment"]["start"] == TUESDAY
    accepted = api.post(f"/v1/offers/{offer_id}/accept", {}, headers=bearer(token))
    assert accepted.status == 200, accepted.body
    assert accepted.body["status"] == "confirmed" and accepted.body["manage_token"]
    assert "confirmé" in str(newest(outbox, "bruno@example.org")["Subject"])
    again = api.post(f"/v1/offers/{offer_id}/accept", {}, headers=bearer(token))
    assert again.status == 409 and again.body["error"]["code"] == "already_confirmed"
    passes.run()
    assert offers_to(outbox, "chloe@example.org") == []


def test_a_lapsed_offer_passes_to_the_next_patient(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    one_slot_a_week(seed)
    first = book(api, outbox, TUESDAY, email="anna@example.org")
    join(api, outbox, "bruno@example.org", clock=clock)
    join(api, outbox, "chloe@example.org", clock=clock)
    api.post(f"/v1/appointments/{first['id']}/cancel", {}, headers=bearer(first["manage_token"]))
    [(bruno_offer, bruno_token)] = offers_to(outbox, "bruno@example.org")
    clock.advance(minutes=14)
    assert passes.run()["waitlist"]["lapsed"] == 0
    clock.advance(minutes=2)
    report = passes.run()
    assert report["waitlist"] == {"lapsed": 1, "offered": 1, "practices": 1}
    [(chloe_offer, chloe_token)] = offers_to(outbox, "chloe@example.org")
    late = api.post(f"/v1/offers/{bruno_offer}/accept", {}, headers=bearer(bruno_token))
    assert late.status == 410 and late.body["error"]["code"] == "hold_expired"
    accepted = api.post(f"/v1/offers/{chloe_offer}/accept", {}, headers=bearer(chloe_token))
    assert accepted.status == 200, accepted.body
    passes.run()
    assert len(offers_to(outbox, "bruno@example.org")) == 1  # the time he let pass is not offered to him again


def test_declining_hands_the_time_on_at_once(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    one_slot_a_week(seed)
    first = book(api, outbox, TUESDAY, email="anna@example.org")
    join(api, outbox, "bruno@example.org", clock=clock)
    join(api, outbox, "chloe@example.org", clock=clock)
    api.post(f"/v1/appointments/{first['id']}/cancel", {}, headers=bearer(first["manage_token"]))
    [(offer_id, token)] = offers_to(outbox, "bruno@example.org")
    assert api.post(f"/v1/offers/{offer_id}/decline", {}, headers=bearer(token)).body == {"status": "declined"}
    assert len(offers_to(outbox, "chloe@example.org")) == 1


def test_times_already_free_when_joining_are_not_offered_but_new_ones_are(
    pro_api: Api, seed: Any, outbox: Any, pro_pool: Any
) -> None:
    api = pro_api
    one_slot_a_week(seed)
    join(api, outbox, "bruno@example.org", before="2027-03-10")  # Tuesday 2 and 9 are free: he saw them
    assert offers_to(outbox, "bruno@example.org") == []
    settings = pro_api.get("/v1/pro/practitioners/pr-test/settings", headers=pro_pool.auth("pro")).body
    hours = settings["settings"]["sites"][0]["hours"]
    hours.append({"days": ["wed"], "start": "08:00", "end": "08:20", "reasons": ["consultation"]})
    saved = pro_api.put(
        "/v1/pro/practitioners/pr-test/settings",
        {"version": settings["version"], "settings": settings["settings"]},
        headers=pro_pool.auth("pro"),
    )
    assert saved.status == 200, saved.body
    [(offer_id, token)] = offers_to(outbox, "bruno@example.org")  # the new Wednesday opening, at once
    shown = api.get(f"/v1/offers/{offer_id}", headers=bearer(token)).body
    assert shown["appointment"]["start"] == local(3, 8)


def test_fair_rules_one_offer_at_a_time_and_a_cap_per_e_mail(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    record = practitioner_record()
    record["sites"][0]["hours"] = [{"days": ["tue"], "start": "08:00", "end": "08:40", "reasons": ["consultation"]}]
    seed(record=record)
    anna = book(api, outbox, local(2, 8), email="anna@example.org")
    dora = book(api, outbox, local(2, 8, 20), email="dora@example.org")
    join(api, outbox, "bruno@example.org", before="2027-03-03", clock=clock)
    join(api, outbox, "bruno@example.org", before="2027-03-04", clock=clock)
    join(api, outbox, "chloe@example.org", clock=clock)
    for booked in (anna, dora):
        api.post(f"/v1/appointments/{booked['id']}/cancel", {}, headers=bearer(booked["manage_token"]))
    # two times freed: Bruno, first in line twice, gets one of them; the other goes to Chloe
    assert len(offers_to(outbox, "bruno@example.org")) == 1
    assert len(offers_to(outbox, "chloe@example.org")) == 1
    join(api, outbox, "bruno@example.org", before="2027-03-05", clock=clock)
    body = {
        "practitioner": "pr-test",
        "site": "main",
        "reason": "consultation",
        "before": "2027-03-06",
        "patient": {"given_name": "Paul", "family_name": "Bianchi", "email": "bruno@example.org", "kind": "existing"},
    }
    sent = len(outbox())
    fourth = api.post("/v1/waitlist", body)  # refused before any code is sent: it could not join
    assert fourth.status == 429, fourth.body
    assert (fourth.body["error"]["code"], fourth.body["error"]["field"]) == ("too_many_holds", "patient.email")
    assert len(outbox()) == sent
    wrong = api.post("/v1/waitlist", {**body, "before": "2027-12-31"})
    assert wrong.status == 422 and wrong.body["error"]["field"] == "before"
    asked = api.post("/v1/waitlist", {**body, "patient": {**body["patient"], "email": "dora@example.org"}})
    assert asked.status == 202, asked.body
    wrong = api.post(f"/v1/waitlist/{asked.body['id']}/confirm", {"code": "12345"})
    assert wrong.status == 422 and wrong.body["error"]["field"] == "code"


def test_the_practice_sees_who_waits_per_reason_and_its_no_show_rate(
    pro_api: Api, pro_pool: Any, seed: Any, clock: Clock, outbox: Any
) -> None:
    one_slot_a_week(seed)
    first = book(pro_api, outbox, TUESDAY, email="anna@example.org")
    join(pro_api, outbox, "bruno@example.org")
    insights = pro_api.get("/v1/pro/practitioners/pr-test/insights", headers=pro_pool.auth("pro"))
    assert insights.status == 200
    counts = {entry["reason"]: entry["waiting"] for entry in insights.body["waiting"]}
    assert counts["consultation"] == 1 and counts["long"] == 0
    assert insights.body["no_show"]["appointments"] == 0 and insights.body["no_show"]["rate"] is None
    clock.now = datetime(2027, 3, 2, 9, 0, tzinfo=MONACO)
    marked = pro_api.post(
        f"/v1/pro/appointments/{first['id']}/no-show", {"no_show": True}, headers=pro_pool.auth("pro")
    )
    assert marked.status == 200, marked.body
    rate = pro_api.get("/v1/pro/practitioners/pr-test/insights", headers=pro_pool.auth("pro")).body["no_show"]
    assert (rate["appointments"], rate["missed"], rate["rate"]) == (1, 1, 1.0)
    assert pro_api.get("/v1/pro/practitioners/pr-test/insights", headers=pro_pool.auth("desk")).status == 404
    assert clock.now - timedelta(days=90) < clock.now
