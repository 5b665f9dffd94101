"""How the directory's files are written: pages rendered from ``PageJob``s (``render_pages``, ``PageFiles``), and
large files rebuilt from pieces of their previous version (``Splice``, used by the open data).

At 200,000 pages and 212 MB of open data, the system calls matter more than Python: each page is one folder made
once and one ``open``/``write``/``close``; an unchanged run of bytes of a large file is copied by the kernel.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment


@dataclass
class PageJob:
    """One page to write: where, with which template and values, and what it depends on."""

    save_as: str
    template: str
    values: dict[str, Any] | Callable[[], dict[str, Any]]  # or how to compute them (when rendered or listed)
    fingerprint: str = ""  # empty: the site's (set by the generator), or none for a professional's page
    more: Callable[[], dict[str, Any]] | None = None  # values computed only if the page is rendered
    language: str = ""  # when ``values`` is computed later

    def context(self) -> dict[str, Any]:
        """The page's values (computed on first use)."""
        if callable(self.values):
            self.values = self.values()
        return self.values

    @property
    def lang(self) -> str:
        return self.language or str(self.context()["lang"])


def render_pages(
    jobs: Iterable[PageJob], envs: Mapping[str, Environment], context: dict[str, Any], output: Path
) -> None:
    """Render ``jobs`` with the template environment of each one's language, ``context`` added to their values."""
    templates: dict[tuple[str, str], Any] = {}
    pages = PageFiles(output)
    for job in jobs:
        key = (job.lang, job.template)
        template = templates.get(key)
        if template is None:
            template = templates[key] = envs[job.lang].get_template(f"{job.template}.html")
        values = {**context, **job.context(), **job.more()} if job.more else {**context, **job.context()}
        pages.write(job.save_as, template.render(values))


class PageFiles:
    """Writes rendered pages under the output folder: a folder and an ``index.html`` per page, in as few system
    calls as the file system allows (Pelican's writer, made for a few hundred pages, stats and checks each path
    several times; at 200,000 pages that was a sixth of the build)."""

    def __init__(self, output: Path) -> None:
        self.output = str(output)
        self.folders: set[str] = set()

    def write(self, save_as: str, html: str) -> None:
        path = f"{self.output}/{save_as}"
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(descriptor, html.encode())
        finally:
            os.close(descriptor)


class Splice:
    """A file made of pieces: new bytes, or byte ranges of the file's previous version, copied by the kernel
    (``os.copy_file_range``) without passing through Python. The open data of 100,000 professionals is 212 MB;
    a rebuild after one change copies two ranges and writes one record."""

    def __init__(self, head: bytes, separator: bytes, tail: bytes) -> None:
        self.head, self.separator, self.tail = head, separator, tail
        self.pieces: list[bytes | tuple[int, int]] = []
        self.size = len(head)  # of the new file so far, tail excluded

    def _next(self, length: int) -> tuple[int, int]:
        start = self.size + (len(self.separator) if self.pieces else 0)
        self.size = start + length
        return start, self.size

    def add(self, data: bytes) -> tuple[int, int]:
        """Append new bytes; returns where they are in the new file."""
        where = self._next(len(data))
        if self.pieces:
            self.pieces.append(self.separator)
        self.pieces.append(data)
        return where

    def copy(self, start: int, end: int) -> tuple[int, int]:
        """Append bytes ``start:end`` of the previous version; returns where they are in the new file."""
        where = self._next(end - start)
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, tuple) and last[1] + len(self.separator) == start:
            self.pieces[-1] = (last[0], end)  # contiguous in the old file, separator included: one range
        else:
            if self.pieces:
                self.pieces.append(self.separator)
            self.pieces.append((start, end))
        return where

    def write(self, path: Path) -> None:
        """Write the new version beside ``path`` (reading ranges from ``path``), then put it in its place."""
        temporary = path.with_name(path.name + ".new")
        old = open(path, "rb") if any(isinstance(piece, tuple) for piece in self.pieces) else None
        try:
            with open(temporary, "wb") as new:
                new.write(self.head)
                for piece in self.pieces:
                    if isinstance(piece, bytes):
                        new.write(piece)
                        continue
                    assert old is not None
                    new.flush()
                    copy_range(old.fileno(), new.fileno(), *piece)
                new.write(self.tail)
        finally:
            if old is not None:
                old.close()
        temporary.replace(path)


def copy_range(source: int, destination: int, start: int, end: int) -> None:
    """Copy bytes ``start:end`` of ``source`` to the current position of ``destination``."""
    position = start
    while position < end:
        try:
            done = os.copy_file_range(source, destination, end - position, position)
        except OSError:  # a file system without copy_file_range: through memory
            done = os.write(destination, os.pread(source, min(end - position, 1 << 24), position))
        if done == 0:
            raise OSError(f"the previous open data file ended at byte {position}, before {end}")
        position += done
