"""POST /v1/email-proofs and its confirmation: a code that proves an e-mail address before any time is held."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.core.ratelimit import Limit, Limits
from tests.functions.conftest import Api, Clock, code_in, text_of

Outbox = Callable[[], list[Any]]


def ask(api: Api, email: str = "louise@example.org", language: str = "fr") -> Any:
    return api.post("/v1/email-proofs", {"email": email, "language": language})


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_code_earns_a_proof_once_and_holds_nothing(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed()
    sent = ask(api)
    assert sent.status == 202
    assert sent.body["expires_at"] == "2027-03-01T06:10:00Z"  # 10 minutes
    [message] = outbox()
    assert message["Subject"] == "Votre code pour confirmer votre adresse e-mail"
    assert "Aucun horaire n'est encore réservé" in text_of(message)
    slots = api.get("/v1/practitioners/pr-test/slots?from=2027-03-02&days=1&reason=consultation").body["slots"]
    assert len(slots) == 24  # nothing held
    path = f"/v1/email-proofs/{sent.body['id']}/confirm"
    proof = api.post(path, {"code": code_in(message)})
    assert proof.status == 200
    assert len(proof.body["token"]) >= 40 and proof.body["expires_at"] == "2027-03-01T06:30:00Z"  # 30 minutes
    again = api.post(path, {"code": code_in(message)})
    assert (again.status, again.body["error"]["code"]) == (404, "not_found")  # a code serves once


def test_five_wrong_codes_and_the_code_is_spent(api: Api, seed: Callable[..., Any], outbox: Outbox) -> None:
    seed()
    sent = ask(api)
    code = code_in(outbox()[-1])
    path = f"/v1/email-proofs/{sent.body['id']}/confirm"
    for left in (4, 3, 2, 1):
        answer = api.post(path, {"code": wrong(code)})
        assert (answer.status, answer.body["error"]["code"], answer.body["error"]["attempts_left"]) == (
            422,
            "wrong_code",
            left,
        )
    for last in (wrong(code), code):
        refused = api.post(path, {"code": last})
        assert (refused.status, refused.body["error"]["code"]) == (429, "too_many_attempts")


def test_an_expired_code_is_410_and_unknown_ids_404(
    api: Api, seed: Callable[..., Any], outbox: Outbox, clock: Clock
) -> None:
    seed()
    sent = ask(api)
    clock.advance(minutes=10)
    late = api.post(f"/v1/email-proofs/{sent.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    assert (late.status, late.body["error"]["code"], late.body["error"]["field"]) == (410, "code_expired", "code")
    for unknown in ("0123456789abcdef0123", "not-an-id"):
        answer = api.post(f"/v1/email-proofs/{unknown}/confirm", {"code": "123456"})
        assert (answer.status, answer.body["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a,b@example.org"}, "email"),
        ({"email": "a;b@example.org"}, "email"),
        ({"email": "louise@example.org\x00"}, "email"),
        ({"email": "louise@example.org", "language": "de"}, "language"),
        ({"email": "louise@example.org", "extra": 1}, "extra"),
        ({}, "email"),
    ],
)
def test_bad_requests_are_422_and_send_nothing(
    api: Api, seed: Callable[..., Any], outbox: Outbox, body: dict[str, Any], field: str
) -> None:
    seed()
    answer = api.post("/v1/email-proofs", body)
    assert (answer.status, answer.body["error"]["field"]) == (422, field)
    assert outbox() == []


def test_proof_codes_share_the_code_budgets(api: Api, seed: Callable[..., Any], services: Any, outbox: Outbox) -> None:
    seed()
    services.use(limits=Limits(code_per_email_network=Limit("code-email-network", 2, 3600, "patient.email")))
    assert ask(api).status == 202
    assert ask(api, "Louise+2@example.org").status == 202  # the same mailbox
    third = ask(api, "LOUISE@example.org")
    assert (third.status, third.body["error"]["code"], third.body["error"]["field"]) == (
        429,
        "too_many_requests",
        "email",
    )
    assert len(outbox()) == 2
