"""How long does finding who nearby accepts new patients take at build time (plugins/directory/nearest.py)?

Synthetic professionals (seeded): 20 specialties, one site each (one in ten has two), a fifth not accepting new
patients, spread either over a dense territory (3 x 3 km, Monaco's scale) or a region (200 x 200 km). For each size
and spread it times ``nearest_accepting`` (the median of ``--repeat`` runs) and, at the smallest size, checks the
result against looking at everyone up to 10,000.

    .venv/bin/python bench/nearest.py [--sizes 1000 10000 100000] [--repeat 3]

Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.directory.nearest import METRES_PER_DEGREE, nearest_accepting
from plugins.directory.records import Summary

CENTRE = (43.7384, 7.4246)
SPREADS = {"territory, 3 x 3 km": 3_000, "region, 200 x 200 km": 200_000}


def professionals(count: int, side: float, seed: int = 2026) -> list[Summary]:
    rng = random.Random(seed)
    squeeze = math.cos(math.radians(CENTRE[0])) * METRES_PER_DEGREE

    def point() -> tuple[float, float]:
        north, east = rng.uniform(-side / 2, side / 2), rng.uniform(-side / 2, side / 2)
        return CENTRE[0] + north / METRES_PER_DEGREE, CENTRE[1] + east / squeeze

    return [
        Summary(
            *(f"pr-{i:06d}", "Ana", f"Name{i}", "physician", (f"s{rng.randrange(20)}",), ("p",), (), ("fr",)),
            *("dr", rng.random() >= 0.2, tuple(point() for _ in range(2 if rng.random() < 0.1 else 1))),
        )
        for i in range(count)
    ]


def flat(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres from ``a`` to ``b`` on the flat map around ``a`` (what nearest.py measures)."""
    squeeze = math.cos(math.radians(a[0])) * METRES_PER_DEGREE
    return math.hypot((b[0] - a[0]) * METRES_PER_DEGREE, (b[1] - a[1]) * squeeze)


def everyone_checked(summaries: list[Summary], found: dict[int, list[tuple[int, int]]]) -> bool:
    """The sweep names whom comparing each professional with all the others names, in the same order."""
    for i, s in enumerate(summaries):
        if s.accepting_new_patients:
            continue
        distances = sorted(
            (min(flat(a, b) for a in s.positions for b in o.positions), j)
            for j, o in enumerate(summaries)
            if o.accepting_new_patients and o.specialties[0] == s.specialties[0]
        )[:3]
        if [j for _, j in distances] != [j for j, _ in found.get(i, [])]:
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"<!-- {machine}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} -->")
    print("| professionals | spread | not accepting | median | max | same as looking at everyone |")
    print("| --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        for spread, side in SPREADS.items():
            summaries = professionals(size, side)
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                found = nearest_accepting(summaries)
                times.append(time.perf_counter() - began)
            checked = ("yes" if everyone_checked(summaries, found) else "NO") if size <= 10_000 else "-"
            print(
                f"| {size:,} | {spread} | {len(found):,} | {statistics.median(times):.3f} s | {max(times):.3f} s "
                f"| {checked} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
