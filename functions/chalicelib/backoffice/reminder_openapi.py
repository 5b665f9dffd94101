"""The back-office's reminder and attendance routes in the OpenAPI document (reminder_routes.py)."""

from __future__ import annotations

from typing import Any

from ..core import ids
from ..core.openapi import Part, path_parameter
from ..waitlist.schemas import PracticeInsights
from . import schemas as ps
from .openapi import _operation


def part() -> Part:
    pro = [path_parameter("practitioner_id", ids.PRACTITIONER_ID)]
    paths: dict[str, Any] = {
        "/v1/pro/practitioners/{practitioner_id}/reminders": {
            "get": _operation(
                "The practice's reminder times and channels.", 200, ps.ReminderSettingsOut, (404,), parameters=pro
            ),
            "put": _operation(
                "Save the reminder times and channels (for appointments booked or changed from now on).",
                200,
                ps.ReminderSettingsOut,
                (404,),
                request=ps.ReminderSettingsIn,
                parameters=pro,
            ),
        },
        "/v1/pro/practitioners/{practitioner_id}/insights": {
            "get": _operation(
                "Patients waiting per visit reason, and the no-show rate of the last 90 days.",
                200,
                PracticeInsights,
                (404,),
                parameters=pro,
            )
        },
    }
    return Part(paths=paths, requests=[ps.ReminderSettingsIn], responses=[ps.ReminderSettingsOut, PracticeInsights])
