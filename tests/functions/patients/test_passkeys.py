"""Passkeys: register one signed in, sign in with it, list and remove them; stale, spent and replayed challenges,
a signature counter that goes back (a cloned authenticator), a wrong origin and another account's passkey."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.patients.passkeys import relying_party
from tests.functions.conftest import Api, Clock
from tests.functions.patients.authenticator import Authenticator
from tests.functions.patients.session import Patient, session_cookie, sign_in

Outbox = Callable[[], list[Any]]
ORIGIN = {"Origin": "http://localhost:8000"}


def register(me: Patient, authenticator: Authenticator, name: str = "Laptop") -> Any:
    options = me.api.post("/v1/me/passkeys/options", {}, headers={**me.headers(), **ORIGIN})
    assert options.status == 200, options.body
    answer = {"challenge_id": options.body["challenge_id"], "credential": authenticator.create(options.body["options"])}
    return me.api.post("/v1/me/passkeys", {**answer, "name": name}, headers={**me.headers(), **ORIGIN})


def options(api: Api) -> Any:
    found = api.post("/v1/me/sign-in/passkey/options", {}, headers=ORIGIN)
    assert found.status == 200, found.body
    return found.body


def sign_in_with(api: Api, authenticator: Authenticator, **get: Any) -> Any:
    asked = options(api)
    body = {"challenge_id": asked["challenge_id"], "credential": authenticator.get(asked["options"], **get)}
    return api.post("/v1/me/sign-in/passkey", body, headers=ORIGIN)


def test_register_sign_in_list_and_remove(api: Api, outbox: Outbox, clock: Clock) -> None:
    me = sign_in(api, outbox)
    key = Authenticator()
    added = register(me, key)
    assert added.status == 201, added.body
    assert added.body["name"] == "Laptop" and added.body["last_used_at"] is None
    assert key.rp_id == "localhost"  # the site is served on an address: its relying party is localhost

    clock.advance(minutes=5)
    signed = sign_in_with(api, key)
    assert signed.status == 200, signed.body
    assert signed.body["account"]["email"] == "louise@example.org"
    with_key = Patient(api, session_cookie(signed), signed.body["csrf_token"])
    assert with_key.get("/v1/me/appointments").status == 200
    [listed] = with_key.get("/v1/me/passkeys").body["passkeys"]
    assert listed["last_used_at"] == "2027-03-01T06:05:00Z"

    second = register(with_key, Authenticator(), "Phone")
    assert second.status == 201
    removed = api.delete(f"/v1/me/passkeys/{listed['id']}", headers=with_key.headers())
    assert [p["name"] for p in removed.body["passkeys"]] == ["Phone"]
    gone = sign_in_with(api, key)
    assert (gone.status, gone.body["error"]["code"]) == (401, "unauthorized")
    again = api.delete(f"/v1/me/passkeys/{listed['id']}", headers=with_key.headers())
    assert again.status == 404


def test_a_challenge_serves_once_and_lapses(api: Api, outbox: Outbox, clock: Clock) -> None:
    me = sign_in(api, outbox)
    key = Authenticator()
    assert register(me, key).status == 201
    asked = options(api)
    answer = {"challenge_id": asked["challenge_id"], "credential": key.get(asked["options"])}
    assert api.post("/v1/me/sign-in/passkey", answer, headers=ORIGIN).status == 200
    replayed = api.post("/v1/me/sign-in/passkey", answer, headers=ORIGIN)  # the same answer again
    assert (replayed.status, replayed.body["error"]["field"]) == (404, "challenge_id")

    stale = options(api)
    clock.advance(minutes=6)
    late = {"challenge_id": stale["challenge_id"], "credential": key.get(stale["options"])}
    assert api.post("/v1/me/sign-in/passkey", late, headers=ORIGIN).status == 404

    # an answer signed for one challenge, sent with another
    first, second = options(api), options(api)
    swapped = {"challenge_id": second["challenge_id"], "credential": key.get(first["options"])}
    assert api.post("/v1/me/sign-in/passkey", swapped, headers=ORIGIN).status == 401


def test_a_signature_counter_that_goes_back_is_a_cloned_authenticator(api: Api, outbox: Outbox) -> None:
    me = sign_in(api, outbox)
    key = Authenticator()
    assert register(me, key).status == 201
    assert sign_in_with(api, key, count=5).status == 200
    clone = copy.copy(key)  # the same private key elsewhere, whose counter lags behind
    refused = sign_in_with(api, clone, count=3)
    assert (refused.status, refused.body["error"]["code"]) == (401, "unauthorized")
    same = sign_in_with(api, clone, count=5)
    assert same.status == 401
    assert sign_in_with(api, key, count=6).status == 200


def test_wrong_origin_forged_signature_and_registering_without_a_session(api: Api, outbox: Outbox) -> None:
    me = sign_in(api, outbox)
    key = Authenticator()
    assert register(me, key).status == 201
    phishing = Authenticator(origin="http://localhost.evil.example", key=key.key, credential_id=key.credential_id)
    phishing.rp_id, phishing.user_handle = key.rp_id, key.user_handle
    assert sign_in_with(api, phishing).status == 401
    forged = Authenticator(credential_id=key.credential_id)  # another key claiming the credential
    forged.rp_id, forged.user_handle = key.rp_id, key.user_handle
    assert sign_in_with(api, forged).status == 401
    assert api.post("/v1/me/passkeys/options", {}, headers=ORIGIN).status == 401
    no_csrf = api.post("/v1/me/passkeys/options", {}, headers={**me.headers(csrf=False), **ORIGIN})
    assert no_csrf.status == 400
    malformed = api.post("/v1/me/sign-in/passkey", {"challenge_id": options(api)["challenge_id"], "credential": {}})
    assert (malformed.status, malformed.body["error"]["field"]) == (422, "credential")


def test_a_deleted_accounts_passkey_and_session_sign_nobody_in(api: Api, outbox: Outbox, services: Any) -> None:
    me = sign_in(api, outbox)
    key = Authenticator()
    assert register(me, key).status == 201
    store = services.get_store()
    account_id = me.cookie.split("=", 1)[1].split(".")[0]
    from chalicelib.core.keys import email_hash

    store.delete_account(account_id, email_hash("louise@example.org"), [])
    assert me.get("/v1/me").status == 401
    assert sign_in_with(api, key).status == 401


@pytest.mark.parametrize(
    ("site", "origin", "expected"),
    [
        ("https://sante.example.mc", "https://evil.example", ("sante.example.mc", "https://sante.example.mc")),
        ("http://127.0.0.1:8000", "http://localhost:43121", ("localhost", "http://localhost:43121")),
        ("http://127.0.0.1:8000", "http://127.0.0.1:43121", ("localhost", "http://localhost")),
    ],
)
def test_the_relying_party_is_the_sites_domain(site: str, origin: str, expected: tuple[str, str]) -> None:
    assert relying_party(site, origin) == expected
