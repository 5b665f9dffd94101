"""Upload the built site to its bucket and invalidate CloudFront's cache.

Only files whose content changed are uploaded (S3's ETag of a single-part upload is the MD5 of the content),
files gone from the build are deleted (but for the slot feed's, which its function writes: ``WRITTEN_BY_FUNCTIONS``),
and each file carries its Content-Type and Cache-Control: a year and ``immutable`` for assets whose name carries a
content hash (plugins/assets/ names the theme's files so), and for everything else (HTML above all) revalidation by
the browser on each use (S3's ETag answers ``304 Not Modified`` when nothing changed) while CloudFront keeps its
copy five minutes (``s-maxage``). A deploy shows at once after the invalidation, assets are fetched once, and a
page costs a round trip and no download while it is unchanged. The local portal (local/static.py) sends the same
headers.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate, s-maxage=300"
# A content hash in the name: "app.3f2a9c1b.css", Pagefind's "en_3f1e2a9.pf_fragment". Pages and data files
# (HTML, XML, JSON, CSV, text) keep their names from build to build and are never treated as hashed.
HASHED_NAME = re.compile(r"[._-][0-9a-f]{7,}\.[A-Za-z0-9_]+$")
NEVER_IMMUTABLE = {".html", ".xml", ".json", ".csv", ".txt", ".webmanifest", ".ndjson"}
# Keys the slot feed's scheduled function writes into the same bucket (functions/chalicelib/slotfeed/files.py): no
# build has them, and a deploy must not delete them.
WRITTEN_BY_FUNCTIONS = ("fhir/$bulk-publish", "fhir/scheduling/")
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
EXTRA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".ics": "text/calendar",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".ndjson": "application/fhir+ndjson",  # the FHIR directory's files (FHIR Bulk Data's type)
}


def cache_control(key: str) -> str:
    """The Cache-Control of the file at ``key`` (its path under the site root)."""
    path = Path(key)
    if path.suffix.lower() not in NEVER_IMMUTABLE and HASHED_NAME.search(path.name):
        return IMMUTABLE
    return REVALIDATE


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    kind = EXTRA_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
    if kind.startswith(TEXT_TYPES):
        kind += "; charset=utf-8"
    return kind


def site_files(site: Path) -> dict[str, Path]:
    """Every file of the built site by its bucket key (the URL path without the leading slash)."""
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def _bucket_etags(s3: Any, bucket: str) -> Iterator[tuple[str, str]]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            yield item["Key"], item["ETag"].strip('"')


@dataclass(frozen=True)
class PublishReport:
    uploaded: int
    unchanged: int
    deleted: int
    invalidation_id: str | None


def publish_site(s3: Any, cloudfront: Any, site: Path, bucket: str, distribution_id: str) -> PublishReport:
    """Make ``bucket`` hold exactly ``site``, then invalidate every path of ``distribution_id``."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site} has no index.html: build the site first")
    local = site_files(site)
    remote = dict(_bucket_etags(s3, bucket))
    changed = [key for key, path in local.items() if remote.get(key) != _md5(path)]

    def upload(key: str) -> None:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=local[key].read_bytes(),
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(upload, changed))
    stale = sorted(key for key in set(remote) - set(local) if not key.startswith(WRITTEN_BY_FUNCTIONS))
    for start in range(0, len(stale), 1000):
        batch = [{"Key": key} for key in stale[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    invalidation_id = None
    if changed or stale:
        answer = cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time_ns())},
        )
        invalidation_id = answer["Invalidation"]["Id"]
    return PublishReport(
        uploaded=len(changed), unchanged=len(local) - len(changed), deleted=len(stale), invalidation_id=invalidation_id
    )
