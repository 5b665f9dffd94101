"""The published OpenAPI document: valid, complete for the app's routes, and the one error shape everywhere."""

from __future__ import annotations

import json
from typing import Any

from chalice.test import Client
from openapi_spec_validator import validate

from tests.functions.conftest import Api


def test_the_served_document_is_valid_openapi_3_1(api: Api) -> None:
    answer = api.get("/v1/openapi.json")
    assert answer.status == 200
    validate(answer.body)
    assert answer.body["openapi"] == "3.1.0"
    assert answer.body["servers"] == [{"url": "/api"}]


def test_every_route_of_the_app_is_documented_and_nothing_else(api: Api, app_module: Any) -> None:
    document = api.get("/v1/openapi.json").body
    routes = {(path, method.lower()) for path, entries in app_module.app.routes.items() for method in entries}
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    booking = {r for r in routes if r[0].startswith("/v1/") or r[0] == "/health"}
    assert booking <= documented
    assert documented <= routes


def test_request_schemas_forbid_unknown_fields(api: Api) -> None:
    schemas = api.get("/v1/openapi.json").body["components"]["schemas"]
    for name in ("HoldRequest", "PatientIn", "ConfirmRequest", "MoveRequest", "EmptyRequest"):
        assert schemas[name]["additionalProperties"] is False, name


def test_the_one_error_shape_for_the_frameworks_own_errors(app_module: Any) -> None:
    with Client(app_module.app) as client:
        wrong_type = client.http.post(
            "/v1/appointments", headers={"Content-Type": "text/plain", "Idempotency-Key": "k" * 10}, body=b"hello"
        )
        wrong_method = client.http.request("DELETE", "/v1/next-available")
    for response, status in ((wrong_type, 415), (wrong_method, 405)):
        assert response.status_code == status
        body = json.loads(response.body)
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "field"}
