"""Lighthouse CI on one page of each kind, in both languages, with the phone (default) and desktop presets, against
the local portal with the demo data (the site, the API and the local AWS endpoint, as ``./portal run`` serves them).

The thresholds are lighthouserc.json's: accessibility and best practices 100 everywhere, SEO 100 on the pages
meant for search engines (not the manage page nor the professional area, which are noindex), performance at least
95, Cumulative Layout Shift under 0.02. @lhci/cli is pinned in package.json and installed by ``make test`` with
``npm ci``; it drives Debian's Chromium (lighthouserc.json's chromePath), nothing is downloaded. The two presets run
side by side (one Chromium each, the machine has two cores); every report stays in bench/out/lighthouse/ and the
scores are summed up in scores.json there (docs/performance.md keeps them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.portal import Portal
from tests.site.sitebuild import ROOT

LHCI = ROOT / "node_modules" / ".bin" / "lhci"
CONFIG = ROOT / "lighthouserc.json"
REPORTS = ROOT / "bench" / "out" / "lighthouse"
PAGES = {
    "home": "/{lang}/",
    "professional": "/{lang}/professionals/pr-000001/",
    "specialty list": "/{lang}/specialties/general-practice/",
    "search": "/{lang}/search/?q=cardio",
    "article": "/{lang}/articles/hypertension/",
    "establishment": "/{lang}/establishments/hopital-de-la-principaute/",
    "manage appointment": "/{lang}/appointment/",
    "back-office sign-in": "/{lang}/pro/",
}
PRESETS = {"mobile": {}, "desktop": {"preset": "desktop"}}  # Lighthouse's default is the phone
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# 32 Lighthouse runs: about 5 minutes on an idle 2-core machine, much more under load
pytestmark = pytest.mark.timeout(1800)


def summary(folder: Path) -> list[dict[str, Any]]:
    """Scores and the layout shift of every report in ``folder``."""
    rows = []
    for path in sorted(folder.glob(".lighthouseci/lhr-*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        rows.append(
            {
                "url": report["finalDisplayedUrl"],
                **{name: report["categories"][name]["score"] for name in CATEGORIES},
                "cls": round(report["audits"]["cumulative-layout-shift"]["numericValue"], 4),
                "lcp_ms": round(report["audits"]["largest-contentful-paint"]["numericValue"]),
                "tbt_ms": round(report["audits"]["total-blocking-time"]["numericValue"]),
            }
        )
    return rows


@pytest.fixture(scope="module")
def lighthouse(portal: Portal) -> dict[str, dict[str, Any]]:
    """Both presets collected (side by side) and asserted; per preset: the assertion's exit status and output."""
    assert LHCI.exists(), "@lhci/cli is missing: run `make web-tools` (npm ci), which `make test` does"
    urls = [f"--url={portal.url}{path.format(lang=lang)}" for path in PAGES.values() for lang in ("fr", "en")]
    shutil.rmtree(REPORTS, ignore_errors=True)
    started, runs = time.monotonic(), {}
    for preset, settings in PRESETS.items():
        folder = REPORTS / preset
        folder.mkdir(parents=True)
        # the preset goes into a copy of lighthouserc.json: a setting given on the command line would replace the
        # file's whole settings object (the Chromium flags with it)
        config = json.loads(CONFIG.read_text(encoding="utf-8"))
        config["ci"]["collect"]["settings"].update(settings)
        (folder / "lighthouserc.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        command = [str(LHCI), "collect", f"--config={folder / 'lighthouserc.json'}", *urls]
        log = (folder / "collect.log").open("w")
        runs[preset] = (folder, log, subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT))
    results = {}
    for preset, (folder, log, process) in runs.items():
        collected = process.wait(timeout=1200)
        log.close()
        asserted = subprocess.run(
            [str(LHCI), "assert", f"--config={folder / 'lighthouserc.json'}"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        rows = summary(folder)
        results[preset] = {
            "collected": collected,
            "log": (folder / "collect.log").read_text(encoding="utf-8")[-3000:],
            "status": asserted.returncode,
            "output": asserted.stdout + asserted.stderr,
            "scores": rows,
        }
    elapsed = round(time.monotonic() - started)
    scores = {preset: {"scores": r["scores"], "seconds": elapsed} for preset, r in results.items()}
    (REPORTS / "scores.json").write_text(json.dumps(scores, indent=1), encoding="utf-8")
    return results


@pytest.mark.slow
@pytest.mark.parametrize("preset", list(PRESETS))
def test_lighthouse_thresholds_hold_on_every_kind_of_page(lighthouse: dict[str, dict[str, Any]], preset: str) -> None:
    result = lighthouse[preset]
    assert result["collected"] == 0, result["log"]
    assert len(result["scores"]) == 2 * len(PAGES), result["log"]
    assert result["status"] == 0, result["output"][-6000:]
