"""Manage timing: does the answer's time tell a stranger whether an appointment id exists?

    .venv/bin/python bench/manage_timing.py [--requests 300] [--runs 3] [--compare f11b04c]

One confirmed appointment is booked on the serialised local endpoint. A warm app (one process, as a Lambda
environment that has answered before) is then asked ``GET /v1/appointments/{id}`` with a wrong manage token, for
that appointment's id and for an unknown id, alternately, ``--requests`` times each; the time of each answer is the
app's own (the event handed to the Chalice app to its answer, the DynamoDB round trips included). Both answers are
the same 404. With ``--compare REV`` the same runs are made with ``functions/`` as it was at ``REV``, alternating with
this tree's runs so that both see the same load. Prints medians for docs/performance.md, with the machine and date.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions"), str(ROOT / "bench")]

from cold_start import AWS, SENDER, event, machine, tree_at  # noqa: E402

os.environ.update(AWS)
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402

from local.portal import start_aws_endpoint  # noqa: E402
from local.tables import create_table  # noqa: E402

TABLE = "portal-manage-timing"
UNKNOWN = "0123456789abcdef0123"
WRONG = "A" * 43

# The child: one warm app, then the two requests alternately, each timed.
CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import app
existing, unknown, count = json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
for request in (existing, unknown):  # warm: modules loaded, clients made, as after a first request
    app.app(request, None)
times = {"existing": [], "unknown": []}
statuses = set()
for _ in range(count):
    for name, request in (("existing", existing), ("unknown", unknown)):
        started = time.perf_counter()
        answer = app.app(request, None)
        times[name].append(time.perf_counter() - started)
        statuses.add((name, answer["statusCode"], answer["body"]))
print(json.dumps({"times": times, "answers": sorted(map(list, statuses))}))
"""


def book(endpoint: str, environment: dict[str, str]) -> str:
    """A confirmed appointment, booked through the app of this tree: its id."""
    from chalicelib.core.keys import profile_key
    from chalicelib.core.profiles import profile_item
    from tests.functions.factories import practitioner_record

    create_table(boto3.client("dynamodb", endpoint_url=endpoint), TABLE)
    record = practitioner_record(min_notice_minutes=0)
    boto3.resource("dynamodb", endpoint_url=endpoint).Table(TABLE).put_item(
        Item={**profile_key(record["id"]), **profile_item(record)}
    )
    boto3.client("ses", endpoint_url=endpoint).verify_email_identity(EmailAddress=SENDER)
    os.environ.update(environment)
    from chalicelib import services
    from chalicelib.booking.schemas import HoldRequest, SlotsQuery
    from chalicelib.booking.service import Caller

    bookings = services.get_bookings()
    free = bookings.slots(record["id"], SlotsQuery.model_validate({"reason": "consultation", "days": 7}))
    sent: dict[str, str] = {}

    class Keep:
        def send_code(self, to: str, code: str, notice: Any) -> bool:
            sent["code"] = code
            return True

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: True

    services.use(mailer=Keep())
    bookings = services.get_bookings()
    hold = {
        "practitioner": record["id"],
        "site": "main",
        "reason": "consultation",
        "start": free.slots[-1].start.isoformat(),
        "patient": {"given_name": "A", "family_name": "B", "email": "timing@example.org", "kind": "existing"},
    }
    held, _ = bookings.hold(HoldRequest.model_validate(hold), uuid.uuid4().hex, Caller("192.0.2.10"))
    bookings.confirm(held.id, sent["code"], Caller("192.0.2.10"))
    return held.id


def child(functions: Path, environment: dict[str, str], existing: str, count: int) -> dict[str, Any]:
    auth = {"authorization": f"Bearer {WRONG}"}
    requests = [
        json.dumps(event("GET", "/v1/appointments/{appointment_id}", {"appointment_id": i}, headers=auth))
        for i in (existing, UNKNOWN)
    ]
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(functions), *requests, str(count)],
        capture_output=True,
        text=True,
        env={**os.environ, **environment, "PYTHONDONTWRITEBYTECODE": "1"},
        check=True,
    )
    answer: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per side (a warm process each)")
    parser.add_argument("--compare", metavar="REV", help="also time functions/ as it was at this git revision")
    args = parser.parse_args(argv)
    proc, endpoint = start_aws_endpoint()
    try:
        environment = {**AWS, "AWS_ENDPOINT_URL": endpoint, "TABLE_NAME": TABLE, "MAIL_FROM": SENDER}
        existing = book(endpoint, environment)
        with tempfile.TemporaryDirectory(prefix="manage-timing-") as scratch:
            here = Path(scratch) / "now"
            shutil.copytree(ROOT / "functions", here / "functions", ignore=shutil.ignore_patterns("__pycache__"))
            sides = {"now": here / "functions"}
            if args.compare:
                (Path(scratch) / "before").mkdir()
                sides = {args.compare: tree_at(args.compare, Path(scratch) / "before"), **sides}
            times: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.runs):
                for side, functions in sides.items():
                    result = child(functions, environment, existing, args.requests)
                    answers = {tuple(a[1:]) for a in result["answers"]}
                    if len(answers) != 1 or next(iter(answers))[0] != 404:
                        raise SystemExit(f"{side}: the two requests were not answered with one 404: {answers}")
                    for kind, values in result["times"].items():
                        times.setdefault((side, kind), []).extend(values)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"Machine: {machine()}; {args.runs} warm processes per side, {args.requests} requests of each kind each.\n")
    print("| functions/ | wrong token, existing id: median (p90) | unknown id: median (p90) | difference of medians |")
    print("| --- | --- | --- | --- |")
    for side in sides:
        rows = []
        for kind in ("existing", "unknown"):
            values = sorted(times[(side, kind)])
            rows.append((statistics.median(values) * 1000, values[int(len(values) * 0.9)] * 1000))
        difference = rows[0][0] - rows[1][0]
        cells = [f"{median:.2f} ms ({p90:.2f})" for median, p90 in rows]
        print(f"| {side} | {cells[0]} | {cells[1]} | {difference:+.2f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
