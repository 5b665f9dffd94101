"""The web edge every route set shares: its routes' decorator, the request helpers, and the one error shape.

A route set is a Chalice blueprint (``booking/routes.py``, ``backoffice/routes.py``...) whose views are declared
with :func:`router`'s decorator. Inside a view, :func:`body`, :func:`query` and :func:`bearer` read the current
request, and :func:`reply` answers with a response model. A domain error (errors.py) raised anywhere below a view
becomes the one JSON error body ``{"error": {"code", "message", "field"}}`` with its status, and so do Chalice's own
errors (:func:`one_error_shape`, which app.py registers). Nothing here imports pydantic: a route that validates
nothing (``/health``) does not pay for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from chalice import ChaliceViewError, Response
from chalice.app import MultiDict, Request

from .core.errors import BadRequest, InvalidInput, PortalError

if TYPE_CHECKING:
    from pydantic import BaseModel

View = Callable[..., Any]
M = TypeVar("M", bound="BaseModel")
MESSAGES = {
    "extra_forbidden": "Unknown field.",
    "missing": "This field is required.",
}
JSON = "application/json"
# Every JSON answer says so itself: API Gateway passes the function's headers on as they are (docs/api.md), and the
# local portal would otherwise label it with its own server's default.
ERROR_HEADERS: dict[str, str | list[str]] = {"Content-Type": JSON, "Cache-Control": "no-store"}
_request: ContextVar[Request] = ContextVar("request")


def error_response(
    status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """The one JSON error body, never cached (``headers`` adds to it, such as a 405's ``Allow``)."""
    body = {"error": {"code": code, "message": message, "field": field}}
    return Response(body=body, status_code=status, headers={**ERROR_HEADERS, **(headers or {})})


def router(routes: Any) -> Callable[..., Callable[[View], View]]:
    """The decorator of a route set's views: ``routes.route`` (a blueprint, or the app) whose views see their request
    through this module's helpers and answer every domain error, and Chalice's own, in the one error body."""

    def route(path: str, **options: Any) -> Callable[[View], View]:
        def decorate(view: View) -> View:
            @functools.wraps(view)
            def wrapped(**kwargs: Any) -> Any:
                token = _request.set(routes.current_request)
                try:
                    return view(**kwargs)
                except PortalError as err:  # its own body: the one shape, with the members the error adds (details())
                    return Response(body=err.body(), status_code=err.status, headers=ERROR_HEADERS)
                except ChaliceViewError as err:  # e.g. a body that is not JSON
                    return error_response(err.STATUS_CODE, "bad_request", str(err) or "Bad request.", "body")
                finally:
                    _request.reset(token)

            registered: View = routes.route(path, **options)(wrapped)
            return registered

        return decorate

    return route


def one_error_shape(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: rewrite Chalice's own error bodies (405, 415, unhandled 500) into the one error shape,
    keeping the ``Allow`` header of a 405 (RFC 9110: the methods the route has)."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = "internal_error" if response.status_code >= 500 else "bad_request"
        message = "An internal error occurred." if response.status_code >= 500 else str(body.get("Message"))
        kept = {name: str(value) for name, value in response.headers.items() if name.lower() == "allow"}
        return error_response(response.status_code, code, message, headers=kept)
    return response


def current() -> Request:
    """The request the view being run answers."""
    return _request.get()


def body(model: type[M]) -> M:
    """The JSON body validated as ``model`` (an empty body reads as ``{}``). A body that is not JSON, or nested
    too deeply for the json module, is a 400 naming ``body``; one that does not fit ``model``, a 422 naming the
    field."""
    request = current()
    try:
        data = request.json_body if request.raw_body else {}
    except RecursionError:  # the json module's answer to absurdly nested arrays
        raise BadRequest("The body is nested too deeply.", field="body") from None
    return parse(model, data)


def query(model: type[M]) -> M:
    """The query string validated as ``model``; a parameter given twice is refused rather than guessed."""
    params = current().query_params or MultiDict({})
    for name in params:
        if len(params.getlist(name)) > 1:
            raise InvalidInput("This parameter is given more than once.", field=name)
    return parse(model, {name: params[name] for name in params})


def header(name: str) -> str:
    """A request header's value ("" when absent)."""
    return str(current().headers.get(name) or "")


def network() -> str:
    """What per-address limits count: the viewer's address as CloudFront saw it, an IPv6 one as its /64
    (core/clientaddress.py)."""
    from .core.clientaddress import VIEWER_ADDRESS_HEADER, client_address
    from .core.clientaddress import network as network_of

    source_ip = current().context.get("identity", {}).get("sourceIp")
    return network_of(client_address(header(VIEWER_ADDRESS_HEADER), source_ip))


def bearer() -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None (a header keeps it out of URLs and logs)."""
    scheme, _, token = header("authorization").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def reply(
    model: BaseModel, status: int = 200, cache: str = "no-store", set_cookie: str | None = None, **headers: str
) -> Response:
    """A response model as the JSON answer, ``Cache-Control: no-store`` unless told otherwise (and ``Set-Cookie``
    when given: the patient space's session)."""
    if set_cookie is not None:
        headers["Set-Cookie"] = set_cookie
    return Response(
        body=dump(model), status_code=status, headers={"Content-Type": JSON, "Cache-Control": cache, **headers}
    )


def parse(model: type[M], data: Any) -> M:
    """``data`` validated as ``model``; the first problem becomes a 422 naming its field (``patient.email``)."""
    from pydantic import ValidationError  # loaded with the model already: a route that parses nothing skips it

    if not isinstance(data, dict):  # a JSON null too: only an empty body reads as {}
        raise InvalidInput("The body must be a JSON object.", field="body")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or None
        if first["type"] == "value_error":  # our own validators: their message without pydantic's prefix
            message = str(first.get("ctx", {}).get("error", first["msg"]))
            message = message[:1].upper() + message[1:] + "."
        else:
            message = MESSAGES.get(first["type"], first["msg"])
        raise InvalidInput(message, field=where) from None


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON body of a response model (aliases such as ``from`` applied)."""
    return model.model_dump(mode="json", by_alias=True)
