"""The OpenAPI 3.1 document of the whole API, generated from the same pydantic models that validate requests.

Served at ``GET /api/v1/openapi.json``; contract tests check real responses against it, and
``tests/functions/snapshots/openapi.json`` holds it as published. Each route set describes its own paths in its
``openapi.py`` (a :class:`~chalicelib.core.openapi.Part`); this module puts the parts together, in the order of
:func:`parts`, after the API's own two routes (``/health`` and this document).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from .backoffice import openapi as backoffice
from .backoffice import reminder_openapi as practice_reminders
from .booking import openapi as booking
from .core.openapi import REF, UNAVAILABLE, Part, answers
from .core.schemas import ErrorResponse, HealthResponse
from .patients import openapi as patients
from .reminders import openapi as reminders
from .waitlist import openapi as waitlist


def parts() -> list[Part]:
    """Every route set's part, in the document's order (a new route set adds its own here)."""
    return [
        booking.part(),
        reminders.part(),
        waitlist.part(),
        patients.part(),
        backoffice.part(),
        practice_reminders.part(),
    ]


@cache
def document() -> dict[str, Any]:
    """The whole OpenAPI document (built once per process)."""
    every = parts()
    _, definitions = models_json_schema(
        [(m, "validation") for part in every for m in part.requests]
        + [(m, "serialization") for m in (HealthResponse, ErrorResponse)]
        + [(m, "serialization") for part in every for m in part.responses],
        by_alias=True,
        ref_template=REF,
    )
    paths: dict[str, Any] = {
        "/health": {
            "get": {
                "summary": "The API and its table answer.",
                "responses": answers(200, HealthResponse, (), "Healthy.", {503: UNAVAILABLE}),
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
    }
    for part in every:
        paths.update(part.paths)
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
            "securitySchemes": {name: scheme for part in every for name, scheme in part.security_schemes.items()},
        },
    }
