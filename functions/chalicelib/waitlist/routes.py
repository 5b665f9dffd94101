"""What patients call about the waiting list: join it (with the e-mail proof the request carries, or the e-mailed
code), and answer an offer (see it, accept it, let it go) with the token of the offer's link. A Chalice blueprint
that app.py registers as it is.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import services, web

routes = Blueprint(__name__)
route = web.router(routes)


@route("/v1/waitlist", methods=["POST"])
def join() -> Response:
    from ..booking.routes import caller
    from .schemas import WaitJoined, WaitRequest

    answer = services.get_waitlist().request(web.body(WaitRequest), caller())
    return web.reply(answer, status=201 if isinstance(answer, WaitJoined) else 202)


@route("/v1/waitlist/{request_id}/confirm", methods=["POST"])
def prove(request_id: str) -> Response:
    from ..booking.routes import caller
    from .schemas import WaitProof

    code = web.body(WaitProof).code
    return web.reply(services.get_waitlist().prove(request_id, code, caller()), status=201)


@route("/v1/offers/{offer_id}", methods=["GET"])
def offer(offer_id: str) -> Response:
    return web.reply(services.get_waitlist().show(offer_id, web.bearer()))


@route("/v1/offers/{offer_id}/accept", methods=["POST"])
def accept(offer_id: str) -> Response:
    from ..core.schemas import EmptyRequest

    web.body(EmptyRequest)
    return web.reply(services.get_waitlist().accept(offer_id, web.bearer()))


@route("/v1/offers/{offer_id}/decline", methods=["POST"])
def decline(offer_id: str) -> Response:
    from ..core.schemas import EmptyRequest

    web.body(EmptyRequest)
    return web.reply(services.get_waitlist().decline(offer_id, web.bearer()))
