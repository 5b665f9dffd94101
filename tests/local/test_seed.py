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
