"""The local stack as ``./portal run`` serves it, for the tests that call the API over HTTP: the portal process with
its API workers and its own serialised moto endpoint, the demo booking profiles loaded, and a signed-in back-office
test account.

The portal is started once per test session (its workers import the app, as Lambda cold starts do); each test
module that uses it gets the same one.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from local.cognito import DEMO_PASSWORD, DemoAccount, configure_pool
from local.launch import RunningPortal, start_portal

# The back-office test account: the professional pr-000001 of the demo directory, signed in through the API's own
# sign-in steps (new password, authenticator enrolment, code) as a person does on the sign-in page.
TEST_ACCOUNT = DemoAccount("fuzz-test@demo.sante.example.mc", own="pr-000001")
TEST_PASSWORD = "Test-Account-Passphrase-7"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LocalApi:
    """The running portal, and the back-office test account's access token."""

    portal: RunningPortal
    access_token: str

    @property
    def url(self) -> str:
        return self.portal.url

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """``method`` on the portal's ``path`` (``/api/...``), whatever the status."""
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as err:
            return Answer(err.code, dict(err.headers), err.read())

    def post_json(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Answer:
        sent = {"Content-Type": "application/json", **(headers or {})}
        return self.request("POST", path, json.dumps(body).encode(), sent)

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def totp_now(secret: str) -> str:
    """The current code of an authenticator app holding ``secret`` (base32, maybe unpadded)."""
    padded = secret + "=" * (-len(secret) % 8)
    key = base64.b32decode(padded, casefold=True)
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(time.time()).decode()


def sign_in(api: LocalApi, email: str) -> str:
    """The whole first sign-in of an invited account through ``/api/v1/pro/auth/*``; its access token."""

    def step(path: str, body: dict[str, str]) -> Any:
        answer = api.post_json("/api/v1/pro/auth/" + path, body)
        assert answer.status == 200, (path, answer.status, answer.body)
        return answer.json()

    first = step("start", {"email": email, "password": DEMO_PASSWORD})
    assert first["step"] == "new_password", first
    session, username = first["session"], first["username"]
    setup = step("new-password", {"session": session, "username": username, "new_password": TEST_PASSWORD})
    assert setup["step"] == "totp_setup", setup
    enrolment = step("totp-setup", {"session": setup["session"], "email": email})
    done = step(
        "totp-setup/verify",
        {"session": enrolment["session"], "username": setup["username"], "code": totp_now(enrolment["secret"])},
    )
    assert done["step"] == "signed_in"
    return str(done["access_token"])


@pytest.fixture(scope="session")
def local_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    """``./portal run``'s stack on a free port, the demo profiles loaded, and the test account signed in."""
    site: Path = tmp_path_factory.mktemp("empty-site")
    (site / "404.html").write_text("<main>Page introuvable</main>", encoding="utf-8")
    portal = start_portal(site, workers=2, seed=True)
    try:
        cognito = boto3.client("cognito-idp", endpoint_url=portal.endpoint, region_name="eu-west-3")
        configure_pool(cognito, (TEST_ACCOUNT,))  # the portal's own pool (found by name), one more account in it
        api = LocalApi(portal, access_token="")
        api.access_token = sign_in(api, TEST_ACCOUNT.email)
        yield api
    finally:
        portal.stop()
