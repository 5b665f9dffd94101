"""The built site served as production serves it (docs/operations.md#what-the-site-sends): each file with the
``Cache-Control`` the deploy gives it in S3 (a year and ``immutable`` for hashed names, revalidation for the rest),
an ``ETag`` and ``304 Not Modified`` on a matching ``If-None-Match``, and Brotli or gzip as CloudFront compresses.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from infra.publish import cache_control
from local.encoding import choose, compressed_file

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/calendar", ".ics")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/x-icon", ".ico")
mimetypes.add_type("application/fhir+ndjson", ".ndjson")


@lru_cache(maxsize=4096)
def content_tag(path: str, mtime_ns: int, size: int) -> str:
    """The ETag of one version of a file: a hash of its bytes, as S3's is (the same bytes, the same tag)."""
    with open(path, "rb") as handle:
        return hashlib.md5(handle.read(), usedforsecurity=False).hexdigest()


class SiteFiles:
    """Answers GET and HEAD for the files of ``root`` (``/fr/`` is ``fr/index.html``; a miss is ``/404.html``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def resolve(self, url_path: str) -> Path | None:
        joined = safe_join(str(self.root), url_path.lstrip("/"))
        if joined is None:
            return None
        path = Path(joined)
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None

    def respond(self, request: Request) -> Response:
        target = self.resolve(request.path)
        status = 200
        if target is None:
            status = 404
            target = self.resolve("/404.html")
            if target is None:
                return Response("Not found", status=404, mimetype="text/plain")
        key = target.relative_to(self.root).as_posix()
        mimetype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        stat = target.stat()
        coding = choose(request.headers.get("Accept-Encoding"), mimetype, stat.st_size)
        if coding:
            body = compressed_file(str(target), stat.st_mtime_ns, stat.st_size, coding)
        else:
            with open(target, "rb") as handle:
                body = handle.read()
        response = Response(body, status=status, mimetype=mimetype)
        if coding:
            response.headers["Content-Encoding"] = coding
        response.headers["Vary"] = "Accept-Encoding"
        if status == 404:
            response.headers["Cache-Control"] = "no-cache"
            return response
        response.headers["Cache-Control"] = cache_control(key)
        tag = content_tag(str(target), stat.st_mtime_ns, stat.st_size)
        # one tag per representation: a gzip body and a Brotli body of the same file differ
        response.set_etag(f"{tag}-{coding}" if coding else tag)
        return response.make_conditional(request)
