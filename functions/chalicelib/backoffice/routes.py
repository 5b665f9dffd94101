"""What practices call: sign-in, the agenda and its appointments, settings and the calendar feed. A Chalice blueprint
that app.py registers under ``/v1/pro``.

Thin views: authenticate, parse, call the back-office's services (agenda.py, settings.py, feed.py, signin.py),
answer. Every route but sign-in and the calendar feed needs ``Authorization: Bearer <Cognito access token>`` (401
otherwise); a route that names a professional or an appointment the account has no grant for answers 404, as for
one that does not exist; so do the settings and feed routes for a front desk's grant (``desk:<id>``), which covers
the agenda only. Every answer is ``Cache-Control: no-store`` and every error the one JSON shape (web.py). Each view
imports what it needs when it first runs, so a cold start pays only for the route it answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import services, web

if TYPE_CHECKING:
    from .auth import Principal
    from .signin import Step

routes = Blueprint(__name__)
route = web.router(routes)
NO_SUCH_PROFESSIONAL = "No such professional."


def principal() -> Principal:
    """The signed-in account behind the request's bearer token (401 for anything else)."""
    return services.get_verifier().authenticate(web.current().headers.get("authorization"))


def granted(practitioner_id: str) -> Principal:
    """The signed-in account, once checked to act for ``practitioner_id`` (404 otherwise)."""
    who = principal()
    who.require_practitioner(practitioner_id, NO_SUCH_PROFESSIONAL)
    return who


def granted_settings(practitioner_id: str) -> Principal:
    """The signed-in account, once checked to change ``practitioner_id``'s settings and feed (404 otherwise, also
    for a front desk's grant: the same answer as for no grant)."""
    who = principal()
    who.require_settings(practitioner_id, NO_SUCH_PROFESSIONAL)
    return who


def step(result: Step) -> Response:
    from .schemas import SignInStep
    from .signin import Tokens

    if isinstance(result, Tokens):
        answer = SignInStep(
            step="signed_in",
            access_token=result.access_token,
            refresh_token=result.refresh_token,
            expires_in=result.expires_in,
        )
    else:
        answer = SignInStep(step=result.step, session=result.session, username=result.username)  # type: ignore[arg-type]
    return web.reply(answer)


# -- sign-in: the browser never calls Cognito itself (same origin, strict Content-Security-Policy) -----------------


@route("/auth/start", methods=["POST"])
def sign_in_start() -> Response:
    from .schemas import SignInRequest

    request = web.body(SignInRequest)
    return step(services.get_signin().start(request.email, request.password))


@route("/auth/new-password", methods=["POST"])
def sign_in_new_password() -> Response:
    from .schemas import NewPasswordRequest

    request = web.body(NewPasswordRequest)
    return step(services.get_signin().set_new_password(request.session, request.username, request.new_password))


@route("/auth/totp-setup", methods=["POST"])
def sign_in_totp_setup() -> Response:
    from .schemas import TotpEnrolment, TotpSetupRequest

    request = web.body(TotpSetupRequest)
    enrolment = services.get_signin().begin_totp_setup(request.session, request.email)
    return web.reply(
        TotpEnrolment(
            secret=enrolment.secret,
            otpauth_uri=enrolment.otpauth_uri,
            qr_svg=enrolment.qr_svg,
            session=enrolment.session,
        )
    )


@route("/auth/totp-setup/verify", methods=["POST"])
def sign_in_totp_verify() -> Response:
    from .schemas import TotpCodeRequest

    request = web.body(TotpCodeRequest)
    return step(services.get_signin().finish_totp_setup(request.session, request.username, request.code))


@route("/auth/totp", methods=["POST"])
def sign_in_totp() -> Response:
    from .schemas import TotpCodeRequest

    request = web.body(TotpCodeRequest)
    return step(services.get_signin().answer_totp(request.session, request.username, request.code))


@route("/auth/refresh", methods=["POST"])
def sign_in_refresh() -> Response:
    from .schemas import RefreshRequest

    return step(services.get_signin().refresh(web.body(RefreshRequest).refresh_token))


@route("/auth/sign-out", methods=["POST"])
def sign_out() -> Response:
    from ..core.schemas import EmptyRequest
    from .schemas import SignedOut

    web.body(EmptyRequest)
    token = web.bearer()
    if token:
        services.get_signin().sign_out(token)
    return web.reply(SignedOut(status="signed_out"))


# -- who is signed in ---------------------------------------------------------------------------------------------


@route("/me", methods=["GET"])
def me() -> Response:
    from .schemas import LanguageQuery

    who = principal()
    lang = web.query(LanguageQuery).lang
    return web.reply(services.get_agenda().me(who, lang))


