"""Retention: every item written about a patient carries its expiry (the table's TTL attribute, ``expires_at``), as
the retention policy says (core/retention.py, docs/data-model.md's items table, the privacy notice).

One booking's whole life through the API, the table read in full after each step: a hold, a new code, the code
confirms it (an e-mail proof comes with it), a move, the practice reads it (audit), the patient cancels; the
practice takes a booking by phone and blocks a time; an e-mail proof is asked for and redeemed. Then what follows a
booking: its reminders, a request for the waiting list, its entry, the freed time offered and accepted. Every item
but the professional's profile must have an ``expires_at``, and each the one its rule gives, computed here from the
item's own content.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer

from tests.functions.conftest import TODAY, Api, Clock, ProPool, code_in, hold_body, local, viewer
from tests.functions.reminders.helpers import bearer, book
from tests.functions.waitlist.test_proofs import request
from tests.functions.waitlist.test_waitlist import TUESDAY, offers_to, one_slot_a_week

Outbox = Callable[[], list[Any]]
DAY = 86400
NOW = int(TODAY.timestamp())
WINDOWS = {  # rate-limit scopes and their windows (core/ratelimit.py)
    "code-network": 600,
    "code-email-network": 3600,
    "code-email-network-day": 86400,
    "code-email-day": 86400,
    "attempt-network": 600,
}
KEPT = {"PROFILE"}  # the professional's settings: public data, edited in the back-office, never expire


def items(table_name: str) -> list[dict[str, Any]]:
    """Every item of the test's table (a Scan: the application never scans, a test may)."""
    client = boto3.client("dynamodb")
    deserialize = TypeDeserializer().deserialize
    found = []
    for page in client.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
        found += [{k: deserialize(v) for k, v in item.items()} for item in page["Items"]]
    return found


def kind(item: dict[str, Any]) -> str:
    """``EMAIL/HOLDS``, ``PRO/UNIT``, ``AUDIT/AT``...: the first part of each key (``TIME`` for a timestamp)."""
    sk = str(item["SK"]).split("#")[0]
    return f"{str(item['PK']).split('#')[0]}/{'TIME' if sk[:1].isdigit() else sk}"


def _after_booking(pk: str, sk: str, item: dict[str, Any], days: int) -> int | tuple[int, int] | None:  # noqa: PLR0911
    """The rule of what follows a booking (reminders, the waiting list), or None for another item."""
    if pk.startswith(("REMIND#", "LAPSE#")):  # a reminder a day after it is due, an offer's lapse after it lapses
        return _epoch(sk.split("#", maxsplit=1)[0]) + DAY
    if sk == "REMINDERS":  # an appointment's reminder plan: a day after the appointment ends
        return (NOW + DAY, NOW + 40 * DAY)
    if sk.startswith("PHONE#"):  # a proven mobile number: with the appointment it was proven for
        return (NOW + days * DAY, NOW + (days + 40) * DAY)
    if sk == "WAITREQ":  # a request awaiting its code: a day after the code lapses
        return int(item["code_until"]) + DAY
    if pk.startswith("WAIT#"):  # an entry of the waiting list: a day after its date
        return int(item["before_epoch"]) + DAY
    if sk == "WAITLIST":  # an e-mail's entries: a day after the last of them ends
        return (max([int(v) for v in item["entries"].values()], default=0) + DAY, NOW + 100 * DAY)
    if pk == "WAITLIST":  # a professional with patients waiting: past any entry that could join then
        return int(item["updated_at"]) // 1000 + 93 * DAY
    return None


