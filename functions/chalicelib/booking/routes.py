"""What patients call: free slots, the next free slot of many professionals, holds confirmed by an e-mailed code
(or an e-mail proof), e-mail proofs, and the appointment managed with its token. A Chalice blueprint that app.py
registers as it is (paths ``/v1/...``).

Thin views: parse, call the booking service, answer. Each imports what it needs when it first runs, so a cold
start pays only for the route it answers (docs/performance.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import services, web
from ..core.errors import BadRequest, InvalidInput

if TYPE_CHECKING:
    from .service import Caller

routes = Blueprint(__name__)
route = web.router(routes)


def caller() -> Caller:
    """Who is asking: their network, and the e-mail proof the request carries (``Email-Proof``; core/proof.py), or
    else a signed-in patient's session (its cookie and CSRF token: the account's proven e-mail). A session that does
    not hold (ended, no CSRF token) is no proof: the request is a guest's, and the code is e-mailed."""
    from ..core.proof import PROOF_HEADER
    from .service import Caller

    token = web.header(PROOF_HEADER).strip()
    proof = services.get_proofs().verify(token) if token else None
    if "portal_session=" in web.header("cookie"):
        from ..core.errors import PortalError
        from ..patients.routes import signed_in

        try:
            signed = signed_in()
        except PortalError:
            return Caller(network=web.network(), proof=proof)
        return Caller(network=web.network(), proof=proof or signed.proof, account_id=signed.account.id)
    return Caller(network=web.network(), proof=proof)


def idempotency_key() -> str:
    from ..core.ids import is_idempotency_key

    key = web.header("idempotency-key")
    if not key:
        raise BadRequest("The Idempotency-Key header is required.", field="Idempotency-Key")
    if not is_idempotency_key(key):
        raise InvalidInput("Idempotency-Key: 8 to 128 letters, digits or _ . : -", field="Idempotency-Key")
    return key


@route("/v1/practitioners/{practitioner_id}/slots", methods=["GET"])
def slots(practitioner_id: str) -> Response:
    from .schemas import SlotsQuery

    found = services.get_bookings().slots(practitioner_id, web.query(SlotsQuery))
    # Browsers ask again each time; the CDN may answer identical lookups for a few seconds during a surge.
    return web.reply(found, cache="public, max-age=0, s-maxage=5")


@route("/v1/next-available", methods=["GET"])
def next_available() -> Response:
    from .schemas import NextAvailableQuery

    asked = web.query(NextAvailableQuery)
    found = services.get_bookings().next_available(asked.ids, with_hours=asked.hours)
    return web.reply(found, cache="public, max-age=30, s-maxage=30")


@route("/v1/appointments", methods=["POST"])
def hold() -> Response:
    from .schemas import HoldRequest

    key = idempotency_key()
    held, replayed = services.get_bookings().hold(web.body(HoldRequest), key, caller())
    headers = {"Location": f"/api/v1/appointments/{held.id}", "Idempotent-Replayed": str(replayed).lower()}
    return web.reply(held, status=201, **headers)


@route("/v1/appointments/{appointment_id}/code", methods=["POST"])
def resend_code(appointment_id: str) -> Response:
    from ..core.schemas import EmptyRequest
    from .schemas import CodeSent

    web.body(EmptyRequest)
    services.get_bookings().resend_code(appointment_id, caller())
    return web.reply(CodeSent(status="sent"), status=202)


@route("/v1/appointments/{appointment_id}/confirm", methods=["POST"])
def confirm(appointment_id: str) -> Response:
    from .schemas import ConfirmRequest

    code = web.body(ConfirmRequest).code
    return web.reply(services.get_bookings().confirm(appointment_id, code, caller()))


@route("/v1/email-proofs", methods=["POST"])
def prove_email() -> Response:
    from .schemas import ProofRequest

    sent = services.get_proofs().send_code(web.body(ProofRequest), web.network())
    return web.reply(sent, status=202)


@route("/v1/email-proofs/{proof_id}/confirm", methods=["POST"])
def confirm_email(proof_id: str) -> Response:
    from .schemas import ProofConfirmRequest

    code = web.body(ProofConfirmRequest).code
    return web.reply(services.get_proofs().redeem(proof_id, code, web.network()))


@route("/v1/appointments/{appointment_id}", methods=["GET"])
def show(appointment_id: str) -> Response:
    return web.reply(services.get_bookings().show(appointment_id, web.bearer()))


@route("/v1/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel(appointment_id: str) -> Response:
    from ..core.schemas import EmptyRequest

    web.body(EmptyRequest)
    return web.reply(services.get_bookings().cancel(appointment_id, web.bearer()))


@route("/v1/appointments/{appointment_id}/move", methods=["POST"])
def move(appointment_id: str) -> Response:
    from ..core.schemas import MoveRequest

    request = web.body(MoveRequest)
    return web.reply(services.get_bookings().move(appointment_id, web.bearer(), request))
