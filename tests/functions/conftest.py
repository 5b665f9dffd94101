"""Fixtures for the booking API: the Chalice app over a fresh table, moto's SES in-process, a frozen clock.

Every response that goes through the ``api`` client is also checked against the published OpenAPI document, and
for its ``application/json`` label, so each functional test is a contract test too.
"""

from __future__ import annotations

import email
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.core.profiles import profile_item
from chalicelib.core.store import Store, make_table
from tests.functions import contract
from tests.functions.factories import practitioner_record

MONACO = ZoneInfo("Europe/Monaco")
REGION = "eu-west-3"
# The tests' "now": Monday 1 March 2027, 07:00 in Monaco (not a holiday). Slots are computed from it and the
# store's conditions compare with it, so the tests read the same whatever the day they run.
TODAY = datetime(2027, 3, 1, 7, 0, tzinfo=MONACO)


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """The Chalice test client speaking JSON, checking each answer against the OpenAPI document."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
        raw = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        sent = {"Content-Type": "application/json", **(headers or {})}
        response = self.client.http.request(method, path, headers=sent, body=raw)
        answer = Answer(response.status_code, json.loads(response.body or b"null"), dict(response.headers))
        contract.check(method, path, answer.status, answer.body)
        assert answer.headers.get("Content-Type") == "application/json", f"{method} {path}: {answer.headers}"
        return answer

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock(TODAY)


@pytest.fixture
def ses() -> Iterator[Any]:
    """moto's SES in this process, with the API's sender verified (SES sends only from verified identities)."""
    from chalicelib.core.config import settings

    with mock_aws():
        client = boto3.client("ses", region_name=REGION)
        client.verify_email_identity(EmailAddress=settings.__wrapped__().mail_from)
        yield client


@pytest.fixture
def store(table_name: str) -> Store:
    return Store(make_table(table_name))


@pytest.fixture
def seed(store: Store) -> Callable[..., dict[str, Any]]:
    """Store a professional's profile: ``seed(**record_overrides)`` or ``seed(record=..., closures=...)``."""

    def put(
        record: dict[str, Any] | None = None, closures: Any = (), extra_openings: Any = (), **overrides: Any
    ) -> dict[str, Any]:
        record = record or practitioner_record(**overrides)
        store.put_profile(record["id"], profile_item(record, closures, extra_openings))
        return record

    return put


@pytest.fixture
def app_module(table_name: str, ses: Any, clock: Clock) -> Iterator[Any]:
    """The app over this test's table and SES, its services made on first use from a fresh reading of the
    environment, on the tests' clock (the composition root, chalicelib/services.py)."""
    import app as module

    from chalicelib import services

    services.reset()
    services.use(clock=clock)
    yield module
    services.reset()


@pytest.fixture
def services(app_module: Any) -> Any:
    """The composition root the app's routes use: ``services.get_store()``, ``services.use(limits=...)``."""
    from chalicelib import services

    return services


@pytest.fixture
def api(app_module: Any) -> Iterator[Api]:
    with Client(app_module.app) as client:
        yield Api(client)


@pytest.fixture
def outbox(ses: Any) -> Callable[[], list[EmailMessage]]:
    """The e-mails the API sent so far (moto's SES keeps them)."""

    def read() -> list[EmailMessage]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        return [email.message_from_string(m.raw_data, policy=default) for m in backend.sent_messages]  # type: ignore[misc]

    return read


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def code_in(message: EmailMessage) -> str:
    """The 6-digit code in a code e-mail."""
    found = re.findall(r"^\s*(\d{6})\s*$", text_of(message), flags=re.MULTILINE)
    assert len(found) == 1, found
    return str(found[0])


def patient(**overrides: Any) -> dict[str, Any]:
    return {
        "given_name": "Louise",
        "family_name": "Rossi",
        "email": "louise@example.org",
        "kind": "existing",
        **overrides,
    }


def hold_body(start: str, **overrides: Any) -> dict[str, Any]:
    return {
        "practitioner": "pr-test",
        "site": "main",
        "reason": "consultation",
        "start": start,
        "patient": patient(**overrides.pop("patient", {})),
        "language": "fr",
        **overrides,
    }


def viewer(address: str | None) -> dict[str, str]:
    """The header CloudFront adds with the viewer's address (``ip:port``): a request from ``address`` (None: from
    the test client's own address, as without CloudFront)."""
    return {"CloudFront-Viewer-Address": f"{address}:44321"} if address else {}


def local(day: int, hour: int, minute: int = 0) -> str:
    """An ISO start on March ``day`` 2027 in Monaco (winter time, +01:00)."""
    return datetime(2027, 3, day, hour, minute, tzinfo=MONACO).isoformat()


# -- the back-office: accounts of a user pool on the moto server, whose tokens the API verifies --------------------

PRO_PASSWORD = "Correct-Horse-42!"
PRO_ACCOUNTS = {
    "pro": ["pro:pr-test"],  # the professional pr-test
    "other": ["pro:pr-other"],  # a second professional
    "secretary": ["for:pr-test"],  # acts for pr-test only
    "covering": ["pro:pr-third", "for:pr-other"],  # a professional covering pr-other
    "desk": ["desk:pr-test"],  # pr-test's front desk: the agenda side only
}


@dataclass
class ProPool:
    id: str
    client_id: str
    jwks_url: str
    subs: dict[str, str]
    tokens: dict[str, str]

    def auth(self, account: str) -> dict[str, str]:
        """The Authorization header of ``account``."""
        return {"Authorization": f"Bearer {self.tokens[account]}"}


@pytest.fixture(scope="session")
def pro_pool(aws_endpoint: str) -> ProPool:
    """A user pool on the moto server with the accounts of PRO_ACCOUNTS, each signed in once (access tokens)."""
    cognito = boto3.client("cognito-idp", endpoint_url=aws_endpoint, region_name=REGION)
    pool_id = cognito.create_user_pool(PoolName="pro-api-tests")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="back-office", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    subs, access = {}, {}
    for username, groups in PRO_ACCOUNTS.items():
        user = cognito.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")["User"]
        subs[username] = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PRO_PASSWORD, Permanent=True)
        for group in groups:
            try:
                cognito.create_group(UserPoolId=pool_id, GroupName=group)
            except cognito.exceptions.GroupExistsException:
                pass
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        access[username] = cognito.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PRO_PASSWORD},
        )["AuthenticationResult"]["AccessToken"]
    return ProPool(pool_id, client_id, f"{aws_endpoint}/{pool_id}/.well-known/jwks.json", subs, access)


@pytest.fixture
def pro_api(
    api: Api, pro_pool: ProPool, aws_endpoint: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Api]:
    """The API client, with the app set to verify the tokens of ``pro_pool`` and to sign in on the moto server."""
    from chalicelib import services

    monkeypatch.setenv("USER_POOL_ID", pro_pool.id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", pro_pool.client_id)
    monkeypatch.setenv("COGNITO_JWKS_URL", pro_pool.jwks_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", aws_endpoint)
    services.reset()  # the settings are read again, with the pool
    services.use(clock=clock)
    yield api
    services.reset()
