"""HTTP routes of the booking API. Routes parse, validate, call chalicelib and return; nothing else lives here.

API Gateway's stage is named ``api`` so that CloudFront's ``/api/*`` behaviour reaches ``/health`` and ``/v1/...``
unchanged; the local portal strips the same prefix.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from chalice import Chalice, ChaliceViewError, Response

from chalicelib.config import settings
from chalicelib.errors import PortalError
from chalicelib.store import Store, make_table

app = Chalice(app_name="portal")
app.log.setLevel(logging.INFO)

_store: Store | None = None


def get_store() -> Store:
    """The Store over the configured table, made on first use (not at import: cold starts and tests pay less)."""
    global _store
    if _store is None:
        _store = Store(make_table(settings().table_name))
    return _store


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "field": field}}
    return Response(body=body, status_code=status, headers={"Cache-Control": "no-store"})


def api_route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``app.route`` whose view maps domain errors (and Chalice's own) to the one JSON error body."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            try:
                return view(**kwargs)
            except PortalError as err:
                return error_response(err.status, err.code, err.message, err.field)
            except ChaliceViewError as err:  # e.g. a body that is not JSON
                return error_response(err.STATUS_CODE, "bad_request", str(err) or "Bad request.", "body")

        registered: Callable[..., Any] = app.route(path, **options)(wrapped)
        return registered

    return decorate


@app.middleware("http")
def one_error_shape(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Rewrite Chalice's own error bodies (405, 415, unhandled 500) into the portal's error shape."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = "internal_error" if response.status_code >= 500 else "bad_request"
        message = "An internal error occurred." if response.status_code >= 500 else str(body.get("Message"))
        return error_response(response.status_code, code, message)
    return response


@api_route("/health", methods=["GET"])
def health() -> Response:
    get_store().ping()
    return Response(body={"status": "ok", "table": "reachable"}, headers={"Cache-Control": "no-store"})
