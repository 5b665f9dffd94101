"""The FHIR directory's share of a site build: writing /fhir/*.ndjson from the loaded records, in full and after
one professional changed, beside the open data's JSON and CSV writing of the same records, in the same run.

    .venv/bin/python bench/fhir_directory.py --count 10000 --count 100000

For each size: the seeded demo data (scripts/make_demo_data.py, kept in bench/out/content-N as the site bench
keeps it), loaded once with the build's loader; then, each step timed on its own (wall clock, CPU time of this
process):
  1. open data: the professionals' JSON and CSV text of every record, as the open data writes them (the site build
     writes it in a process of its own beside the pages);
  2. FHIR, full build: every resource of every professional and establishment into an empty folder;
  3. FHIR, rebuild after one professional's file changed: the files spliced from the previous ones.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins.directory.fhir_output import FhirWriter  # noqa: E402
from plugins.directory.model import cache_file, load_directory  # noqa: E402

OUT = ROOT / "bench" / "out"
SETTINGS = {"SITEURL": "https://sante.example.mc", "DEFAULT_LANG": "fr", "TERRITORY_COUNTRY": "MC"}


def content(count: int) -> Path:
    folder = OUT / f"content-{count}"
    if not (folder / "directory" / "practitioners").is_dir():
        command = [sys.executable, "scripts/make_demo_data.py", "--count", str(count), "--seed", "2026"]
        subprocess.run([*command, "--out", str(folder / "directory")], cwd=ROOT, check=True, capture_output=True)
    return folder


def timed(work: Any) -> tuple[Any, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, {"seconds": round(time.perf_counter() - wall, 2), "cpu": round(time.process_time() - cpu, 2)}


def run(count: int) -> dict[str, Any]:
    folder = content(count)
    cache = OUT / f"fhir-cache-{count}"
    output = OUT / f"fhir-site-{count}"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    records = cache_file(cache, "records", folder / "directory", "pickle")
    directory, load = timed(lambda: load_directory(folder / "directory", records))
    _, open_data = timed(lambda: sum(len(p.text) + len(p.csv) for p in directory.practitioners))
    state, full = timed(lambda: FhirWriter(directory, SETTINGS, folder, output).write({}))
    size = sum(p.stat().st_size for p in (output / "fhir").iterdir())
    one = folder / "directory" / "practitioners" / f"{directory.practitioners[count // 2].summary.id}.json"
    os.utime(one)  # a new modification time: the build reads the file again, as after an edit
    again = load_directory(folder / "directory", records)
    _, rebuild = timed(lambda: FhirWriter(again, SETTINGS, folder, output).write(state))
    return {
        "count": count,
        "load_s": load["seconds"],
        "open_data_text": open_data,
        "fhir_full": full,
        "fhir_rebuild_one": rebuild,
        "fhir_mib": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append", default=[])
    args = parser.parse_args()
    results = [run(count) for count in args.count or [10000]]
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()[0]}
    print(json.dumps({"machine": machine, "results": results}, indent=2))
    print("\n| professionals | open data text | FHIR, full | FHIR, rebuild after one change | FHIR files |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        o, f, b = r["open_data_text"], r["fhir_full"], r["fhir_rebuild_one"]
        print(
            f"| {r['count']:,} | {o['seconds']} s | {f['seconds']} s (CPU {f['cpu']} s) | {b['seconds']} s "
            f"(CPU {b['cpu']} s) | {r['fhir_mib']} MiB |"
        )


if __name__ == "__main__":
    main()
