"""The sign-in steps against moto's Cognito (in-process), on a pool configured as local/cognito.py configures it.

moto accepts any TOTP code unless ``MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP`` is ``true``; with it, moto checks codes
against one fixed secret shared by every user. This module turns that check on and computes each code from the
secret Cognito hands out, as an authenticator app does. It shows that the sign-in module sends the code and turns a
refused code into our error; it cannot show that Amazon Cognito checks each user's own secret: that rests on the
deployed pool's configuration (docs/security.md).
"""

from __future__ import annotations

import base64
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import jwt
import pytest
from botocore.config import Config
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from moto import mock_aws

from chalicelib.backoffice import signin
from chalicelib.core.errors import InvalidInput, PortalError, Unauthorized, Unavailable
from local.cognito import DEMO_PASSWORD, DemoAccount, configure_pool

NEW_PASSWORD = "A-New-Passphrase-77"


@pytest.fixture(scope="module")
def cognito() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
        yield boto3.client("cognito-idp", region_name="eu-west-3")


@pytest.fixture(scope="module")
def client_id(cognito: Any) -> str:
    return configure_pool(cognito, accounts=())[1]


@pytest.fixture(scope="module")
def sign_in(cognito: Any, client_id: str) -> signin.SignIn:
    return signin.SignIn(cognito, client_id, totp_issuer="MonacoSanté")


@pytest.fixture
def account(cognito: Any, client_id: str) -> DemoAccount:
    """A fresh invited professional (temporary password, no authenticator yet)."""
    new = DemoAccount(f"dr-{uuid.uuid4().hex[:8]}@demo.sante.example.mc", own="pr-000001")
    configure_pool(cognito, accounts=(new,))
    return new


def totp(secret: str, offset: int = 0) -> str:
    """The current code for ``secret`` (what the authenticator app shows), or a wrong one with ``offset``."""
    if 30 - time.time() % 30 < 1.5:  # too close to the next 30-second step: wait for it
        time.sleep(1.6)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    code = TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(time.time()).decode()
    return f"{(int(code) + offset) % 1_000_000:06d}"


def enrolled(sign_in: signin.SignIn, account: DemoAccount) -> str:
    """Take ``account`` through its first sign-in; return its authenticator secret."""
    first = sign_in.start(account.email, DEMO_PASSWORD)
    assert isinstance(first, signin.Challenge)
    setup = sign_in.set_new_password(first.session, first.username, NEW_PASSWORD)
    assert isinstance(setup, signin.Challenge)
    enrolment = sign_in.begin_totp_setup(setup.session, account.email)
    tokens = sign_in.finish_totp_setup(enrolment.session, setup.username, totp(enrolment.secret))
    assert isinstance(tokens, signin.Tokens)
    return enrolment.secret


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})  # the signature is test_auth.py's subject


def assert_refused(error: type[PortalError], field: str | None, call: Any) -> PortalError:
    with pytest.raises(error) as caught:
        call()
    assert caught.value.field == field
    assert "Exception" not in caught.value.message
    return caught.value


