"""A signed-in patient as the tests drive one: the session cookie the API set, and its CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.functions.conftest import Answer, Api, code_in, viewer


@dataclass
class Patient:
    api: Api
    cookie: str  # "portal_session=<value>"
    csrf: str

    def headers(self, csrf: bool = True) -> dict[str, str]:
        return {"Cookie": self.cookie, **({"X-CSRF-Token": self.csrf} if csrf else {})}

    def get(self, path: str) -> Answer:
        return self.api.get(path, headers=self.headers(csrf=False))

    def post(self, path: str, body: Any = None, csrf: bool = True) -> Answer:
        return self.api.post(path, body, headers=self.headers(csrf))


def set_cookie(answer: Answer) -> str:
    """The Set-Cookie header of an answer ("" without one)."""
    return next((value for name, value in answer.headers.items() if name.lower() == "set-cookie"), "")


def session_cookie(answer: Answer) -> str:
    """The ``name=value`` of the Set-Cookie header of an answer."""
    return set_cookie(answer).split(";", 1)[0]


def send_code(api: Api, email: str, network: str | None = None) -> Answer:
    return api.post("/v1/me/sign-in/code", {"email": email, "language": "fr"}, headers=viewer(network))


def sign_in(
    api: Api, outbox: Callable[[], list[Any]], email: str = "louise@example.org", network: str | None = None
) -> Patient:
    """Sign in with the code e-mailed to ``email`` (an account is made the first time), from ``network`` (a device
    of its own: the code e-mails' limits count per e-mail and network)."""
    sent = send_code(api, email, network)
    assert sent.status == 202, sent.body
    body = {"email": email, "code": code_in(outbox()[-1])}
    answer = api.post(f"/v1/me/sign-in/code/{sent.body['id']}", body, headers=viewer(network))
    assert answer.status == 200, answer.body
    return Patient(api, session_cookie(answer), answer.body["csrf_token"])
