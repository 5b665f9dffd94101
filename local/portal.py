"""The local portal: one origin on 127.0.0.1 serving the built site and, under /api/, the booking API.

Production puts CloudFront in front of S3 (the site) and API Gateway (``/api/*``); here one process does both,
with the same paths, the same caching and compression (local/static.py), the same security headers
(infra/security_headers.json, including the headers of its own that one path gets, as CloudFront's cache behaviour
for it sends them) and a local AWS endpoint. The API sees the client address API Gateway's emulation gives it
(``identity.sourceIp``): no ``CloudFront-Viewer-Address`` here.
The scheduled pass (reminders, the waiting list) runs in a worker every five minutes, as EventBridge runs it on AWS;
``POST /_local/scheduled-pass`` (optionally ``{"now": "<ISO 8601>"}``: a moved clock) runs it at once.
The slot feed's function runs in a process of its own as the portal starts and then on its own period, writing into
the local endpoint's S3, and its files are served from there as CloudFront serves them from the site's bucket
(local/slotfeed.py; ``POST /_local/slot-feed`` publishes at once).

    python -m local.portal --site output --port 8000
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from infra.headers import path_headers, security_headers
from local import apiworker
from local.encoding import choose, compress
from local.language import choose_language
from local.outbox import Outbox
from local.slotfeed import FeedFiles, FeedRunner, bucket_name, period_minutes
from local.static import SiteFiles

ROOT = Path(__file__).resolve().parent.parent
# Local HTTP only: HSTS would pin 127.0.0.1 to HTTPS in the browser.
LOCAL_ONLY_OMITS = "Strict-Transport-Security"
SECURITY_HEADERS = {k: v for k, v in security_headers().items() if k != LOCAL_ONLY_OMITS}
# The paths with headers of their own (the file's ``_paths``), as CloudFront's cache behaviours for those paths.
PATH_HEADERS = {url: {k: v for k, v in h.items() if k != LOCAL_ONLY_OMITS} for url, h in path_headers().items()}
# Set by CloudFront alone in production (the viewer's ip:port); a local client must not choose its own address.
VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address"
SCHEDULED_PASS = "/_local/scheduled-pass"  # noqa: S105 (a path, not a password)
PASS_PERIOD_SECONDS = 300  # as app.py's @app.schedule(Rate(5, unit=Rate.MINUTES))


def headers_for(url_path: str) -> dict[str, str]:
    """The security headers of an answer on ``url_path``: the file's, or those of its ``_paths`` entry."""
    return PATH_HEADERS.get(url_path, SECURITY_HEADERS)


def local_aws_environment(endpoint_url: str, table_name: str) -> dict[str, str]:
    """What the API needs to reach the local endpoint instead of AWS (and nothing else differs)."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-3"),
        "TABLE_NAME": table_name,
        "SITE_BUCKET": bucket_name(table_name),  # the slot feed's files (local/slotfeed.py)
        "PORTAL_STAGE": "local",
        "SMS_ENABLED": "true",  # texts go to the local endpoint's SNS, and the outbox lists them
    }


def start_aws_endpoint(port: int = 0) -> tuple[subprocess.Popen[str], str]:
    """Start the serialised moto server in its own process; return it and its URL once it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "local.awsserver", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        # moto then checks TOTP codes (against one fixed secret for every user) instead of accepting any six digits.
        env={**os.environ, "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true"},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        raise RuntimeError(f"the local AWS endpoint did not start: {line!r}")
    return proc, f"http://127.0.0.1:{int(line.split()[1])}"