def test_first_sign_in_new_password_totp_enrolment_then_totp_challenge(sign_in, client_id, account) -> None:
    first = sign_in.start(account.email, DEMO_PASSWORD)
    assert isinstance(first, signin.Challenge)
    assert first.step == signin.NEW_PASSWORD

    weak = assert_refused(
        InvalidInput, "new_password", lambda: sign_in.set_new_password(first.session, first.username, "short")
    )
    assert weak.status == 422
    assert "12 characters" in weak.message
    assert "conform" not in weak.message  # Cognito's own wording stays out

    setup = sign_in.set_new_password(first.session, first.username, NEW_PASSWORD)
    assert isinstance(setup, signin.Challenge)
    assert setup.step == signin.TOTP_SETUP

    enrolment = sign_in.begin_totp_setup(setup.session, account.email)
    assert enrolment.secret
    assert enrolment.otpauth_uri.startswith(f"otpauth://totp/MonacoSant%C3%A9:{account.email}?secret=")
    assert f"secret={enrolment.secret}&issuer=MonacoSant%C3%A9" in enrolment.otpauth_uri

    wrong = assert_refused(
        Unauthorized,
        "code",
        lambda: sign_in.finish_totp_setup(enrolment.session, setup.username, totp(enrolment.secret, offset=1)),
    )
    assert wrong.status == 401
    tokens = sign_in.finish_totp_setup(enrolment.session, setup.username, totp(enrolment.secret))
    assert isinstance(tokens, signin.Tokens)
    assert tokens.refresh_token
    assert tokens.expires_in > 0
    access = claims(tokens.access_token)
    assert (access["token_use"], access["client_id"]) == ("access", client_id)
    assert access["cognito:groups"] == ["pro:pr-000001"]

    again = sign_in.start(account.email, NEW_PASSWORD)
    assert isinstance(again, signin.Challenge)
    assert again.step == signin.TOTP
    assert_refused(
        Unauthorized,
        "code",
        lambda: sign_in.answer_totp(again.session, again.username, totp(enrolment.secret, offset=500_000)),
    )
    second = sign_in.answer_totp(again.session, again.username, totp(enrolment.secret))
    assert isinstance(second, signin.Tokens)
    assert claims(second.access_token)["sub"] == access["sub"]


def test_refresh_then_sign_out_ends_the_session(sign_in, account) -> None:
    secret = enrolled(sign_in, account)
    challenge = sign_in.start(account.email, NEW_PASSWORD)
    assert isinstance(challenge, signin.Challenge)
    tokens = sign_in.answer_totp(challenge.session, challenge.username, totp(secret))
    assert isinstance(tokens, signin.Tokens)
    assert tokens.refresh_token is not None

    refreshed = sign_in.refresh(tokens.refresh_token)
    assert refreshed.refresh_token is None  # the one the browser holds stays valid
    assert claims(refreshed.access_token)["sub"] == claims(tokens.access_token)["sub"]
    assert refreshed.access_token != tokens.access_token

    sign_in.sign_out(refreshed.access_token)
    sign_in.sign_out(refreshed.access_token)  # twice is fine
    assert_refused(Unauthorized, None, lambda: sign_in.refresh(tokens.refresh_token))


def test_wrong_password_and_unknown_account_get_the_same_answer(sign_in, account) -> None:
    wrong = assert_refused(Unauthorized, "password", lambda: sign_in.start(account.email, "Not-The-Password-1"))
    unknown = assert_refused(Unauthorized, "password", lambda: sign_in.start("nobody@example.net", DEMO_PASSWORD))

    assert wrong.body() == unknown.body()


def test_an_unknown_or_malformed_session_means_start_again(sign_in, account) -> None:
    stale = str(uuid.uuid4())
    assert_refused(Unauthorized, "session", lambda: sign_in.answer_totp(stale, account.email, "123456"))
    assert_refused(Unauthorized, "session", lambda: sign_in.set_new_password(stale, account.email, NEW_PASSWORD))
    assert_refused(Unauthorized, "session", lambda: sign_in.begin_totp_setup("short", account.email))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: s.start("", "x"), "username"),
        (lambda s: s.start("a@example.net", ""), "password"),
        (lambda s: s.start(["a"], "x"), "username"),
        (lambda s: s.answer_totp("s" * 40, "a@example.net", "12a456"), "code"),
        (lambda s: s.answer_totp("s" * 40, "a@example.net", "1234567"), "code"),
        (lambda s: s.set_new_password("s" * 40, "a@example.net", ""), "new_password"),
    ],
)
def test_bad_input_is_refused_before_cognito_is_asked(sign_in, call, field) -> None:
    assert_refused(InvalidInput, field, lambda: call(sign_in))


def test_an_unreachable_cognito_is_a_503(client_id) -> None:
    with socket.socket() as sock:  # a free port, closed again: nothing listens there
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    unreachable = boto3.client(
        "cognito-idp",
        region_name="eu-west-3",
        endpoint_url=f"http://127.0.0.1:{closed_port}",
        config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
    sign_in = signin.SignIn(unreachable, client_id, totp_issuer="MonacoSanté")

    error = assert_refused(Unavailable, None, lambda: sign_in.start("a@example.net", "Some-Password-1!"))
    assert error.status == 503
