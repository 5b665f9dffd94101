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
    """An appointment booked through the API as a patient does (the address proven, held, confirmed with the proof),
    the proof's token, and an offer of the waiting list (its id and its link's token)."""

    id: str
    manage_token: str
    practitioner: str
    proof: str = ""
    offer: str = ""
    offer_token: str = ""


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

    def mail(self, to: str, pattern: str) -> re.Match[str]:
        """The first match of ``pattern`` in the newest e-mail to ``to`` that has one (the local outbox reads the
        local SES, which has the message once the API's answer is sent)."""
        for _ in range(100):
            messages = self.request("GET", "/_local/outbox.json").json()["messages"]
            for message in messages:
                found = re.search(pattern, message["text"], flags=re.MULTILINE)
                if to in message["recipients"] and found:
                    return found
            time.sleep(0.1)
        raise AssertionError(f"no e-mail to {to} matching {pattern!r}")


CODE = r"^\s*(\d{6})\s*$"
OFFER_LINK = r"/appointment/#id=([0-9a-f]{20})&offer=([A-Za-z0-9_-]+)"


def prove(api: LocalApi, email: str) -> str:
    """An e-mail proof of ``email`` earned as a patient earns one before booking: the e-mailed code, confirmed."""
    asked = api.post_json("/api/v1/email-proofs", {"email": email, "language": "en"})
    assert asked.status == 202, asked.body
    code = api.mail(email, CODE).group(1)
    proof = api.post_json(f"/api/v1/email-proofs/{asked.json()['id']}/confirm", {"code": code})
    assert proof.status == 200, proof.body
    return str(proof.json()["token"])


def book(api: LocalApi, practitioner: str, email: str, proof: str, nth: int = 0) -> Booked:
    """The ``nth`` free slot of ``practitioner``'s first online visit reason, held and confirmed with the e-mail
    proof ``proof`` of ``email`` (no code: the address is proven, and the hold does not count among the network's
    unproven ones, which the fuzzing uses up)."""
    profile = json.loads((PRACTITIONERS / f"{practitioner}.json").read_text(encoding="utf-8"))
    reason = next(r["id"] for r in profile["visit_reasons"] if r["online"])
    slots = api.request("GET", f"/api/v1/practitioners/{practitioner}/slots?reason={reason}&days=31").json()
    slot = slots["slots"][nth]
    hold = {
        "practitioner": practitioner,
        "site": slot["site"],
        "reason": reason,
        "start": slot["start"],
        "patient": {"given_name": "Test", "family_name": "Fuzz", "email": email, "kind": "new"},
        "language": "en",
    }
    key = {"Idempotency-Key": f"local-tests-{uuid.uuid4().hex}", "Email-Proof": proof}
    held = api.post_json("/api/v1/appointments", hold, key)
    assert held.status == 201 and held.json()["proven"] is True, held.body
    appointment = held.json()["id"]
    confirmed = api.post_json(f"/api/v1/appointments/{appointment}/confirm", {}, {"Email-Proof": proof})
    assert confirmed.status == 200, confirmed.body
    return Booked(appointment, confirmed.json()["manage_token"], practitioner, proof)


def offer(api: LocalApi, practitioner: str) -> tuple[str, str]:
    """An offer of the waiting list, as a waiting patient receives one: a patient joins the list for
    ``practitioner`` (with a proof), another cancels a time before the date asked; the offer's id and token."""
    freed = book(api, practitioner, "local-tests-freed@example.org", prove(api, "local-tests-freed@example.org"), 1)
    waiting = "local-tests-waiting@example.org"
    shown = api.request(
        "GET", f"/api/v1/appointments/{freed.id}", headers={"Authorization": f"Bearer {freed.manage_token}"}
    )
    details = shown.json()
    wait = {
        "practitioner": practitioner,
        "site": details["site"],
        "reason": details["reason"],
        "before": details["start"][:10],
        "patient": {"given_name": "Test", "family_name": "Waiting", "email": waiting, "kind": "new"},
        "language": "en",
    }
    joined = api.post_json("/api/v1/waitlist", wait, {"Email-Proof": prove(api, waiting)})
    assert joined.status == 201, joined.body
    bearer = {"Authorization": f"Bearer {freed.manage_token}"}
    cancelled = api.post_json(f"/api/v1/appointments/{freed.id}/cancel", {}, bearer)
    assert cancelled.status == 200, cancelled.body
    found = api.mail(waiting, OFFER_LINK)
    return found.group(1), found.group(2)


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
        patient = "local-tests@example.org"
        api.booked = book(api, str(TEST_ACCOUNT.own), patient, prove(api, patient))
        api.booked.offer, api.booked.offer_token = offer(api, str(TEST_ACCOUNT.own))
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
