"""Every page of the demo site is valid HTML for the W3C's Nu HTML Checker (vnu.jar, pinned in package.json and
installed by ``make test`` with ``npm ci``; run with Debian's Java, which ``./portal test`` installs if missing)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.site.sitebuild import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_built_page_is_valid_html(site: Path) -> None:
    assert VNU.exists(), "vnu-jar is missing: run `make web-tools` (npm ci), which `make test` does"
    java = shutil.which("java")
    assert java, "Java is missing: `./portal test` installs default-jre-headless"
    pages = list(site.rglob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json", str(site)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{m['url'].split(str(site), 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert len(pages) > 900
    assert errors == [], f"{len(errors)} errors, e.g.:\n" + "\n".join(errors[:20])
    assert result.returncode == 0, result.stderr[-2000:]
