"""Reminders with a moved clock: sent once at the right local time (also across the spring change), none after a
cancellation, following a move, by text to a proven mobile number, and once however many passes run at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from chalicelib import passes
from tests.functions.conftest import MONACO, Api, Clock, local, text_of
from tests.functions.reminders.helpers import MOBILE, bearer, book, manage_of, reminders_to, sns_texter, texts

LOUISE = "louise@example.org"


def run_at(clock: Clock, when: datetime) -> dict[str, Any]:
    clock.now = when
    return passes.run()


def test_one_reminder_the_day_before_at_six_pm_with_the_links(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    seed()
    booked = book(api, outbox, local(3, 10))
    assert run_at(clock, datetime(2027, 3, 2, 17, 55, tzinfo=MONACO))["reminders"]["due"] == 0
    assert reminders_to(outbox, LOUISE) == []
    report = run_at(clock, datetime(2027, 3, 2, 18, 0, tzinfo=MONACO))
    assert report["reminders"]["emails"] == 1
    run_at(clock, datetime(2027, 3, 2, 18, 5, tzinfo=MONACO))
    run_at(clock, datetime(2027, 3, 3, 9, 0, tzinfo=MONACO))
    [reminder] = reminders_to(outbox, LOUISE)
    text = text_of(reminder)
    assert "mercredi 3 mars 2027 à 10:00" in text
    appointment_id, token = manage_of(reminder)
    assert (appointment_id, token) == (booked["id"], booked["manage_token"])
    assert f"#id={appointment_id}&token={token}&action=cancel" in text  # "I can't come": the page asks first
    assert f"#id={appointment_id}&token={token}&action=reminders" in text
    assert str(reminder["From"]).startswith("=?utf-8?") or "MonacoSant" in str(reminder["From"])
    assert 'href="tel:+37793000000"' in reminder.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_across_the_spring_change_the_reminder_keeps_its_local_hour(
    api: Api, seed: Any, clock: Clock, outbox: Any
) -> None:
    seed(horizon_days=20)
    clock.now = datetime(2027, 3, 20, 7, 0, tzinfo=MONACO)  # winter time; the clocks go forward on 28 March
    book(api, outbox, datetime(2027, 3, 30, 10, 0, tzinfo=MONACO).isoformat())
    run_at(clock, datetime(2027, 3, 29, 17, 55, tzinfo=MONACO))
    assert reminders_to(outbox, LOUISE) == []
    report = run_at(clock, datetime(2027, 3, 29, 18, 0, tzinfo=MONACO))  # 16:00 UTC in summer time, not 17:00
    assert report["reminders"]["emails"] == 1
    assert clock.now.utcoffset() == timedelta(hours=2)


def test_no_reminder_after_a_cancellation(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    seed()
    booked = book(api, outbox, local(3, 10))
    cancelled = api.post(f"/v1/appointments/{booked['id']}/cancel", {}, headers=bearer(booked["manage_token"]))
    assert cancelled.status == 200
    report = run_at(clock, datetime(2027, 3, 2, 18, 0, tzinfo=MONACO))
    assert report["reminders"]["due"] == 0
    assert reminders_to(outbox, LOUISE) == []


def test_a_moved_appointments_reminders_follow_it(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    seed()
    booked = book(api, outbox, local(3, 10))
    moved = api.post(
        f"/v1/appointments/{booked['id']}/move", {"start": local(5, 9)}, headers=bearer(booked["manage_token"])
    )
    assert moved.status == 200, moved.body
    run_at(clock, datetime(2027, 3, 2, 18, 0, tzinfo=MONACO))
    assert reminders_to(outbox, LOUISE) == []  # nothing the day before the old time
    run_at(clock, datetime(2027, 3, 4, 18, 0, tzinfo=MONACO))
    [reminder] = reminders_to(outbox, LOUISE)
    assert "vendredi 5 mars 2027 à 09:00" in text_of(reminder)


def test_two_passes_at_once_send_one_message(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    seed()
    for number, hour in enumerate((9, 10, 11)):
        book(api, outbox, local(3, hour), email=f"patient{number}@example.org")
    clock.now = datetime(2027, 3, 2, 18, 0, tzinfo=MONACO)
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: passes.run(), range(4)))
    assert sum(r["reminders"]["emails"] for r in reports) == 3
    for number in range(3):
        assert len(reminders_to(outbox, f"patient{number}@example.org")) == 1


def test_a_proven_mobile_number_gets_the_reminder_by_text_too(
    api: Api, seed: Any, clock: Clock, outbox: Any, services: Any
) -> None:
    seed()
    services.use(texter=sns_texter())
    booked = book(api, outbox, local(3, 10), phone=MOBILE)
    path, auth = f"/v1/appointments/{booked['id']}/reminders", bearer(booked["manage_token"])
    shown = api.get(path, headers=auth)
    assert shown.body["sms_possible"] and not shown.body["sms"] and not shown.body["phone_proven"]
    assert api.post(path + "/sms-code", {}, headers=auth).status == 202
    number, message = texts()[-1]
    assert number == "+377612345678"
    code = next(word for word in message.replace(".", " ").split() if word.isdigit() and len(word) == 6)
    wrong = api.post(path + "/sms-proof", {"code": "000000" if code != "000000" else "111111"}, headers=auth)
    assert wrong.status == 422 and wrong.body["error"]["code"] == "wrong_code"
    proven = api.post(path + "/sms-proof", {"code": code}, headers=auth)
    assert proven.status == 200 and proven.body["sms"] and proven.body["phone_proven"], proven.body
    before = len(texts())
    report = run_at(clock, datetime(2027, 3, 2, 18, 0, tzinfo=MONACO))
    assert report["reminders"]["texts"] == 1 and report["reminders"]["emails"] == 1
    number, message = texts()[before]
    assert number == "+377612345678"
    assert "Dr Camille Testa" in message and "10:00" in message and f"#id={booked['id']}" in message


def test_reminders_turned_off_on_the_manage_page_are_not_sent(api: Api, seed: Any, clock: Clock, outbox: Any) -> None:
    seed()
    booked = book(api, outbox, local(3, 10))
    path, auth = f"/v1/appointments/{booked['id']}/reminders", bearer(booked["manage_token"])
    assert len(api.get(path, headers=auth).body["planned"]) == 1
    off = api.put(path, {"email": False, "sms": False}, headers=auth)
    assert off.status == 200 and off.body["planned"] == [] and not off.body["email"]
    run_at(clock, datetime(2027, 3, 2, 18, 0, tzinfo=MONACO))
    assert reminders_to(outbox, LOUISE) == []
    assert api.get(path, headers=bearer("not-the-token")).status == 404


def test_the_practice_sets_its_reminder_times(
    pro_api: Api, pro_pool: Any, seed: Any, clock: Clock, outbox: Any
) -> None:
    seed()
    path = "/v1/pro/practitioners/pr-test/reminders"
    assert pro_api.get(path, headers=pro_pool.auth("pro")).body["day_before_time"] == "18:00"
    body = {"day_before": True, "day_before_time": "09:30", "hours_before": 2, "sms": False}
    saved = pro_api.put(path, body, headers=pro_pool.auth("pro"))
    assert saved.status == 200 and saved.body["hours_before"] == 2
    assert pro_api.put(path, {**body, "day_before_time": "9h"}, headers=pro_pool.auth("pro")).status == 422
    assert pro_api.get(path, headers=pro_pool.auth("desk")).status == 404
    book(pro_api, outbox, local(3, 10))
    assert run_at(clock, datetime(2027, 3, 2, 9, 30, tzinfo=MONACO))["reminders"]["emails"] == 1
    assert run_at(clock, datetime(2027, 3, 3, 8, 0, tzinfo=MONACO))["reminders"]["emails"] == 1
    assert len(reminders_to(outbox, LOUISE)) == 2
