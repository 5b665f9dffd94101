"""The published OpenAPI document: valid, complete for the app's routes, and the one error shape everywhere."""

from __future__ import annotations

import json
import os
from pathlib import Path
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
        assert response.headers["Content-Type"] == "application/json"
        body = json.loads(response.body)
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "field"}
    assert wrong_method.headers["Allow"] == "GET"  # RFC 9110: a 405 names the methods the route has


def test_a_405_names_every_method_of_its_route(app_module: Any) -> None:
    with Client(app_module.app) as client:
        answer = client.http.request("PATCH", "/v1/pro/practitioners/pr-test/feed")
    assert answer.status_code == 405
    assert sorted(answer.headers["Allow"].split(", ")) == ["DELETE", "GET", "POST"]


SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"


def test_the_served_document_is_the_snapshot_byte_for_byte(app_module: Any) -> None:
    """The document is the API's promise to its clients: a change to it is deliberate, never a side effect of moving
    code. After a deliberate change, write the new snapshot with ``PORTAL_UPDATE_SNAPSHOTS=1 .venv/bin/pytest
    tests/functions/test_openapi.py`` and review its diff."""
    with Client(app_module.app) as client:
        served = client.http.get("/v1/openapi.json").body
    pretty = json.dumps(json.loads(served), indent=1, ensure_ascii=False) + "\n"
    if os.environ.get("PORTAL_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(pretty, encoding="utf-8")
    saved = SNAPSHOT.read_text(encoding="utf-8")
    assert pretty == saved, "the served OpenAPI document differs from tests/functions/snapshots/openapi.json"
    # Key order included: the bytes on the wire are the snapshot's, compactly written as Chalice writes JSON.
    assert served == json.dumps(json.loads(saved), separators=(",", ":")).encode()
