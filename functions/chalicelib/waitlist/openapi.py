"""The waiting list's part of the OpenAPI document (chalicelib/openapi.py puts the parts together)."""

from __future__ import annotations

from typing import Any

from ..booking.openapi import ERRORS
from ..core import ids
from ..core.appointment import ConfirmResponse
from ..core.openapi import Part, answers, json_content, path_parameter
from ..core.schemas import EmptyRequest
from . import schemas

OFFER_TOKEN = {
    "offerToken": {"type": "http", "scheme": "bearer", "description": "The token of the offer's e-mailed link."}
}
SECURED: list[dict[str, list[str]]] = [{"offerToken": []}]
PROOF_OR_NONE: list[dict[str, list[str]]] = [{}, {"emailProof": []}]  # the booking part's scheme


def _operation(
    summary: str,
    ok: int,
    model: Any,
    errors: tuple[int, ...],
    *,
    request: Any = None,
    parameters: list[dict[str, Any]] | None = None,
    secured: bool = False,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": answers(ok, model, errors, summary, ERRORS)}
    if parameters:
        operation["parameters"] = parameters
    if secured:
        operation["security"] = SECURED
    if request is not None:
        operation["requestBody"] = {"required": request is not EmptyRequest, **json_content(request)}
    return operation


def _join() -> dict[str, Any]:
    """Joining: at once with an e-mail proof for the patient's address (201), else a code is e-mailed (202)."""
    operation = _operation(
        "Ask to be told of a time for a reason and site before a date: with an e-mail proof for the patient's "
        "address, the request joins the waiting list at once; otherwise a code is e-mailed to prove the address.",
        202,
        schemas.WaitRequested,
        (400, 404, 409, 422, 429),
        request=schemas.WaitRequest,
    )
    operation["description"] = (
        'The code e-mail counts as every code e-mail does (docs/api.md, "Limits"); an address on 3 waiting lists '
        "already is refused before any code is sent (429 `too_many_holds`)."
    )
    operation["security"] = PROOF_OR_NONE
    joined = {
        "201": {
            "description": "Joined at once: the request's e-mail proof covers the address.",
            **json_content(schemas.WaitJoined),
        }
    }
    operation["responses"] = {**joined, **operation["responses"]}
    return operation


def part() -> Part:
    offer = [path_parameter("offer_id", ids.APPOINTMENT_ID)]
    paths = {
        "/v1/waitlist": {"post": _join()},
        "/v1/waitlist/{request_id}/confirm": {
            "post": _operation(
                "Enter the code: the request joins the waiting list, as of now (first come, first served); answers "
                "an e-mail proof for the next booking.",
                201,
                schemas.WaitJoined,
                (400, 404, 422, 429),
                request=schemas.WaitProof,
                parameters=[path_parameter("request_id", ids.APPOINTMENT_ID)],
            )
        },
        "/v1/offers/{offer_id}": {
            "get": _operation(
                "A time offered from the waiting list, held for this patient alone until `held_until`.",
                200,
                schemas.OfferView,
                (404,),
                parameters=offer,
                secured=True,
            )
        },
        "/v1/offers/{offer_id}/accept": {
            "post": _operation(
                "Accept the offered time: it is booked (no code: the address is proven); answers the manage token.",
                200,
                ConfirmResponse,
                (400, 404, 409, 410, 422),
                request=EmptyRequest,
                parameters=offer,
                secured=True,
            )
        },
        "/v1/offers/{offer_id}/decline": {
            "post": _operation(
                "Let the offered time go to the next patient waiting (the patient stays on the waiting list).",
                200,
                schemas.OfferDeclined,
                (400, 404, 409, 422),
                request=EmptyRequest,
                parameters=offer,
                secured=True,
            )
        },
    }
    return Part(
        paths=paths,
        requests=[schemas.WaitRequest, schemas.WaitProof],
        responses=[schemas.WaitRequested, schemas.WaitJoined, schemas.OfferView, schemas.OfferDeclined],
        security_schemes=OFFER_TOKEN,
    )