class PortalApp:
    """WSGI application: ``/api/...`` to the API workers, everything else from the built site."""

    def __init__(
        self,
        site_dir: Path,
        pool: ProcessPoolExecutor,
        outbox: Outbox | None = None,
        feed: FeedFiles | None = None,
        languages: Sequence[str] | None = None,
    ) -> None:
        if languages is None:
            from pelicanconf import LANGUAGES

            languages = LANGUAGES
        self.languages = list(languages)  # the site's languages, the default first (the root's choice)
        self.site_dir = site_dir
        self.files = SiteFiles(site_dir)
        self.pool = pool
        self.outbox = outbox  # the local-only e-mail outbox pages (local/outbox.py)
        self.feed = feed  # the slot feed's files, from the local bucket (local/slotfeed.py)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/api" or request.path.startswith("/api/"):
            response = self.api(request)
        elif request.path == "/":
            response = self.root(request)
        elif request.path == SCHEDULED_PASS and self.pool is not None:
            response = self.scheduled_pass(request)
        elif self.outbox and (outbox_page := self.outbox.respond(request)) is not None:
            response = outbox_page
        elif self.feed and (feed_file := self.feed.respond(request)) is not None:
            response = feed_file
        else:
            response = self.files.respond(request)
        response.headers.update(headers_for(request.path))
        return response(environ, start_response)

    def root(self, request: Request) -> Response:
        """``/``: to the home of the visitor's language, as the CloudFront Function does (local/language.py)."""
        lang = choose_language(request.headers.get("Accept-Language"), request.cookies, self.languages)
        query = "?" + request.query_string.decode("latin-1") if request.query_string else ""
        response = redirect(f"/{lang}/{query}", code=302)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    def api(self, request: Request) -> Response:
        # The path as the client sent it, still percent-encoded: decoded, an id holding "%23" or "%3F" would read as
        # a fragment or a query, and reach another route (a 405 for what API Gateway answers 404). The ids the
        # routes capture then stay encoded, where API Gateway decodes them; no valid id needs encoding.
        raw = str(request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path)
        path = raw.split("?", 1)[0][len("/api") :] or "/"
        if request.query_string:
            path += "?" + request.query_string.decode("latin-1")
        headers = {k: v for k, v in request.headers.items() if k.lower() != VIEWER_ADDRESS_HEADER.lower()}
        body = request.get_data() or None
        result = self.pool.submit(apiworker.handle, request.method, path, headers, body).result()
        answer = result.get("body") or b""
        payload = base64.b64decode(answer) if result.get("isBase64Encoded") else answer
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        # The function labels its answers (application/json, or text/calendar for the feed); one it did not label is
        # JSON too, as API Gateway answers it, never werkzeug's text/plain default.
        response = Response(payload, status=result["statusCode"], mimetype="application/json")
        for name, value in (result.get("headers") or {}).items():
            response.headers[name] = value
        for name, values in (result.get("multiValueHeaders") or {}).items():
            for value in values:
                response.headers.add(name, value)
        # CloudFront compresses the API's JSON answers too (Compress: true on /api/*)
        coding = choose(request.headers.get("Accept-Encoding"), response.mimetype or "", len(payload))
        if coding and "Content-Encoding" not in response.headers:
            response.set_data(compress(payload, coding, dynamic=True))
            response.headers["Content-Encoding"] = coding
            response.vary.add("Accept-Encoding")
        return response

    def scheduled_pass(self, request: Request) -> Response:
        """Run the scheduled pass now in a worker (POST; ``{"now": ISO 8601}`` moves its clock): its report."""
        if request.method != "POST":
            return Response("POST runs the scheduled pass.", status=405, headers={"Allow": "POST"})
        try:
            now = (json.loads(request.get_data() or b"{}") or {}).get("now")
        except (ValueError, AttributeError):
            return Response('The body is JSON: {"now": ISO 8601} or {}.', status=400)
        report = self.pool.submit(apiworker.scheduled_pass, now).result()
        response = Response(json.dumps(report), mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        return response


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if os.environ.get("PORTAL_ACCESS_LOG"):
            super().log_request(code, size)


def make_pool(environment: dict[str, str], workers: int) -> ProcessPoolExecutor:
    """API worker processes with the local AWS environment, started and warmed before the first request."""
    os.environ.update(environment)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=apiworker.init_worker,
    )
    wait([pool.submit(apiworker.warm) for _ in range(workers)])
    return pool


def every_period(pool: ProcessPoolExecutor, period: float = PASS_PERIOD_SECONDS) -> threading.Thread:
    """Run the scheduled pass in a worker every ``period`` seconds, as EventBridge does on AWS."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(period):
            try:
                report = pool.submit(apiworker.scheduled_pass, None).result()
            except Exception as err:  # the pool is shutting down, or a pass failed: the next one tries again
                print(f"[scheduled pass] failed: {type(err).__name__}", flush=True)
                continue
            done = report["reminders"]["emails"] + report["reminders"]["texts"] + report["waitlist"]["offered"]
            if done or report["waitlist"]["lapsed"]:
                print(f"[scheduled pass] {report}", flush=True)

    thread = threading.Thread(target=loop, daemon=True, name="scheduled-pass")
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the portal locally on one origin.")
    parser.add_argument("--site", type=Path, default=ROOT / "output", help="the built site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=4, help="API worker processes")
    parser.add_argument("--table", default="portal-local")
    parser.add_argument("--no-seed", action="store_true", help="start with an empty table")
    parser.add_argument(
        "--slot-feed-minutes",
        type=int,
        default=period_minutes(),
        help="publish the slot feed at start and then every so many minutes (0: only on POST /_local/slot-feed)",
    )
    args = parser.parse_args(argv)

    from local.seed import prepare

    aws, endpoint = start_aws_endpoint()
    environment = local_aws_environment(endpoint, args.table)
    # A service-specific endpoint inherited from the caller (AWS_ENDPOINT_URL_DYNAMODB...) would win over ours.
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")]:
        del os.environ[name]
    try:
        os.environ.update(environment)
        summary = prepare(args.table, seed=not args.no_seed)
        pool = make_pool(environment, args.workers)
        outbox = Outbox(endpoint)
        runner = FeedRunner(args.slot_feed_minutes)
        feed = FeedFiles(endpoint, environment["SITE_BUCKET"], runner)
        server = make_server(
            args.host, args.port, PortalApp(args.site, pool, outbox, feed), threaded=True, request_handler=QuietHandler
        )
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        # Ctrl-C stops the portal even when it was started from a shell that ignores SIGINT (a background job of a
        # script inherits SIG_IGN, and Python then never turns Ctrl-C into KeyboardInterrupt)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print(f"Local AWS endpoint: {endpoint} ({summary})", flush=True)
        print(f"E-mails sent by the API: printed here and at http://{args.host}:{server.server_port}{Outbox.path}/")
        every = f"every {args.slot_feed_minutes} minutes" if args.slot_feed_minutes else "on POST /_local/slot-feed"
        print(f"Slot feed: http://{args.host}:{server.server_port}/fhir/$bulk-publish (published {every})")
        print(f"Portal ready: http://{args.host}:{server.server_port}/  (Ctrl-C stops it)", flush=True)
        outbox.watch()
        every_period(pool)
        runner.start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nStopping the portal.", flush=True)
        finally:
            server.server_close()
            runner.stop()
            pool.shutdown(cancel_futures=True)
    finally:
        aws.terminate()
        aws.wait(timeout=10)


if __name__ == "__main__":
    main()
