"""Booking API through the local portal: slot lookup and booking latency and throughput, DynamoDB requests per call.

    .venv/bin/python bench/booking.py [--lookups 300] [--bookings 200] [--workers 4] [--seconds 10]

The portal runs as ``./portal run`` does (API worker processes, the serialised moto endpoint), with the 400 demo
professionals' booking profiles loaded and ``RATE_LIMIT_FACTOR`` raised, since every request comes from 127.0.0.1.

1. Latency of single requests, one at a time: slot lookups (7 and 31 days), next-available for 50 ids, hold,
   confirm, cancel.
2. Throughput with concurrent clients: slot lookups, and holds on distinct slots.
3. Contention: 64 simultaneous holds of one slot (1 winner, 63 409s), wall time.
4. DynamoDB requests per operation, counted by the store (``Store.requests``) with the same code in-process against
   the same kind of endpoint.
5. What one transaction costs the local endpoint against the size of its table: moto copies the whole table before
   each TransactWriteItems (to roll back), so local booking latency grows with the table; Amazon DynamoDB's does not.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})

import boto3  # noqa: E402

from local.launch import start_portal  # noqa: E402
from local.seed import PRACTITIONERS, seed_profiles  # noqa: E402

TABLE = "portal-bench"
MONACO = ZoneInfo("Europe/Monaco")


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


@contextmanager
def portal(workers: int) -> Iterator[tuple[str, str]]:
    with (ROOT / "bench" / "out" / "booking-portal.log").open("w", encoding="utf-8") as log:
        running = start_portal(
            ROOT / "bench" / "out",
            workers=workers,
            table=TABLE,
            environment={"RATE_LIMIT_FACTOR": "10000"},
            log=log,
            slot_feed_minutes=0,  # no slot feed pass in the middle of the measured load
        )
        try:
            yield running.url, running.endpoint
        finally:
            running.stop()


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


class Demo:
    """The demo professionals who book online, and free slots to book from them."""

    def __init__(self, url: str) -> None:
        self.url = url
        records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(PRACTITIONERS.glob("*.json"))]
        self.records = [r for r in records if r["online_booking"] and any(v["online"] for v in r["visit_reasons"])]
        self.first_day = datetime.now(MONACO).date() + timedelta(days=2)
        self.serial = 0

    def reason(self, record: dict[str, Any]) -> str:
        return str(next(v["id"] for v in record["visit_reasons"] if v["online"] and v["existing_patients"]))

    def slots_path(self, record: dict[str, Any], days: int, first: date | None = None) -> str:
        day = (first or self.first_day).isoformat()
        return f"/api/v1/practitioners/{record['id']}/slots?from={day}&days={days}&reason={self.reason(record)}"

    def free_starts(self, count: int) -> list[tuple[dict[str, Any], str]]:
        """``count`` distinct free (professional, start) pairs, spread over the professionals."""
        found: list[tuple[dict[str, Any], str]] = []
        for record in self.records:
            status, body = call(self.url + self.slots_path(record, 14))
            if status == 200:
                # Every other slot: neighbours may be too close for the professional's buffer.
                found += [(record, s["start"]) for s in body["slots"][::2][:5]]
            if len(found) >= count:
                break
        return found[:count]

    def hold_request(self, record: dict[str, Any], start: str) -> tuple[str, dict[str, Any], dict[str, str]]:
        self.serial += 1
        body = {
            "practitioner": record["id"],
            "site": record["sites"][0]["id"],
            "reason": self.reason(record),
            "start": start,
            "patient": {
                "given_name": "Bench",
                "family_name": f"Patient {self.serial}",
                "email": f"bench-{self.serial}-{time.time_ns()}@example.org",
                "kind": "existing",
            },
        }
        return "/api/v1/appointments", body, {"Idempotency-Key": f"bench-{self.serial}-{time.time_ns()}"}


def codes(endpoint: str) -> dict[str, str]:
    """The latest code e-mailed to each address, read from the local endpoint's SES store (as the outbox does)."""
    with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=120) as response:
        messages = json.load(response).get("ses", {}).get("RawMessage", [])
    found: dict[str, str] = {}
    for message in messages:  # oldest first, so the newest code wins
        parsed = email.message_from_string(message["raw_data"], policy=email.policy.default)
        body = parsed.get_body(("plain",))
        match = re.search(r"^\s*(\d{6})\s*$", str(body.get_content()) if body else "", flags=re.MULTILINE)
        if match:
            for address in message.get("destinations", []):
                found[address] = match.group(1)
    return found


