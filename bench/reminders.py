"""A reminder pass over many due appointments: its time and its DynamoDB requests.

    .venv/bin/python bench/reminders.py [--count 10000] [--texts 0.3]

On the serialised local endpoint (moto in server mode, as ``./portal run`` uses), ``--count`` confirmed appointments
of 40 professionals, all starting the next day between 08:00 and 18:00, with their day-before reminder due at
18:00 today, are written directly (not timed); a share ``--texts`` of them also goes by text. Then the pass the
scheduled function runs (``Reminders.send_due``) is timed at 18:00, with the real mailer (SES) and texter (SNS) on
the same endpoint, and the store counts its DynamoDB requests. A second pass at the same time must find nothing to
send. Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})

import boto3  # noqa: E402

from local.portal import start_aws_endpoint  # noqa: E402
from local.tables import create_table  # noqa: E402

MONACO = ZoneInfo("Europe/Monaco")
TABLE = "portal-bench-reminders"
SENDER = "rendez-vous@sante.example.mc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--texts", type=float, default=0.3, help="share of reminders also sent by text")
    args = parser.parse_args()

    proc, endpoint = start_aws_endpoint()
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    try:
        run(args.count, args.texts)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run(count: int, share: float) -> None:
    from chalicelib.core import keys, tokens
    from chalicelib.core.appointment import CONFIRMED, Appointment, Patient
    from chalicelib.core.notify import Mailer, make_ses_client
    from chalicelib.core.profiles import Profile, profile_item
    from chalicelib.core.sms import Texter, make_sns_client
    from chalicelib.core.store import Store
    from chalicelib.reminders.service import Reminders
    from tests.functions.factories import practitioner_record

    create_table(boto3.client("dynamodb"), TABLE)
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    table = boto3.resource("dynamodb").Table(TABLE)
    now = datetime(2027, 3, 2, 18, 0, tzinfo=MONACO)
    started = time.perf_counter()
    profiles = []
    with table.batch_writer() as batch:
        for number in range(40):
            record = practitioner_record(id=f"pr-bench-{number:02d}")
            batch.put_item(Item={**keys.profile_key(record["id"]), **profile_item(record)})
            profiles.append(Profile.from_item(profile_item(record)))
        for index in range(count):
            profile = profiles[index % len(profiles)]
            start = datetime(2027, 3, 3, 8, 0, tzinfo=MONACO) + timedelta(minutes=5 * (index // len(profiles) % 120))
            appointment = Appointment.new(
                id=tokens.new_appointment_id(),
                profile=profile,
                site_id="main",
                start=int(start.timestamp()),
                end=int(start.timestamp()) + 1200,
                units=[int(start.timestamp())],
                now=int(now.timestamp()) - 86400,
                status=CONFIRMED,
                reason_id="consultation",
                patient=Patient("Louise", "Rossi", "existing", f"patient{index}@example.org", "+377 6 12 34 56 78"),
                confirmed_at=int(now.timestamp()) - 86400,
            )
            batch.put_item(Item={**appointment.to_item(), **keys.appointment_key(appointment.id)})
            due = datetime(2027, 3, 2, 18, 0, tzinfo=MONACO)
            batch.put_item(
                Item={
                    **keys.reminder_key(due, appointment.id, "day_before"),
                    "appointment_id": appointment.id,
                    "kind": "day_before",
                    "start_epoch": appointment.start_epoch,
                    "email": True,
                    "sms": "+377612345678" if index < count * share else None,
                    "token": tokens.new_manage_token(),
                    "tries": 0,
                    "expires_at": int(due.timestamp()) + 7 * 86400,
                }
            )
    print(f"written: {count} appointments and reminders in {time.perf_counter() - started:.1f} s (not timed)")

    # The local endpoint answers a Query of 2,500 items of a 30,000-item table in seconds when the machine is busy
    # (moto walks the table): the bench's reads wait longer than the API's 4 s.
    from botocore.config import Config

    patient = Config(connect_timeout=5, read_timeout=120, retries={"max_attempts": 2, "mode": "standard"})
    store = Store(boto3.resource("dynamodb", config=patient).Table(TABLE))
    mailer = Mailer(make_ses_client(), SENDER)
    texter = Texter(make_sns_client(), "MonacoSante")
    reminders = Reminders(store, lambda: mailer, lambda: texter, "https://sante.example.mc", "MC", "MonacoSanté")
    started = time.perf_counter()
    report = reminders.send_due(now)
    seconds = time.perf_counter() - started
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {datetime.now().date()}"
    )
    print(f"pass: {report} in {seconds:.1f} s ({count / seconds:.0f} reminders/s), DynamoDB requests {store.requests}")
    before = store.requests
    again = reminders.send_due(now)
    print(f"second pass at the same time: {again}, DynamoDB requests {store.requests - before}")


if __name__ == "__main__":
    main()
