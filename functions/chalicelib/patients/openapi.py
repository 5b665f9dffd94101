"""The patient space's part of the OpenAPI document (chalicelib/openapi.py puts the parts together)."""

from __future__ import annotations

from typing import Any

from ..booking.schemas import ProofCodeSent
from ..core import ids
from ..core.appointment import AppointmentView
from ..core.openapi import UNAVAILABLE, Part, answers, json_content, path_parameter
from ..core.schemas import EmptyRequest, MoveRequest
from . import schemas
from .account import AccountOut
from .mydata import Deleted, DeleteRequest, MyData, WhoLooked
from .passkeys import PasskeyAnswer, PasskeyList, PasskeyOptions, PasskeyOut
from .relatives import RelativeIn, RelativeList, RelativeOut
from .sessions import SessionOut
from .space import MyAppointments

ERRORS = {
    400: "Malformed request (body not JSON; `bad_request`), or a change without the session's X-CSRF-Token header or "
    "from a request a browser marks as cross-site (`csrf_required`); `field` names it.",
    401: "No session, or it has ended (idle 30 minutes, 12 hours after sign-in, signed out, account deleted), or "
    "a passkey that is not recognised (unknown, wrong signature, a signature counter that did not move on).",
    404: "Unknown id, another patient's appointment, a spent or expired passkey challenge, or a spent code "
    "(indistinguishable on purpose).",
    409: "The appointment is not in a state that allows it (cancelled, started), the slot was just taken, or the new "
    "address has an account of its own.",
    410: "The code expired (`code_expired`, after 10 minutes): ask for a new one.",
    422: "Invalid input; `field` names it. A wrong code is `wrong_code`, with `attempts_left`.",
    429: "Too many codes or attempts from this e-mail or network (the e-mail proofs' limits).",
    503: UNAVAILABLE,
}
SESSION = (
    "The session cookie (``portal_session``, HttpOnly, Secure, SameSite=Strict, Path=/api/); every request "
    "that changes anything also sends the X-CSRF-Token header that the sign-in's answer and GET /v1/me give."
)
SECURITY_SCHEMES = {
    "patientSession": {"type": "apiKey", "in": "cookie", "name": "portal_session", "description": SESSION},
}


def _responses(ok: int, model: Any, errors: tuple[int, ...], description: str) -> dict[str, Any]:
    return answers(ok, model, errors, description, ERRORS)


def _body(model: Any, required: bool = True) -> dict[str, Any]:
    return {"required": required, **json_content(model)}


def _signed_in(summary: str, ok: int, model: Any, errors: tuple[int, ...], **more: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"patientSession": []}],
        "responses": _responses(ok, model, (400, 401, *errors) if 400 not in errors else (401, *errors), "Done."),
        **more,
    }


