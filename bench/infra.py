"""How long the offline infrastructure checks take: synthesis per stage, cfn-lint, checkov; and the site upload's
planning (hashing every built file to find what changed) for a large site.

    .venv/bin/python bench/infra.py [--repeat 3] [--files 20000]

Prints a Markdown table for docs/performance.md. Needs .venv-checkov (make checkov-venv). Talks to no AWS.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.check import run_cfn_lint, run_checkov  # noqa: E402
from infra.publish import _md5, site_files  # noqa: E402
from infra.stages import load_stage, stage_names  # noqa: E402
from infra.synth import synthesise  # noqa: E402


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return runs


def fake_site(root: Path, count: int) -> None:
    """``count`` pages of about 12 KB in folders of 100, like the directory's profile pages."""
    body = "<!doctype html>" + "x" * 12_000
    for index in range(count):
        page = root / "fr" / f"p{index // 100:04d}" / f"pro-{index:06d}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(body + str(index), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "build"
        for name in stage_names():
            runs = timed(lambda name=name: synthesise(load_stage(name), out), args.repeat)
            rows.append((f"synthesise stage {name} (chalice package + completion)", runs))
        templates = sorted(out.rglob("*.json"))
        templates = [p for p in templates if p.name in {"portal.json", "edge.json", "bootstrap.json"}]
        rows.append((f"cfn-lint, {len(templates)} templates", timed(lambda: run_cfn_lint(templates), args.repeat)))
        rows.append(("checkov, every template", timed(lambda: run_checkov(out), args.repeat)))
        site = Path(work) / "site"
        fake_site(site, args.files)
        plan = timed(lambda: [_md5(p) for p in site_files(site).values()], args.repeat)
        rows.append((f"upload planning: list and hash {args.files:,} built pages", plan))
    print("| step | median | min | max |")
    print("| --- | --- | --- | --- |")
    for label, runs in rows:
        print(f"| {label} | {statistics.median(runs):.2f} s | {min(runs):.2f} s | {max(runs):.2f} s |")


if __name__ == "__main__":
    main()
