"""Contract checks: a real response must match what the published OpenAPI document says for its route and status."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from openapi_schema_validator import OAS31Validator


@cache
def document() -> dict[str, Any]:
    from chalicelib.openapi import document as build

    return build()


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path) for path in document()["paths"]]


def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    """The schema the document gives for ``method path`` answering ``status`` (AssertionError if undocumented)."""
    path = path.split("?", maxsplit=1)[0]
    matches = [template for pattern, template in _templates() if pattern.match(path)]
    assert matches, f"{path} is not in the OpenAPI document"
    operation = document()["paths"][matches[0]].get(method.lower())
    assert operation, f"{method} {matches[0]} is not in the OpenAPI document"
    answer = operation["responses"].get(str(status))
    assert answer, f"{method} {matches[0]} does not document status {status}"
    return dict(answer["content"]["application/json"]["schema"])


def check(method: str, path: str, status: int, body: Any) -> None:
    """Raise if ``body`` does not match the documented schema (formats such as date-time included)."""
    schema = {**response_schema(method, path, status), "components": document()["components"]}
    errors = sorted(
        OAS31Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(body), key=str
    )
    assert not errors, f"{method} {path} -> {status} breaks the contract: {errors[0].message} at {list(errors[0].path)}"


def check_error(body: Any) -> None:
    """Raise if ``body`` is not the one error body (``ErrorResponse``), whatever route and status it came from."""
    schema = {"$ref": "#/components/schemas/ErrorResponse", "components": document()["components"]}
    errors = sorted(OAS31Validator(schema).iter_errors(body), key=str)
    assert not errors, f"not the one error body: {errors[0].message} at {list(errors[0].path)}"
