"""Start the local portal in its own process, for tests and benchmarks, and know its URLs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningPortal:
    """A portal process, its URL, its local AWS endpoint and every console line printed after it was ready."""

    process: subprocess.Popen[str]
    url: str
    endpoint: str
    console: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def start_portal(
    site: Path,
    *,
    workers: int = 4,
    seed: bool = False,
    table: str | None = None,
    environment: dict[str, str] | None = None,
    log: TextIO | None = None,
    slot_feed_minutes: int | None = None,
) -> RunningPortal:
    """Run ``python -m local.portal`` on a free port; return once it prints that it is ready.

    The console is read all along (into ``console``, and ``log`` if given) so that its pipe never fills up: the
    portal prints every e-mail it sends. ``slot_feed_minutes`` 0 publishes the slot feed only when asked.
    """
    command = [sys.executable, "-m", "local.portal", "--site", str(site), "--port", "0", "--workers", str(workers)]
    if not seed:
        command.append("--no-seed")
    if table:
        command += ["--table", table]
    if slot_feed_minutes is not None:
        command += ["--slot-feed-minutes", str(slot_feed_minutes)]
    env = {**os.environ, **(environment or {})}
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    url = endpoint = ""
    for line in process.stdout:
        if line.startswith("Local AWS endpoint: "):
            endpoint = line.split()[3]
        if line.startswith("Portal ready: "):
            url = line.split()[2].rstrip("/")
            break
    if not (url and endpoint):
        process.kill()
        raise RuntimeError("the local portal did not print its URLs")
    portal = RunningPortal(process, url, endpoint)

    def keep_reading(stream: TextIO) -> None:
        for line in stream:
            portal.console.append(line)
            if log is not None:
                log.write(line)

    threading.Thread(target=keep_reading, args=(process.stdout,), daemon=True).start()
    return portal
