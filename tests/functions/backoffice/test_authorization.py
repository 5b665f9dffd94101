"""The authorization matrix of the back-office: role x route x owner.

Every route that names a professional or an appointment is called by accounts without a grant for it (another
professional, a professional covering someone else), without a token, with a forged token and with a patient's
manage token: 404 (or 401 for the tokens), exactly the answer for an id that does not exist, and nothing changes.
Then the owner's secretary makes the same call and it works. The owner's front desk (``desk:pr-test``) reaches the
agenda side and gets that same 404 on the settings side (settings, preview, save, feed), with nothing changed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.functions.conftest import Api, Clock, ProPool, code_in, hold_body, local

UNKNOWN_APPOINTMENT = "0" * 20


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {pro} or {appointment}
    body: Any = None
    ok: int = 200
    later: float = 0  # hours the clock moves on first (a no-show is marked once the appointment has started)
    desk: bool = True  # a front desk's grant (desk:<id>) reaches it; False: the settings side, 404 for a desk

    def url(self, pro: str = "pr-test", appointment: str = "") -> str:
        return self.path.format(pro=pro, appointment=appointment)


SETTINGS_BODY = "settings"  # filled in from the current settings
ROUTES = {
    "agenda": Route("GET", "/v1/pro/practitioners/{pro}/agenda?from=2027-03-01&days=7"),
    "phone booking": Route(
        "POST",
        "/v1/pro/practitioners/{pro}/appointments",
        {
            "site": "main",
            "reason": "consultation",
            "start": local(3, 9),
            "patient": {"given_name": "A", "family_name": "B"},
        },
        201,
    ),
    "block": Route(
        "POST", "/v1/pro/practitioners/{pro}/blocks", {"site": "main", "start": local(3, 14), "end": local(3, 15)}, 201
    ),
    "settings": Route("GET", "/v1/pro/practitioners/{pro}/settings", desk=False),
    "preview": Route("POST", "/v1/pro/practitioners/{pro}/settings/preview", SETTINGS_BODY, desk=False),
    "save settings": Route("PUT", "/v1/pro/practitioners/{pro}/settings", SETTINGS_BODY, desk=False),
    "feed status": Route("GET", "/v1/pro/practitioners/{pro}/feed", desk=False),
    "new feed": Route("POST", "/v1/pro/practitioners/{pro}/feed", None, 201, desk=False),
    "revoke feed": Route("DELETE", "/v1/pro/practitioners/{pro}/feed", desk=False),
    "appointment": Route("GET", "/v1/pro/appointments/{appointment}"),
    "cancel": Route("POST", "/v1/pro/appointments/{appointment}/cancel"),
    "move": Route("POST", "/v1/pro/appointments/{appointment}/move", {"start": local(2, 10)}),
    "no-show": Route("POST", "/v1/pro/appointments/{appointment}/no-show", {"no_show": True}, later=26.5),
}


def forged(token: str) -> str:
    """The owner's token with its groups changed to pr-test's own group: the signature no longer matches."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["pro:pr-test"]
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{changed}.{signature}"


@pytest.fixture
def world(pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], outbox: Callable[[], list[Any]]) -> dict[str, Any]:
    """pr-test and pr-other, each with one confirmed online appointment; pr-test with a calendar feed."""
    seed()
    seed(id="pr-other", given_name="Marc", family_name="Autre")
    held = pro_api.post("/v1/appointments", hold_body(local(2, 9)), headers={"Idempotency-Key": "matrix-key-1"})
    confirmed = pro_api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    other = pro_api.post(
        "/v1/appointments",
        hold_body(local(2, 10), practitioner="pr-other", patient={"email": "jean@example.org"}),
        headers={"Idempotency-Key": "matrix-key-2"},
    )
    assert pro_api.post(f"/v1/appointments/{other.body['id']}/confirm", {"code": code_in(outbox()[-1])}).status == 200
    assert pro_api.post("/v1/pro/practitioners/pr-test/feed", headers=pro_pool.auth("pro")).status == 201
    settings = pro_api.get("/v1/pro/practitioners/pr-test/settings", headers=pro_pool.auth("pro")).body
    return {
        "appointment": held.body["id"],
        "manage_token": confirmed.body["manage_token"],
        "settings": settings,
        "other_appointment": other.body["id"],
    }


