"""Routes of the back-office API, a Chalice Blueprint that app.py registers under ``/v1/pro``.

Thin views: authenticate, parse, call chalicelib (agenda.py, practice.py, feed.py, signin.py), answer. Every route
but sign-in and the calendar feed needs ``Authorization: Bearer <Cognito access token>`` (401 otherwise); a route
that names a professional or an appointment the account has no grant for answers 404, as for one that does not
exist; so do the settings and feed routes for a front desk's grant (``desk:<id>``), which covers the agenda only.
Every answer is ``Cache-Control: no-store`` and every error the one JSON shape of app.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalice import Blueprint, Response
from chalice.app import MultiDict
from pydantic import BaseModel

from . import auth, proschemas, schemas, signin
from .agenda import Agenda
from .auth import Principal
from .bookings import Bookings
from .errors import InvalidInput
from .feed import Feeds
from .practice import Practice
from .profiles import Profile
from .routing import NO_STORE, mapped_route

pro_api = Blueprint(__name__)


@dataclass
class BackOffice:
    """The back-office's objects over the patient API's own booking rules (one store, mailer and clock)."""

    bookings: Bookings
    agenda: Agenda
    practice: Practice
    feeds: Feeds


_backoffice: BackOffice | None = None


def backoffice() -> BackOffice:
    """Made on first use from app.get_bookings(), and again if the app made new booking rules (tests do)."""
    global _backoffice
    import app  # the Chalice app module: imported by now, since it registers this blueprint

    bookings: Bookings = app.get_bookings()
    if _backoffice is None or _backoffice.bookings is not bookings:

        def clock() -> datetime:  # follows the booking rules' clock, which tests move
            return bookings.clock()

        agenda = Agenda(bookings.store, bookings, clock)
        _backoffice = BackOffice(
            bookings=bookings,
            agenda=agenda,
            practice=Practice(bookings.store, agenda, clock),
            feeds=Feeds(bookings.store, bookings.site_url, clock),
        )
    return _backoffice


def pro_route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``pro_api.route`` whose view maps domain errors (and Chalice's own) to the one JSON error body."""
    return mapped_route(pro_api, path, **options)


def reply(model: BaseModel, status: int = 200) -> Response:
    return Response(body=schemas.dump(model), status_code=status, headers=NO_STORE)


def body(model: type[schemas.M]) -> schemas.M:
    request = pro_api.current_request
    return schemas.parse(model, request.json_body if request.raw_body else {})


def query(model: type[schemas.M]) -> schemas.M:
    params = pro_api.current_request.query_params or MultiDict({})
    for name in params:
        if len(params.getlist(name)) > 1:
            raise InvalidInput("This parameter is given more than once.", field=name)
    return schemas.parse(model, {name: params[name] for name in params})


def principal() -> Principal:
    """The signed-in account behind the request's bearer token (401 for anything else)."""
    return auth.authenticate(pro_api.current_request.headers.get("authorization"))


def granted(practitioner_id: str) -> Principal:
    """The signed-in account, once checked to act for ``practitioner_id`` (404 otherwise)."""
    who = principal()
    who.require_practitioner(practitioner_id, "No such professional.")
    return who


def granted_settings(practitioner_id: str) -> Principal:
    """The signed-in account, once checked to change ``practitioner_id``'s settings and feed (404 otherwise, also
    for a front desk's grant: the same answer as for no grant)."""
    who = principal()
    who.require_settings(practitioner_id, "No such professional.")
    return who


def step(result: signin.Step) -> Response:
    if isinstance(result, signin.Tokens):
        answer = proschemas.SignInStep(
            step="signed_in",
            access_token=result.access_token,
            refresh_token=result.refresh_token,
            expires_in=result.expires_in,
        )
    else:
        answer = proschemas.SignInStep(step=result.step, session=result.session, username=result.username)  # type: ignore[arg-type]
    return reply(answer)


# -- sign-in: the browser never calls Cognito itself (same origin, strict Content-Security-Policy) -----------------


@pro_route("/auth/start", methods=["POST"])
def sign_in_start() -> Response:
    request = body(proschemas.SignInRequest)
    return step(signin.default_signin().start(request.email, request.password))


@pro_route("/auth/new-password", methods=["POST"])
def sign_in_new_password() -> Response:
    request = body(proschemas.NewPasswordRequest)
    return step(signin.default_signin().set_new_password(request.session, request.username, request.new_password))


@pro_route("/auth/totp-setup", methods=["POST"])
def sign_in_totp_setup() -> Response:
    request = body(proschemas.TotpSetupRequest)
    enrolment = signin.default_signin().begin_totp_setup(request.session, request.email)
    return reply(proschemas.TotpEnrolment(**vars(enrolment)))


@pro_route("/auth/totp-setup/verify", methods=["POST"])
def sign_in_totp_verify() -> Response:
    request = body(proschemas.TotpCodeRequest)
    return step(signin.default_signin().finish_totp_setup(request.session, request.username, request.code))


@pro_route("/auth/totp", methods=["POST"])
def sign_in_totp() -> Response:
    request = body(proschemas.TotpCodeRequest)
    return step(signin.default_signin().answer_totp(request.session, request.username, request.code))


@pro_route("/auth/refresh", methods=["POST"])
def sign_in_refresh() -> Response:
    return step(signin.default_signin().refresh(body(proschemas.RefreshRequest).refresh_token))