def latency(url: str, endpoint: str, demo: Demo, lookups: int, bookings: int) -> list[tuple[str, str]]:
    rows = []
    for days in (7, 31):
        samples = []
        for i in range(lookups):
            record = demo.records[i % len(demo.records)]
            ms, (status, _) = timed(lambda r=record, d=days: call(url + demo.slots_path(r, d)))
            assert status == 200, status
            samples.append(ms)
        rows.append((f"slot lookup, {days} days (one professional, one reason)", percentiles(samples)))
        progress(rows[-1][0])
    ids = ",".join(r["id"] for r in demo.records[:50])
    samples = []
    for _ in range(max(10, lookups // 10)):
        ms, (status, _) = timed(lambda: call(url + f"/api/v1/next-available?ids={ids}"))
        assert status == 200, status
        samples.append(ms)
    rows.append(("next-available, 50 professionals", percentiles(samples)))

    pairs = demo.free_starts(bookings)
    holds, held = [], []
    for record, start in pairs:
        path, body, headers = demo.hold_request(record, start)
        ms, (status, answer) = timed(lambda p=path, b=body, h=headers: call(url + p, "POST", b, h))
        if status == 201:
            holds.append(ms)
            held.append((answer["id"], body["patient"]["email"]))
    rows.append((f"hold (POST /appointments), {len(holds)} distinct slots", percentiles(holds)))
    progress(rows[-1][0])
    sent = codes(endpoint)
    confirms, tokens = [], []
    for appointment_id, address in held:
        path = f"/api/v1/appointments/{appointment_id}/confirm"
        ms, (status, answer) = timed(lambda p=path, a=address: call(url + p, "POST", {"code": sent[a]}))
        assert status == 200, answer
        confirms.append(ms)
        tokens.append((appointment_id, answer["manage_token"]))
    rows.append(("confirm with the code", percentiles(confirms)))
    progress(rows[-1][0])
    cancels = []
    for appointment_id, token in tokens[: len(tokens) // 2]:
        auth = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/appointments/{appointment_id}/cancel"
        ms, (status, _) = timed(lambda p=path, a=auth: call(url + p, "POST", {}, a))
        assert status == 200, status
        cancels.append(ms)
    rows.append(("cancel with the token", percentiles(cancels)))
    return rows


def throughput(url: str, demo: Demo, seconds: float, clients: int, bookings: int) -> list[tuple[str, str]]:
    rows = []
    stop = time.monotonic() + seconds
    done: Counter[int] = Counter()

    def lookups(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            status, _ = call(url + demo.slots_path(demo.records[i % len(demo.records)], 7))
            done[status] += 1
            i += clients

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lookups, range(clients)))
    rows.append((f"slot lookups, 7 days, {clients} concurrent clients", f"{done[200] / seconds:.0f} per second"))
    progress(rows[-1][0])

    pairs = demo.free_starts(bookings)
    requests = [demo.hold_request(record, start) for record, start in pairs]
    outcome: Counter[int] = Counter()
    lock = threading.Lock()
    started = time.perf_counter()

    def holds(n: int) -> None:
        for path, body, headers in requests[n::clients]:
            status, _ = call(url + path, "POST", body, headers)
            with lock:
                outcome[status] += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(holds, range(clients)))
    elapsed = time.perf_counter() - started
    rows.append(
        (
            f"holds on distinct slots, {clients} concurrent clients",
            f"{outcome[201] / elapsed:.0f} per second ({dict(outcome)})",
        )
    )

    progress(rows[-1][0])
    record, start = demo.free_starts(1)[0]
    attempts = [demo.hold_request(record, start) for _ in range(64)]
    barrier = threading.Barrier(64)

    def contend(item: tuple[str, dict[str, Any], dict[str, str]]) -> int:
        barrier.wait()
        return call(url + item[0], "POST", item[1], item[2])[0]

    ms, statuses = timed(lambda: list(ThreadPoolExecutor(64).map(contend, attempts)))
    rows.append(("64 simultaneous holds of one slot", f"{dict(Counter(statuses))} in {ms:.0f} ms"))
    return rows


def requests_per_operation(endpoint: str) -> list[tuple[str, str]]:
    """Count the store's DynamoDB requests for each operation, in-process against the same endpoint."""
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    from chalicelib.booking.schemas import HoldRequest, SlotsQuery
    from chalicelib.booking.service import Bookings, Caller
    from chalicelib.core.schemas import MoveRequest
    from chalicelib.core.store import Store, make_table

    class Keep:
        """Mailer stand-in that keeps the code (the count is of DynamoDB requests)."""

        code = ""

        def send_code(self, to: str, code: str, notice: Any) -> bool:
            Keep.code = code
            return True

        def __getattr__(self, name: str) -> Callable[..., bool]:
            return lambda *args, **kwargs: True

    store = Store(make_table(TABLE))
    keep = Keep()
    bookings = Bookings(store, lambda: keep, site_url="http://127.0.0.1")  # type: ignore[arg-type,return-value]
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(PRACTITIONERS.glob("*.json"))]
    record = next(r for r in records if r["online_booking"] and r["booking_rules"]["buffer_minutes"] == 0)
    reason = next(v for v in record["visit_reasons"] if v["online"] and v["existing_patients"])
    rows = []

    def count(label: str, action: Callable[[], Any]) -> Any:
        before = store.requests
        result = action()
        rows.append((label, str(store.requests - before)))
        return result

    day = datetime.now(MONACO).date() + timedelta(days=3)
    for days in (1, 7, 31):
        query = SlotsQuery.model_validate({"reason": reason["id"], "from": day, "days": days})
        free = count(f"slot lookup, {days} days", lambda q=query: bookings.slots(record["id"], q))
    ids = [r["id"] for r in records if r["online_booking"]][:50]
    count("next-available, 50 professionals", lambda: bookings.next_available(ids))
    hold = HoldRequest.model_validate(
        {
            "practitioner": record["id"],
            "site": record["sites"][0]["id"],
            "reason": reason["id"],
            "start": free.slots[0].start.isoformat(),
            "patient": {
                "given_name": "A",
                "family_name": "B",
                "email": f"count-{time.time_ns()}@example.org",
                "kind": "existing",
            },
        }
    )
    caller = Caller("bench-count")  # its own address: the portal runs above spent 127.0.0.1's default limits
    held, _ = count("hold", lambda: bookings.hold(hold, f"count-{time.time_ns()}", caller))
    units = (held.end - held.start) // timedelta(minutes=5)
    confirmed = count("confirm", lambda: bookings.confirm(held.id, Keep.code, caller))
    count("show", lambda: bookings.show(held.id, confirmed.manage_token))
    move = MoveRequest(start=free.slots[3].start.isoformat())
    count("move", lambda: bookings.move(held.id, confirmed.manage_token, move))
    count("cancel", lambda: bookings.cancel(held.id, confirmed.manage_token))
    rows.append(
        ("(a hold, confirm, move or cancel is one transaction of 3 items + one per 5-minute unit)", f"{units} units")
    )
    return rows


