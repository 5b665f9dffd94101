"""The local portal's demo data: every professional's booking profile, loaded from the directory's data files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from chalicelib.booking.schemas import SlotsQuery
from chalicelib.booking.service import Bookings
from chalicelib.core.store import Store, make_table
from local.seed import PRACTITIONERS, seed_profiles


def test_every_data_file_becomes_a_profile_the_engine_can_book(table_name: str) -> None:
    table = boto3.resource("dynamodb").Table(table_name)
    count = seed_profiles(table)
    files = sorted(PRACTITIONERS.glob("*.json"))
    assert count == len(files) > 0
    bookings = Bookings(Store(make_table(table_name)), mailer=lambda: None, site_url="http://127.0.0.1")
    bookable = [json.loads(Path(f).read_text(encoding="utf-8")) for f in files]
    bookable = [r for r in bookable if r["online_booking"]]
    record = bookable[0]
    reason = next(r["id"] for r in record["visit_reasons"] if r["online"])
    answer = bookings.slots(record["id"], SlotsQuery(reason=reason, days=14))
    assert answer.slots, "a demo professional taking online bookings has free slots in the next two weeks"
    assert all(
        s.start > datetime.now(UTC) + timedelta(minutes=record["booking_rules"]["min_notice_minutes"] - 1)
        for s in answer.slots
    )
    stored: dict[str, Any] = table.get_item(Key={"PK": f"PRO#{record['id']}", "SK": "PROFILE"})["Item"]
    assert json.loads(stored["record"])["family_name"] == record["family_name"]


def test_the_professionals_who_book_online_are_listed_for_the_slot_feed(table_name: str) -> None:
    count = seed_profiles(boto3.resource("dynamodb").Table(table_name))
    records = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(PRACTITIONERS.glob("*.json"))]
    listed = Store(make_table(table_name)).bookable_profiles()
    assert count == len(records)
    assert [item["practitioner_id"] for item in listed] == [r["id"] for r in records if r["online_booking"]]


def test_the_demo_agendas_have_past_appointments_some_missed_and_the_next_week_booked(table_name: str) -> None:
    """What a demo account finds: two weeks of past appointments (one in eight missed, so marking and statistics
    show), the next week partly booked, all of it as bookings leave the table: the agenda lists them, their times
    are taken for patients, and the practice can mark, cancel and book around them."""
    from chalicelib.backoffice.agenda import Agenda
    from chalicelib.backoffice.auth import ROLE_PROFESSIONAL, Principal
    from chalicelib.backoffice.schemas import AgendaQuery, NoShowRequest
    from local.demo_appointments import DEMO_AGENDAS
    from local.seed import seed_demo_appointments

    table = boto3.resource("dynamodb").Table(table_name)
    seed_profiles(table)
    now = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # a Wednesday, 13:00 in Monaco
    counts = seed_demo_appointments(table, now)
    assert counts.past > 50 and counts.upcoming > 10
    assert 0 < counts.missed < counts.past / 4

    store = Store(make_table(table_name))
    pid = DEMO_AGENDAS[0]
    who = Principal("demo", ROLE_PROFESSIONAL, frozenset({pid}), pid, "jti", frozenset({pid}))
    agenda = Agenda(store, lambda: None, "http://127.0.0.1", lambda: now)
    past = agenda.days(who, pid, AgendaQuery.model_validate({"from": "2027-03-01", "days": 7})).appointments
    assert past and all(a.status == "confirmed" and a.patient for a in past)
    assert {a.source for a in past} == {"online", "phone"}
    starts = sorted(a.start.timestamp() for a in past)
    ends = sorted(a.end.timestamp() for a in past)
    assert all(e <= s for e, s in zip(ends, starts[1:], strict=False))  # none overlaps another
    unmarked = next(a for a in past if not a.no_show)
    assert agenda.no_show(who, unmarked.id, NoShowRequest(no_show=True)).no_show is True

    ahead = agenda.days(who, pid, AgendaQuery.model_validate({"from": "2027-03-11", "days": 7}))
    booked = ahead.appointments
    assert booked and all(a.start > now for a in booked)
    free = {s.start for slots in ahead.free_times.values() for s in slots}
    assert not free & {a.start for a in booked}  # their times are taken
    online = next(a for a in booked if a.source == "online")
    assert agenda.cancel(who, online.id).status == "cancelled"  # the patient's cap counter is there to update
