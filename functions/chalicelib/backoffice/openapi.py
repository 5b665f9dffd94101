"""The back-office's part of the OpenAPI document (chalicelib/openapi.py puts the parts together): paths under
``/v1/pro`` and their models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..core import ids
from ..core.appointment import ProAppointment
from ..core.openapi import Part, answers, json_content, path_parameter
from ..core.schemas import DAY_TEXT, LANGUAGES, EmptyRequest, ErrorResponse, MoveRequest
from . import schemas as ps

ERRORS = {
    400: "Malformed request (body not JSON); `field` names it.",
    401: "No valid access token (missing, expired, forged, another pool or client), or a refused sign-in step.",
    404: "Unknown id, or one this account has no grant for (indistinguishable on purpose).",
    409: "Conflict: the time is taken (a phone booking's answer then lists the nearest free times in "
    "`alternatives`), the settings changed meanwhile, the change would orphan appointments, or the appointment is "
    "not in that state.",
    422: "Invalid input; `field` names it with a dotted path.",
    429: "Too many sign-in attempts.",
    503: "The database, the audit log or the sign-in service is unavailable; retry later.",
}
REQUESTS: list[type[BaseModel]] = [
    ps.SignInRequest,
    ps.NewPasswordRequest,
    ps.TotpSetupRequest,
    ps.TotpCodeRequest,
    ps.RefreshRequest,
    ps.PhoneBookingRequest,
    ps.BlockRequest,
    ps.NoShowRequest,
    ps.PreviewRequest,
    ps.SaveSettingsRequest,
]
RESPONSES: list[type[BaseModel]] = [
    ps.SignInStep,
    ps.TotpEnrolment,
    ps.SignedOut,
    ps.MeResponse,
    ps.AgendaResponse,
    ps.FreeTimesResponse,
    ProAppointment,
    ps.SettingsResponse,
    ps.PreviewResponse,
    ps.SettingsSaved,
    ps.FeedStatus,
]
SECURITY: list[dict[str, list[str]]] = [{"cognitoAccessToken": []}]
SECURITY_SCHEME = {
    "cognitoAccessToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The access token from the sign-in steps (Cognito, 15 minutes).",
    }
}


def _operation(
    summary: str,
    ok: int,
    model: type[BaseModel],
    errors: tuple[int, ...],
    *,
    request: type[BaseModel] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    secured: bool = True,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "tags": ["back-office"]}
    if parameters:
        operation["parameters"] = parameters
    if secured:
        operation["security"] = SECURITY
        errors = (401, *errors)
    if request is not None:
        operation["requestBody"] = {"required": request is not EmptyRequest, **json_content(request)}
    operation["responses"] = answers(ok, model, (400, 422, *errors) if request else errors, summary, ERRORS)
    return operation


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def part() -> Part:
    return Part(paths=paths(), requests=REQUESTS, responses=RESPONSES, security_schemes=SECURITY_SCHEME)


def paths() -> dict[str, Any]:
    pro = [path_parameter("practitioner_id", ids.PRACTITIONER_ID)]
    appointment = [path_parameter("appointment_id", ids.APPOINTMENT_ID)]
    lang = _query("lang", {"enum": list(LANGUAGES)}, "Language of names and labels; default fr.")
    step = ps.SignInStep
    return {
        "/v1/pro/auth/start": {
            "post": _operation(
                "Sign in with e-mail and password.", 200, step, (401, 429), request=ps.SignInRequest, secured=False
            )
        },
        "/v1/pro/auth/new-password": {
            "post": _operation(
                "First sign-in: replace the temporary password.",
                200,
                step,
                (401, 429),
                request=ps.NewPasswordRequest,
                secured=False,
            )
        },
        "/v1/pro/auth/totp-setup": {
            "post": _operation(
                "Enrol an authenticator app: its secret and otpauth:// URI.",
                200,
                ps.TotpEnrolment,
                (401, 429),
                request=ps.TotpSetupRequest,
                secured=False,
            )
        },
        "/v1/pro/auth/totp-setup/verify": {
            "post": _operation(
                "Confirm the enrolment with a first code; signs in.",
                200,
                step,
                (401, 429),
                request=ps.TotpCodeRequest,
                secured=False,
            )
        },
        "/v1/pro/auth/totp": {
            "post": _operation(
                "Answer the TOTP challenge; signs in.", 200, step, (401, 429), request=ps.TotpCodeRequest, secured=False
            )
        },
        "/v1/pro/auth/refresh": {
            "post": _operation(
                "A new access token from the refresh token.",
                200,
                step,
                (401, 429),
                request=ps.RefreshRequest,
                secured=False,
            )
        },
        "/v1/pro/auth/sign-out": {
            "post": _operation(
                "Sign out everywhere (the account's refresh tokens are revoked).",
                200,
                ps.SignedOut,
                (),
                request=EmptyRequest,
                secured=False,
            )
        },
        "/v1/pro/me": {
            "get": _operation(
                "The signed-in account's role and agendas.", 200, ps.MeResponse, (422,), parameters=[lang]
            )
        },
        "/v1/pro/practitioners/{practitioner_id}/agenda": {
            "get": _operation(
                "Appointments and blocks of 1 to 7 local dates (each patient shown is recorded in the audit log), with "
                "the openings, absences, public holidays and free times of every visit reason the grid shows.",
                200,
                ps.AgendaResponse,
                (404, 422),
                parameters=[
                    *pro,
                    _query(
                        "from",
                        {"type": "string", "format": "date", "pattern": DAY_TEXT},
                        "First local date.",
                        required=True,
                    ),
                    _query("days", {"type": "integer", "minimum": 1, "maximum": 7}, "1 to 7; default 1."),
                ],
            )
        },
        "/v1/pro/practitioners/{practitioner_id}/free-times": {
            "get": _operation(
                "The next free times of a visit reason (the practice's: also a reason booked by phone only, without "
                "the patients' notice and horizon), over at most 31 days.",
                200,
                ps.FreeTimesResponse,
                (404, 422),
                parameters=[
                    *pro,
                    _query("reason", {"type": "string", "pattern": ids.CODE}, "A visit reason.", required=True),
                    _query("from", {"type": "string", "format": "date"}, "First local date; default today."),
                    _query("site", {"type": "string", "pattern": ids.CODE}, "One practice site; default every one."),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 20}, "1 to 20; default 6."),
                ],
            )
        },
        "/v1/pro/practitioners/{practitioner_id}/appointments": {
            "post": _operation(
                "Add an appointment taken by phone (the same no-double-booking transaction).",
                201,
                ProAppointment,
                (404, 409),
                request=ps.PhoneBookingRequest,
                parameters=pro,
            )
        },
        "/v1/pro/practitioners/{practitioner_id}/blocks": {
            "post": _operation(
                "Block a time (up to 8 hours) so that nobody books it.",
                201,
                ProAppointment,
                (404, 409),
                request=ps.BlockRequest,
                parameters=pro,
            )
        },
        "/v1/pro/practitioners/{practitioner_id}/settings": {
            "get": _operation(
                "Visit reasons, weekly hours, absences and booking rules.",
                200,
                ps.SettingsResponse,
                (404,),
                parameters=pro,
            ),
            "put": _operation(
                "Save the settings (refused while they would orphan appointments, unless told what to do).",
                200,
                ps.SettingsSaved,
                (404, 409),
                request=ps.SaveSettingsRequest,
                parameters=pro,
            ),
        },
        "/v1/pro/practitioners/{practitioner_id}/settings/preview": {
            "post": _operation(
                "The free slots proposed settings would give, and the appointments they would orphan.",
                200,
                ps.PreviewResponse,
                (404,),
                request=ps.PreviewRequest,
                parameters=pro,
            )
        },
        "/v1/pro/practitioners/{practitioner_id}/feed": {
            "get": _operation("Whether a calendar feed exists.", 200, ps.FeedStatus, (404,), parameters=pro),
            "post": _operation(
                "A new private calendar feed URL (shown once; the previous one stops working).",
                201,
                ps.FeedStatus,
                (404,),
                request=EmptyRequest,
                parameters=[*pro, lang],
            ),
            "delete": _operation("Revoke the calendar feed.", 200, ps.FeedStatus, (404,), parameters=pro),
        },
        "/v1/pro/feed/{name}": {
            "get": {
                "summary": "The calendar feed (iCalendar); its secret token is the only credential.",
                "tags": ["back-office"],
                "parameters": [path_parameter("name", ids.FEED_NAME)],
                "responses": {
                    "200": {"description": "iCalendar", "content": {"text/calendar": {"schema": {"type": "string"}}}},
                    "404": {"description": ERRORS[404], **json_content(ErrorResponse)},
                    "503": {"description": ERRORS[503], **json_content(ErrorResponse)},
                },
            }
        },
        "/v1/pro/appointments/{appointment_id}": {
            "get": _operation(
                "An appointment with its patient's details (recorded in the audit log first).",
                200,
                ProAppointment,
                (404,),
                parameters=appointment,
            )
        },
        "/v1/pro/appointments/{appointment_id}/cancel": {
            "post": _operation(
                "Cancel (the patient is e-mailed) or release a block.",
                200,
                ProAppointment,
                (404, 409),
                request=EmptyRequest,
                parameters=appointment,
            )
        },
        "/v1/pro/appointments/{appointment_id}/move": {
            "post": _operation(
                "Move to any free time of the same length (the patient is e-mailed).",
                200,
                ProAppointment,
                (404, 409),
                request=MoveRequest,
                parameters=appointment,
            )
        },
        "/v1/pro/appointments/{appointment_id}/no-show": {
            "post": _operation(
                "Mark, or unmark, a started appointment as missed.",
                200,
                ProAppointment,
                (404, 409),
                request=ps.NoShowRequest,
                parameters=appointment,
            )
        },
    }