@pro_route("/auth/sign-out", methods=["POST"])
def sign_out() -> Response:
    body(schemas.EmptyRequest)
    header = str(pro_api.current_request.headers.get("authorization") or "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        signin.default_signin().sign_out(token.strip())
    return reply(proschemas.SignedOut(status="signed_out"))


# -- who is signed in ---------------------------------------------------------------------------------------------


@pro_route("/me", methods=["GET"])
def me() -> Response:
    who = principal()
    lang = query(proschemas.LanguageQuery).lang
    profiles = backoffice().bookings.store.profiles(sorted(who.practitioner_ids))
    refs = []
    for practitioner_id in sorted(profiles, key=lambda pid: (pid != who.own_practitioner_id, pid)):
        profile = Profile.from_item(profiles[practitioner_id])
        site = (profile.record.get("sites") or [{}])[0]
        refs.append(
            proschemas.PractitionerRef(
                id=practitioner_id,
                name=profile.display_name(lang),
                timezone=str(site.get("timezone") or "UTC"),
                allows=who.allows(practitioner_id),  # type: ignore[arg-type]
            )
        )
    return reply(proschemas.MeResponse(role=who.role, own_practitioner=who.own_practitioner_id, practitioners=refs))  # type: ignore[arg-type]


# -- agenda and appointments --------------------------------------------------------------------------------------


@pro_route("/practitioners/{practitioner_id}/agenda", methods=["GET"])
def agenda(practitioner_id: str) -> Response:
    who = granted(practitioner_id)
    return reply(backoffice().agenda.days(who, practitioner_id, query(proschemas.AgendaQuery)))


@pro_route("/practitioners/{practitioner_id}/appointments", methods=["POST"])
def book_by_phone(practitioner_id: str) -> Response:
    who = granted(practitioner_id)
    booked = backoffice().agenda.book(who, practitioner_id, body(proschemas.PhoneBookingRequest))
    return reply(booked, status=201)


@pro_route("/practitioners/{practitioner_id}/blocks", methods=["POST"])
def block(practitioner_id: str) -> Response:
    who = granted(practitioner_id)
    return reply(backoffice().agenda.block(who, practitioner_id, body(proschemas.BlockRequest)), status=201)


@pro_route("/appointments/{appointment_id}", methods=["GET"])
def appointment(appointment_id: str) -> Response:
    return reply(backoffice().agenda.show(principal(), appointment_id))


@pro_route("/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel(appointment_id: str) -> Response:
    who = principal()
    body(schemas.EmptyRequest)
    return reply(backoffice().agenda.cancel(who, appointment_id))


@pro_route("/appointments/{appointment_id}/move", methods=["POST"])
def move(appointment_id: str) -> Response:
    who = principal()
    return reply(backoffice().agenda.move(who, appointment_id, body(schemas.MoveRequest)))


@pro_route("/appointments/{appointment_id}/no-show", methods=["POST"])
def no_show(appointment_id: str) -> Response:
    who = principal()
    return reply(backoffice().agenda.no_show(who, appointment_id, body(proschemas.NoShowRequest)))


# -- settings -----------------------------------------------------------------------------------------------------


@pro_route("/practitioners/{practitioner_id}/settings", methods=["GET"])
def settings(practitioner_id: str) -> Response:
    return reply(backoffice().practice.read(granted_settings(practitioner_id), practitioner_id))


@pro_route("/practitioners/{practitioner_id}/settings/preview", methods=["POST"])
def preview(practitioner_id: str) -> Response:
    who = granted_settings(practitioner_id)
    return reply(backoffice().practice.preview(who, practitioner_id, body(proschemas.PreviewRequest)))


@pro_route("/practitioners/{practitioner_id}/settings", methods=["PUT"])
def save_settings(practitioner_id: str) -> Response:
    who = granted_settings(practitioner_id)
    return reply(backoffice().practice.save(who, practitioner_id, body(proschemas.SaveSettingsRequest)))


# -- calendar feed ------------------------------------------------------------------------------------------------


@pro_route("/practitioners/{practitioner_id}/feed", methods=["GET"])
def feed_status(practitioner_id: str) -> Response:
    return reply(backoffice().feeds.status(granted_settings(practitioner_id), practitioner_id))


@pro_route("/practitioners/{practitioner_id}/feed", methods=["POST"])
def feed_create(practitioner_id: str) -> Response:
    who = granted_settings(practitioner_id)
    lang = query(proschemas.LanguageQuery).lang
    body(schemas.EmptyRequest)
    return reply(backoffice().feeds.create(who, practitioner_id, lang), status=201)


@pro_route("/practitioners/{practitioner_id}/feed", methods=["DELETE"])
def feed_revoke(practitioner_id: str) -> Response:
    return reply(backoffice().feeds.revoke(granted_settings(practitioner_id), practitioner_id))


@pro_route("/feed/{name}", methods=["GET"])
def feed(name: str) -> Response:
    """The calendar itself: the secret token in the URL is the only credential (calendar programs send no other)."""
    calendar = backoffice().feeds.calendar(name)
    headers: dict[str, str | list[str]] = {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store"}
    return Response(body=calendar.decode("utf-8"), status_code=200, headers=headers)
