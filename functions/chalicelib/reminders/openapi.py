"""The patient reminder routes' part of the OpenAPI document (chalicelib/openapi.py puts the parts together)."""

from __future__ import annotations

from typing import Any

from ..booking.openapi import ERRORS
from ..core import ids
from ..core.openapi import Part, answers, json_content, path_parameter
from ..core.schemas import EmptyRequest
from . import schemas

BEARER: list[dict[str, list[str]]] = [{"manageToken": []}]


def _operation(summary: str, ok: int, model: Any, errors: tuple[int, ...], request: Any = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [path_parameter("appointment_id", ids.APPOINTMENT_ID)],
        "security": BEARER,
        "responses": answers(ok, model, errors, summary, ERRORS),
    }
    if request is not None:
        operation["requestBody"] = {"required": request is not EmptyRequest, **json_content(request)}
    return operation


def part() -> Part:
    paths = {
        "/v1/appointments/{appointment_id}/reminders": {
            "get": _operation(
                "The appointment's reminders: channels, the times planned.", 200, schemas.RemindersView, (404,)
            ),
            "put": _operation(
                "Turn the reminders by e-mail or by text off or on again (planned again at once).",
                200,
                schemas.RemindersView,
                (400, 404, 422),
                schemas.ReminderChoices,
            ),
        },
        "/v1/appointments/{appointment_id}/reminders/sms-code": {
            "post": _operation(
                "Text a 6-digit code to the appointment's mobile number (at most 3 per appointment).",
                202,
                schemas.SmsCodeSent,
                (400, 404, 422, 429),
                EmptyRequest,
            )
        },
        "/v1/appointments/{appointment_id}/reminders/sms-proof": {
            "post": _operation(
                "Prove the mobile number with the texted code: texts join the reminders.",
                200,
                schemas.RemindersView,
                (400, 404, 422, 429),
                schemas.SmsProof,
            )
        },
    }
    return Part(
        paths=paths,
        requests=[schemas.ReminderChoices, schemas.SmsProof],
        responses=[schemas.RemindersView, schemas.SmsCodeSent],
    )
