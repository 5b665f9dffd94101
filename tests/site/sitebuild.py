"""Build the site as `make site` does, into a folder of the test's choosing (for tests/site and tests/e2e)."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PELICAN = [sys.executable, "-m", "pelican"]


def build(
    output: Path,
    content: Path | None = None,
    cache: Path | None = None,
    settings: Sequence[str] = (),
    quiet: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run Pelican on ``content`` (default: the repository's demo content) into ``output``, with ``settings``
    overridden (``NAME=json value``); never raises. ``quiet`` shows errors only (``-q``), otherwise warnings too
    (as ``make site`` does)."""
    cache = cache or output.with_name(output.name + "-cache")
    command = [
        *PELICAN,
        str(content or ROOT / "content"),
        "-s",
        str(ROOT / "pelicanconf.py"),
        "-o",
        str(output),
        *(["-q"] if quiet else []),
        "-e",
        f'CACHE_PATH="{cache}"',
        *settings,
    ]
    environment = {**os.environ, "COLUMNS": "400"}  # Pelican's console wraps at the terminal's width
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False, env=environment)


def index(output: Path, content: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Build the search index of a built site (what `make site` runs after Pelican)."""
    command = [
        sys.executable,
        "-m",
        "plugins.directory.search_index",
        "--settings",
        str(ROOT / "pelicanconf.py"),
        "--content",
        str(content or ROOT / "content"),
        "--site",
        str(output),
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def copy_content(target: Path) -> Path:
    """A writable copy of the demo content (to break or change files in)."""
    shutil.copytree(ROOT / "content", target)
    return target


def differences(left: Path, right: Path) -> list[str]:
    """The files of two built sites that are not the same, byte for byte, or are in one of them only."""
    comparison = filecmp.dircmp(left, right)
    found = [f"{left}/{name}" for name in comparison.left_only + comparison.right_only + comparison.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [f"{left}/{name}" for name in mismatch + errors]
    for name in comparison.common_dirs:
        found += differences(left / name, right / name)
    return found
