"""The booking widget in the patient's browser: what it downloads and how long the patient waits, in Debian's headless
Chromium against the local portal (the demo site built once, API worker processes, the serialised moto endpoint).

    .venv/bin/python bench/booking_widget.py [--runs 15]

1. Weight: the widget's scripts and stylesheet, and the HTML the booking area adds to a professional's page (the
   widget's <template> and its texts), raw and gzipped (what a CDN sends).
2. Waits, each run in a new browser context with the HTTP cache off: a professional's page loaded until "first
   available" is shown; "existing patient" chosen until the week of free times is shown; a 59-card list until every
   card's first free time is written (two next-available calls, 50 + 9 ids).
3. Memory: the page's JavaScript heap once the week of free times is shown (Chromium's Performance.getMetrics).

Results go to bench/out/booking_widget.json and are printed as a Markdown table for docs/performance.md. Times are
the local portal's: moto serialises every DynamoDB call, so API answers are slower than on AWS.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "functions")]
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"})
os.environ.pop("AWS_ENDPOINT_URL", None)

from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.journey import practitioner  # noqa: E402
from tests.e2e.portal import running_portal  # noqa: E402
from tests.site.sitebuild import build  # noqa: E402

OUT = ROOT / "bench" / "out"
ASSETS = [
    "js/api-core.js",
    "js/patient-core.js",
    "js/booking-core.js",
    "js/booking.js",
    "js/manage.js",
    "js/first-available.js",
    "css/booking.css",
]
LIST = "fr/places/moneghetti/"


def hashed_file(site: Path, name: str) -> Path:
    stem, _, suffix = name.rpartition(".")
    (path,) = (site / "theme").glob(f"{stem}.*.{suffix}")
    return path


def sizes(data: bytes) -> dict[str, int]:
    return {"raw": len(data), "gzip": len(gzip.compress(data, 9))}


def weight(site: Path, pid: str) -> dict[str, Any]:
    # under their hashed names (plugins/assets/): css/booking.css is theme/css/booking.<hash>.css
    assets = {name: sizes(hashed_file(site, name).read_bytes()) for name in ASSETS}
    page = (site / "fr" / "professionals" / pid / "index.html").read_bytes()
    added = b"".join(re.findall(rb"<template data-booking-(?:template|messages).*?</template>", page, re.DOTALL))
    return {"assets": assets, "page": sizes(page), "booking_templates": sizes(added)}


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p90": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def measure(url: str, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    first, week, lists, heap = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Performance.enable")
                p = practitioner(20 + run % 40)
                started = time.perf_counter()
                page.goto(f"{url}/fr/professionals/{p['id']}/", wait_until="commit")
                page.locator("[data-first]").wait_for()
                first.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                page.locator("#bw-kind-existing").check()
                page.locator("[data-days] .slot").first.wait_for()
                page.locator("[data-slot-picker][aria-busy]").first.wait_for(state="detached")
                week.append((time.perf_counter() - started) * 1000)
                metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                heap.append(metrics["JSHeapUsedSize"] / 1024 / 1024)
                started = time.perf_counter()
                page.goto(f"{url}/{LIST}", wait_until="commit")
                cards = page.locator("ul.cards > li[data-practitioner]")
                cards.first.wait_for()
                page.wait_for_function(
                    "() => document.querySelectorAll('.first-available:not(:empty)').length > 0"
                    " && performance.getEntriesByType('resource')"
                    ".filter(e => e.name.includes('/next-available')).length === 2"
                    " && performance.getEntriesByType('resource')"
                    ".filter(e => e.name.includes('/next-available')).every(e => e.responseEnd > 0)"
                )
                lists.append((time.perf_counter() - started) * 1000)
                context.close()
        finally:
            browser.close()
    return {
        "first_available_ms": summary(first),
        "week_of_free_times_ms": summary(week),
        "list_first_available_ms": summary(lists),
        "js_heap_mib": summary(heap),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "output"
        result = build(site)
        if result.returncode != 0:
            sys.exit(result.stdout + result.stderr)
        pid = practitioner(20)["id"]
        report: dict[str, Any] = {
            "date": datetime.now(UTC).date().isoformat(),
            "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
            "load_average": os.getloadavg()[0],
            "runs": args.runs,
            "weight": weight(site, pid),
        }
        with running_portal(site, Path(folder)) as portal:
            report.update(measure(portal.url, args.runs))
    OUT.mkdir(exist_ok=True)
    (OUT / "booking_widget.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    print("\n| measure | median | p90 | max |\n| --- | --- | --- | --- |")
    for key in ("first_available_ms", "week_of_free_times_ms", "list_first_available_ms", "js_heap_mib"):
        row = report[key]
        print(f"| {key} | {row['median']} | {row['p90']} | {row['max']} |")
    print("\n| file | raw bytes | gzip bytes |\n| --- | --- | --- |")
    for name, size in report["weight"]["assets"].items():
        print(f"| {name} | {size['raw']} | {size['gzip']} |")
    for name in ("booking_templates", "page"):
        size = report["weight"][name]
        print(f"| {name} | {size['raw']} | {size['gzip']} |")


if __name__ == "__main__":
    main()
