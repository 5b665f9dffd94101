"""What the published document allows, the API does not refuse as invalid; what it forbids, the API refuses with a 422
naming the field. Checked where the two once disagreed: the sign-in steps' fields (an empty e-mail was valid in the
document, a 422 from the API) and the dates, which the API takes from the years 2000 to 2099 only."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_schema_validator import OAS31Validator

from tests.functions import contract
from tests.functions.conftest import Api, ProPool

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXTS = st.one_of(
    st.sampled_from(["", " ", "\t\n", "a", " a ", "x" * 128, "x" * 129, " " * 128, "y" * 256, "y" * 257]),
    st.text(max_size=140),
)
CODES = st.one_of(
    st.sampled_from(["123456", " 123456 ", "12345", "1234567", "١٢٣٤٥٦", "12 456", "abcdef", "123456\n", ""]),
    st.text(alphabet="0123456789 \t", max_size=17),
)
DAYS = ["0001-01-01", "1999-12-31", "2000-01-01", "2027-03-02", "2099-12-31", "2100-01-01", "9999-12-31"]


def allows(schema_name: str, body: dict[str, Any]) -> bool:
    """Whether the document's request schema ``schema_name`` allows ``body`` (formats checked too)."""
    document = contract.document()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    validator = OAS31Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return not list(validator.iter_errors(body))


def agrees(answer: Any, allowed: bool, fields: set[str]) -> None:
    if allowed:
        assert answer.status not in (400, 422), answer.body
    else:
        assert answer.status == 422, answer.body
        assert answer.body["error"]["field"] in fields, answer.body


@SLOW
@given(email=TEXTS, password=TEXTS)
def test_sign_in_start(pro_api: Api, email: str, password: str) -> None:
    body = {"email": email, "password": password}
    agrees(pro_api.post("/v1/pro/auth/start", body), allows("SignInRequest", body), {"email", "password"})


@SLOW
@given(username=TEXTS, code=CODES)
def test_sign_in_code(pro_api: Api, username: str, code: str) -> None:
    body = {"session": "s" * 40, "username": username, "code": code}
    agrees(pro_api.post("/v1/pro/auth/totp", body), allows("TotpCodeRequest", body), {"username", "code"})


@SLOW
@given(username=TEXTS, password=TEXTS, email=TEXTS)
def test_new_password_and_authenticator_enrolment(pro_api: Api, username: str, password: str, email: str) -> None:
    body = {"session": "s" * 40, "username": username, "new_password": password}
    answer = pro_api.post("/v1/pro/auth/new-password", body)
    agrees(answer, allows("NewPasswordRequest", body), {"username", "new_password"})
    body = {"session": "s" * 40, "email": email}
    agrees(pro_api.post("/v1/pro/auth/totp-setup", body), allows("TotpSetupRequest", body), {"email"})


def test_dates_of_every_route_that_takes_one(pro_api: Api, pro_pool: ProPool, seed: Any) -> None:
    """A date or an instant outside the years 2000-2099 is a 422 naming it, as the document's pattern says; one
    inside is never refused for its form (a time already past is refused for what it means: not tried here)."""
    seed()
    auth = pro_pool.auth("pro")
    document = contract.document()
    agenda = document["paths"]["/v1/pro/practitioners/{practitioner_id}/agenda"]["get"]["parameters"]
    from_schema = next(p["schema"] for p in agenda if p["name"] == "from")
    checker = OAS31Validator(from_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for day in DAYS:
        allowed = not list(checker.iter_errors(day))
        assert allowed == ("2000-01-01" <= day <= "2099-12-31")
        agrees(pro_api.get(f"/v1/pro/practitioners/pr-test/agenda?from={day}", headers=auth), allowed, {"from"})
        agrees(pro_api.get(f"/v1/practitioners/pr-test/slots?reason=consultation&from={day}"), allowed, {"from"})
        if allowed and day < "2027-03-02":
            continue  # the tests' today is 1 March 2027
        instant = f"{day}T09:00:00+01:00"
        move = {"start": instant}
        answer = pro_api.post("/v1/appointments/0123456789abcdef0123/move", move, headers={"Authorization": "Bearer x"})
        agrees(answer, allows("MoveRequest", move), {"start"})
        block = {"site": "main", "start": instant, "end": f"{day}T10:00:00+01:00"}
        answer = pro_api.post("/v1/pro/practitioners/pr-test/blocks", block, headers=auth)
        agrees(answer, allows("BlockRequest", block), {"start"})


def test_test_data_can_be_drawn_from_what_the_document_says() -> None:
    """A generator of test data (schemathesis, hypothesis' health checks on) draws requests from the document's
    date-time patterns: with the year alone (``^20[0-9]{2}-``) nearly every value it drew was filtered out, and it
    gave up on the operations that take two instants (a block). Every block it draws, the API takes."""
    import schemathesis

    from chalicelib.backoffice.schemas import BlockRequest

    operation = schemathesis.openapi.from_dict(contract.document())["/v1/pro/practitioners/{practitioner_id}/blocks"]

    @settings(max_examples=40, deadline=None)
    @given(case=operation["POST"].as_strategy())
    def drawn(case: Any) -> None:
        BlockRequest.model_validate(case.body)

    drawn()
