"""The API as the local portal serves it over HTTP: every JSON answer says it is JSON, a method a route does not have
is a 405 that names the ones it has, and a body nested too deeply is a 400, on every operation of the published
document."""

from __future__ import annotations

import re
from typing import Any

from tests.local.conftest import Answer, LocalApi

EXAMPLES = {
    "practitioner_id": "pr-000001",
    "appointment_id": "0123456789abcdef0123",
    "proof_id": "0123456789abcdef0123",
    "request_id": "0123456789abcdef0123",
    "offer_id": "0123456789abcdef0123",
    "name": "k" * 43 + ".ics",
    "credential_id": "AAAAAAAAAAAAAAAAAAAAAA",
    "relative_id": "0123456789abcdef0123",
}
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def operations(api: LocalApi) -> list[tuple[str, str, dict[str, Any]]]:
    document = api.request("GET", "/api/v1/openapi.json").json()
    return [(path, method.upper(), op) for path, ops in document["paths"].items() for method, op in ops.items()]


def url_of(path: str, operation: dict[str, Any] | None = None) -> str:
    url = "/api" + re.sub(r"\{(\w+)\}", lambda m: EXAMPLES[m.group(1)], path)
    required = [p["name"] for p in (operation or {}).get("parameters", []) if p["in"] == "query" and p["required"]]
    return url + ("?" + "&".join(f"{name}=2027-03-02" for name in required) if required else "")


def is_json(answer: Answer) -> bool:
    return answer.headers.get("Content-Type") == "application/json"


def test_every_json_answer_is_labelled_application_json(local_api: LocalApi) -> None:
    """Each operation answers in JSON, signed in or not, whatever its status (the calendar file aside), and says so:
    ``application/json``, as API Gateway passes on what the function labels (docs/api.md), never the local server's
    ``text/plain`` default."""
    seen: dict[str, set[int]] = {}
    for path, method, operation in operations(local_api):
        for headers in ({}, local_api.auth()):
            sent = {"Content-Type": "application/json", "Idempotency-Key": "labels-test-1", **headers}
            body = b"{}" if "requestBody" in operation else None
            answer = local_api.request(method, url_of(path, operation), body, sent)
            where = f"{method} {path} -> {answer.status}"
            assert is_json(answer), (where, answer.headers.get("Content-Type"))
            answer.json()  # and it is JSON indeed
            seen.setdefault(where.split(" -> ", maxsplit=1)[0], set()).add(answer.status)
    assert len(seen) >= 30
    assert {200} <= seen["GET /health"] and {200} <= seen["GET /v1/openapi.json"]
    assert 200 in seen["GET /v1/pro/me"] and 401 in seen["GET /v1/pro/me"]


def test_a_method_a_route_lacks_is_a_405_naming_the_methods_it_has(local_api: LocalApi) -> None:
    by_path: dict[str, set[str]] = {}
    for path, method, _ in operations(local_api):
        by_path.setdefault(path, set()).add(method)
    for path, methods in by_path.items():
        for wrong in sorted(set(METHODS) - methods):
            answer = local_api.request(wrong, url_of(path), None, local_api.auth())
            where = f"{wrong} {path}"
            assert answer.status == 405, (where, answer.status)
            assert sorted(m.strip() for m in answer.headers.get("Allow", "").split(",")) == sorted(methods), where
            assert is_json(answer), where
            assert answer.json()["error"]["code"] == "bad_request", where


def test_an_id_with_encoded_characters_reaches_its_own_route(local_api: LocalApi) -> None:
    """``%23`` (#) or ``%3F`` (?) inside an id is part of the id: the answer is its route's 404, as API Gateway's,
    not the 405 of the route the decoded path would have reached."""
    for segment in ("%C3%B4%23%C3%A8", "a%3Fb", "a%2Fb", "%25"):
        for action in ("cancel", "move", "confirm"):
            answer = local_api.request(
                "POST", f"/api/v1/appointments/{segment}/{action}", b"{}", {"Content-Type": "application/json"}
            )
            assert answer.status in (404, 422), (segment, action, answer.status)
            assert answer.json()["error"]["code"] in ("not_found", "invalid_input"), (segment, action)


def test_a_deeply_nested_body_is_a_400_over_http_signed_in_or_not(local_api: LocalApi) -> None:
    """The issue's attack as it was made, over HTTP: a body nested 100,000 deep to every operation that takes a body,
    the sign-in steps and the signed-in back-office included, is a 400 naming ``body``, never a 500."""
    nested = b"[" * 100_000 + b"]" * 100_000
    taking_a_body = [(p, m, op) for p, m, op in operations(local_api) if "requestBody" in op]
    assert len(taking_a_body) >= 15
    for path, method, operation in taking_a_body:
        sent = {"Content-Type": "application/json", "Idempotency-Key": "nested-test-1", **local_api.auth()}
        answer = local_api.request(method, url_of(path, operation), nested, sent)
        where = f"{method} {path} -> {answer.status}"
        if path.startswith("/v1/me") and operation.get("security") and answer.status == 401:
            # the patient space may check its session cookie first: without one, a 401 in JSON, never a 500
            assert is_json(answer), where
            continue
        assert answer.status == 400, where  # the body is read before anything else, ids and tokens included
        assert is_json(answer), where
        assert answer.json()["error"] == {
            "code": "bad_request",
            "message": "The body is nested too deeply.",
            "field": "body",
        }, where
