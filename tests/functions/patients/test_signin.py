"""Signing in with an e-mailed code, and the session: cookie, CSRF token, timeouts, signing out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, Clock, code_in
from tests.functions.patients.session import Patient, send_code, session_cookie, set_cookie, sign_in

Outbox = Callable[[], list[Any]]


def test_a_code_signs_in_makes_the_account_once_and_sets_a_strict_cookie(api: Api, outbox: Outbox) -> None:
    sent = send_code(api, "Louise@Example.org")
    assert sent.status == 202
    [message] = outbox()
    assert message["To"] == "Louise@Example.org"
    answer = api.post(
        f"/v1/me/sign-in/code/{sent.body['id']}", {"email": "Louise@Example.org", "code": code_in(message)}
    )
    assert answer.status == 200, answer.body
    header = set_cookie(answer)
    assert header.startswith("portal_session=")
    for attribute in ("Path=/api/", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=43200"):
        assert attribute in header
    assert answer.body["account"]["email"] == "Louise@Example.org"
    assert answer.body["idle_until"] == "2027-03-01T06:30:00Z"  # 30 minutes idle
    assert answer.body["ends_at"] == "2027-03-01T18:00:00Z"  # 12 hours whatever happens
    patient = Patient(api, session_cookie(answer), answer.body["csrf_token"])
    me = patient.get("/v1/me")
    assert me.status == 200 and me.body["account"]["email"] == "Louise@Example.org"
    assert me.body["csrf_token"] == patient.csrf

    # the same mailbox, written otherwise, signs in to the same account
    again = sign_in(api, outbox, "louise@example.org")
    assert again.get("/v1/me").body["account"]["created_at"] == me.body["account"]["created_at"]
    assert again.cookie != patient.cookie


def test_wrong_expired_and_reused_codes_sign_nobody_in(api: Api, outbox: Outbox, clock: Clock) -> None:
    sent = send_code(api, "louise@example.org")
    code = code_in(outbox()[-1])
    path = f"/v1/me/sign-in/code/{sent.body['id']}"
    wrong = api.post(path, {"email": "louise@example.org", "code": "000000" if code != "000000" else "111111"})
    assert (wrong.status, wrong.body["error"]["code"], wrong.body["error"]["attempts_left"]) == (422, "wrong_code", 4)
    assert set_cookie(wrong) == ""
    other = api.post(path, {"email": "someone@example.org", "code": code})
    assert (other.status, other.body["error"]["field"]) == (422, "email")  # the code was spent on it, though
    reused = api.post(path, {"email": "louise@example.org", "code": code})
    assert (reused.status, reused.body["error"]["code"]) == (404, "not_found")

    late = send_code(api, "louise@example.org")
    clock.advance(minutes=11)
    expired = api.post(
        f"/v1/me/sign-in/code/{late.body['id']}", {"email": "louise@example.org", "code": code_in(outbox()[-1])}
    )
    assert (expired.status, expired.body["error"]["code"]) == (410, "code_expired")
    unknown = api.post("/v1/me/sign-in/code/00000000000000000000", {"email": "louise@example.org", "code": "123456"})
    assert unknown.status == 404


def test_without_a_session_or_with_a_forged_one_the_space_is_401(api: Api, outbox: Outbox) -> None:
    assert api.get("/v1/me").status == 401
    forged = {"Cookie": "portal_session=0123456789abcdef0123.not-the-secret-of-any-session-at-all"}
    answer = api.get("/v1/me/appointments", headers=forged)
    assert (answer.status, answer.body["error"]["code"]) == (401, "unauthorized")
    patient = sign_in(api, outbox)
    account_id = patient.cookie.split("=", 1)[1].split(".")[0]
    guessed = api.get("/v1/me", headers={"Cookie": f"portal_session={account_id}.{'A' * 43}"})
    assert guessed.status == 401


def test_a_change_without_the_csrf_token_or_from_another_site_is_refused(api: Api, outbox: Outbox) -> None:
    patient = sign_in(api, outbox)
    refused = patient.post("/v1/me/sign-out-everywhere", {}, csrf=False)
    assert (refused.status, refused.body["error"]["code"], refused.body["error"]["field"]) == (
        400,
        "csrf_required",
        "X-CSRF-Token",
    )
    wrong = api.post("/v1/me/sign-out", {}, headers={"Cookie": patient.cookie, "X-CSRF-Token": "0" * 64})
    assert wrong.status == 400
    cross = api.post("/v1/me/sign-out", {}, headers={**patient.headers(), "Sec-Fetch-Site": "cross-site"})
    assert cross.status == 400
    assert patient.get("/v1/me").status == 200  # none of them signed out


def test_idle_and_absolute_timeouts_end_the_session(api: Api, outbox: Outbox, clock: Clock) -> None:
    patient = sign_in(api, outbox)
    clock.advance(minutes=29)
    assert patient.get("/v1/me").status == 200  # used: idle for 30 more minutes
    clock.advance(minutes=29)
    assert patient.get("/v1/me").status == 200
    clock.advance(minutes=31)
    idle = patient.get("/v1/me")
    assert (idle.status, idle.body["error"]["message"]) == (401, "Your session has ended; please sign in again.")

    busy = sign_in(api, outbox, network="198.51.100.9")
    for _ in range(12 * 4):  # used every 15 minutes for 12 hours
        clock.advance(minutes=15)
        last = busy.get("/v1/me")
    assert last.status == 401


def test_signing_in_again_ends_the_old_session_and_sign_out_everywhere_ends_all(api: Api, outbox: Outbox) -> None:
    first = sign_in(api, outbox)
    sent = send_code(api, "louise@example.org")
    renewed = api.post(
        f"/v1/me/sign-in/code/{sent.body['id']}",
        {"email": "louise@example.org", "code": code_in(outbox()[-1])},
        headers={"Cookie": first.cookie},
    )
    second = Patient(api, session_cookie(renewed), renewed.body["csrf_token"])
    assert first.get("/v1/me").status == 401  # a sign-in always gets a new session id
    laptop, phone = second, sign_in(api, outbox, network="198.51.100.7")
    out = laptop.post("/v1/me/sign-out", {})
    assert out.status == 200 and "Max-Age=0" in set_cookie(out)
    assert laptop.get("/v1/me").status == 401
    assert phone.get("/v1/me").status == 200
    tablet = sign_in(api, outbox, network="198.51.100.8")
    everywhere = tablet.post("/v1/me/sign-out-everywhere", {})
    assert everywhere.body == {"sessions_ended": 2}
    assert phone.get("/v1/me").status == 401 and tablet.get("/v1/me").status == 401
