"""What patients call about their reminders, from the manage page: their choices (e-mail, text) and the texted code
that proves their mobile number. The manage token opens them, as it opens the appointment (booking/routes.py).
A Chalice blueprint that app.py registers as it is (paths ``/v1/appointments/{id}/reminders...``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import services, web

if TYPE_CHECKING:
    from ..core.appointment import Appointment

routes = Blueprint(__name__)
route = web.router(routes)


def authorised(appointment_id: str) -> Appointment:
    """The appointment its manage token opens (the booking service's check: the same 404 otherwise)."""
    from ..core.errors import NotFound

    services.get_bookings().show(appointment_id, web.bearer())
    found = services.get_store().appointment(appointment_id)
    if found is None:
        raise NotFound("No such appointment.")
    return found


@route("/v1/appointments/{appointment_id}/reminders", methods=["GET"])
def reminders(appointment_id: str) -> Response:
    return web.reply(services.get_reminders().view(authorised(appointment_id)))


@route("/v1/appointments/{appointment_id}/reminders", methods=["PUT"])
def choose(appointment_id: str) -> Response:
    from .schemas import ReminderChoices

    choices = web.body(ReminderChoices)
    return web.reply(services.get_reminders().choose(authorised(appointment_id), choices))


@route("/v1/appointments/{appointment_id}/reminders/sms-code", methods=["POST"])
def sms_code(appointment_id: str) -> Response:
    from ..core.schemas import EmptyRequest
    from .schemas import SmsCodeSent

    web.body(EmptyRequest)
    services.get_reminders().send_sms_code(authorised(appointment_id))
    return web.reply(SmsCodeSent(status="sent"), status=202)


@route("/v1/appointments/{appointment_id}/reminders/sms-proof", methods=["POST"])
def sms_proof(appointment_id: str) -> Response:
    from .schemas import SmsProof

    code = web.body(SmsProof).code
    return web.reply(services.get_reminders().prove_phone(authorised(appointment_id), code))
