"""The booking routes' part of the OpenAPI document (chalicelib/openapi.py puts the parts together)."""

from __future__ import annotations

from typing import Any

from ..core import ids
from ..core.appointment import AppointmentView, ConfirmResponse, EmailProof, HoldResponse
from ..core.openapi import REF, UNAVAILABLE, Part, answers, json_content, path_parameter
from ..core.schemas import EmptyRequest, MoveRequest
from . import schemas

ERRORS = {
    400: "Malformed request (body not JSON or nested too deeply, header missing); `field` names it.",
    401: "A booking for a relative (`relative`) without a signed-in session.",
    404: "Unknown id, no online booking, a relative that is not one of mine, or a wrong or missing manage token "
    "(indistinguishable on purpose).",
    409: "Conflict: the slot was just taken, the patient's cap is reached, the appointment is not in that state.",
    422: "Invalid input; `field` names it (`patient.email`, `email`, `start`, `code`, `Idempotency-Key`).",
    429: "Too many requests or code attempts from this e-mail or network (`too_many_requests`, `too_many_attempts`), "
    "too many holds awaiting confirmation (`too_many_holds`), or the unproven holds' share of this e-mail or network "
    "is used up: prove the e-mail address first (`proof_required`, then POST /v1/email-proofs).",
    410: "The hold expired before it was confirmed.",
    503: UNAVAILABLE,
}
HOLD_RULES = (
    "Limits (docs/api.md): a client without an e-mail proof for the patient's address holds at most 2 times at once "
    "per e-mail and 2 per network (an IPv4 address, or an IPv6 /64), then gets 429 `proof_required`; with a proof, "
    "3 per e-mail. A network holds at most 5 times at once, proven or not (429 `too_many_holds`). Each code e-mail "
    "counts 3 an hour and 5 a day per e-mail and network, 10 a day per e-mail, 100 per network in 10 minutes "
    "(429 `too_many_requests`); e-mails count by their canonical mailbox (case, a +tag and Gmail's dots ignored). "
    "A refused request counts for nothing."
)
SECURITY_SCHEMES = {
    "manageToken": {"type": "http", "scheme": "bearer", "description": "The token from the confirmation."},
    "emailProof": {
        "type": "apiKey",
        "in": "header",
        "name": "Email-Proof",
        "description": "An e-mail proof's token (from a confirmation with a code, or from POST /v1/email-proofs/"
        "{proof_id}/confirm), valid 30 minutes: a hold for the same address needs no code and does not count "
        "among the unproven holds. Optional: without it, the hold's code is e-mailed.",
    },
}


def _responses(ok: int, model: Any, errors: tuple[int, ...], description: str) -> dict[str, Any]:
    return answers(ok, model, errors, description, ERRORS)


def _confirm_responses() -> dict[str, Any]:
    found = _responses(200, ConfirmResponse, (400, 404, 409, 410, 422, 429), "Booked.")
    found["422"]["description"] = (
        "A malformed code (`invalid_input`), or a wrong one (`wrong_code`, whose body also carries `attempts_left`)."
    )
    return found


def _proof_responses() -> dict[str, Any]:
    found = _responses(200, EmailProof, (400, 404, 410, 422, 429), "The e-mail proof.")
    found["410"]["description"] = "The code expired (`code_expired`, after 10 minutes): ask for a new one."
    found["422"]["description"] = (
        "A malformed code (`invalid_input`), or a wrong one (`wrong_code`, with `attempts_left`)."
    )
    return found


def _query(model: Any) -> list[dict[str, Any]]:
    """Query parameters from a query model's JSON Schema (one parameter per field)."""
    schema = model.model_json_schema(by_alias=True, ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "description": prop.pop("description", ""),
            "schema": prop,
            # a list is one parameter, comma-separated (``ids=a,b``): a parameter given twice is refused (web.query)
            **({"style": "form", "explode": False} if prop.get("type") == "array" else {}),
        }
        for name, prop in schema["properties"].items()
    ]


def _body(model: Any, required: bool = True) -> dict[str, Any]:
    return {"required": required, **json_content(model)}


