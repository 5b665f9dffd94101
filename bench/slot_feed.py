"""The slot feed: one publishing pass at the demo's size and at about 2,000 published professionals, with what it
asks of DynamoDB and S3, against the serialised local endpoint (moto in server mode, over HTTP, as ./portal run).

    .venv/bin/python bench/slot_feed.py [--count 400 --count 3450] [--bookings 50]

For each size (the demo's own data files for 400, else scripts/make_demo_data.py's seeded data, kept in
bench/out/content-N): the profiles are loaded into a fresh table, then, each in a fresh process so that its peak
memory is its own (a Lambda environment runs one pass at a time):
  1. a first pass into an empty bucket (every file written);
  2. a pass with nothing changed (only the manifest is written);
  3. a pass after ``--bookings`` appointments on random free times of random professionals (their units written
     into the table as a confirmed booking writes them): only those days' files are written again.
Each line: wall clock and CPU time of the pass, DynamoDB and S3 requests (counted by the store and the bucket), the
bytes and files written, the slots published, the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})

OUT = ROOT / "bench" / "out"
ORIGIN = "https://sante.example.mc"


def content(count: int) -> Path:
    """The data files of ``count`` professionals: the demo's own for 400, else generated once and kept."""
    if count == 400:
        return ROOT / "content" / "directory" / "practitioners"
    folder = OUT / f"content-{count}"
    if not (folder / "directory" / "practitioners").is_dir():
        command = [sys.executable, "scripts/make_demo_data.py", "--count", str(count), "--seed", "2026"]
        subprocess.run([*command, "--out", str(folder / "directory")], cwd=ROOT, check=True, capture_output=True)
    return folder / "directory" / "practitioners"


def prepare(count: int, endpoint: str) -> tuple[str, str]:
    """A fresh table with the profiles of ``count`` data files, and an empty bucket, on the local endpoint."""
    import boto3

    from local.seed import seed_profiles
    from local.slotfeed import prepare_bucket
    from local.tables import create_table

    table = f"bench-feed-{count}-{int(time.time())}"
    create_table(boto3.client("dynamodb", endpoint_url=endpoint), table)
    seed_profiles(boto3.resource("dynamodb", endpoint_url=endpoint).Table(table), content(count))
    prepare_bucket(boto3.client("s3", endpoint_url=endpoint), f"{table}-site")
    return table, f"{table}-site"


def book_randomly(table: str, bookings: int, now: datetime) -> int:
    """Write the units of ``bookings`` confirmed appointments on free times of random published professionals, as
    the booking transaction writes them (no e-mail, no appointment item: the feed reads units only)."""
    from chalicelib.core import keys, units
    from chalicelib.core.availability import occupied_units
    from chalicelib.core.profiles import Profile
    from chalicelib.core.store import Store, make_table
    from chalicelib.core.units import busy_intervals
    from chalicelib.slotfeed.resources import FeedSchedule, feed_reason
    from chalicelib.slotfeed.times import feed_times

    store = Store(make_table(table))
    rng = random.Random(2026)
    profiles = [Profile.from_item(item) for item in store.bookable_profiles()]
    profiles = [p for p in profiles if feed_reason(p, p.site_ids[0])]
    made = 0
    for profile in rng.sample(profiles, min(bookings, len(profiles))):
        schedule = FeedSchedule(profile, profile.site_ids[0], str(feed_reason(profile, profile.site_ids[0])))
        busy = busy_intervals(store.units(profile.id, *profile.units_window(now.date(), 16)), int(now.timestamp()))
        free = [slot for status, slot in feed_times(schedule, busy, now, 14).slots if status == "free"]
        if not free:
            continue
        slot = rng.choice(free)
        start, end = int(slot.start.timestamp()), int(slot.end.timestamp())
        for unit in occupied_units(slot.start, slot.end, profile.buffer_minutes):
            item = {**keys.unit_key(profile.id, unit), **units.booked(f"bench{made:016d}", start, end)}
            store.table.put_item(Item=item)
        made += 1
    return made


def one_pass(table: str, bucket: str, now: datetime) -> dict[str, Any]:
    """One pass, measured (run in a process of its own)."""
    import boto3

    from chalicelib.core.store import Store, make_table
    from chalicelib.slotfeed.bucket import Bucket
    from chalicelib.slotfeed.publisher import SlotFeed
    from chalicelib.slotfeed.resources import Publication

    s3 = boto3.client("s3")
    feed = SlotFeed(Store(make_table(table)), Bucket(s3, bucket), Publication(ORIGIN, "fr", "MC"), lambda: now)
    wall, cpu = time.perf_counter(), time.process_time()
    report = feed.publish()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    written = sum(s3.head_object(Bucket=bucket, Key=key)["ContentLength"] for key in report.written)
    profiles = Store(make_table(table)).bookable_profiles()
    return {
        "seconds": round(wall, 2),
        "cpu": round(cpu, 2),
        "professionals": report.professionals,
        "listed": len(profiles),
        "profile_kib": round(sum(len(json.dumps(p)) for p in profiles) / 1024),
        "schedules": report.schedules,
        "free": report.free,
        "busy": report.busy,
        "files_written": len(report.written),
        "files_unchanged": report.unchanged,
        "mib_written": round(written / 2**20, 2),
        "dynamodb_requests": report.dynamodb_requests,
        "s3_requests": report.s3_requests,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def child(args: argparse.Namespace) -> None:
    os.environ["AWS_ENDPOINT_URL"] = args.endpoint
    now = datetime.fromisoformat(args.now)
    if args.book:
        print(json.dumps({"booked": book_randomly(args.table, args.book, now)}))
    else:
        print(json.dumps(one_pass(args.table, args.bucket, now)))


def in_child(endpoint: str, table: str, bucket: str, now: datetime, book: int = 0) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--endpoint", endpoint, "--table", table, "--bucket", bucket]
    command += ["--now", now.isoformat(), "--book", str(book)]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append", default=[])
    parser.add_argument("--bookings", type=int, default=50)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--endpoint", "--table", "--bucket", "--now"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--book", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    from local.portal import start_aws_endpoint

    aws, endpoint = start_aws_endpoint()
    now = datetime.now(UTC).replace(microsecond=0)
    results = []
    try:
        for count in args.count or [400, 3450]:
            table, bucket = prepare(count, endpoint)
            first = in_child(endpoint, table, bucket, now)
            again = in_child(endpoint, table, bucket, now)
            booked = in_child(endpoint, table, bucket, now, book=args.bookings)["booked"]
            after = in_child(endpoint, table, bucket, now)
            results.append({"count": count, "first": first, "again": again, "booked": booked, "after": after})
            print(f"{count} data files: done", file=sys.stderr, flush=True)
    finally:
        aws.terminate()
        aws.wait(timeout=10)
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()[0]}
    print(json.dumps({"machine": machine, "now": now.isoformat(), "results": results}, indent=2))
    print("\n| data files | published | pass | wall | CPU | DynamoDB requests | S3 requests | files written | MiB "
          "written | slots (free / busy) | peak memory |")  # fmt: skip
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        for label, key in (("first", "first"), ("nothing changed", "again"), (f"{r['booked']} bookings", "after")):
            p = r[key]
            print(
                f"| {r['count']:,} | {p['professionals']:,} | {label} | {p['seconds']} s | {p['cpu']} s | "
                f"{p['dynamodb_requests']:,} | {p['s3_requests']} | {p['files_written']} | {p['mib_written']} | "
                f"{p['free']:,} / {p['busy']:,} | {p['peak_mib']} MiB |"
            )


if __name__ == "__main__":
    main()
