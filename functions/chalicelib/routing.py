"""The web edge's one error mapping, shared by the app's routes and the back-office blueprint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chalice import ChaliceViewError, Response

from .errors import PortalError

NO_STORE: dict[str, str | list[str]] = {"Cache-Control": "no-store"}


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """The one JSON error body, never cached."""
    body = {"error": {"code": code, "message": message, "field": field}}
    return Response(body=body, status_code=status, headers=NO_STORE)


def mapped_route(router: Any, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``router.route`` (an app or a blueprint) whose view maps domain errors, and Chalice's own, to the error body."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(**kwargs: Any) -> Any:
            try:
                return view(**kwargs)
            except PortalError as err:  # its own body: the one shape, with the members the error adds (details())
                return Response(body=err.body(), status_code=err.status, headers=NO_STORE)
            except ChaliceViewError as err:  # e.g. a body that is not JSON
                return error_response(err.STATUS_CODE, "bad_request", str(err) or "Bad request.", "body")

        registered: Callable[..., Any] = router.route(path, **options)(wrapped)
        return registered

    return decorate