def call(
    api: Api,
    route: Route,
    world: dict[str, Any],
    headers: dict[str, str],
    *,
    pro: str = "pr-test",
    appointment: str | None = None,
) -> Any:
    body = route.body
    if body == SETTINGS_BODY:
        body = {"settings": world["settings"]["settings"], "version": 0}
        if route.method == "POST":
            body.pop("version")
    return api.request(route.method, route.url(pro, appointment or world["appointment"]), body, headers=headers)


def snapshot(api: Api, pool: ProPool, world: dict[str, Any]) -> Any:
    """What the owner sees: the week's agenda, the appointment, the settings and the feed."""
    auth = pool.auth("pro")
    return [
        api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-01&days=7", headers=auth).body,
        api.get(f"/v1/pro/appointments/{world['appointment']}", headers=auth).body,
        api.get("/v1/pro/practitioners/pr-test/settings", headers=auth).body,
        api.get("/v1/pro/practitioners/pr-test/feed", headers=auth).body,
    ]


@pytest.mark.parametrize("name", list(ROUTES))
def test_only_accounts_granted_the_owner_reach_a_route(
    pro_api: Api, pro_pool: ProPool, world: dict[str, Any], clock: Clock, name: str
) -> None:
    route = ROUTES[name]
    clock.advance(hours=route.later)
    before = snapshot(pro_api, pro_pool, world)
    by_id = "{appointment}" in route.path
    unknown = call(pro_api, route, world, pro_pool.auth("other"), pro="pr-nobody", appointment=UNKNOWN_APPOINTMENT)
    assert unknown.status == 404, unknown.body
    for account in ("other", "covering"):
        denied = call(pro_api, route, world, pro_pool.auth(account))
        assert denied.status == 404, (account, denied.body)
        assert denied.body == unknown.body  # the same answer as for an id that does not exist
    # pr-test's secretary, on pr-other's agenda or appointment
    elsewhere = call(
        pro_api, route, world, pro_pool.auth("secretary"), pro="pr-other", appointment=world["other_appointment"]
    )
    assert (elsewhere.status, elsewhere.body) == (404, unknown.body)
    other_view = pro_api.get(f"/v1/pro/appointments/{world['other_appointment']}", headers=pro_pool.auth("covering"))
    assert (other_view.body["status"], other_view.body["start"], other_view.body["no_show"]) == (
        "confirmed",
        "2027-03-02T10:00:00+01:00",
        False,
    )
    for headers in (
        {},
        {"Authorization": f"Bearer {forged(pro_pool.tokens['other'])}"},
        {"Authorization": f"Bearer {world['manage_token']}"},
        {"Authorization": pro_pool.tokens["pro"]},  # no scheme
    ):
        refused = call(pro_api, route, world, headers)
        assert refused.status == 401, (headers, refused.body)
        assert refused.body == {"error": {"code": "unauthorized", "message": "Sign in to continue.", "field": None}}
    assert snapshot(pro_api, pro_pool, world) == before  # nothing changed

    granted = call(pro_api, route, world, pro_pool.auth("secretary"))
    assert granted.status == route.ok, granted.body
    if not by_id:  # the professional covering pr-other reaches pr-other's agenda, not pr-test's
        assert call(pro_api, route, world, pro_pool.auth("covering"), pro="pr-other").status == route.ok