def part() -> Part:
    practitioner = path_parameter("practitioner_id", ids.PRACTITIONER_ID)
    appointment = path_parameter("appointment_id", ids.APPOINTMENT_ID)
    bearer: list[dict[str, list[str]]] = [{"manageToken": []}]
    proof_or_none: list[dict[str, list[str]]] = [{}, {"emailProof": []}]
    proof_request = path_parameter("proof_id", ids.PROOF_CODE_ID)
    idempotency = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": True,
        "description": "A fresh random value per booking attempt, sent again unchanged when retrying it.",
        "schema": {"type": "string", "pattern": ids.IDEMPOTENCY_KEY},
    }
    paths: dict[str, Any] = {
        "/v1/practitioners/{practitioner_id}/slots": {
            "get": {
                "summary": "Free slots of one visit reason over 1 to 31 local dates.",
                "parameters": [practitioner, *_query(schemas.SlotsQuery)],
                "responses": _responses(200, schemas.SlotsResponse, (404, 422), "Free slots in time order."),
            }
        },
        "/v1/next-available": {
            "get": {
                "summary": "The first free slot of up to 50 professionals; with hours=true, also their weekly "
                "opening hours in force.",
                "parameters": _query(schemas.NextAvailableQuery),
                "responses": _responses(200, schemas.NextAvailableResponse, (422,), "One entry per id, in order."),
            }
        },
        "/v1/appointments": {
            "post": {
                "summary": "Hold a slot for 10 minutes and e-mail a one-time code to confirm it (with an e-mail "
                "proof for the patient's address: no code, confirm with the proof).",
                "description": HOLD_RULES,
                "parameters": [idempotency],
                "security": [*proof_or_none, {"patientSession": []}],
                "requestBody": _body(schemas.HoldRequest),
                "responses": _responses(
                    201,
                    HoldResponse,
                    (400, 401, 404, 409, 422, 429),
                    "Held (or the same hold again for a repeated key).",
                ),
            }
        },
        "/v1/appointments/{appointment_id}/code": {
            "post": {
                "summary": "E-mail a new code for a live hold (the previous one stops working).",
                "parameters": [appointment],
                "requestBody": _body(EmptyRequest, required=False),
                "responses": _responses(
                    202, schemas.CodeSent, (400, 404, 409, 410, 422, 429), "A new code is on its way."
                ),
            }
        },
        "/v1/appointments/{appointment_id}/confirm": {
            "post": {
                "summary": "Confirm a hold with its code, or with an e-mail proof for the patient's address; answers "
                "the manage token once (and, after a code, an e-mail proof).",
                "parameters": [appointment],
                "security": [*proof_or_none, {"patientSession": []}],
                "requestBody": _body(schemas.ConfirmRequest),
                "responses": _confirm_responses(),
            }
        },
        "/v1/email-proofs": {
            "post": {
                "summary": "E-mail a 6-digit code that proves the address, before any time is held (when a hold "
                "answered 429 `proof_required`).",
                "requestBody": _body(schemas.ProofRequest),
                "responses": _responses(202, schemas.ProofCodeSent, (400, 422, 429), "A code is on its way."),
            }
        },
        "/v1/email-proofs/{proof_id}/confirm": {
            "post": {
                "summary": "The code, for an e-mail proof (valid 30 minutes; send it as the Email-Proof header).",
                "parameters": [proof_request],
                "requestBody": _body(schemas.ProofConfirmRequest),
                "responses": _proof_responses(),
            }
        },
        "/v1/appointments/{appointment_id}": {
            "get": {
                "summary": "Show an appointment to the holder of its manage token.",
                "parameters": [appointment],
                "security": bearer,
                "responses": _responses(200, AppointmentView, (404,), "The appointment."),
            }
        },
        "/v1/appointments/{appointment_id}/cancel": {
            "post": {
                "summary": "Cancel (repeating it answers the cancelled appointment again).",
                "parameters": [appointment],
                "security": bearer,
                "requestBody": _body(EmptyRequest, required=False),
                "responses": _responses(200, AppointmentView, (400, 404, 409, 422), "Cancelled."),
            }
        },
        "/v1/appointments/{appointment_id}/move": {
            "post": {
                "summary": "Move to another slot of the same reason and site, in one transaction.",
                "parameters": [appointment],
                "security": bearer,
                "requestBody": _body(MoveRequest),
                "responses": _responses(200, AppointmentView, (400, 404, 409, 422), "Moved."),
            }
        },
    }
    return Part(
        paths=paths,
        requests=[
            schemas.HoldRequest,
            schemas.ConfirmRequest,
            schemas.ProofRequest,
            schemas.ProofConfirmRequest,
            MoveRequest,
            EmptyRequest,
        ],
        responses=[
            schemas.SlotsResponse,
            schemas.NextAvailableResponse,
            HoldResponse,
            ConfirmResponse,
            AppointmentView,
            schemas.CodeSent,
            schemas.ProofCodeSent,
            EmailProof,
        ],
        security_schemes=SECURITY_SCHEMES,
    )
