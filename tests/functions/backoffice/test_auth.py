"""Back-office tokens: real tokens from moto's Cognito (server mode) checked against the pool's published keys.

Tokens are issued by the serialised moto server the tests already run, and the verifier fetches that server's
``/<pool id>/.well-known/jwks.json`` over HTTP with PyJWKClient, as it fetches Cognito's in production. Each
rejection below is a 401 with code ``unauthorized`` in the one error shape.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from chalicelib import services
from chalicelib.backoffice import auth
from chalicelib.core.errors import NotFound, PortalError, Unauthorized, Unavailable

PASSWORD = "Correct-Horse-42!"
USERS = {
    "pro1": ["pro:pr-000001"],
    "pro2": ["pro:pr-000002"],
    "covering": ["pro:pr-000003", "for:pr-000001"],
    "secretary": ["for:pr-000001", "for:pr-000002"],
    "nogrant": [],
    "twopros": ["pro:pr-000001", "pro:pr-000002"],
}


class CountingJWKClient(jwt.PyJWKClient):
    """PyJWKClient that counts its real fetches of the key set (to see the cache work)."""

    fetches = 0

    def fetch_data(self) -> Any:
        self.fetches += 1
        return super().fetch_data()


def make_pool(cognito: Any, groups: dict[str, list[str]]) -> dict[str, Any]:
    pool_id = cognito.create_user_pool(PoolName=f"auth-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    clients = [
        cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=name,
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for name in ("back-office", "other-app")
    ]
    for group in {g for names in groups.values() for g in names}:
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    subs = {}
    for username, names in groups.items():
        user = cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")["User"]
        subs[username] = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
        for group in names:
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    return {"id": pool_id, "client_id": clients[0], "other_client_id": clients[1], "subs": subs}


@pytest.fixture(scope="module")
def cognito(aws_endpoint: str) -> Any:
    return boto3.client("cognito-idp", endpoint_url=aws_endpoint)


@pytest.fixture(scope="module")
def pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, USERS)


@pytest.fixture(scope="module")
def other_pool(cognito: Any) -> dict[str, Any]:
    return make_pool(cognito, {"pro1": ["pro:pr-000001"]})


@pytest.fixture(scope="module")
def sign_in(cognito: Any) -> Callable[..., dict[str, str]]:
    def sign_in(pool: dict[str, Any], username: str, client_id: str | None = None) -> dict[str, str]:
        result = cognito.admin_initiate_auth(
            UserPoolId=pool["id"],
            ClientId=client_id or pool["client_id"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return {"access": result["AccessToken"], "id": result["IdToken"]}

    return sign_in


@pytest.fixture(scope="module")
def jwks_url(aws_endpoint: str, pool: dict[str, Any]) -> str:
    return f"{aws_endpoint}/{pool['id']}/.well-known/jwks.json"


@pytest.fixture(scope="module")
def verifier(pool: dict[str, Any], jwks_url: str) -> auth.TokenVerifier:
    return auth.make_verifier(pool["id"], pool["client_id"], jwks_url)


def bearer(token: str) -> str:
    return f"Bearer {token}"


def assert_unauthorized(call: Callable[[], object]) -> None:
    with pytest.raises(Unauthorized) as caught:
        call()
    assert caught.value.status == 401
    assert caught.value.body() == {"error": {"code": "unauthorized", "message": "Sign in to continue.", "field": None}}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unsigned_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def moto_signed(claims: dict[str, Any], kid: str = "dummy") -> str:
    """Claims signed with the very key moto's Cognito signs with (it ships in moto's package)."""
    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(load_resource("cognitoidp/resources/jwks-private.json")))
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})  # type: ignore[arg-type]


# --- accepted tokens and what they grant -------------------------------------------------------------------------


def test_a_professionals_access_token_gives_their_own_agenda_only(verifier, pool, sign_in) -> None:
    principal = verifier.authenticate(bearer(sign_in(pool, "pro1")["access"]))

    assert principal.subject == pool["subs"]["pro1"]
    assert principal.role == auth.ROLE_PROFESSIONAL
    assert principal.own_practitioner_id == "pr-000001"
    assert principal.practitioner_ids == {"pr-000001"}
    principal.require_practitioner("pr-000001")
    with pytest.raises(NotFound) as caught:
        principal.require_practitioner("pr-000002", "No such appointment.")
    assert caught.value.status == 404
    assert caught.value.body() == {"error": {"code": "not_found", "message": "No such appointment.", "field": None}}


def test_a_secretary_acts_for_the_granted_professionals_only(verifier, pool, sign_in) -> None:
    principal = verifier.authenticate(bearer(sign_in(pool, "secretary")["access"]))

    assert principal.role == auth.ROLE_SECRETARY
    assert principal.own_practitioner_id is None
    assert principal.practitioner_ids == {"pr-000001", "pr-000002"}
    principal.require_practitioner("pr-000002")
    with pytest.raises(NotFound):
        principal.require_practitioner("pr-000003")


def test_a_professional_may_also_cover_a_colleague(verifier, pool, sign_in) -> None:
    principal = verifier.authenticate(bearer(sign_in(pool, "covering")["access"]))

    assert principal.role == auth.ROLE_PROFESSIONAL
    assert principal.own_practitioner_id == "pr-000003"
    assert principal.practitioner_ids == {"pr-000003", "pr-000001"}


@pytest.mark.parametrize("username", ["nogrant", "twopros"])
def test_an_account_without_a_coherent_grant_is_refused(verifier, pool, sign_in, username) -> None:
    assert_unauthorized(lambda: verifier.authenticate(bearer(sign_in(pool, username)["access"])))


def test_the_key_set_is_fetched_once_and_then_cached(pool, jwks_url, sign_in) -> None:
    client = CountingJWKClient(jwks_url, cache_jwk_set=True, lifespan=600)
    verifier = auth.TokenVerifier(auth.issuer_for(pool["id"]), pool["client_id"], client)

    for username in ("pro1", "pro2", "secretary", "pro1"):
        verifier.authenticate(bearer(sign_in(pool, username)["access"]))

    assert client.fetches == 1


def test_the_moto_key_signer_makes_tokens_the_verifier_accepts(verifier, pool, sign_in) -> None:
    """Control for the tests below that change one claim: unchanged, a re-signed token passes."""
    _, claims = unsigned_parts(sign_in(pool, "pro1")["access"])

    assert verifier.authenticate(bearer(moto_signed(claims))).own_practitioner_id == "pr-000001"


# --- rejected tokens -----------------------------------------------------------------------------------------------


def test_a_forged_signature_is_refused(verifier, pool, sign_in) -> None:
    header, claims = unsigned_parts(sign_in(pool, "pro1")["access"])
    claims["cognito:groups"] = ["pro:pr-000002"]
    attacker_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, attacker_key, algorithm="RS256", headers={"kid": header["kid"]})

    assert_unauthorized(lambda: verifier.authenticate(bearer(forged)))


def test_alg_none_is_refused(verifier, pool, sign_in) -> None:
    header, claims = unsigned_parts(sign_in(pool, "pro1")["access"])
    unsigned = {"alg": "none", "typ": "JWT", "kid": header["kid"]}
    token = f"{b64url(json.dumps(unsigned).encode())}.{b64url(json.dumps(claims).encode())}."

    assert_unauthorized(lambda: verifier.authenticate(bearer(token)))


def test_hs256_signed_with_the_public_key_is_refused(verifier, pool, sign_in, jwks_url) -> None:
    """Algorithm confusion: the attacker uses the published RSA key as an HMAC secret."""
    header, claims = unsigned_parts(sign_in(pool, "pro1")["access"])
    public_key = jwt.PyJWKClient(jwks_url).get_signing_key(header["kid"]).key
    secret = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64url(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': header['kid']}).encode())}." + b64url(
        json.dumps(claims).encode()
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()

    assert_unauthorized(lambda: verifier.authenticate(bearer(f"{signing_input}.{b64url(signature)}")))


def test_an_expired_token_is_refused(verifier, pool, sign_in) -> None:
    _, claims = unsigned_parts(sign_in(pool, "pro1")["access"])
    claims["iat"], claims["exp"] = int(time.time()) - 3600, int(time.time()) - 60

    assert_unauthorized(lambda: verifier.authenticate(bearer(moto_signed(claims))))


def test_a_token_without_a_required_claim_is_refused(verifier, pool, sign_in) -> None:
    _, claims = unsigned_parts(sign_in(pool, "pro1")["access"])
    del claims["jti"]

    assert_unauthorized(lambda: verifier.authenticate(bearer(moto_signed(claims))))


def test_a_token_with_an_unknown_key_id_is_refused(verifier, pool, sign_in) -> None:
    _, claims = unsigned_parts(sign_in(pool, "pro1")["access"])

    assert_unauthorized(lambda: verifier.authenticate(bearer(moto_signed(claims, kid="rotated-away"))))


def test_a_token_for_another_app_client_is_refused(verifier, pool, sign_in) -> None:
    token = sign_in(pool, "pro1", client_id=pool["other_client_id"])["access"]

    assert_unauthorized(lambda: verifier.authenticate(bearer(token)))


def test_an_id_token_is_refused_where_an_access_token_is_required(verifier, pool, sign_in) -> None:
    tokens = sign_in(pool, "pro1")
    assert unsigned_parts(tokens["id"])[1]["aud"] == pool["client_id"]  # right pool, right client, wrong kind

    assert_unauthorized(lambda: verifier.authenticate(bearer(tokens["id"])))


def test_a_token_from_another_pool_is_refused(verifier, other_pool, sign_in) -> None:
    """Same signing key in moto, so only the issuer check can refuse it."""
    token = sign_in(other_pool, "pro1")["access"]

    assert_unauthorized(lambda: verifier.authenticate(bearer(token)))


def test_a_patients_manage_token_is_refused(verifier) -> None:
    manage_token = secrets.token_urlsafe(32)  # what a patient holds to manage an appointment: opaque, random

    assert_unauthorized(lambda: verifier.authenticate(bearer(manage_token)))


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Token abc.def.ghi", "Basic dXNlcjpwYXNz", "Bearer a b", "Bearer " + "a" * 9000],
)
def test_a_missing_or_malformed_authorization_header_is_refused(verifier, header) -> None:
    assert_unauthorized(lambda: verifier.authenticate(header))


@pytest.mark.parametrize(
    "groups", [["pro:Not An Id"], ["pro:"], "pro:pr-000001", [42], ["operator"], ["for:pr-000001", "pro:x/../y"]]
)
def test_grants_come_only_from_well_formed_groups(groups) -> None:
    claims = {"sub": "s", "jti": "j", "cognito:groups": groups}

    assert_unauthorized(lambda: auth.principal_from_claims(claims))


# --- configuration --------------------------------------------------------------------------------------------------


def test_the_issuer_and_key_url_follow_cognitos_layout() -> None:
    issuer = auth.issuer_for("eu-west-3_AbC123")

    assert issuer == "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_AbC123"
    assert auth.jwks_url_for(issuer) == f"{issuer}/.well-known/jwks.json"


def test_a_key_url_off_this_machine_is_not_accepted_as_an_override() -> None:
    with pytest.raises(ValueError, match="loopback"):
        auth.make_verifier("eu-west-3_AbC123", "client", "https://keys.example.net/jwks.json")


def test_unreachable_keys_are_a_503_not_a_401(pool, sign_in) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    verifier = auth.make_verifier(pool["id"], pool["client_id"], f"http://127.0.0.1:{closed_port}/jwks.json")

    with pytest.raises(Unavailable) as caught:
        verifier.authenticate(bearer(sign_in(pool, "pro1")["access"]))
    assert caught.value.status == 503


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def configure(**environment: str) -> None:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        services.reset()

    yield configure
    monkeypatch.undo()
    services.reset()


def test_authenticate_uses_the_configured_pool(configured, pool, jwks_url, sign_in) -> None:
    configured(USER_POOL_ID=pool["id"], USER_POOL_CLIENT_ID=pool["client_id"], COGNITO_JWKS_URL=jwks_url)

    authenticate = services.get_verifier().authenticate
    assert authenticate(bearer(sign_in(pool, "pro2")["access"])).own_practitioner_id == "pr-000002"
    assert_unauthorized(lambda: authenticate(bearer(sign_in(pool, "pro2", pool["other_client_id"])["access"])))


@pytest.mark.parametrize(
    "environment",
    [
        {"USER_POOL_ID": "", "USER_POOL_CLIENT_ID": ""},
        {"USER_POOL_ID": "eu-west-3_AbC123", "USER_POOL_CLIENT_ID": "c", "COGNITO_JWKS_URL": "https://x.example/k"},
    ],
)
def test_missing_or_unsafe_configuration_is_a_503(configured, environment) -> None:
    configured(**environment)

    with pytest.raises(PortalError) as caught:
        services.get_verifier().authenticate("Bearer x.y.z")
    assert caught.value.status == 503
