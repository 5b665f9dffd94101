"""The back-office's reads and their audit entries, on the serialised local endpoint (no HTTP layer, no e-mails).

    .venv/bin/python bench/backoffice.py [--per-day 24] [--repeat 20]

A professional open 08:00-12:00 and 14:00-18:00 every weekday, with ``--per-day`` appointments on each of the next
five working days (taken by phone: no e-mail). Measured, each ``--repeat`` times, with the DynamoDB requests made:

1. the agenda of one day and of one week: one Query of GSI1, then the audit entries (one per date of the patients
   shown, one request);
2. one appointment's details: one GetItem, then one audit entry;
3. the settings preview over 14 and 31 days: the profile, one Query of the window's units, the future
   appointments (for orphans) and ``free_slots`` on the proposed schedule;
4. the calendar feed: the feed, the profile, one Query of 430 days, the iCalendar text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})

import boto3  # noqa: E402

from chalicelib.backoffice.agenda import Agenda  # noqa: E402
from chalicelib.backoffice.auth import ROLE_PROFESSIONAL, Principal  # noqa: E402
from chalicelib.backoffice.feed import Feeds  # noqa: E402
from chalicelib.backoffice.schemas import AgendaQuery, PhoneBookingRequest, PreviewRequest  # noqa: E402
from chalicelib.backoffice.settings import Practice  # noqa: E402
from chalicelib.core.profiles import profile_item  # noqa: E402
from chalicelib.core.store import Store  # noqa: E402
from local.portal import start_aws_endpoint  # noqa: E402
from local.tables import create_table  # noqa: E402
from tests.functions.factories import practitioner_record, working_day  # noqa: E402

MONACO = ZoneInfo("Europe/Monaco")
PRO = "pr-bench"


def timed(action: Callable[[], Any], store: Store, repeat: int) -> tuple[str, int]:
    times, requests = [], 0
    for _ in range(repeat):
        before = store.requests
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
        requests = store.requests - before
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms", requests


def fill(agenda: Agenda, who: Principal, today: date, per_day: int) -> tuple[list[date], list[str], float]:
    """``per_day`` appointments taken by phone on each of the next five working days: the days, the ids and the
    time each booking took (ms)."""
    days: list[date] = []
    day = today
    while len(days) < 5:
        day = working_day(day)
        if day.weekday() < 5:
            days.append(day)
    starts = [(h, m) for h in (8, 9, 10, 11, 14, 15, 16, 17) for m in (0, 20, 40)][:per_day]
    started = time.perf_counter()
    ids = []
    for day in days:
        for hour, minute in starts:
            request = PhoneBookingRequest.model_validate(
                {
                    "site": "main",
                    "reason": "consultation",
                    "start": datetime(day.year, day.month, day.day, hour, minute, tzinfo=MONACO),
                    "patient": {"given_name": "Bench", "family_name": "Patient", "kind": "existing"},
                }
            )
            ids.append(agenda.book(who, PRO, request).id)
    return days, ids, (time.perf_counter() - started) * 1000 / len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-day", type=int, default=24, help="appointments on each of five working days")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    proc, endpoint = start_aws_endpoint()
    try:
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        create_table(client, "bench-backoffice")
        store = Store(boto3.resource("dynamodb", endpoint_url=endpoint).Table("bench-backoffice"))
        record = practitioner_record(id=PRO, min_notice_minutes=0, horizon_days=60)
        for site in record["sites"]:
            for hours in site["hours"]:
                hours["days"] = ["mon", "tue", "wed", "thu", "fri"]
        store.put_profile(PRO, profile_item(record))
        today = datetime.now(MONACO).date()
        clock = {"now": datetime.combine(today, datetime.min.time(), MONACO).astimezone(UTC)}
        agenda = Agenda(store, lambda: None, "https://sante.example.mc", lambda: clock["now"])
        practice = Practice(store, agenda, lambda: clock["now"])
        feeds = Feeds(store, "https://sante.example.mc", lambda: clock["now"])
        who = Principal("bench-sub", ROLE_PROFESSIONAL, frozenset({PRO}), PRO, "bench-jti", frozenset({PRO}))

        days, ids, per_booking = fill(agenda, who, today, args.per_day)
        print(f"{len(ids)} appointments taken by phone: {per_booking:.0f} ms each (transaction of 5 items)")

        week_start = days[0] - timedelta(days=days[0].weekday())
        day_query = AgendaQuery.model_validate({"from": days[0], "days": 1})
        week_query = AgendaQuery.model_validate({"from": week_start, "days": 7})
        shown_day = len(agenda.days(who, PRO, day_query).appointments)
        shown_week = len(agenda.days(who, PRO, week_query).appointments)
        settings = practice.read(who, PRO).settings
        measures: list[tuple[str, Callable[[], Any]]] = [
            (f"agenda, one day ({shown_day} patients shown)", lambda: agenda.days(who, PRO, day_query)),
            (f"agenda, one week ({shown_week} patients shown)", lambda: agenda.days(who, PRO, week_query)),
            ("one appointment's details", lambda: agenda.show(who, ids[0])),
        ]
        for window in (14, 31):
            preview = PreviewRequest.model_validate({"settings": settings.model_dump(), "days": window})
            measures.append((f"settings preview, {window} days", lambda p=preview: practice.preview(who, PRO, p)))
        url = feeds.create(who, PRO, "fr").url or ""
        name = url.rsplit("/", 1)[1]
        size = len(feeds.calendar(name))
        measures.append((f"calendar feed ({len(ids)} events, {size // 1024} KiB)", lambda: feeds.calendar(name)))
        for label, action in measures:
            result, requests = timed(action, store, args.repeat)
            print(f"{label}: {result}; {requests} DynamoDB requests")
        entries = len(
            store.audit_of_practitioner(PRO, clock["now"] - timedelta(days=1), clock["now"] + timedelta(days=1))
        )
        print(f"audit entries written by the run: {entries}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
