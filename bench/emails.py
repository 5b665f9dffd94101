"""Patient e-mails: the CPU to build each one, an SES send through the local endpoint, and the outbox's cost.

    .venv/bin/python bench/emails.py [--repeat 200] [--items 0,5000,20000]

1. Rendering and MIME building per kind (no I/O): what a confirmation adds to the API's CPU time.
2. ``send_confirmation`` through the serialised moto server, end to end over HTTP.
3. One listing of ``/moto-api/data.json`` (what the local outbox reads) against the number of DynamoDB items moto
   holds: the listing walks every model under the endpoint's lock, so it blocks DynamoDB calls while it runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})

import boto3  # noqa: E402

from chalicelib.core.appointment import AppointmentNotice  # noqa: E402
from chalicelib.core.notify import Mailer  # noqa: E402
from local.outbox import Outbox, verify_sender  # noqa: E402
from local.portal import start_aws_endpoint  # noqa: E402
from local.tables import create_table  # noqa: E402

SENDER = "rendez-vous@sante.example.mc"


class Capture:
    """Stands in for the SES client to time building alone."""

    def send_raw_email(self, **_: Any) -> dict[str, str]:
        return {"MessageId": "bench"}


def notice(lang: str = "fr") -> AppointmentNotice:
    start = datetime(2026, 3, 2, 10, 15, tzinfo=ZoneInfo("Europe/Monaco"))
    return AppointmentNotice(
        appointment_id="apt-bench",
        practitioner_name="Dr Hélène Rossi",
        reason_label="Première consultation",
        start=start,
        end=start + timedelta(minutes=30),
        timezone="Europe/Monaco",
        site_name="Cabinet du Port",
        address="3 quai Antoine-Ier, 98000 Monaco",
        instructions="Apportez vos derniers résultats d'analyse.",
        manage_url="https://sante.example.mc/fr/rendez-vous/apt-bench#t=0123456789abcdef",
        lang=lang,  # type: ignore[arg-type]
        phone="+377 93 00 00 00",
    )


def timed(action: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"median {statistics.median(ordered):.2f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--items", default="0,5000,20000", help="DynamoDB items held by moto for the listing")
    args = parser.parse_args()

    started = time.perf_counter()
    mailer = Mailer(Capture(), SENDER)
    mailer.send_confirmation("p@example.org", notice())
    print(f"first e-mail (templates and Babel data loaded): {(time.perf_counter() - started) * 1000:.1f} ms")
    n, moved = notice(), notice()
    builds = {
        "code": lambda: mailer.send_code("p@example.org", "048213", n),
        "confirmation (with .ics)": lambda: mailer.send_confirmation("p@example.org", n),
        "cancellation (with .ics)": lambda: mailer.send_cancellation("p@example.org", n, "patient"),
        "move (with .ics)": lambda: mailer.send_moved("p@example.org", n, moved),
    }
    for name, build in builds.items():
        print(f"build {name}: {summary(timed(build, args.repeat))}")

    proc, endpoint = start_aws_endpoint()
    try:
        ses = boto3.client("ses", endpoint_url=endpoint)
        verify_sender(ses, SENDER)
        local = Mailer(ses, SENDER)
        sends = timed(lambda: local.send_confirmation("p@example.org", n), min(args.repeat, 100))
        print(f"send_confirmation through the local endpoint: {summary(sends)}")
        outbox = Outbox(endpoint)
        dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
        create_table(dynamodb, "bench-outbox")
        held = 0
        for target in sorted(int(x) for x in args.items.split(",")):
            while held < target:
                batch = [
                    {"PutRequest": {"Item": {"PK": {"S": f"B#{held + i}"}, "SK": {"S": "A"}, "v": {"S": "x" * 40}}}}
                    for i in range(min(25, target - held))
                ]
                dynamodb.batch_write_item(RequestItems={"bench-outbox": batch})
                held += len(batch)
            listing = timed(lambda: urllib.request.urlopen(endpoint + "/moto-api/data.json").read(), 5)
            count = len(outbox.messages())
            print(f"outbox listing with {held} DynamoDB items and {count} e-mails: {summary(listing)}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
