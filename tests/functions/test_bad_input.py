"""Whatever a client sends, the answer is a 4xx in the one error shape, never a 500 (property-based, and a body
nested too deeply on every route of the published document)."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator

from tests.functions import contract
from tests.functions.conftest import Api, ProPool, hold_body, local

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FIELDS = ["practitioner", "site", "reason", "start", "patient", "language", "extra"]
QUERY = st.dictionaries(
    st.sampled_from(["from", "days", "reason", "site", "patient", "x"]), st.text(max_size=20), max_size=5
)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_clean_error(status: int, body: Any) -> None:
    assert status < 500, body
    if status >= 400:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}


@SLOW
@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=3))
def test_holds_with_any_field_values(api: Api, seed: Callable[..., Any], changes: dict[str, Any]) -> None:
    seed()
    answer = api.post(
        "/v1/appointments", {**hold_body(local(2, 9)), **changes}, headers={"Idempotency-Key": "fuzz-key-1"}
    )
    assert_clean_error(answer.status, answer.body)


@SLOW
@given(body=JSON)
def test_any_json_body_on_every_post(api: Api, seed: Callable[..., Any], body: Any) -> None:
    seed()
    for path in (
        "/v1/appointments",
        "/v1/appointments/0123456789abcdef0123/confirm",
        "/v1/appointments/0123456789abcdef0123/move",
    ):
        answer = api.client.http.post(
            path,
            headers={"Content-Type": "application/json", "Idempotency-Key": "fuzz-key-2", "Authorization": "Bearer x"},
            body=json.dumps(body).encode(),
        )
        assert_clean_error(answer.status_code, json.loads(answer.body))


@SLOW
@given(query=QUERY, raw=st.binary(max_size=40))
def test_any_query_string_and_any_bytes(api: Api, seed: Callable[..., Any], query: dict[str, str], raw: bytes) -> None:
    seed()
    answer = api.client.http.get("/v1/practitioners/pr-test/slots?" + urllib.parse.urlencode(query))
    assert_clean_error(answer.status_code, json.loads(answer.body))
    answer = api.client.http.post(
        "/v1/appointments", headers={"Content-Type": "application/json", "Idempotency-Key": "fuzz-key-3"}, body=raw
    )
    assert_clean_error(answer.status_code, json.loads(answer.body))


NESTED = {
    "arrays": b"[" * 100_000 + b"]" * 100_000,
    "objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}
EXAMPLES = {
    "practitioner_id": "pr-test",
    "appointment_id": "0123456789abcdef0123",
    "request_id": "0123456789abcdef0123",
    "offer_id": "0123456789abcdef0123",
    "proof_id": "0123456789abcdef0123",
    "name": "k" * 43 + ".ics",
    "credential_id": "AAAAAAAAAAAAAAAAAAAAAA",
    "relative_id": "0123456789abcdef0123",
}


def patient_session() -> dict[str, str]:
    """The headers of a signed-in patient (a session opened by the composition root, as a sign-in would)."""
    from chalicelib import services

    account = services.get_email_signin().find_or_make("louise@example.org", "fr")
    cookie, signed = services.get_sessions().open(account, "code")
    return {"Cookie": f"portal_session={cookie}", "X-CSRF-Token": signed.csrf}


def every_operation(
    pro_pool: ProPool, patient: dict[str, str] | None = None
) -> list[tuple[str, str, dict[str, Any], str, dict[str, str]]]:
    """Every operation of the published document, patient and back-office: its path, method, operation, a URL with
    example values, and headers that sign in where it needs it (pr-test's professional, or a manage token)."""
    document = contract.document()
    found = []
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            url = re.sub(r"\{(\w+)\}", lambda m: EXAMPLES[m.group(1)], path).removeprefix("/api")
            query = [
                f"{p['name']}=2027-03-02"
                for p in operation.get("parameters", [])
                if p["in"] == "query" and p["required"]
            ]
            headers = {"Content-Type": "application/json", "Idempotency-Key": "nested-body-1"}
            if path.startswith("/v1/pro/"):
                headers.update(pro_pool.auth("pro"))
            elif path.startswith("/v1/me") and operation.get("security"):
                patient = patient if patient is not None else patient_session()
                headers.update(patient)
            elif operation.get("security"):
                headers["Authorization"] = "Bearer a-manage-token"
            found.append((path, method.upper(), operation, url + ("?" + "&".join(query) if query else ""), headers))
    return found


def test_a_deeply_nested_body_is_a_400_on_every_route_that_takes_a_body(pro_api: Api, pro_pool: ProPool) -> None:
    """Every operation of the published document, patient and back-office, signed in where it needs it: a body
    nested too deeply for the json module is a 400 naming ``body`` in the one error shape wherever a body is read,
    and never a 500 anywhere (a route that reads no body answers as it would without one)."""
    document = contract.document()
    error_shape = {"$ref": "#/components/schemas/ErrorResponse", "components": document["components"]}
    operations = every_operation(pro_pool)
    assert len(operations) >= 30
    for path, method, operation, url, headers in operations:
        for shape, body in NESTED.items():
            answer = pro_api.client.http.request(method, url, headers=headers, body=body)
            where = f"{method} {path} ({shape})"
            assert answer.status_code < 500, where
            if "requestBody" in operation:
                assert answer.status_code == 400, where
                parsed = json.loads(answer.body)
                assert not list(OAS31Validator(error_shape).iter_errors(parsed)), where
                assert (parsed["error"]["code"], parsed["error"]["field"]) == ("bad_request", "body"), where


def test_a_body_that_is_not_json_is_a_400_the_document_lists(pro_api: Api, pro_pool: ProPool) -> None:
    """Malformed JSON on every route that takes a body (cancel, move, a new code and confirm included) is a 400
    naming ``body``, and the published document lists that 400 for the route (the client checks it)."""
    taking_a_body = [op for op in every_operation(pro_pool) if "requestBody" in op[2]]
    assert len(taking_a_body) >= 20
    for path, method, _, url, headers in taking_a_body:
        answer = pro_api.request(method, url, b'{"start": "2027-03-02T09:00', headers=headers)  # contract-checked
        assert (answer.status, answer.body["error"]["field"]) == (400, "body"), f"{method} {path}"


def test_a_json_null_body_is_refused_on_every_route_that_takes_a_body(pro_api: Api, pro_pool: ProPool) -> None:
    """``null`` is JSON but not the object every request body is: a 422 naming ``body`` (the sign-out accepted it),
    while an empty body still reads as ``{}`` where the body is optional."""
    taking_a_body = [op for op in every_operation(pro_pool) if "requestBody" in op[2]]
    for path, method, _, url, headers in taking_a_body:
        answer = pro_api.request(method, url, b"null", headers=headers)
        assert (answer.status, answer.body["error"]["field"]) == (422, "body"), f"{method} {path}"
    assert pro_api.post("/v1/pro/auth/sign-out", None).status == 200