def test_a_covering_professional_reaches_both_agendas_and_the_account_lists_them(
    pro_api: Api, pro_pool: ProPool, world: dict[str, Any]
) -> None:
    me = pro_api.get("/v1/pro/me?lang=en", headers=pro_pool.auth("covering"))
    assert me.status == 200, me.body
    assert me.body["role"] == "professional"
    assert me.body["own_practitioner"] == "pr-third"
    assert [p["id"] for p in me.body["practitioners"]] == ["pr-other"]  # pr-third has no profile stored
    other = pro_api.get("/v1/pro/practitioners/pr-other/agenda?from=2027-03-01", headers=pro_pool.auth("covering"))
    assert (other.status, other.body["appointments"]) == (200, [])
    secretary = pro_api.get("/v1/pro/me", headers=pro_pool.auth("secretary")).body
    assert (secretary["role"], secretary["own_practitioner"]) == ("secretary", None)
    assert secretary["practitioners"] == [
        {"id": "pr-test", "name": "Dr Camille Testa", "timezone": "Europe/Monaco", "allows": ["agenda", "settings"]}
    ]
    assert pro_api.get("/v1/pro/me").status == 401


@pytest.mark.parametrize("name", list(ROUTES))
def test_a_front_desk_reaches_the_agenda_side_and_nothing_of_the_settings_side(
    pro_api: Api, pro_pool: ProPool, world: dict[str, Any], clock: Clock, name: str
) -> None:
    route = ROUTES[name]
    clock.advance(hours=route.later)
    before = snapshot(pro_api, pro_pool, world)
    unknown = call(pro_api, route, world, pro_pool.auth("desk"), pro="pr-nobody", appointment=UNKNOWN_APPOINTMENT)
    assert unknown.status == 404, unknown.body
    # the desk of pr-test, on pr-other's agenda or appointment: no grant at all
    elsewhere = call(
        pro_api, route, world, pro_pool.auth("desk"), pro="pr-other", appointment=world["other_appointment"]
    )
    assert (elsewhere.status, elsewhere.body) == (404, unknown.body)
    answer = call(pro_api, route, world, pro_pool.auth("desk"))
    if not route.desk:
        assert (answer.status, answer.body) == (404, unknown.body)  # the answer for a professional that does not exist
        assert snapshot(pro_api, pro_pool, world) == before  # nothing changed
        assert call(pro_api, route, world, pro_pool.auth("pro")).status == route.ok  # the owner still can
    else:
        assert answer.status == route.ok, answer.body
        if route.method != "GET":
            assert snapshot(pro_api, pro_pool, world) != before  # the change was made


def test_the_account_says_what_each_grant_allows(pro_api: Api, pro_pool: ProPool, world: dict[str, Any]) -> None:
    desk = pro_api.get("/v1/pro/me?lang=en", headers=pro_pool.auth("desk"))
    assert desk.status == 200, desk.body
    assert (desk.body["role"], desk.body["own_practitioner"]) == ("desk", None)
    assert desk.body["practitioners"] == [
        {"id": "pr-test", "name": "Dr Camille Testa", "timezone": "Europe/Monaco", "allows": ["agenda"]}
    ]
    owner = pro_api.get("/v1/pro/me", headers=pro_pool.auth("pro")).body
    assert owner["role"] == "professional"
    assert [p["allows"] for p in owner["practitioners"]] == [["agenda", "settings"]]
    covering = pro_api.get("/v1/pro/me", headers=pro_pool.auth("covering")).body
    assert [(p["id"], p["allows"]) for p in covering["practitioners"]] == [("pr-other", ["agenda", "settings"])]
    # what the agenda page needs to book by phone comes with the agenda, not from the settings
    agenda = pro_api.get("/v1/pro/practitioners/pr-test/agenda?from=2027-03-01", headers=pro_pool.auth("desk")).body
    settings = world["settings"]
    assert agenda["sites"] == settings["sites"]
    assert [(r["id"], r["duration_minutes"]) for r in agenda["visit_reasons"]] == [
        (r["id"], r["duration_minutes"]) for r in settings["settings"]["visit_reasons"]
    ]


def test_an_id_of_any_length_is_a_404(pro_api: Api, pro_pool: ProPool, world: dict[str, Any]) -> None:
    for appointment_id in ("x" * 3000, "G" * 20, world["appointment"].upper()):
        answer = pro_api.get(f"/v1/pro/appointments/{appointment_id}", headers=pro_pool.auth("pro"))
        assert answer.status == 404, answer.body
    assert pro_api.get(f"/v1/pro/practitioners/{'p' * 3000}/settings", headers=pro_pool.auth("pro")).status == 404
