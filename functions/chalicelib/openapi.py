"""The OpenAPI 3.1 document of the booking API, generated from the same pydantic models that validate requests.

Served at ``GET /api/v1/openapi.json``; contract tests check real responses against it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import proopenapi, schemas

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "Malformed request (body not JSON, header missing); `field` names it.",
    404: "Unknown id, no online booking, or a wrong or missing manage token (indistinguishable on purpose).",
    409: "Conflict: the slot was just taken, the patient's cap is reached, the appointment is not in that state.",
    410: "The hold expired before it was confirmed.",
    422: "Invalid input; `field` names it (`patient.email`, `start`, `Idempotency-Key`).",
    429: "Too many requests or code attempts from this e-mail or address.",
    503: "The database is unreachable or busy; retry later.",
}
REQUESTS: list[type[BaseModel]] = [
    schemas.HoldRequest,
    schemas.ConfirmRequest,
    schemas.MoveRequest,
    schemas.EmptyRequest,
]
RESPONSES: list[type[BaseModel]] = [
    schemas.HealthResponse,
    schemas.SlotsResponse,
    schemas.NextAvailableResponse,
    schemas.HoldResponse,
    schemas.ConfirmResponse,
    schemas.AppointmentView,
    schemas.CodeSent,
    schemas.ErrorResponse,
]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": _ref(model)}}}


def _responses(ok: int, model: type[BaseModel], errors: tuple[int, ...], description: str) -> dict[str, Any]:
    answers: dict[str, Any] = {str(ok): {"description": description, **_json(model)}}
    for status in (*errors, 503):
        answers[str(status)] = {"description": ERRORS[status], **_json(schemas.ErrorResponse)}
    return answers


def _confirm_responses() -> dict[str, Any]:
    answers = _responses(200, schemas.ConfirmResponse, (404, 409, 410, 422, 429), "Booked.")
    answers["422"]["description"] = (
        "A malformed code (`invalid_input`), or a wrong one (`wrong_code`, whose body also carries `attempts_left`)."
    )
    return answers


def _query(model: type[BaseModel]) -> list[dict[str, Any]]:
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
        }
        for name, prop in schema["properties"].items()
    ]


def _path(name: str, pattern: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": pattern}}


def _body(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    return {"required": required, **_json(model)}


def _hold_responses() -> dict[str, Any]:
    answers = _responses(201, schemas.HoldResponse, (400, 404, 409, 422, 429), "Held (or the same hold again).")
    answers["201"]["headers"] = {
        "Location": {"description": "The appointment's URL.", "schema": {"type": "string"}},
        "Idempotent-Replayed": {
            "description": "true when this answers a repeated Idempotency-Key (nothing was written, no code sent).",
            "schema": {"type": "string", "enum": ["true", "false"]},
        },
    }
    return answers


@cache
def document() -> dict[str, Any]:
    """The whole OpenAPI document (built once per process)."""
    _, definitions = models_json_schema(
        [(m, "validation") for m in REQUESTS + proopenapi.REQUESTS]
        + [(m, "serialization") for m in RESPONSES + proopenapi.RESPONSES],
        by_alias=True,
        ref_template=REF,
    )
    practitioner = _path("practitioner_id", r"^[a-z0-9][a-z0-9-]{0,62}$")
    appointment = _path("appointment_id", r"^[0-9a-f]{20}$")
    bearer: list[dict[str, list[str]]] = [{"manageToken": []}]
    idempotency = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": True,
        "description": "A fresh random value per booking attempt, sent again unchanged when retrying it.",
        "schema": {"type": "string", "pattern": schemas.IDEMPOTENCY_KEY},
    }
    paths: dict[str, Any] = {
        "/health": {
            "get": {
                "summary": "The API and its table answer.",
                "responses": _responses(200, schemas.HealthResponse, (), "Healthy."),
            }
        },
        "/v1/openapi.json": {
            "get": {
                "summary": "This document.",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
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
                "summary": "Hold a slot for 10 minutes and e-mail a one-time code to confirm it.",
                "parameters": [idempotency],
                "requestBody": _body(schemas.HoldRequest),
                "responses": _responses(
                    201,
                    schemas.HoldResponse,
                    (400, 404, 409, 422, 429),
                    "Held (or the same hold again for a repeated key).",
                ),
            }
        },
        "/v1/appointments/{appointment_id}/code": {
            "post": {
                "summary": "E-mail a new code for a live hold (the previous one stops working).",
                "parameters": [appointment],
                "requestBody": _body(schemas.EmptyRequest, required=False),
                "responses": _responses(202, schemas.CodeSent, (404, 409, 410, 422, 429), "A new code is on its way."),
            }
        },
        "/v1/appointments/{appointment_id}/confirm": {
            "post": {
                "summary": "Confirm a hold with its code; answers the manage token once.",
                "parameters": [appointment],
                "requestBody": _body(schemas.ConfirmRequest),
                "responses": _confirm_responses(),
            }
        },
        "/v1/appointments/{appointment_id}": {
            "get": {
                "summary": "Show an appointment to the holder of its manage token.",
                "parameters": [appointment],
                "security": bearer,
                "responses": _responses(200, schemas.AppointmentView, (404,), "The appointment."),
            }
        },
        "/v1/appointments/{appointment_id}/cancel": {
            "post": {
                "summary": "Cancel (repeating it answers the cancelled appointment again).",
                "parameters": [appointment],
                "security": bearer,
                "requestBody": _body(schemas.EmptyRequest, required=False),
                "responses": _responses(200, schemas.AppointmentView, (404, 409, 422), "Cancelled."),
            }
        },
        "/v1/appointments/{appointment_id}/move": {
            "post": {
                "summary": "Move to another slot of the same reason and site, in one transaction.",
                "parameters": [appointment],
                "security": bearer,
                "requestBody": _body(schemas.MoveRequest),
                "responses": _responses(200, schemas.AppointmentView, (404, 409, 422), "Moved."),
            }
        },
    }
    paths.update(proopenapi.paths())  # the back-office (chalicelib/proapi.py)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Health portal booking API",
            "version": "1.0.0",
            "description": "Free slots, holds confirmed by an e-mailed code, and appointments managed with a "
            'capability token. Every error has the body {"error": {"code", "message", "field"}}; a wrong code '
            "(`wrong_code`) adds `attempts_left` to it.",
        },
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "manageToken": {"type": "http", "scheme": "bearer", "description": "The token from the confirmation."},
                **proopenapi.SECURITY_SCHEME,
            },
        },
    }