# -- agenda and appointments --------------------------------------------------------------------------------------


@route("/practitioners/{practitioner_id}/agenda", methods=["GET"])
def agenda(practitioner_id: str) -> Response:
    from .schemas import AgendaQuery

    who = granted(practitioner_id)
    return web.reply(services.get_agenda().days(who, practitioner_id, web.query(AgendaQuery)))


@route("/practitioners/{practitioner_id}/free-times", methods=["GET"])
def free_times(practitioner_id: str) -> Response:
    from .schemas import FreeTimesQuery

    who = granted(practitioner_id)
    return web.reply(services.get_agenda().free_times(who, practitioner_id, web.query(FreeTimesQuery)))


@route("/practitioners/{practitioner_id}/appointments", methods=["POST"])
def book_by_phone(practitioner_id: str) -> Response:
    from .schemas import PhoneBookingRequest

    who = granted(practitioner_id)
    booked = services.get_agenda().book(who, practitioner_id, web.body(PhoneBookingRequest))
    return web.reply(booked, status=201)


@route("/practitioners/{practitioner_id}/blocks", methods=["POST"])
def block(practitioner_id: str) -> Response:
    from .schemas import BlockRequest

    who = granted(practitioner_id)
    return web.reply(services.get_agenda().block(who, practitioner_id, web.body(BlockRequest)), status=201)


@route("/appointments/{appointment_id}", methods=["GET"])
def appointment(appointment_id: str) -> Response:
    return web.reply(services.get_agenda().show(principal(), appointment_id))


@route("/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel(appointment_id: str) -> Response:
    from ..core.schemas import EmptyRequest

    who = principal()
    web.body(EmptyRequest)
    return web.reply(services.get_agenda().cancel(who, appointment_id))


@route("/appointments/{appointment_id}/move", methods=["POST"])
def move(appointment_id: str) -> Response:
    from ..core.schemas import MoveRequest

    who = principal()
    return web.reply(services.get_agenda().move(who, appointment_id, web.body(MoveRequest)))


@route("/appointments/{appointment_id}/no-show", methods=["POST"])
def no_show(appointment_id: str) -> Response:
    from .schemas import NoShowRequest

    who = principal()
    return web.reply(services.get_agenda().no_show(who, appointment_id, web.body(NoShowRequest)))


# -- settings -----------------------------------------------------------------------------------------------------


@route("/practitioners/{practitioner_id}/settings", methods=["GET"])
def settings(practitioner_id: str) -> Response:
    return web.reply(services.get_practice().read(granted_settings(practitioner_id), practitioner_id))


@route("/practitioners/{practitioner_id}/settings/preview", methods=["POST"])
def preview(practitioner_id: str) -> Response:
    from .schemas import PreviewRequest

    who = granted_settings(practitioner_id)
    return web.reply(services.get_practice().preview(who, practitioner_id, web.body(PreviewRequest)))


@route("/practitioners/{practitioner_id}/settings", methods=["PUT"])
def save_settings(practitioner_id: str) -> Response:
    from .schemas import SaveSettingsRequest

    who = granted_settings(practitioner_id)
    return web.reply(services.get_practice().save(who, practitioner_id, web.body(SaveSettingsRequest)))


# -- calendar feed ------------------------------------------------------------------------------------------------


@route("/practitioners/{practitioner_id}/feed", methods=["GET"])
def feed_status(practitioner_id: str) -> Response:
    return web.reply(services.get_feeds().status(granted_settings(practitioner_id), practitioner_id))


@route("/practitioners/{practitioner_id}/feed", methods=["POST"])
def feed_create(practitioner_id: str) -> Response:
    from ..core.schemas import EmptyRequest
    from .schemas import LanguageQuery

    who = granted_settings(practitioner_id)
    lang = web.query(LanguageQuery).lang
    web.body(EmptyRequest)
    return web.reply(services.get_feeds().create(who, practitioner_id, lang), status=201)


@route("/practitioners/{practitioner_id}/feed", methods=["DELETE"])
def feed_revoke(practitioner_id: str) -> Response:
    return web.reply(services.get_feeds().revoke(granted_settings(practitioner_id), practitioner_id))


@route("/feed/{name}", methods=["GET"])
def feed(name: str) -> Response:
    """The calendar itself: the secret token in the URL is the only credential (calendar programs send no other)."""
    calendar = services.get_feeds().calendar(name)
    headers: dict[str, str | list[str]] = {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store"}
    return Response(body=calendar.decode("utf-8"), status_code=200, headers=headers)
