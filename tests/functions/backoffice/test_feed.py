"""The private calendar feed: a secret URL shown once, stored as a hash, replaced or revoked at once, and holding no
patient's name, e-mail or phone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from icalendar import Calendar

from tests.functions.conftest import Api, ProPool, code_in, hold_body, local, patient

URL = "/v1/pro/practitioners/pr-test/feed"


def fetch(api: Api, url: str) -> Any:
    """GET the feed as a calendar program does: no header but the URL."""
    path = url.split("/api", 1)[1]
    return api.client.http.get(path)


@pytest.fixture
def booked(pro_api: Api, seed: Callable[..., Any], outbox: Callable[[], list[Any]]) -> str:
    seed()
    who = patient(
        given_name="Louise", family_name="Rossi", email="louise@example.org", phone="+377 93 44 55 66", kind="new"
    )
    held = pro_api.post(
        "/v1/appointments", hold_body(local(2, 9), patient=who), headers={"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    )
    assert pro_api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])}).status == 200
    return str(held.body["id"])


def test_the_feed_lists_times_and_reasons_but_no_patient(
    pro_api: Api, pro_pool: ProPool, booked: str, store: Any
) -> None:
    assert pro_api.get(URL, headers=pro_pool.auth("pro")).body == {"active": False, "created_at": None, "url": None}
    blocked = pro_api.post(
        "/v1/pro/practitioners/pr-test/blocks",
        {"site": "main", "start": local(3, 14), "end": local(3, 15)},
        headers=pro_pool.auth("pro"),
    )
    assert blocked.status == 201
    made = pro_api.post(f"{URL}?lang=en", headers=pro_pool.auth("secretary"))
    assert made.status == 201, made.body
    url = made.body["url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert url.startswith("http://127.0.0.1:8000/api/v1/pro/feed/")
    assert len(token) == 43  # 256 random bits, URL-safe
    assert pro_api.get(URL, headers=pro_pool.auth("pro")).body["active"] is True

    answer = fetch(pro_api, url)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    assert answer.headers["Cache-Control"] == "no-store"
    text = answer.body.decode()
    calendar = Calendar.from_ical(text)
    events = {str(e["UID"]).split("-")[0]: e for e in calendar.walk("VEVENT")}
    event = events[booked]
    assert str(event["SUMMARY"]) == "Reason consultation (new patient)"
    assert event.decoded("DTSTART").isoformat() == "2027-03-02T08:00:00+00:00"
    assert f"/en/pro/appointment/#id={booked}" in str(event["DESCRIPTION"]).replace("\n ", "")
    assert str(events[blocked.body["id"]]["SUMMARY"]) == "Blocked time"
    for personal in ("Louise", "Rossi", "louise@example.org", "93 44 55 66"):
        assert personal not in text
    stored = str(store.feed_pointer("pr-test"))
    assert token not in stored and "token_hash" in stored  # only the hash is kept


def test_a_new_feed_or_a_revocation_ends_the_old_url_at_once(pro_api: Api, pro_pool: ProPool, booked: str) -> None:
    first = pro_api.post(URL, headers=pro_pool.auth("pro")).body["url"]
    second = pro_api.post(URL, headers=pro_pool.auth("pro")).body["url"]
    assert first != second
    assert fetch(pro_api, first).status_code == 404
    assert fetch(pro_api, second).status_code == 200
    revoked = pro_api.delete(URL, headers=pro_pool.auth("pro"))
    assert revoked.body == {"active": False, "created_at": None, "url": None}
    assert fetch(pro_api, second).status_code == 404
    assert pro_api.delete(URL, headers=pro_pool.auth("pro")).status == 200  # twice is fine
    for name in ("nope.ics", "x" * 43 + ".ics", "x" * 43, "x" * 44 + ".ics"):
        assert pro_api.client.http.get(f"/v1/pro/feed/{name}").status_code == 404
