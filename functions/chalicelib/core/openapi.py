"""What each route set's part of the OpenAPI document is made of, and the pieces every part uses (chalicelib/openapi.py
puts the parts together into the published document)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .schemas import ErrorResponse

REF = "#/components/schemas/{model}"
UNAVAILABLE = "The database is unreachable or busy; retry later."


@dataclass(frozen=True)
class Part:
    """What one route set adds to the document: its paths, the models they name, its security schemes."""

    paths: dict[str, Any]
    requests: list[type[BaseModel]]
    responses: list[type[BaseModel]]
    security_schemes: dict[str, Any] = field(default_factory=dict)


def json_content(model: type[BaseModel]) -> dict[str, Any]:
    """An ``application/json`` content whose schema is ``model``."""
    return {"content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}}


def answers(
    ok: int, model: type[BaseModel], errors: tuple[int, ...], description: str, texts: dict[int, str]
) -> dict[str, Any]:
    """The responses of an operation: ``ok`` with ``model``, then each error status (and 503) with the one error
    body, described by ``texts``."""
    found: dict[str, Any] = {str(ok): {"description": description, **json_content(model)}}
    for status in (*errors, 503):
        found[str(status)] = {"description": texts[status], **json_content(ErrorResponse)}
    return found


def path_parameter(name: str, pattern: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": pattern}}