def part() -> Part:
    appointment = path_parameter("appointment_id", ids.APPOINTMENT_ID)
    proof = path_parameter("proof_id", ids.PROOF_CODE_ID)
    credential = path_parameter("credential_id", ids.CREDENTIAL_ID)
    relative = path_parameter("relative_id", ids.RELATIVE_ID)
    set_cookie = {"Set-Cookie": {"description": "The new session's cookie.", "schema": {"type": "string"}}}
    signed = _responses(200, SessionOut, (400, 401, 404, 410, 422, 429), "Signed in: a new session.")
    signed["200"]["headers"] = set_cookie
    by_passkey = _responses(200, SessionOut, (400, 401, 404, 422), "Signed in: a new session.")
    by_passkey["200"]["headers"] = set_cookie
    paths: dict[str, Any] = {
        "/v1/me/sign-in/code": {
            "post": {
                "summary": "E-mail a 6-digit code to sign in (an account is made on the first sign-in).",
                "requestBody": _body(schemas.SignInCodeRequest),
                "responses": _responses(202, ProofCodeSent, (400, 422, 429), "A code is on its way."),
            }
        },
        "/v1/me/sign-in/code/{proof_id}": {
            "post": {
                "summary": "Sign in with the e-mailed code: a new session (cookie), ending the browser's previous one.",
                "parameters": [proof],
                "requestBody": _body(schemas.SignInConfirm),
                "responses": signed,
            }
        },
        "/v1/me/sign-in/passkey/options": {
            "post": {
                "summary": "A challenge to sign in with a passkey (valid 5 minutes, answered once).",
                "requestBody": _body(EmptyRequest, required=False),
                "responses": _responses(200, PasskeyOptions, (400, 422), "The WebAuthn request options."),
            }
        },
        "/v1/me/sign-in/passkey": {
            "post": {
                "summary": "Sign in with a passkey's answer to the challenge: a new session (cookie).",
                "requestBody": _body(PasskeyAnswer),
                "responses": by_passkey,
            }
        },
        "/v1/me": {"get": _signed_in("The signed-in account, its session and CSRF token.", 200, SessionOut, ())},
        "/v1/me/sign-out": {
            "post": _signed_in(
                "End this session.", 200, schemas.SessionsEnded, (400, 422), requestBody=_body(EmptyRequest, False)
            )
        },
        "/v1/me/sign-out-everywhere": {
            "post": _signed_in(
                "End every session of the account.",
                200,
                schemas.SessionsEnded,
                (400, 422),
                requestBody=_body(EmptyRequest, False),
            )
        },
        "/v1/me/appointments": {
            "get": _signed_in(
                "Every appointment booked with the account's e-mail, any professional, guest bookings included: "
                "upcoming and past (one Query).",
                200,
                MyAppointments,
                (),
            )
        },
        "/v1/me/appointments/{appointment_id}/cancel": {
            "post": _signed_in(
                "Cancel one of my appointments (the usual e-mail goes out).",
                200,
                AppointmentView,
                (400, 404, 409, 422),
                parameters=[appointment],
                requestBody=_body(EmptyRequest, False),
            )
        },
        "/v1/me/appointments/{appointment_id}/move": {
            "post": _signed_in(
                "Move one of my appointments to another slot of the same reason and site.",
                200,
                AppointmentView,
                (400, 404, 409, 422),
                parameters=[appointment],
                requestBody=_body(MoveRequest),
            )
        },
        "/v1/me/passkeys/options": {
            "post": _signed_in(
                "A challenge to register a new passkey (valid 5 minutes, answered once).",
                200,
                PasskeyOptions,
                (400, 422),
                requestBody=_body(EmptyRequest, False),
            )
        },
        "/v1/me/passkeys": {
            "get": _signed_in("The account's passkeys.", 200, PasskeyList, ()),
            "post": _signed_in(
                "Register a passkey: the browser's answer to the challenge.",
                201,
                PasskeyOut,
                (400, 404, 422),
                requestBody=_body(PasskeyAnswer),
            ),
        },
        "/v1/me/passkeys/{credential_id}": {
            "delete": _signed_in(
                "Remove a passkey; answers those left.", 200, PasskeyList, (404,), parameters=[credential]
            )
        },
        "/v1/me/details": {
            "put": _signed_in(
                "Save the details that prefill the booking form (given name, family name, phone, language).",
                200,
                AccountOut,
                (400, 422),
                requestBody=_body(schemas.DetailsIn),
            )
        },
        "/v1/me/data": {
            "get": _signed_in(
                "Everything the portal keeps about me, as a JSON file (Content-Disposition: attachment): account, "
                "passkeys (public part), relatives, sessions, every appointment, waiting-list entries, proven mobile "
                "numbers, who looked at my appointments.",
                200,
                MyData,
                (),
            )
        },
        "/v1/me/looks": {
            "get": _signed_in(
                "Who in the practices looked at my appointments (the back-office's audit log), newest first.",
                200,
                WhoLooked,
                (),
            )
        },
        "/v1/me/delete": {
            "post": _signed_in(
                "Delete my account, after typing its e-mail address again: waiting-list entries withdrawn, upcoming "
                "appointments cancelled (with the usual e-mails), then the account, passkeys, relatives, sessions "
                "and proven mobile numbers deleted.",
                200,
                Deleted,
                (400, 422),
                requestBody=_body(DeleteRequest),
            )
        },
        "/v1/me/email": {
            "post": _signed_in(
                "Change my address, step 1: e-mail a code to the new address (nothing changes yet).",
                202,
                ProofCodeSent,
                (400, 422, 429),
                requestBody=_body(schemas.SignInCodeRequest),
            )
        },
        "/v1/me/email/{proof_id}": {
            "post": _signed_in(
                "Change my address, step 2: the code e-mailed to the new address; my appointments follow it, and "
                "the upcoming ones and my waiting-list entries send their e-mails there.",
                200,
                AccountOut,
                (400, 404, 409, 410, 422, 429),
                parameters=[proof],
                requestBody=_body(schemas.EmailChangeConfirm),
            )
        },
        "/v1/me/relatives": {
            "get": _signed_in("The people I book for.", 200, RelativeList, ()),
            "post": _signed_in(
                "Add someone I book for (at most 20); POST /v1/appointments with `relative` books for them.",
                201,
                RelativeOut,
                (400, 422),
                requestBody=_body(RelativeIn),
            ),
        },
        "/v1/me/relatives/{relative_id}": {
            "delete": _signed_in(
                "Forget a relative (their appointments stay booked); answers those left.",
                200,
                RelativeList,
                (404,),
                parameters=[relative],
            )
        },
    }
    return Part(
        paths=paths,
        requests=[
            schemas.SignInCodeRequest,
            schemas.SignInConfirm,
            schemas.DetailsIn,
            schemas.EmailChangeConfirm,
            PasskeyAnswer,
            RelativeIn,
            DeleteRequest,
        ],
        responses=[
            SessionOut,
            schemas.SessionsEnded,
            MyAppointments,
            PasskeyOptions,
            PasskeyOut,
            PasskeyList,
            RelativeOut,
            RelativeList,
            MyData,
            WhoLooked,
            Deleted,
        ],
        security_schemes=SECURITY_SCHEMES,
    )
