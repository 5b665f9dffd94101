"""The API's entry point: the route sets (Chalice blueprints, one per audience), the one error shape, and the API's
own two routes, and the two scheduled functions (the reminder and waiting-list pass, and the slot feed's
publication). Everything else lives in chalicelib/ (docs/architecture.md has the map).

API Gateway's stage is named ``api`` so that CloudFront's ``/api/*`` behaviour reaches ``/health`` and ``/v1/...``
unchanged; the local portal strips the same prefix.
"""

from __future__ import annotations

import logging

from chalice import Chalice, Rate, Response
from chalice.app import CloudWatchEvent

from chalicelib import services, slotfeed, web
from chalicelib.backoffice.reminder_routes import routes as practice_reminders
from chalicelib.backoffice.routes import routes as backoffice
from chalicelib.booking.routes import routes as booking
from chalicelib.patients.routes import routes as patients
from chalicelib.reminders.routes import routes as reminders
from chalicelib.waitlist.routes import routes as waitlist

app = Chalice(app_name="portal")
app.log.setLevel(logging.INFO)
app.register_middleware(web.one_error_shape, "http")
app.register_blueprint(booking)  # what patients call: /v1/practitioners/..., /v1/next-available, /v1/appointments...
app.register_blueprint(reminders)  # what patients call about their reminders: /v1/appointments/{id}/reminders...
app.register_blueprint(waitlist)  # the waiting list and its offers: /v1/waitlist..., /v1/offers/...
app.register_blueprint(backoffice, url_prefix="/v1/pro")  # what practices call
app.register_blueprint(patients, url_prefix="/v1/me")  # a signed-in patient's own space
app.register_blueprint(practice_reminders, url_prefix="/v1/pro")  # their reminder settings, waiting list, no-shows
route = web.router(app)


@route("/health", methods=["GET"])
def health() -> Response:
    from chalicelib.core.schemas import HealthResponse

    services.get_store().ping()
    return web.reply(HealthResponse(status="ok", table="reachable"))


@route("/v1/openapi.json", methods=["GET"])
def openapi() -> Response:
    from chalicelib.openapi import document

    return Response(body=document(), headers={"Content-Type": web.JSON, "Cache-Control": "public, max-age=300"})


@app.schedule(Rate(5, unit=Rate.MINUTES), name="scheduled_pass")
def scheduled_pass(event: object) -> None:
    """Every five minutes: due reminders, lapsed offers, freed times (chalicelib/passes.py; the local portal runs
    the same function on the same period)."""
    from chalicelib.passes import run

    run()


@app.schedule(Rate(slotfeed.PERIOD_MINUTES, unit=Rate.MINUTES), name="publish_slot_feed")
def publish_slot_feed(event: CloudWatchEvent) -> None:
    services.get_slot_feed().publish()  # the SMART Scheduling Links files, into the site's bucket
