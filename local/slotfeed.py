"""The slot feed locally: the scheduled function of production, run by the portal on the same period, writing into
the local endpoint's S3 (moto, server mode), and served from there as CloudFront serves it from the site's bucket.

Why moto's S3 rather than a second writer that puts files into ``output/``: the function's code then runs exactly
as on AWS (ListObjectsV2, PutObject with Content-Type and Cache-Control, DeleteObjects), and what a client gets
here, ETags, Last-Modified and 304 answers included, is what S3 gives CloudFront.

- The bucket is ``<table>-site`` on the local endpoint (``prepare_bucket``); the function reads ``SITE_BUCKET``.
- ``FeedRunner``: the function in a process of its own (production runs it as a Lambda function of its own), one
  pass as the portal starts, then every ``PERIOD_MINUTES``; never two passes at once.
- ``FeedFiles``: ``GET``/``HEAD`` of ``/fhir/$bulk-publish`` and ``/fhir/scheduling/...`` answered from the bucket,
  with the headers S3 stores; ``If-None-Match``/``If-Modified-Since`` answered 304 by S3 itself; a query string
  (the specification's ``_since``) ignored, as CloudFront's cache policy ignores it.
- ``POST /_local/slot-feed``: a pass now, answered when it is done (tests, or whoever has just booked).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import traceback
from concurrent.futures import ProcessPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from werkzeug.wrappers import Request, Response

from local import apiworker

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
TRIGGER = "/_local/slot-feed"
PASSED_HEADERS = {"ContentType": "Content-Type", "CacheControl": "Cache-Control", "ETag": "ETag"}


def feed_paths() -> tuple[str, str]:
    """The manifest's key and the files' prefix, as the function writes them (chalicelib/slotfeed/files.py)."""
    if str(FUNCTIONS_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS_DIR))
    from chalicelib.slotfeed.files import MANIFEST, PREFIX

    return MANIFEST, PREFIX


def period_minutes() -> int:
    feed_paths()
    from chalicelib.slotfeed import PERIOD_MINUTES

    return PERIOD_MINUTES


def bucket_name(table_name: str) -> str:
    return f"{table_name}-site"


def prepare_bucket(s3: Any, name: str) -> None:
    """Create the local site bucket unless it exists (in the endpoint's region, as the stack creates its own)."""
    try:
        s3.head_bucket(Bucket=name)
    except ClientError:
        region = s3.meta.region_name
        where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=name, **where)


class FeedRunner:
    """The scheduled function, run in its own process every ``minutes`` (0: only when asked)."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        self.pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=apiworker.init_worker
        )
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def run_now(self) -> None:
        """One pass, after any pass under way (the function's reserved concurrency is 1 in production too)."""
        with self.lock:
            self.pool.submit(apiworker.publish_slot_feed).result()

    def start(self) -> None:
        if self.minutes:
            threading.Thread(target=self._every_period, daemon=True, name="slot-feed").start()

    def _every_period(self) -> None:
        while not self.stopped.is_set():
            try:
                self.run_now()
            except Exception:
                print("Slot feed: the pass failed\n" + traceback.format_exc(), flush=True)
            if self.stopped.wait(self.minutes * 60):
                return

    def stop(self) -> None:
        self.stopped.set()
        self.pool.shutdown(cancel_futures=True)


class FeedFiles:
    """The feed's files from the local bucket, and the trigger of a pass."""

    def __init__(self, endpoint_url: str, bucket: str, runner: FeedRunner | None) -> None:
        self.s3 = boto3.client("s3", endpoint_url=endpoint_url)
        self.bucket = bucket
        self.runner = runner
        self.manifest, self.prefix = feed_paths()

    def respond(self, request: Request) -> Response | None:
        """The answer for a feed path or the trigger; None for any other path."""
        if request.path == TRIGGER:
            return self.trigger(request)
        key = request.path.lstrip("/")
        if key != self.manifest and not (key.startswith(self.prefix) and key != self.prefix):
            return None
        if request.method not in ("GET", "HEAD"):
            return Response(status=405, headers={"Allow": "GET, HEAD"})
        return self.file(request, key)

    def file(self, request: Request, key: str) -> Response | None:
        conditions: dict[str, Any] = {}
        if request.headers.get("If-None-Match"):
            conditions["IfNoneMatch"] = request.headers["If-None-Match"]
        if request.headers.get("If-Modified-Since"):
            try:
                conditions["IfModifiedSince"] = parsedate_to_datetime(request.headers["If-Modified-Since"])
            except (TypeError, ValueError):
                pass  # S3 ignores a date it cannot read, and so does this
        try:
            found = self.s3.get_object(Bucket=self.bucket, Key=key, **conditions)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code in ("304", "NotModified"):
                headers = {name: err.response["ResponseMetadata"]["HTTPHeaders"].get(name.lower(), "") for name in
                           ("ETag", "Cache-Control", "Last-Modified")}  # fmt: skip
                return Response(status=304, headers={k: v for k, v in headers.items() if v})
            if code in ("NoSuchKey", "404"):
                return None  # the site's 404 page, as CloudFront answers a missing object
            raise
        body = found["Body"].read()
        response = Response(b"" if request.method == "HEAD" else body, status=200)
        for field, header in PASSED_HEADERS.items():
            if found.get(field):
                response.headers[header] = found[field]
        response.headers["Last-Modified"] = found["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT")
        response.headers["Content-Length"] = str(len(body))
        return response

    def trigger(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(status=405, headers={"Allow": "POST"})
        if self.runner is None:
            return Response("The slot feed does not run here.", status=404, mimetype="text/plain")
        self.runner.run_now()
        manifest = self.s3.get_object(Bucket=self.bucket, Key=self.manifest)["Body"].read()
        answer = {"transactionTime": json.loads(manifest)["transactionTime"]}
        return Response(json.dumps(answer), mimetype="application/json", headers={"Cache-Control": "no-store"})
