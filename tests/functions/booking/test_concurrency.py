"""Races through the real local portal: API worker processes against the serialised local DynamoDB endpoint.

Each race starts its requests together behind a barrier, from as many threads as requests, so the transactions
really interleave at the endpoint; what must hold is what the issue asks: exactly one winner per slot, clean 409s
for the others, one appointment per Idempotency-Key, and one owner of every 5-minute unit after moves and bookings
cross.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from chalicelib.core.keys import profile_key
from chalicelib.core.profiles import profile_item
from local.launch import start_portal
from tests.functions.factories import practitioner_record, working_day

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
MONACO = ZoneInfo("Europe/Monaco")
TABLE = "portal-race"


@dataclass
class Portal:
    url: str
    endpoint: str
    day: date

    def at(self, hour: int, minute: int = 0, day: date | None = None) -> str:
        return datetime.combine(day or self.day, time(hour, minute), MONACO).isoformat()


def call(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    site = tmp_path_factory.mktemp("site")
    # every request comes from 127.0.0.1; limits are not tested here
    running = start_portal(site, table=TABLE, environment={"RATE_LIMIT_FACTOR": "20"})
    url, endpoint = running.url, running.endpoint
    table = boto3.resource("dynamodb", endpoint_url=endpoint).Table(TABLE)
    record = practitioner_record(min_notice_minutes=0)
    table.put_item(Item={**profile_key(record["id"]), **profile_item(record)})
    try:
        yield Portal(url=url, endpoint=endpoint, day=working_day(datetime.now(MONACO).date()))
    finally:
        running.stop()


def race(portal: Portal, attempts: list[tuple[str, dict[str, Any], dict[str, str]]]) -> list[tuple[int, Any]]:
    """POST every (path, body, headers) at once from its own thread."""
    barrier = threading.Barrier(len(attempts))

    def attempt(item: tuple[str, dict[str, Any], dict[str, str]]) -> tuple[int, Any]:
        path, body, headers = item
        barrier.wait()
        return call(portal.url + path, "POST", body, headers)

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def hold(
    portal: Portal, start: str, n: int, reason: str = "consultation", key: str | None = None
) -> tuple[str, dict[str, Any], dict[str, str]]:
    body = {
        "practitioner": "pr-test",
        "site": "main",
        "reason": reason,
        "start": start,
        "patient": {
            "given_name": "P",
            "family_name": f"N{n}",
            "email": f"p{n}-{start[:10]}@example.org",
            "kind": "existing",
        },
    }
    return (
        "/api/v1/appointments",
        body,
        {"Idempotency-Key": key or f"race-{int(datetime.fromisoformat(start).timestamp())}-{reason}-{n}"},
    )


def units(portal: Portal) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", endpoint_url=portal.endpoint)
    pages = client.get_paginator("query").paginate(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :unit)",
        ExpressionAttributeValues={":pk": {"S": "PRO#pr-test"}, ":unit": {"S": "UNIT#"}},
    )
    return [{k: next(iter(v.values())) for k, v in item.items()} for page in pages for item in page["Items"]]


def code_for(portal: Portal, address: str) -> str:
    _, listing = call(portal.url + "/_local/outbox.json")
    texts = [m["text"] for m in listing["messages"] if address in m["recipients"]]
    assert texts, f"no e-mail to {address}"
    return re.findall(r"^\s*(\d{6})\s*$", texts[0], flags=re.MULTILINE)[0]


def test_64_attempts_at_one_slot_give_one_hold_and_63_clean_409s(portal: Portal) -> None:
    start = portal.at(9)
    answers = race(portal, [hold(portal, start, n) for n in range(64)])
    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 409: 63}, statuses
    assert {body["error"]["code"] for status, body in answers if status == 409} == {"slot_taken"}
    [winner] = [body["id"] for status, body in answers if status == 201]
    held = {u["SK"] for u in units(portal) if u["appointment_id"] == winner}
    begin = datetime.fromisoformat(start).astimezone(UTC)
    assert held == {f"UNIT#{(begin + timedelta(minutes=m)):%Y-%m-%dT%H:%MZ}" for m in range(0, 20, 5)}


def test_overlapping_appointments_of_different_lengths_never_both_win(portal: Portal) -> None:
    day = working_day(portal.day)
    for hour in (8, 9, 10, 11):
        # 30 minutes at :00, 15 at :15, 20 at :20: every pair overlaps, so exactly one may win.
        contenders = [("long", 0), ("short", 15), ("consultation", 20)]
        attempts = [
            hold(portal, portal.at(hour, minute, day), copy * 10 + i, reason=reason)
            for copy in range(5)
            for i, (reason, minute) in enumerate(contenders)
        ]
        answers = race(portal, attempts)
        assert Counter(status for status, _ in answers) == {201: 1, 409: 14}, (hour, answers)
    owners: dict[str, set[str]] = {}
    for unit in units(portal):
        owners.setdefault(unit["SK"], set()).add(unit["appointment_id"])
    assert all(len(ids) == 1 for ids in owners.values())


def test_a_retried_post_with_one_key_makes_one_appointment(portal: Portal) -> None:
    attempt = hold(portal, portal.at(14), 900, key="one-key-for-all-retries")
    answers = race(portal, [attempt] * 16)
    assert {status for status, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    begin = datetime.fromisoformat(portal.at(14)).astimezone(UTC)
    window = {f"UNIT#{(begin + timedelta(minutes=m)):%Y-%m-%dT%H:%MZ}" for m in range(0, 20, 5)}
    assert {u["appointment_id"] for u in units(portal) if u["SK"] in window} == {answers[0][1]["id"]}
    _, listing = call(portal.url + "/_local/outbox.json")
    assert sum(attempt[1]["patient"]["email"] in m["recipients"] for m in listing["messages"]) == 1


def test_a_move_racing_a_new_booking_leaves_one_owner_of_each_slot(portal: Portal) -> None:
    for round_, hour in enumerate((15, 16)):
        path, body, headers = hold(portal, portal.at(hour), 700 + round_)
        status, held = call(portal.url + path, "POST", body, headers)
        assert status == 201, held
        email = body["patient"]["email"]
        status, confirmed = call(
            portal.url + f"/api/v1/appointments/{held['id']}/confirm", "POST", {"code": code_for(portal, email)}
        )
        assert status == 200, confirmed
        auth = {"Authorization": f"Bearer {confirmed['manage_token']}"}
        target = portal.at(hour, 40)
        move = (f"/api/v1/appointments/{held['id']}/move", {"start": target}, auth)
        rivals = [hold(portal, target, 800 + round_ * 10 + n) for n in range(7)]
        answers = race(portal, [move, *rivals])
        assert sum(status in (200, 201) for status, _ in answers) == 1, answers
        assert all(status == 409 for status, _ in answers if status not in (200, 201))
        moved = answers[0][0] == 200
        status, shown = call(portal.url + f"/api/v1/appointments/{held['id']}", headers=auth)
        assert shown["start"] == (target if moved else portal.at(hour))
        mine = {u["SK"] for u in units(portal) if u["appointment_id"] == held["id"]}
        begin = datetime.fromisoformat(shown["start"]).astimezone(UTC)
        assert mine == {f"UNIT#{(begin + timedelta(minutes=m)):%Y-%m-%dT%H:%MZ}" for m in range(0, 20, 5)}
    owners: dict[str, set[str]] = {}
    for unit in units(portal):
        owners.setdefault(unit["SK"], set()).add(unit["appointment_id"])
    assert all(len(ids) == 1 for ids in owners.values())
