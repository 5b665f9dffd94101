"""Lighthouse CI on one page of each kind, in two languages with the phone preset (Lighthouse's default) and in
French with the desktop preset, against the local portal with the demo data (the site, the API and the local AWS
endpoint, as ``./portal run`` serves them).

The thresholds are lighthouserc.json's: accessibility and best practices 100 everywhere, SEO 100 on the pages
meant for search engines (not the manage page nor the professional area, which are noindex), performance at least
95, Cumulative Layout Shift under 0.02. @lhci/cli is pinned in package.json and installed by ``make test`` with
``npm ci``; it drives Debian's Chromium (lighthouserc.json's chromePath), nothing is downloaded. The two presets run
side by side (one Chromium each, the machine has two cores); every report stays in bench/out/lighthouse/ and the
scores are summed up in scores.json there (docs/performance.md keeps them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
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
# The languages each preset runs in: every kind of page in French and English on the phone, where Lighthouse slows
# the processor four times and most is at stake, and in French on the desktop (the same markup and scripts, a wider
# layout). Two processes side by side: the test command has 20 minutes in CI for everything.
LANGUAGES = {"mobile": ("fr", "en"), "desktop": ("fr",)}
# Pages whose scripts work as they load are given several runs of a preset (RUNS above 1), Lighthouse CI asserting
# on their median run: the search page runs Pagefind as it opens, and on two shared cores one phone run of it has
# measured 308 ms of blocking time where the next took none (0.93 against the 0.95 threshold, the page unchanged).
# 28 runs in all.
REPEATED = ("search",)
RUNS = {"mobile": 3, "desktop": 1}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# 28 Lighthouse runs: about 4 minutes on an idle 2-core machine, much more under load
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


def warm(urls: list[str]) -> None:
    """Ask once for each page and the theme files it links, compressed: the portal then answers from its caches of
    compressed files, as CloudFront answers from its cache (Lighthouse counts the server's response time)."""
    for url in urls:
        origin = re.match(r"https?://[^/]+", url)
        assert origin
        request = urllib.request.Request(url, headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8")
        for path in set(re.findall(r'(?:href|src)="(/theme/[^"]+)"', page)):
            asset = urllib.request.Request(origin.group(0) + path, headers={"Accept-Encoding": "br"})
            with urllib.request.urlopen(asset, timeout=30) as response:
                response.read()


@pytest.fixture(scope="module")
def lighthouse(portal: Portal) -> dict[str, dict[str, Any]]:
    """Both presets collected (side by side) and asserted; per preset: the assertion's exit status and output."""
    assert LHCI.exists(), "@lhci/cli is missing: run `make web-tools` (npm ci), which `make test` does"

    def urls(kinds: list[str], languages: tuple[str, ...] = ("fr", "en")) -> list[str]:
        return [f"{portal.url}{PAGES[kind].format(lang=lang)}" for kind in kinds for lang in languages]

    warm(urls(list(PAGES)))
    shutil.rmtree(REPORTS, ignore_errors=True)
    started = time.monotonic()

    def run(preset: str) -> dict[str, Any]:
        folder = REPORTS / preset
        folder.mkdir(parents=True)
        # the preset goes into a copy of lighthouserc.json: a setting given on the command line would replace the
        # file's whole settings object (the Chromium flags with it)
        config = json.loads(CONFIG.read_text(encoding="utf-8"))
        config["ci"]["collect"]["settings"].update(PRESETS[preset])
        config_file = folder / "lighthouserc.json"
        config_file.write_text(json.dumps(config, indent=1), encoding="utf-8")
        repeated = list(REPEATED) if RUNS[preset] > 1 else []
        languages = LANGUAGES[preset]
        groups = [
            (urls(repeated, languages), RUNS[preset]),
            (urls([k for k in PAGES if k not in repeated], languages), 1),
        ]
        collected = 0
        with (folder / "collect.log").open("w") as log:
            for number, (group, runs) in enumerate(g for g in groups if g[0]):
                command = [str(LHCI), "collect", f"--config={config_file}", f"--numberOfRuns={runs}"]
                command += ["--additive"] * bool(number) + [f"--url={url}" for url in group]
                collected = subprocess.run(
                    command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, check=False
                ).returncode
                if collected:
                    break
        asserted = subprocess.run(
            [str(LHCI), "assert", f"--config={config_file}"], cwd=folder, capture_output=True, text=True, check=False
        )
        return {
            "collected": collected,
            "log": (folder / "collect.log").read_text(encoding="utf-8")[-3000:],
            "status": asserted.returncode,
            "output": asserted.stdout + asserted.stderr,
            "scores": summary(folder),
        }

    with ThreadPoolExecutor(max_workers=len(PRESETS)) as pool:
        results = dict(zip(PRESETS, pool.map(run, PRESETS), strict=True))
    elapsed = round(time.monotonic() - started)
    scores = {preset: {"scores": r["scores"], "seconds": elapsed} for preset, r in results.items()}
    (REPORTS / "scores.json").write_text(json.dumps(scores, indent=1), encoding="utf-8")
    return results


@pytest.mark.slow
@pytest.mark.parametrize("preset", list(PRESETS))
def test_lighthouse_thresholds_hold_on_every_kind_of_page(lighthouse: dict[str, dict[str, Any]], preset: str) -> None:
    result = lighthouse[preset]
    assert result["collected"] == 0, result["log"]
    languages = len(LANGUAGES[preset])
    runs = languages * len(PAGES) + languages * len(REPEATED) * (RUNS[preset] - 1)
    assert len(result["scores"]) == runs, result["log"]
    assert result["status"] == 0, result["output"][-6000:]
