"""Compression as CloudFront does it for the portal (``Compress: true``): Brotli or gzip as the browser's
``Accept-Encoding`` allows, for text types, between 1,000 bytes and 10 MB; anything else goes as it is."""

from __future__ import annotations

import gzip
from functools import lru_cache

import brotli

MIN_SIZE, MAX_SIZE = 1_000, 10_000_000  # CloudFront compresses objects of these sizes only
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
)
ENCODINGS = ("br", "gzip")  # in order of preference, as CloudFront chooses


def accepted(header: str | None) -> set[str]:
    """The codings an ``Accept-Encoding`` header allows (``q=0`` refuses one; ``*`` allows any)."""
    allowed: set[str] = set()
    refused: set[str] = set()
    star = False
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name == "*":
            star = quality > 0
        elif name:
            (allowed if quality > 0 else refused).add(name)
    if star:
        allowed |= set(ENCODINGS) - refused
    return allowed


def choose(header: str | None, mimetype: str, size: int) -> str | None:
    """The coding of an answer of ``mimetype`` and ``size`` bytes for a request with ``header``, or None."""
    if not (MIN_SIZE <= size <= MAX_SIZE) or not mimetype.startswith(COMPRESSIBLE):
        return None
    allowed = accepted(header)
    return next((coding for coding in ENCODINGS if coding in allowed), None)


def compress(data: bytes, coding: str, dynamic: bool = False) -> bytes:
    """``data`` in ``coding``: a site file as small as it gets (each is compressed once, see compressed_file), an
    answer made per request (``dynamic``) or a large file faster."""
    fast = dynamic or len(data) > 512_000
    if coding == "br":
        return bytes(brotli.compress(data, quality=5 if fast else 11))
    return gzip.compress(data, compresslevel=6 if fast else 9, mtime=0)


@lru_cache(maxsize=256)
def compressed_file(path: str, mtime_ns: int, size: int, coding: str) -> bytes:
    """A site file compressed once per version of the file (its modification time and size are in the key)."""
    with open(path, "rb") as handle:
        return compress(handle.read(), coding)