def expected(item: dict[str, Any], days: int, audit_days: int) -> int | tuple[int, int]:  # noqa: PLR0911 (one per item)
    """The expiry the retention policy gives this item, from its own content (a range where the item keeps the
    expiry of an entry it no longer holds)."""
    pk, sk = str(item["PK"]), str(item["SK"])
    if (rule := _after_booking(pk, sk, item, days)) is not None:
        return rule
    if sk == "APPOINTMENT":
        if item["status"] == "held":
            return int(item["hold_until"]) + DAY
        return int(item["end_epoch"]) + days * DAY
    if sk.startswith("UNIT#"):
        return int(item["busy_end"]) + DAY if item["state"] == "booked" else int(item["hold_until"]) + DAY
    if sk == "HOLDS":  # an e-mail's or a network's holds: a day after the last one lapses
        live = [int(v) for v in item["holds"].values()]
        return (max(live, default=0) + DAY, NOW + 3 * DAY)
    if sk.startswith("PATIENT#"):  # a cap counter: a day after its last appointment ends
        ends = [int(v) for v in item["appointments"].values()]
        return (max(ends, default=0) + DAY, NOW + 40 * DAY)
    if sk == "IDEMPOTENCY":
        return (NOW + DAY, NOW + 2 * DAY)
    if sk.startswith("WINDOW#"):
        scope = pk.split("#")[1]
        return int(sk.split("#")[1]) + WINDOWS[scope] + 3600
    if sk == "PROOF":
        return int(item["until"])
    if sk == "PROOFCODE":
        return int(item["valid_until"]) + DAY
    if sk.startswith("AT#"):  # an audit entry
        at = int(datetime.fromisoformat(str(item["at"]).replace("Z", "+00:00")).timestamp())
        return at + audit_days * DAY
    raise AssertionError(f"an item nobody expected: {pk} {sk}")


def _epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def check(table_name: str, step: str, days: int, audit_days: int, seen: set[str]) -> None:
    for item in items(table_name):
        seen.add(kind(item))
        if item["SK"] in KEPT:
            assert "expires_at" not in item, (step, item["PK"])
            continue
        assert "expires_at" in item, f"{step}: {item['PK']} {item['SK']} has no expiry"
        rule = expected(item, days, audit_days)
        got = int(item["expires_at"])
        if isinstance(rule, tuple):
            assert rule[0] <= got <= rule[1], (step, item["PK"], item["SK"], got, rule)
        else:
            assert got == rule, (step, item["PK"], item["SK"], got, rule)


@pytest.mark.parametrize(("days", "audit_days"), [(None, None), (30, 180)])
def test_every_item_of_a_bookings_life_expires_as_the_policy_says(  # noqa: PLR0917 (fixtures)
    pro_api: Api,
    pro_pool: ProPool,
    seed: Callable[..., Any],
    outbox: Outbox,
    clock: Clock,
    services: Any,
    table_name: str,
    monkeypatch: pytest.MonkeyPatch,
    days: int | None,
    audit_days: int | None,
) -> None:
    if days is not None:  # the operator's setting (.chalice/config.json), read at start
        monkeypatch.setenv("RETENTION_DAYS", str(days))
        monkeypatch.setenv("AUDIT_RETENTION_DAYS", str(audit_days))
        services.reset()
        services.use(clock=clock)
    days, audit_days = days or 90, audit_days or 365
    seed()
    api, seen = pro_api, set[str]()

    def step(name: str) -> None:
        check(table_name, name, days, audit_days, seen)

    held = api.post(
        "/v1/appointments", hold_body(local(2, 9)), headers={"Idempotency-Key": "life-key-1", **viewer("192.0.2.9")}
    )
    assert held.status == 201
    step("hold")
    appointment = f"/v1/appointments/{held.body['id']}"
    assert api.post(appointment + "/code").status == 202
    step("a new code")
    clock.advance(minutes=2)
    confirmed = api.post(appointment + "/confirm", {"code": code_in(outbox()[-1])})
    assert confirmed.status == 200 and confirmed.body["email_proof"]
    kept_until = datetime.fromisoformat(confirmed.body["kept_until"])
    assert kept_until.timestamp() == datetime.fromisoformat(confirmed.body["end"]).timestamp() + days * DAY
    step("confirm")
    auth = {"Authorization": f"Bearer {confirmed.body['manage_token']}"}
    moved = api.post(appointment + "/move", {"start": local(2, 10)}, headers=auth)
    assert moved.status == 200
    step("move")
    assert api.get(f"/v1/pro/appointments/{held.body['id']}", headers=pro_pool.auth("pro")).status == 200
    step("the practice reads it")
    assert api.post(appointment + "/cancel", headers=auth).status == 200
    step("cancel")
    phone = api.post(
        "/v1/pro/practitioners/pr-test/appointments",
        {
            "site": "main",
            "reason": "consultation",
            "start": local(3, 9),
            "patient": {"given_name": "Paul", "family_name": "Vial", "email": "paul@example.org", "kind": "new"},
        },
        headers=pro_pool.auth("secretary"),
    )
    assert phone.status == 201
    blocked = api.post(
        "/v1/pro/practitioners/pr-test/blocks",
        {"site": "main", "start": local(4, 14), "end": local(4, 15)},
        headers=pro_pool.auth("pro"),
    )
    assert blocked.status == 201
    step("the practice books and blocks")
    sent = api.post("/v1/email-proofs", {"email": "other@example.org"})
    step("an e-mail proof is asked for")
    assert api.post(f"/v1/email-proofs/{sent.body['id']}/confirm", {"code": code_in(outbox()[-1])}).status == 200
    step("and earned")
    assert seen == {
        "APPOINTMENT/APPOINTMENT",
        "PRO/UNIT",
        "PRO/PATIENT",
        "PRO/PROFILE",
        "EMAIL/HOLDS",
        "NETWORK/HOLDS",
        "IDEMPOTENCY/IDEMPOTENCY",
        "RATE/WINDOW",
        "PROOF/PROOF",
        "PROOFCODE/PROOFCODE",
        "AUDIT/AT",
        "APPOINTMENT/REMINDERS",
        "REMIND/TIME",
    }
    appointment_items = [i for i in items(table_name) if i["SK"] == "APPOINTMENT"]
    assert {i["status"] for i in appointment_items} == {"cancelled", "confirmed", "blocked"}


