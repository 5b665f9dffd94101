"""The sign-in routes under /v1/pro/auth: the browser's only way to Cognito (the moto server here, configured as
local/cognito.py configures the local pool: MFA required, TOTP only). The moto server checks TOTP codes against the
one secret it hands out; each code is computed from that secret, as an authenticator app does."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from local.cognito import DEMO_PASSWORD, DemoAccount, configure_pool
from tests.functions.backoffice.test_signin import totp
from tests.functions.conftest import REGION, Api, Clock

NEW_PASSWORD = "A-New-Passphrase-77"


@pytest.fixture(scope="module")
def demo_pool(aws_endpoint: str) -> tuple[Any, str, str]:
    cognito = boto3.client("cognito-idp", endpoint_url=aws_endpoint, region_name=REGION)
    pool_id, client_id = configure_pool(cognito, accounts=(), pool_name="pro-signin-routes")
    return cognito, pool_id, client_id


@pytest.fixture
def signin_api(
    api: Api, demo_pool: tuple[Any, str, str], aws_endpoint: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Api]:
    from chalicelib import services

    _, pool_id, client_id = demo_pool
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
    monkeypatch.setenv("COGNITO_JWKS_URL", f"{aws_endpoint}/{pool_id}/.well-known/jwks.json")
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", aws_endpoint)
    services.reset()  # the settings are read again, with the pool
    services.use(clock=clock)
    yield api
    services.reset()


@pytest.fixture
def invited(demo_pool: tuple[Any, str, str], seed: Callable[..., Any]) -> str:
    """A professional the operator just invited (temporary password, no authenticator yet)."""
    cognito, _, _ = demo_pool
    seed()
    account = DemoAccount(f"dr-{uuid.uuid4().hex[:8]}@demo.sante.example.mc", own="pr-test")
    configure_pool(cognito, accounts=(account,), pool_name="pro-signin-routes")
    return account.email


def test_first_sign_in_then_totp_refresh_and_sign_out(signin_api: Api, invited: str) -> None:
    api = signin_api
    first = api.post("/v1/pro/auth/start", {"email": invited, "password": DEMO_PASSWORD})
    assert first.status == 200, first.body
    assert first.body["step"] == "new_password"
    assert first.body["access_token"] is None
    assert first.headers["Cache-Control"] == "no-store"
    session, username = first.body["session"], first.body["username"]

    weak = api.post("/v1/pro/auth/new-password", {"session": session, "username": username, "new_password": "short"})
    assert (weak.status, weak.body["error"]["field"]) == (422, "new_password")
    setup = api.post(
        "/v1/pro/auth/new-password", {"session": session, "username": username, "new_password": NEW_PASSWORD}
    )
    assert setup.body["step"] == "totp_setup", setup.body

    enrolment = api.post("/v1/pro/auth/totp-setup", {"session": setup.body["session"], "email": invited})
    assert enrolment.status == 200, enrolment.body
    secret = enrolment.body["secret"]
    assert enrolment.body["otpauth_uri"].startswith("otpauth://totp/")
    # The QR code to scan (a browser test decodes it): an SVG a page puts inline, with nothing the CSP would refuse.
    qr = enrolment.body["qr_svg"]
    assert qr.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ') and qr.endswith("</svg>")
    assert [word for word in ("style", "script", "width=", "href") if word in qr] == []
    verify = {"session": enrolment.body["session"], "username": setup.body["username"]}
    wrong = api.post("/v1/pro/auth/totp-setup/verify", {**verify, "code": totp(secret, offset=1)})
    assert (wrong.status, wrong.body["error"]["field"]) == (401, "code")
    done = api.post("/v1/pro/auth/totp-setup/verify", {**verify, "code": totp(secret)})
    assert done.body["step"] == "signed_in", done.body
    assert done.body["expires_in"] > 0
    me = api.get("/v1/pro/me", headers={"Authorization": f"Bearer {done.body['access_token']}"})
    assert (me.status, me.body["own_practitioner"]) == (200, "pr-test")

    again = api.post("/v1/pro/auth/start", {"email": invited, "password": NEW_PASSWORD})
    assert again.body["step"] == "totp"
    challenge = {"session": again.body["session"], "username": again.body["username"]}
    assert api.post("/v1/pro/auth/totp", {**challenge, "code": "12345"}).body["error"]["field"] == "code"
    signed_in = api.post("/v1/pro/auth/totp", {**challenge, "code": totp(secret)})
    assert signed_in.body["step"] == "signed_in", signed_in.body

    refreshed = api.post("/v1/pro/auth/refresh", {"refresh_token": signed_in.body["refresh_token"]})
    assert refreshed.body["step"] == "signed_in", refreshed.body
    assert refreshed.body["refresh_token"] is None  # the one held stays valid
    bearer = {"Authorization": f"Bearer {refreshed.body['access_token']}"}
    assert api.get("/v1/pro/me", headers=bearer).status == 200

    out = api.post("/v1/pro/auth/sign-out", headers=bearer)
    assert out.body == {"status": "signed_out"}
    after = api.post("/v1/pro/auth/refresh", {"refresh_token": signed_in.body["refresh_token"]})
    assert after.status == 401


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(signin_api: Api, invited: str) -> None:
    wrong = signin_api.post("/v1/pro/auth/start", {"email": invited, "password": "Not-The-Password-1"})
    nobody = signin_api.post(
        "/v1/pro/auth/start", {"email": "nobody@demo.sante.example.mc", "password": "Whatever-123!"}
    )
    assert wrong.status == nobody.status == 401
    assert wrong.body == nobody.body
    assert wrong.body["error"]["field"] == "password"
    for body, field in (({"email": "", "password": "x"}, "email"), ({"email": invited}, "password")):
        answer = signin_api.post("/v1/pro/auth/start", body)
        assert (answer.status, answer.body["error"]["field"]) == (422, field)
    expired = signin_api.post("/v1/pro/auth/totp", {"session": "x" * 40, "username": invited, "code": "123456"})
    assert (expired.status, expired.body["error"]["field"]) == (401, "session")
