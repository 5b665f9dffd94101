"""How fast is slot computation? Pure Python, no I/O: the cost the API pays on top of its DynamoDB reads.

Uses the demo data files (content/directory/practitioners/*.json). For each professional it books a seeded share of
the next weeks (appointments of the professional's own reasons, at slots the module offered), then times:

* ``free_slots`` over 31 days for one reason (what ``GET /api/v1/practitioners/{id}/slots`` computes);
* ``first_free_slot`` for a batch of 50 professionals (``GET /api/v1/next-available``), and for one professional
  with no free time at all (the worst case: every day of the horizon is scanned);
* ``check_slot`` (the check before booking), ``schedule_from_record`` and ``occupied_units``;
* the peak memory of one 31-day computation (tracemalloc) and the cold import of the module.

    .venv/bin/python bench/availability.py [--booked 0.6] [--repeat 5]

Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "functions"))

from chalicelib.core.availability import check_slot, first_free_slot, free_slots, occupied_units  # noqa: E402
from chalicelib.core.schedule import Schedule, schedule_from_record  # noqa: E402

NOW = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # a Monday morning in Monaco; the window covers the spring clock change
Busy = list[tuple[datetime, datetime]]


def load() -> list[tuple[dict[str, Any], Schedule]]:
    out = []
    for path in sorted((ROOT / "content" / "directory" / "practitioners").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        out.append((record, schedule_from_record(record, record["sites"][0]["id"])))
    return out


def online_reasons(schedule: Schedule) -> list[str]:
    return [r.id for r in schedule.reasons.values() if r.online and any(r.id in o.reasons for o in schedule.openings)]


def book(schedule: Schedule, share: float, rng: random.Random) -> Busy:
    """Appointments filling about ``share`` of the free time of the next 31 days, of mixed reasons."""
    busy: Busy = []
    reasons = online_reasons(schedule)
    if not reasons:
        return busy
    for _ in range(3):  # a few passes with different reasons, as real agendas mix them
        reason = rng.choice(reasons)
        for slot in free_slots(schedule, reason, busy, NOW.date(), 31, NOW):
            if rng.random() < share / 3 and not any(slot.start < e and b < slot.end for b, e in busy):
                busy.append((slot.start, slot.end))
    return busy


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Best of ``repeat`` runs, in milliseconds (the least disturbed by other work on the machine)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        runs.append((time.perf_counter_ns() - start) / 1e6)
    return min(runs)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booked", type=float, default=0.6, help="share of the free time already booked")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    started = time.perf_counter()
    data = load()
    load_ms = (time.perf_counter() - started) * 1000
    agendas = [(record, schedule, book(schedule, args.booked, rng)) for record, schedule in data]
    agendas = [a for a in agendas if online_reasons(a[1])]
    rows: list[tuple[str, str]] = []

    per_call = []
    slot_counts = []
    for _, schedule, busy in agendas:
        reason = online_reasons(schedule)[0]
        per_call.append(
            timed(lambda s=schedule, r=reason, b=busy: free_slots(s, r, b, NOW.date(), 31, NOW), args.repeat)
        )
        slot_counts.append(len(free_slots(schedule, reason, busy, NOW.date(), 31, NOW)))
    rows.append(
        (
            "free_slots, 31 days, one reason, per professional",
            f"median {statistics.median(per_call):.2f} ms, p95 {percentile(per_call, 0.95):.2f} ms, "
            f"max {max(per_call):.2f} ms ({statistics.median(slot_counts):.0f} free slots, "
            f"{statistics.median(len(b) for _, _, b in agendas):.0f} booked, median)",
        )
    )

    all_reasons = [
        timed(lambda s=s, b=b: [free_slots(s, r, b, NOW.date(), 31, NOW) for r in online_reasons(s)], args.repeat)
        for _, s, b in agendas[:100]
    ]
    rows.append(("free_slots, 31 days, every online reason", f"median {statistics.median(all_reasons):.2f} ms"))

    batches = [agendas[i : i + 50] for i in range(0, len(agendas) - 49, 50)]
    batch_ms = [
        timed(lambda batch=batch: [first_free_slot(s, b, NOW) for _, s, b in batch], args.repeat) for batch in batches
    ]
    rows.append(
        (
            "first_free_slot, 50 professionals",
            f"median {statistics.median(batch_ms):.2f} ms, max {max(batch_ms):.2f} ms per batch of 50",
        )
    )

    # Worst case: no free time in the whole horizon, so every day is scanned for every reason.
    _, schedule, _ = max(agendas, key=lambda a: a[1].rules.horizon_days * len(online_reasons(a[1])))
    full: Busy = [(NOW - timedelta(days=1), NOW + timedelta(days=400))]
    assert first_free_slot(schedule, full, NOW) is None
    rows.append(
        (
            f"first_free_slot, fully booked ({schedule.rules.horizon_days}-day horizon, "
            f"{len(online_reasons(schedule))} reasons)",
            f"{timed(lambda: first_free_slot(schedule, full, NOW), args.repeat):.2f} ms",
        )
    )

    _, schedule, busy = agendas[0]
    reason = online_reasons(schedule)[0]
    slot = free_slots(schedule, reason, busy, NOW.date(), 31, NOW)[-1]
    rows.append(
        ("check_slot (valid slot)", f"{timed(lambda: check_slot(schedule, reason, slot.start, busy, NOW), 50):.3f} ms")
    )
    rows.append(
        (
            "occupied_units, 30 minutes + 10 buffer",
            f"{timed(lambda: occupied_units(slot.start, slot.end, 10), 50):.4f} ms",
        )
    )
    record = data[0][0]
    rows.append(
        ("schedule_from_record", f"{timed(lambda: schedule_from_record(record, record['sites'][0]['id']), 50):.3f} ms")
    )
    rows.append(("load and validate all demo files", f"{load_ms:.0f} ms for {len(data)} files"))

    tracemalloc.start()
    free_slots(schedule, reason, busy, NOW.date(), 31, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(("peak memory, one 31-day free_slots", f"{peak / 1024:.0f} KiB"))

    code = (
        "import time, sys; t = time.perf_counter(); sys.path.insert(0, 'functions'); "
        "from chalicelib.core import availability, schedule as s; t1 = time.perf_counter(); "
        "s.Schedule('Europe/Monaco', {}, ()); s.holiday_dates('MC', 2026); "
        "print((t1 - t) * 1000, (time.perf_counter() - t1) * 1000)"
    )
    cold = [
        tuple(
            map(
                float,
                subprocess.run(
                    [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
                ).stdout.split(),
            )
        )
        for _ in range(3)
    ]
    rows.append(
        ("cold import of chalicelib.core.availability and .schedule (zoneinfo)", f"{min(c[0] for c in cold):.0f} ms")
    )
    rows.append(
        ("first schedule in a fresh process (imports the holidays package)", f"{min(c[1] for c in cold):.0f} ms")
    )

    print(f"{len(agendas)} professionals with online reasons, {args.booked:.0%} of free time booked, seed {args.seed}")
    print(f"Python {platform.python_version()}, {platform.machine()}, best of {args.repeat}\n")
    print("| measure | result |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