@pytest.mark.parametrize(("days", "audit_days"), [(None, None), (30, 180)])
def test_every_item_of_the_reminders_and_the_waiting_list_expires_as_the_policy_says(  # noqa: PLR0917 (fixtures)
    api: Api,
    seed: Callable[..., Any],
    outbox: Outbox,
    clock: Clock,
    services: Any,
    table_name: str,
    monkeypatch: pytest.MonkeyPatch,
    days: int | None,
    audit_days: int | None,
) -> None:
    if days is not None:
        monkeypatch.setenv("RETENTION_DAYS", str(days))
        monkeypatch.setenv("AUDIT_RETENTION_DAYS", str(audit_days))
        services.reset()
        services.use(clock=clock)
    days, audit_days = days or 90, audit_days or 365
    one_slot_a_week(seed)
    seen = set[str]()

    def step(name: str) -> None:
        check(table_name, name, days, audit_days, seen)

    anna = book(api, outbox, TUESDAY, email="anna@example.org")
    step("booked, its reminders planned")
    asked = api.post("/v1/waitlist", request("bruno@example.org"))
    assert asked.status == 202
    step("a request awaits its code")
    joined = api.post(f"/v1/waitlist/{asked.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    assert joined.status == 201
    step("on the waiting list")
    assert api.post(f"/v1/appointments/{anna['id']}/cancel", {}, headers=bearer(anna["manage_token"])).status == 200
    [(offer_id, token)] = offers_to(outbox, "bruno@example.org")
    step("the freed time offered")
    accepted = api.post(f"/v1/offers/{offer_id}/accept", {}, headers=bearer(token))
    assert accepted.status == 200
    kept_until = datetime.fromisoformat(accepted.body["kept_until"])
    assert kept_until.timestamp() == datetime.fromisoformat(accepted.body["end"]).timestamp() + days * DAY
    step("the offer accepted")
    assert {"APPOINTMENT/REMINDERS", "REMIND/TIME", "WAITREQ/WAITREQ", "WAIT/AT", "EMAIL/WAITLIST"} <= seen
    assert {"WAITLIST/PRO", "LAPSE/TIME", "EMAIL/HOLDS", "PROOF/PROOF"} <= seen