def transaction_cost(endpoint: str, sizes: tuple[int, ...] = (0, 1000, 4000)) -> list[tuple[str, str]]:
    """Median time of a 7-item TransactWriteItems on the local endpoint, against the number of items in its table."""
    from local.tables import create_table

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_table(client, "bench-scratch")
    table = boto3.resource("dynamodb", endpoint_url=endpoint).Table("bench-scratch")
    rows, stored = [], 0
    for size in sizes:
        with table.batch_writer() as batch:
            while stored < size:
                batch.put_item(Item={"PK": f"P#{stored}", "SK": "S", "text": "x" * 50, "n": stored})
                stored += 1
        samples = []
        for attempt in range(9):
            puts = [
                {
                    "Put": {
                        "TableName": "bench-scratch",
                        "Item": {"PK": {"S": f"T{size}-{attempt}-{i}"}, "SK": {"S": "S"}},
                    }
                }
                for i in range(7)
            ]
            ms, _ = timed(lambda p=puts: client.transact_write_items(TransactItems=p))
            samples.append(ms)
        rows.append(
            (
                f"local endpoint: one 7-item transaction, table of {size} items",
                f"median {statistics.median(samples):.0f} ms",
            )
        )
    client.delete_table(TableName="bench-scratch")
    return rows


def item_count(endpoint: str) -> int:
    client = boto3.client("dynamodb", endpoint_url=endpoint)
    return int(client.describe_table(TableName=TABLE)["Table"]["ItemCount"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=40, help="holds timed one by one, and again concurrently")
    parser.add_argument("--workers", type=int, default=4, help="API worker processes (./portal run uses 4)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for the throughput runs")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    with portal(args.workers) as (url, endpoint):
        started = time.perf_counter()
        count = seed_profiles(boto3.resource("dynamodb", endpoint_url=endpoint).Table(TABLE))
        print(f"seeded {count} profiles in {time.perf_counter() - started:.1f} s", flush=True)
        demo = Demo(url)
        with ThreadPoolExecutor(args.workers * 2) as pool:  # warm every worker's imports (a Lambda cold start)
            list(pool.map(lambda r: call(url + demo.slots_path(r, 7)), demo.records[: args.workers * 2]))
        rows = transaction_cost(endpoint)
        rows.append(("table size before the booking runs", f"{item_count(endpoint)} items"))
        rows += latency(url, endpoint, demo, args.lookups, args.bookings)
        rows += requests_per_operation(endpoint)
        rows.append(("table size before the throughput runs", f"{item_count(endpoint)} items"))
        rows += throughput(url, demo, args.seconds, args.clients, args.bookings)
        rows.append(("table size at the end", f"{item_count(endpoint)} items"))
        ms, _ = timed(lambda: urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=300).read())
        rows.append(("local endpoint: moto's whole model listing (/moto-api/data.json) at the end", f"{ms:.0f} ms"))
    print(f"\n{datetime.now(UTC):%Y-%m-%d}, {args.workers} API workers, {args.clients} concurrent clients\n")
    print("| measure | result |\n| --- | --- |")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
