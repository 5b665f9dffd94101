"""The local back-office pool: configured as documented, and its demo accounts sign in end to end.

Runs on the serialised moto server (server mode), as ``./portal run`` does: the demo accounts go through their
first sign-in with the sign-in module, and the API's verifier accepts the tokens against the keys that server
publishes. The server runs without moto's opt-in TOTP check, so codes are computed from the secret as an app
would, but nothing here claims a wrong code would be refused (see docs/security.md).
"""

from __future__ import annotations

import base64
import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from chalicelib import services
from chalicelib.backoffice import auth, signin
from chalicelib.core.errors import NotFound
from local.cognito import DEMO_ACCOUNTS, DEMO_PASSWORD, BackOfficePool, prepare_cognito


@pytest.fixture(scope="module")
def cognito(aws_endpoint: str) -> Any:
    return boto3.client("cognito-idp", endpoint_url=aws_endpoint)


@pytest.fixture(scope="module")
def pool(cognito: Any) -> BackOfficePool:
    # A pool name of this module's own, so the demo accounts are fresh whatever else ran on the server.
    return prepare_cognito(cognito, pool_name=f"portal-back-office-{uuid.uuid4().hex[:8]}")


def first_sign_in(sign_in: signin.SignIn, email: str) -> signin.Tokens:
    """The whole first sign-in of an invited account: temporary password, new password, TOTP enrolment."""
    first = sign_in.start(email, DEMO_PASSWORD)
    assert isinstance(first, signin.Challenge)
    assert first.step == signin.NEW_PASSWORD
    setup = sign_in.set_new_password(first.session, first.username, "Demo-Chosen-Passphrase-9")
    assert isinstance(setup, signin.Challenge)
    assert setup.step == signin.TOTP_SETUP
    enrolment = sign_in.begin_totp_setup(setup.session, email)
    secret = enrolment.secret + "=" * (-len(enrolment.secret) % 8)
    code = TOTP(base64.b32decode(secret, casefold=True), 6, SHA1(), 30, enforce_key_length=False).generate(time.time())
    tokens = sign_in.finish_totp_setup(enrolment.session, setup.username, code.decode())
    assert isinstance(tokens, signin.Tokens)
    return tokens


def test_the_pool_requires_totp_and_allows_no_self_sign_up(cognito, pool) -> None:
    described = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
    mfa = cognito.get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)
    app = cognito.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)["UserPoolClient"]

    assert described["MfaConfiguration"] == "ON"
    assert mfa["MfaConfiguration"] == "ON"
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert "SmsMfaConfiguration" not in mfa or not mfa["SmsMfaConfiguration"]
    assert described["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert described["UsernameAttributes"] == ["email"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert "ClientSecret" not in app
    assert set(app["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def test_grants_are_groups_of_the_demo_accounts(cognito, pool) -> None:
    def members(group: str) -> set[str]:
        users = cognito.list_users_in_group(UserPoolId=pool.user_pool_id, GroupName=group)["Users"]
        return {next(a["Value"] for a in u["Attributes"] if a["Name"] == "email") for u in users}

    assert members("pro:pr-000001") == {"pr-000001@demo.sante.example.mc"}
    assert members("for:pr-000001") == {"secretariat@demo.sante.example.mc"}
    assert members("for:pr-000002") == {"secretariat@demo.sante.example.mc"}
    assert members("pro:pr-000003") == {"pr-000003@demo.sante.example.mc"}
    assert members("desk:pr-000001") == {"accueil@demo.sante.example.mc"}
    assert members("desk:pr-000002") == {"accueil@demo.sante.example.mc"}


def test_preparing_again_finds_the_same_pool(cognito, pool) -> None:
    again = prepare_cognito(
        cognito, pool_name=cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]["Name"]
    )

    assert again == pool


def test_the_settings_point_the_api_at_the_local_keys(pool) -> None:
    environment = pool.environment()

    assert environment == {
        "USER_POOL_ID": pool.user_pool_id,
        "USER_POOL_CLIENT_ID": pool.client_id,
        "COGNITO_JWKS_URL": pool.jwks_url,
    }
    with urllib.request.urlopen(pool.jwks_url, timeout=5) as response:
        keys = json.load(response)["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]


def test_demo_accounts_are_never_created_on_aws() -> None:
    real = boto3.client("cognito-idp", region_name="eu-west-3")  # no endpoint override: Amazon's

    with pytest.raises(RuntimeError, match="local endpoint"):
        prepare_cognito(real)


@pytest.fixture
def api_settings(pool: BackOfficePool, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in pool.environment().items():
        monkeypatch.setenv(name, value)
    services.reset()
    yield
    monkeypatch.undo()
    services.reset()


def test_demo_accounts_sign_in_and_the_api_accepts_their_tokens(cognito, pool, api_settings) -> None:
    sign_in = signin.SignIn(cognito, pool.client_id, totp_issuer="MonacoSanté")
    principals = {
        account.email: services.get_verifier().authenticate(
            "Bearer " + first_sign_in(sign_in, account.email).access_token
        )
        for account in DEMO_ACCOUNTS
    }

    professional = principals["pr-000001@demo.sante.example.mc"]
    assert (professional.role, professional.practitioner_ids) == (auth.ROLE_PROFESSIONAL, {"pr-000001"})
    secretary = principals["secretariat@demo.sante.example.mc"]
    assert (secretary.role, secretary.practitioner_ids) == (auth.ROLE_SECRETARY, {"pr-000001", "pr-000002"})
    with pytest.raises(NotFound):
        secretary.require_practitioner("pr-000003")
    secretary.require_settings("pr-000002")
    desk = principals["accueil@demo.sante.example.mc"]
    agendas = {"pr-000001", "pr-000002"}  # two agendas, side by side
    assert (desk.role, desk.practitioner_ids, desk.settings_ids) == (auth.ROLE_DESK, agendas, frozenset())
    assert desk.allows("pr-000001") == ["agenda"]
    with pytest.raises(NotFound):
        desk.require_settings("pr-000001")
    assert len({p.subject for p in principals.values()}) == len(DEMO_ACCOUNTS)
