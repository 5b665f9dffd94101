"""The authorization matrix of patient sessions: caller x route x owner.

Every patient-space route that names an object (an appointment, a passkey, a relative) is called with another
patient's session: the 404 of an id that does not exist, and nothing changes. Every route of the space is called
without a session, with a forged one, with a back-office token and with a manage token: 401. A patient's session
opens nothing in the back-office. Then the owner makes the same calls and they work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.functions.conftest import Api, ProPool, local
from tests.functions.patients.authenticator import Authenticator
from tests.functions.patients.session import sign_in
from tests.functions.patients.test_appointments import book_signed_in
from tests.functions.patients.test_passkeys import ORIGIN, register

Outbox = Callable[[], list[Any]]
UNKNOWN = "0" * 20
RELATIVE = {"given_name": "Léa", "family_name": "Rossi", "birth_date": "2019-05-04", "relation": "child"}


def test_another_patients_objects_are_404_and_unchanged_and_the_owner_still_acts(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], outbox: Outbox
) -> None:
    seed()
    owner = sign_in(pro_api, outbox)
    appointment = book_signed_in(owner, local(2, 9))
    passkey = register(owner, Authenticator()).body["id"]
    relative = owner.post("/v1/me/relatives", RELATIVE).body["id"]
    stranger = sign_in(pro_api, outbox, "someone.else@example.org", network="198.51.100.50")
    before = owner.get("/v1/me/data").body
    calls = [
        ("POST", "/v1/me/appointments/{id}/cancel", appointment, {}),
        ("POST", "/v1/me/appointments/{id}/move", appointment, {"start": local(3, 11)}),
        ("DELETE", "/v1/me/passkeys/{id}", passkey, None),
        ("DELETE", "/v1/me/relatives/{id}", relative, None),
    ]
    for method, path, real, body in calls:
        theirs = pro_api.request(method, path.format(id=real), body, headers={**stranger.headers(), **ORIGIN})
        missing_id = UNKNOWN if real != passkey else "A" * 22
        missing = pro_api.request(method, path.format(id=missing_id), body, headers={**stranger.headers(), **ORIGIN})
        assert theirs.status == missing.status == 404, (path, theirs.body)
        assert theirs.body["error"]["message"] == missing.body["error"]["message"]
    after = owner.get("/v1/me/data").body
    assert {k: v for k, v in after.items() if k not in ("exported_at", "sessions")} == {
        k: v for k, v in before.items() if k not in ("exported_at", "sessions")
    }
    assert stranger.get("/v1/me/appointments").body == {"upcoming": [], "past": []}
    for method, path, real, body in reversed(calls):
        mine = pro_api.request(method, path.format(id=real), body, headers={**owner.headers(), **ORIGIN})
        assert mine.status == 200, (path, mine.body)


def test_no_session_a_forged_one_or_another_credential_is_401_on_every_route_of_the_space(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox
) -> None:
    from tests.functions.contract import document

    owner = sign_in(pro_api, outbox)
    routes = [
        (method.upper(), path.replace("{appointment_id}", UNKNOWN).replace("{relative_id}", UNKNOWN))
        for path, operations in document()["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/v1/me") and operation.get("security") == [{"patientSession": []}]
    ]
    assert len(routes) >= 17
    credentials = {
        "none": {},
        "forged": {"Cookie": f"portal_session={UNKNOWN}.{'x' * 43}", "X-CSRF-Token": owner.csrf},
        "back-office token": pro_pool.auth("pro"),
        "manage token": {"Authorization": "Bearer a-manage-token"},
        "session cookie of another path": {"Cookie": owner.cookie.replace("portal_session", "session")},
    }
    for name, headers in credentials.items():
        for method, path in routes:
            url = path.replace("{credential_id}", "A" * 22)
            answer = pro_api.request(method, url, {} if method != "GET" else None, headers=headers)
            assert (answer.status, answer.body["error"]["code"]) == (401, "unauthorized"), (name, method, path)


def test_a_patient_session_opens_nothing_in_the_back_office(pro_api: Api, outbox: Outbox) -> None:
    owner = sign_in(pro_api, outbox)
    for method, path in (
        ("GET", "/v1/pro/me"),
        ("GET", "/v1/pro/practitioners/pr-test/agenda?from=2027-03-01&days=7"),
        ("GET", f"/v1/pro/appointments/{UNKNOWN}"),
    ):
        answer = pro_api.request(method, path, headers=owner.headers())
        assert answer.status == 401, path
