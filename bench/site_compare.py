"""Two versions of the site build, alternated on the same data: one-profile rebuilds and full builds, wall time and
the CPU time (user + system) of the build's processes.

On a machine shared with other work, wall times follow the load more than the code; CPU time much less, and
alternating the two versions gives both the same share of the load. Each side is a folder that
`bench/site_build.py --out <folder> --count N` left: the code it measured (``src``, the commit's snapshot), the
seeded data (``content-N``), the built site and its cache (``site-N``, ``cache-N``). For a version before the
current one, run that version's own bench from a checkout of it:

    git clone -q . /tmp/base && git -C /tmp/base checkout -q <commit>
    .venv/bin/python /tmp/base/bench/site_build.py --count 10000 --no-hugo --out /tmp/bench/before
    .venv/bin/python bench/site_build.py --count 10000 --no-hugo --out /tmp/bench/after
    .venv/bin/python bench/site_compare.py /tmp/bench/before /tmp/bench/after --rebuilds 16 --full 3

A rebuild changes a different professional's phone number each time (in each side's own copy of the data), then
builds into that side's site; a full build starts from empty output and cache folders of its own. The page cache
is left as it is (warm): this compares the code, not the disk.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PYTHON = sys.executable


def pelican(side: Path, count: int, output: Path, cache: Path) -> dict[str, float]:
    """One Pelican build of ``side``'s code and data: wall seconds, CPU seconds, load average before it."""
    source = side / "src"
    command = [
        PYTHON, "-m", "pelican", str(side / f"content-{count}"), "-s", str(source / "pelicanconf.py"),
        "-o", str(output), "-q", "-e", f'CACHE_PATH="{cache}"',
    ]  # fmt: skip
    load = os.getloadavg()[0]
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=source, check=True, capture_output=True)
    wall = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "load": round(load, 1)}


def edit_profile(side: Path, count: int, number: int) -> None:
    """Change professional ``number``'s phone number (a real edit: content and modification time change)."""
    path = side / f"content-{count}" / "directory" / "practitioners" / f"pr-{number:06d}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    digits = int(record["phone"][-2:])
    record["phone"] = record["phone"][:-2] + f"{(digits + 1) % 100:02d}"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def alternate(sides: dict[str, Path], count: int, rounds: int, full: bool) -> dict[str, list[dict[str, float]]]:
    """``rounds`` builds of each side, alternated (the order flips every round)."""
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for number in range(rounds):
        order = list(sides.items()) if number % 2 == 0 else list(reversed(sides.items()))
        for name, side in order:
            if full:
                output, cache = side / "compare-site", side / "compare-cache"
                shutil.rmtree(output, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
            else:
                edit_profile(side, count, 100 + number)
                output, cache = side / f"site-{count}", side / f"cache-{count}"
            results[name].append(pelican(side, count, output, cache))
            print(f"{'full' if full else 'rebuild'} {name} {number}: {results[name][-1]}", flush=True)
    return results


def summary(step: str, results: dict[str, list[dict[str, float]]]) -> list[str]:
    lines = []
    for name, runs in results.items():
        if not runs:
            continue
        wall, cpu, load = ([run[key] for run in runs] for key in ("wall", "cpu", "load"))
        lines.append(
            f"| {step} | {name} | {len(runs)} | {statistics.median(wall):.2f} s ({min(wall)}–{max(wall)}) "
            f"| {statistics.median(cpu):.2f} s, mean {statistics.mean(cpu):.2f} ({min(cpu)}–{max(cpu)}) "
            f"| {min(load)}–{max(load)} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("sides", type=Path, nargs=2, help="two folders made by bench/site_build.py --out")
    parser.add_argument("--count", type=int, default=10000, help="professionals (the N of content-N)")
    parser.add_argument("--rebuilds", type=int, default=16, help="one-profile rebuilds of each side")
    parser.add_argument("--full", type=int, default=0, help="full builds of each side")
    args = parser.parse_args(argv)
    sides = {path.name: path.resolve() for path in args.sides}
    results: dict[str, Any] = {"rebuild": alternate(sides, args.count, args.rebuilds, full=False)}
    if args.full:
        results["full"] = alternate(sides, args.count, args.full, full=True)
    print("| step | side | runs | wall, median (range) | CPU, median (range) | load |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for step, by_side in results.items():
        print("\n".join(summary(step, by_side)))


if __name__ == "__main__":
    main()
