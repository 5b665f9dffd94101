"""The functions' dependencies as a Lambda layer: functions/requirements.txt installed for the Lambda platform.

pip fetches the Linux wheels that match the functions' runtime and architecture (``--only-binary``: nothing is
compiled here), into ``python/`` as Lambda layers expect. This is the one step of packaging that needs the
package index; the zip is cached by the requirements' content, runtime and architecture, so a rebuild with the
same requirements is free. The zip is deterministic (sorted entries, fixed dates): same input, same bytes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


class LayerError(RuntimeError):
    """pip could not install the requirements for the Lambda platform; the message carries pip's words."""


def layer_key(requirements: Path, runtime: str, architecture: str) -> str:
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(f"{runtime}/{architecture}".encode())
    return digest.hexdigest()[:16]


def _install(requirements: Path, runtime: str, architecture: str, target: Path) -> None:
    version = runtime.removeprefix("python")  # "python3.11" -> "3.11"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(target),
        "--platform",
        PLATFORMS[architecture],
        "--implementation",
        "cp",
        "--python-version",
        version,
        "--only-binary=:all:",
        "--requirement",
        str(requirements),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LayerError(f"pip could not install {requirements} for {runtime} {architecture}:\n{result.stderr}")


def _kept(relative: Path) -> bool:
    """Byte code is left out (Lambda compiles on import) and so are console scripts (python/bin: never run)."""
    return "__pycache__" not in relative.parts and relative.parts[:2] != ("python", "bin")


def _zip(source: Path, destination: Path) -> None:
    files = sorted(p for p in source.rglob("*") if p.is_file() and _kept(p.relative_to(source)))
    partial = destination.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(str(path.relative_to(source)), date_time=FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial.replace(destination)


def build_layer(requirements: Path, runtime: str, architecture: str, cache: Path) -> Path:
    """The layer zip for ``requirements`` (``python/...`` inside), built once per content, runtime, architecture."""
    destination = cache / f"layer-{layer_key(requirements, runtime, architecture)}.zip"
    if destination.exists():
        return destination
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="layer-") as work:
        root = Path(work)
        _install(requirements, runtime, architecture, root / "python")
        _zip(root, destination)
        shutil.rmtree(root / "python", ignore_errors=True)
    return destination
