"""Prepare the local endpoint: create the table from the deployed definition and load the demo data."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from local.cognito import prepare_cognito
from local.outbox import verify_sender
from local.slotfeed import bucket_name, prepare_bucket
from local.tables import create_table

if TYPE_CHECKING:
    from local.demo_appointments import Counts

ROOT = Path(__file__).resolve().parent.parent
PRACTITIONERS = ROOT / "content" / "directory" / "practitioners"


def prepare(table_name: str, seed: bool = True) -> str:
    """Create ``table_name`` if it is missing; with ``seed``, load the directory's booking data. Returns a summary."""
    client = boto3.client("dynamodb")
    try:
        client.describe_table(TableName=table_name)
    except client.exceptions.ResourceNotFoundException:
        create_table(client, table_name)
    verify_sender(boto3.client("ses"))  # local SES sends only from a verified identity, as Amazon SES does
    prepare_bucket(boto3.client("s3"), bucket_name(table_name))  # where the slot feed is written
    # The back-office's user pool and demo accounts; the API workers read its settings from the environment.
    os.environ.update(prepare_cognito().environment())
    if not seed:
        return f"table {table_name}, empty"
    table = boto3.resource("dynamodb").Table(table_name)
    count = seed_profiles(table)
    booked = seed_demo_appointments(table)
    return (
        f"table {table_name}, {count} booking profiles, demo appointments: {booked.past} past "
        f"({booked.missed} missed), {booked.upcoming} ahead"
    )


def seed_demo_appointments(table: Any, now: datetime | None = None) -> Counts:
    """The demo accounts' agendas booked around ``now`` (local/demo_appointments.py), through the API's store."""
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from chalicelib.core.store import Store
    from local.demo_appointments import seed_appointments

    return seed_appointments(Store(table), now or datetime.now(UTC))


def seed_profiles(table: Any, folder: Path = PRACTITIONERS) -> int:
    """Store each professional's booking profile (the data file as it is) in ``table``; returns how many.

    The back-office edits these profiles afterwards; the data files stay the directory's source for the site.
    """
    functions = str(ROOT / "functions")
    if functions not in sys.path:
        sys.path.insert(0, functions)
    from chalicelib.core.keys import profile_keys
    from chalicelib.core.profiles import profile_item

    count = 0
    with table.batch_writer() as batch:
        for path in sorted(folder.glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            record.pop("$schema", None)
            keys = profile_keys(record["id"], bool(record.get("online_booking")))
            batch.put_item(Item={**keys, **profile_item(record)})
            count += 1
    return count
