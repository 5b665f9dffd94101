"""The local stack as ``./portal run`` serves it, for the tests that call the API over HTTP: the portal process with
its API workers and its own serialised moto endpoint, the demo booking profiles loaded, a signed-in back-office
test account, and one appointment of its professional booked as a patient books.

The portal is started once per test session (its workers import the app, as Lambda cold starts do); each test
module that uses it gets the same one.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
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
from local.seed import PRACTITIONERS

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
class Booked:
    """An appointment booked through the API as a patient does (hold, e-mailed code, confirm)."""

    id: str
    manage_token: str
    practitioner: str


@dataclass
class LocalApi:
    """The running portal, the back-office test account's access token, and one appointment of its professional."""

    portal: RunningPortal
    access_token: str
    booked: Booked | None = None

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


def book(api: LocalApi, practitioner: str, email: str) -> Booked:
    """The first free slot of ``practitioner``'s first online visit reason, held and confirmed with the code the
    local outbox shows."""
    profile = json.loads((PRACTITIONERS / f"{practitioner}.json").read_text(encoding="utf-8"))
    reason = next(r["id"] for r in profile["visit_reasons"] if r["online"])
    slots = api.request("GET", f"/api/v1/practitioners/{practitioner}/slots?reason={reason}&days=31").json()
    slot = slots["slots"][0]
    hold = {
        "practitioner": practitioner,
        "site": slot["site"],
        "reason": reason,
        "start": slot["start"],
        "patient": {"given_name": "Test", "family_name": "Fuzz", "email": email, "kind": "new"},
        "language": "en",
    }
    held = api.post_json("/api/v1/appointments", hold, {"Idempotency-Key": f"local-tests-{uuid.uuid4().hex}"})
    assert held.status == 201, held.body
    appointment = held.json()["id"]
    code = ""
    for _ in range(50):  # the outbox reads the local SES, which has the code once the hold's answer is sent
        messages = api.request("GET", "/_local/outbox.json").json()["messages"]
        sent = [m for m in messages if email in m["recipients"]]
        found = re.findall(r"^\s*(\d{6})\s*$", sent[0]["text"], flags=re.MULTILINE) if sent else []
        if found:
            code = found[0]
            break
        time.sleep(0.1)
    confirmed = api.post_json(f"/api/v1/appointments/{appointment}/confirm", {"code": code})
    assert confirmed.status == 200, confirmed.body
    return Booked(appointment, confirmed.json()["manage_token"], practitioner)


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
        api.booked = book(api, str(TEST_ACCOUNT.own), "local-tests@example.org")
        yield api
    finally:
        portal.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many cases the API fuzzing generated and checked, when it ran (tests/local/test_api_fuzz.py)."""
    fuzz = sys.modules.get("tests.local.test_api_fuzz")
    cases = getattr(fuzz, "CASES", None)
    if cases:
        terminalreporter.write_line(
            f"schemathesis: {sum(cases.values())} cases generated and checked on {len(cases)} operations"
        )
