"""What practices call about reminders and attendance: the reminder settings, and the waiting list per visit reason
with the no-show rate of the last 90 days. A Chalice blueprint that app.py registers under ``/v1/pro``, with the
same rules as the back-office's other routes (routes.py: a bearer token; a front desk's grant sees neither).
"""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import services, web
from .routes import granted_settings

routes = Blueprint(__name__)
route = web.router(routes)


@route("/practitioners/{practitioner_id}/reminders", methods=["GET"])
def reminder_settings(practitioner_id: str) -> Response:
    who = granted_settings(practitioner_id)
    return web.reply(services.get_insights().reminder_settings(who, practitioner_id))


@route("/practitioners/{practitioner_id}/reminders", methods=["PUT"])
def save_reminder_settings(practitioner_id: str) -> Response:
    from .schemas import ReminderSettingsIn

    who = granted_settings(practitioner_id)
    request = web.body(ReminderSettingsIn)
    return web.reply(services.get_insights().save_reminder_settings(who, practitioner_id, request))


@route("/practitioners/{practitioner_id}/insights", methods=["GET"])
def insights(practitioner_id: str) -> Response:
    who = granted_settings(practitioner_id)
    return web.reply(services.get_insights().insights(who, practitioner_id))
