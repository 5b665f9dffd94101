"""GET /health proves the API can reach its table, and speaks the one error shape when it cannot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client


@pytest.fixture
def api(table_name: str) -> Iterator[Client]:
    import app as app_module

    from chalicelib import services

    services.reset()
    with Client(app_module.app) as client:
        yield client
    services.reset()


def test_health_reports_the_table_reachable(api: Client) -> None:
    response = api.http.get("/health")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok", "table": "reachable"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_503_in_the_error_shape_when_the_table_is_missing(api: Client, monkeypatch: Any) -> None:
    from chalicelib import services

    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    services.reset()
    response = api.http.get("/health")
    assert response.status_code == 503
    assert response.json_body == {
        "error": {"code": "unavailable", "message": "The appointment database cannot be reached.", "field": None}
    }


def test_wrong_method_gets_the_one_error_shape(api: Client) -> None:
    response = api.http.post("/health", body=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 405
    assert set(response.json_body["error"]) == {"code", "message", "field"}
