"""moto in server mode with every request serialised.

Threaded moto lets two conditional writes interleave and so double-books under races; one lock around the
whole WSGI application makes each request atomic, so conditional writes and transactions are linearizable as
in DynamoDB. Run: ``python -m local.awsserver --port 0`` (prints ``READY <port>`` once listening).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from local import motofixes

MODELS_PREFIX = "/_local/moto-data/"


class SerialisedApp:
    """A WSGI wrapper that lets one request at a time into ``app``, body included."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(MODELS_PREFIX) and path.endswith(".json"):
            with self.lock:
                body = motofixes.service_models(path[len(MODELS_PREFIX) : -len(".json")])
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        with self.lock:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
        return [body]


class QuietRequestHandler(MotoRequestHandler):
    """moto's handler without a log line per request (the portal's console stays readable)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def make_aws_server(host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """A threaded HTTP server whose moto application answers one request at a time."""
    motofixes.apply()
    app = SerialisedApp(DomainDispatcherApplication(create_backend_app))
    return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    server = make_aws_server(args.host, args.port)
    print(f"READY {server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
