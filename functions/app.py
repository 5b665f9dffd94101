"""HTTP routes of the booking API. Routes parse, validate, call chalicelib and return; nothing else lives here.

API Gateway's stage is named ``api`` so that CloudFront's ``/api/*`` behaviour reaches ``/health`` and ``/v1/...``
unchanged; the local portal strips the same prefix.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import MultiDict, Request
from pydantic import BaseModel

from chalicelib import schemas
from chalicelib.bookings import Bookings, Caller
from chalicelib.clientaddress import VIEWER_ADDRESS_HEADER, client_address
from chalicelib.config import settings
from chalicelib.errors import BadRequest, InvalidInput
from chalicelib.proapi import pro_api
from chalicelib.ratelimit import Limits
from chalicelib.routing import error_response, mapped_route
from chalicelib.store import Store, make_table

app = Chalice(app_name="portal")
app.log.setLevel(logging.INFO)
app.register_blueprint(pro_api, url_prefix="/v1/pro")  # the back-office's routes: chalicelib/proapi.py

_store: Store | None = None
_bookings: Bookings | None = None


def get_store() -> Store:
    """The Store over the configured table, made on first use (not at import: cold starts and tests pay less)."""
    global _store
    if _store is None:
        _store = Store(make_table(settings().table_name))
    return _store


def get_bookings() -> Bookings:
    """The booking rules over the store and the mailer, made on first use like the store."""
    global _bookings
    if _bookings is None or _bookings.store is not get_store():
        from chalicelib.notify import Mailer, make_ses_client

        config = settings()
        mailer = Mailer(make_ses_client(), config.mail_from)
        limits = Limits().scaled(config.rate_limit_factor)
        _bookings = Bookings(get_store(), mailer, site_url=config.site_url, limits=limits)
    return _bookings


def api_route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``app.route`` whose view maps domain errors (and Chalice's own) to the one JSON error body."""
    return mapped_route(app, path, **options)


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


def current() -> Request:
    request = app.current_request
    assert request is not None, "only called while a request is handled"
    return request


def reply(model: BaseModel, status: int = 200, cache: str = "no-store", **headers: str) -> Response:
    return Response(body=schemas.dump(model), status_code=status, headers={"Cache-Control": cache, **headers})


def query(model: type[schemas.M]) -> schemas.M:
    """The query string validated as ``model``; a parameter given twice is refused rather than guessed."""
    params = current().query_params or MultiDict({})
    for name in params:
        if len(params.getlist(name)) > 1:
            raise InvalidInput("This parameter is given more than once.", field=name)
    return schemas.parse(model, {name: params[name] for name in params})


def body(model: type[schemas.M]) -> schemas.M:
    """The JSON body validated as ``model`` (an empty body reads as ``{}``)."""
    request = current()
    try:
        data = request.json_body if request.raw_body else {}
    except RecursionError:  # the json module's answer to absurdly nested arrays
        raise BadRequest("The body is nested too deeply.", field="body") from None
    return schemas.parse(model, data)


def caller() -> Caller:
    request = current()
    source_ip = request.context.get("identity", {}).get("sourceIp")
    return Caller(address=client_address(request.headers.get(VIEWER_ADDRESS_HEADER), source_ip))


def manage_token() -> str | None:
    """The manage token from ``Authorization: Bearer <token>`` (a header, so it stays out of URLs and logs)."""
    scheme, _, token = str(current().headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def idempotency_key() -> str:
    key = str(current().headers.get("idempotency-key") or "")
    if not key:
        raise BadRequest("The Idempotency-Key header is required.", field="Idempotency-Key")
    if not re.fullmatch(schemas.IDEMPOTENCY_KEY, key):
        raise InvalidInput("Idempotency-Key: 8 to 128 letters, digits or _ . : -", field="Idempotency-Key")
    return key


@api_route("/health", methods=["GET"])
def health() -> Response:
    get_store().ping()
    return reply(schemas.HealthResponse(status="ok", table="reachable"))


@api_route("/v1/openapi.json", methods=["GET"])
def openapi() -> Response:
    from chalicelib.openapi import document

    return Response(body=document(), headers={"Cache-Control": "public, max-age=300"})


@api_route("/v1/practitioners/{practitioner_id}/slots", methods=["GET"])
def slots(practitioner_id: str) -> Response:
    found = get_bookings().slots(practitioner_id, query(schemas.SlotsQuery))
    # Browsers ask again each time; the CDN may answer identical lookups for a few seconds during a surge.
    return reply(found, cache="public, max-age=0, s-maxage=5")


@api_route("/v1/next-available", methods=["GET"])
def next_available() -> Response:
    asked = query(schemas.NextAvailableQuery)
    found = get_bookings().next_available(asked.ids, with_hours=asked.hours)
    return reply(found, cache="public, max-age=30, s-maxage=30")


@api_route("/v1/appointments", methods=["POST"])
def hold() -> Response:
    key = idempotency_key()
    held, replayed = get_bookings().hold(body(schemas.HoldRequest), key, caller())
    headers = {"Location": f"/api/v1/appointments/{held.id}", "Idempotent-Replayed": str(replayed).lower()}
    return reply(held, status=201, **headers)


@api_route("/v1/appointments/{appointment_id}/code", methods=["POST"])
def resend_code(appointment_id: str) -> Response:
    body(schemas.EmptyRequest)
    get_bookings().resend_code(appointment_id, caller())
    return reply(schemas.CodeSent(status="sent"), status=202)


@api_route("/v1/appointments/{appointment_id}/confirm", methods=["POST"])
def confirm(appointment_id: str) -> Response:
    code = body(schemas.ConfirmRequest).code
    return reply(get_bookings().confirm(appointment_id, code, caller()))


@api_route("/v1/appointments/{appointment_id}", methods=["GET"])
def show(appointment_id: str) -> Response:
    return reply(get_bookings().show(appointment_id, manage_token()))


@api_route("/v1/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel(appointment_id: str) -> Response:
    body(schemas.EmptyRequest)
    return reply(get_bookings().cancel(appointment_id, manage_token()))


@api_route("/v1/appointments/{appointment_id}/move", methods=["POST"])
def move(appointment_id: str) -> Response:
    request = body(schemas.MoveRequest)
    return reply(get_bookings().move(appointment_id, manage_token(), request))
