"""Back-office settings: visit reasons, weekly hours, absences and booking rules; the preview of the slots they give;
saves that name the version they were read at; and appointments a change would orphan."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.core.store import Store
from tests.functions.conftest import Api, ProPool, code_in, hold_body, local, patient
from tests.functions.factories import practitioner_record
from tests.functions.factories import reason as make_reason

Outbox = Callable[[], list[Any]]
URL = "/v1/pro/practitioners/pr-test/settings"
MORNINGS = ["consultation", "long", "short", "first-visit"]


def book_online(
    api: Api, outbox: Outbox, start: str, reason: str = "consultation", email: str = "louise@example.org"
) -> str:
    key = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    held = api.post("/v1/appointments", hold_body(start, reason=reason, patient=patient(email=email)), headers=key)
    assert held.status == 201, held.body
    assert api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])}).status == 200
    return str(held.body["id"])


def free_starts(api: Api, day: str) -> list[str]:
    answer = api.get(f"/v1/practitioners/pr-test/slots?from={day}&days=1&reason=consultation")
    return [slot["start"] for slot in answer.body["slots"]]


def mornings_only(settings: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(settings)
    changed["sites"][0]["hours"] = [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "12:00", "reasons": MORNINGS}
    ]
    return changed


@pytest.fixture
def current(pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]) -> dict[str, Any]:
    seed(closures=[{"start": "2027-02-01T00:00:00+01:00", "end": "2027-02-02T00:00:00+01:00"}])  # over already
    answer = pro_api.get(URL, headers=pro_pool.auth("pro"))
    assert answer.status == 200, answer.body
    return dict(answer.body)


def test_the_settings_are_the_stored_profiles(current: dict[str, Any]) -> None:
    assert current["version"] == 0
    assert current["sites"] == [{"id": "main", "name": "Cabinet du port", "timezone": "Europe/Monaco"}]
    settings = current["settings"]
    assert [r["id"] for r in settings["visit_reasons"]] == ["consultation", "long", "short", "first-visit", "by-phone"]
    assert settings["visit_reasons"][0] == {
        "id": "consultation",
        "label": {"fr": "Motif consultation", "en": "Reason consultation", "it": None, "es": None, "ru": None},
        "duration_minutes": 20,
        "new_patients": True,
        "existing_patients": True,
        "online": True,
        "at_home": None,  # a visit at the practice
        "instructions": None,
    }
    assert [(h["start"], h["end"]) for h in settings["sites"][0]["hours"]] == [("08:00", "12:00"), ("14:00", "18:00")]
    assert settings["booking_rules"] == {
        "min_notice_minutes": 60,
        "horizon_days": 30,
        "buffer_minutes": 0,
        "max_future_per_patient": 3,
    }
    assert settings["closures"] == []  # the absence in February is over


def test_the_preview_shows_the_slots_of_proposed_hours_and_saves_nothing(
    pro_api: Api, pro_pool: ProPool, current: dict[str, Any], outbox: Outbox
) -> None:
    book_online(pro_api, outbox, local(2, 9))
    body = {"settings": mornings_only(current["settings"]), "from": "2027-03-02", "days": 7}
    preview = pro_api.post(f"{URL}/preview", body, headers=pro_pool.auth("pro"))
    assert preview.status == 200, preview.body
    assert preview.body["reason"] == "consultation"  # the first online reason
    starts = [s["start"] for s in preview.body["slots"]]
    assert "2027-03-02T08:40:00+01:00" in starts
    assert "2027-03-02T09:00:00+01:00" not in starts  # booked
    assert not [s for s in starts if s[11:13] >= "14"]  # no more afternoons
    assert {s[:10] for s in starts} == {"2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05", "2027-03-08"}
    assert preview.body["orphans"] == []

    assert "2027-03-02T14:00:00+01:00" in free_starts(pro_api, "2027-03-02")  # nothing saved
    assert pro_api.get(URL, headers=pro_pool.auth("pro")).body == current

    weekend = mornings_only(current["settings"])
    weekend["sites"][0]["hours"].append({"days": ["sat"], "start": "09:00", "end": "10:00", "reasons": ["short"]})
    saturday = pro_api.post(
        f"{URL}/preview",
        {"settings": weekend, "reason": "short", "from": "2027-03-06", "days": 1},
        headers=pro_pool.auth("pro"),
    )
    assert [s["start"][11:16] for s in saturday.body["slots"]] == ["09:00", "09:15", "09:30", "09:45"]
    phone_only = pro_api.post(
        f"{URL}/preview", {"settings": weekend, "reason": "by-phone"}, headers=pro_pool.auth("pro")
    )
    assert (phone_only.status, phone_only.body["error"]["field"]) == (422, "reason")


def test_a_save_names_the_version_it_was_read_at(pro_api: Api, pro_pool: ProPool, current: dict[str, Any]) -> None:
    changed = mornings_only(current["settings"])
    changed["booking_rules"]["horizon_days"] = 60
    saved = pro_api.put(URL, {"version": 0, "settings": changed}, headers=pro_pool.auth("secretary"))
    assert saved.status == 200, saved.body
    assert (saved.body["version"], saved.body["cancelled"], saved.body["kept"]) == (1, [], [])
    assert saved.body["settings"] == changed
    assert "2027-03-02T14:00:00+01:00" not in free_starts(pro_api, "2027-03-02")
    assert free_starts(pro_api, "2027-04-20")  # beyond the old 30-day horizon

    stale = pro_api.put(URL, {"version": 0, "settings": current["settings"]}, headers=pro_pool.auth("pro"))
    assert (stale.status, stale.body["error"]["field"]) == (409, "version")
    assert pro_api.get(URL, headers=pro_pool.auth("pro")).body["version"] == 1


def test_a_change_that_orphans_appointments_is_refused_unless_they_are_kept(
    pro_api: Api, pro_pool: ProPool, current: dict[str, Any], outbox: Outbox
) -> None:
    afternoon = book_online(pro_api, outbox, local(2, 15))
    book_online(pro_api, outbox, local(2, 9), email="jean@example.org")
    changed = mornings_only(current["settings"])
    preview = pro_api.post(f"{URL}/preview", {"settings": changed}, headers=pro_pool.auth("pro"))
    assert [(o["id"], o["start"], o["reason"]) for o in preview.body["orphans"]] == [
        (afternoon, "2027-03-02T15:00:00+01:00", "consultation")
    ]
    refused = pro_api.put(URL, {"version": 0, "settings": changed}, headers=pro_pool.auth("pro"))
    assert (refused.status, refused.body["error"]["code"], refused.body["error"]["field"]) == (
        409,
        "orphaned_appointments",
        "orphans",
    )
    assert pro_api.get(URL, headers=pro_pool.auth("pro")).body["version"] == 0

    sent = len(outbox())
    kept = pro_api.put(URL, {"version": 0, "settings": changed, "orphans": "keep"}, headers=pro_pool.auth("pro"))
    assert (kept.status, kept.body["kept"], kept.body["cancelled"]) == (200, [afternoon], [])
    assert len(outbox()) == sent
    shown = pro_api.get(f"/v1/pro/appointments/{afternoon}", headers=pro_pool.auth("pro"))
    assert shown.body["status"] == "confirmed"
    # Kept outside the openings on purpose, it is no longer counted as an orphan by later changes.
    again = pro_api.post(f"{URL}/preview", {"settings": changed}, headers=pro_pool.auth("pro"))
    assert again.body["orphans"] == []


def test_orphans_can_be_cancelled_with_their_patients_emailed(
    pro_api: Api, pro_pool: ProPool, current: dict[str, Any], outbox: Outbox
) -> None:
    long = book_online(pro_api, outbox, local(3, 10), reason="long")
    absent = book_online(pro_api, outbox, local(4, 9), email="jean@example.org")
    changed = copy.deepcopy(current["settings"])
    changed["visit_reasons"] = [r for r in changed["visit_reasons"] if r["id"] != "long"]
    for hours in changed["sites"][0]["hours"]:
        hours["reasons"] = [r for r in hours["reasons"] if r != "long"]
    changed["closures"] = [{"start": "2027-03-04T00:00", "end": "2027-03-05T00:00"}]  # the practice's local time
    sent = len(outbox())
    saved = pro_api.put(URL, {"version": 0, "settings": changed, "orphans": "cancel"}, headers=pro_pool.auth("pro"))
    assert saved.status == 200, saved.body
    assert sorted(saved.body["cancelled"]) == sorted([long, absent])
    assert saved.body["settings"]["closures"] == [
        {"start": "2027-03-04T00:00:00+01:00", "end": "2027-03-05T00:00:00+01:00"}
    ]
    assert sorted(m["To"] for m in outbox()[sent:]) == ["jean@example.org", "louise@example.org"]
    assert free_starts(pro_api, "2027-03-04") == []
    for appointment_id in (long, absent):
        assert (
            pro_api.get(f"/v1/pro/appointments/{appointment_id}", headers=pro_pool.auth("pro")).body["status"]
            == "cancelled"
        )


@pytest.mark.parametrize("mode", ["refuse", "keep", "cancel"])
def test_a_booking_made_while_the_settings_are_saved_is_treated_as_the_orphans_are(
    *,
    pro_api: Api,
    pro_pool: ProPool,
    current: dict[str, Any],
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    # Under "refuse" nothing is orphaned when the save reads the appointments, so the save goes ahead.
    first = [] if mode == "refuse" else [book_online(pro_api, outbox, local(2, 16), email="jean@example.org")]
    late: list[str] = []
    save_profile = Store.save_profile

    def booked_meanwhile(store: Store, *args: Any, **kwargs: Any) -> None:
        # A patient confirms an afternoon time after the orphans were read, just before the new hours are written.
        if not late:
            late.append(book_online(pro_api, outbox, local(2, 15)))
        save_profile(store, *args, **kwargs)

    monkeypatch.setattr(Store, "save_profile", booked_meanwhile)
    changed = mornings_only(current["settings"])
    sent = len(outbox())
    saved = pro_api.put(URL, {"version": 0, "settings": changed, "orphans": mode}, headers=pro_pool.auth("pro"))
    assert saved.status == 200, saved.body
    assert saved.body["version"] == 1
    if mode == "cancel":
        assert sorted(saved.body["cancelled"]) == sorted([*first, *late])
        assert (saved.body["kept"], saved.body["orphans"]) == ([], [])
        assert sorted(m["To"] for m in outbox()[sent + 2 :]) == ["jean@example.org", "louise@example.org"]
        status = pro_api.get(f"/v1/pro/appointments/{late[0]}", headers=pro_pool.auth("pro")).body["status"]
        assert status == "cancelled"
    else:
        assert saved.body["cancelled"] == []
        assert saved.body["kept"] == [*first, *late]
        assert [(o["id"], o["start"]) for o in saved.body["orphans"]][-1] == (late[0], "2027-03-02T15:00:00+01:00")
        assert len(outbox()) == sent + 2  # the late patient's code and confirmation, nothing else
        status = pro_api.get(f"/v1/pro/appointments/{late[0]}", headers=pro_pool.auth("pro")).body["status"]
        assert status == "confirmed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s["sites"][0]["hours"][0].update(reasons=["nope"]), "settings.sites.0.hours.0.reasons"),
        (lambda s: s["sites"][0]["hours"][0].update(start="13:00"), "settings.sites.0.hours.0.end"),
        (lambda s: s["sites"][0]["hours"][0].update(start="8h"), "settings.sites.0.hours.0.start"),
        (lambda s: s["sites"][0].update(id="annex"), "settings.sites"),
        (lambda s: s["visit_reasons"][0].update(duration_minutes=22), "settings.visit_reasons.0.duration_minutes"),
        (lambda s: s["visit_reasons"].append(dict(s["visit_reasons"][0])), "settings.visit_reasons.5.id"),
        (lambda s: s["booking_rules"].update(horizon_days=0), "settings.booking_rules.horizon_days"),
        (
            lambda s: s.update(closures=[{"start": "2027-03-05T00:00", "end": "2027-03-04T00:00"}]),
            "settings.closures.0.end",
        ),
        (lambda s: s.update(closures=[{"start": "", "end": "2027-03-04T00:00"}]), "settings.closures.0.start"),
        (lambda s: s["sites"][0]["hours"][1].update(days=[]), "settings.sites.0.hours.1.days"),
        (lambda s: s["sites"][0]["hours"][1].update(reasons=[]), "settings.sites.0.hours.1.reasons"),
        (lambda s: s.update(colour="blue"), "settings.colour"),
        (lambda s: s["visit_reasons"][0]["label"].update(it="  "), "settings.visit_reasons.0.label.it"),
        (lambda s: s["visit_reasons"][0]["label"].update(ru="я" * 121), "settings.visit_reasons.0.label.ru"),
        (lambda s: s["visit_reasons"][0]["label"].update(de="Beratung"), "settings.visit_reasons.0.label.de"),
        (
            lambda s: s["visit_reasons"][0].update(instructions={"it": "Digiuno"}),
            "settings.visit_reasons.0.instructions.fr",
        ),
    ],
)
def test_invalid_settings_are_a_422_naming_the_field(
    pro_api: Api, pro_pool: ProPool, current: dict[str, Any], change: Callable[[dict[str, Any]], None], field: str
) -> None:
    settings = copy.deepcopy(current["settings"])
    change(settings)
    for answer in (
        pro_api.post(f"{URL}/preview", {"settings": settings}, headers=pro_pool.auth("pro")),
        pro_api.put(URL, {"version": 0, "settings": settings}, headers=pro_pool.auth("pro")),
    ):
        assert answer.status == 422, answer.body
        assert answer.body["error"]["field"] == field
    assert pro_api.get(URL, headers=pro_pool.auth("pro")).body["version"] == 0


def test_saved_hours_are_the_ones_the_public_answer_gives_at_once(
    pro_api: Api, pro_pool: ProPool, current: dict[str, Any]
) -> None:
    def public_hours() -> Any:
        answer = pro_api.get("/v1/next-available?ids=pr-test&hours=true")
        assert answer.status == 200, answer.body
        return answer.body["results"][0]["hours"]

    assert [(p["start"], p["end"]) for p in public_hours()[0]["periods"]] == [("08:00", "12:00"), ("14:00", "18:00")]
    changed = mornings_only(current["settings"])
    saved = pro_api.put(URL, {"version": 0, "settings": changed}, headers=pro_pool.auth("pro"))
    assert saved.status == 200, saved.body
    assert public_hours() == [
        {
            "site": "main",
            "periods": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "12:00", "reasons": MORNINGS}
            ],
        }
    ]


def test_contradictory_settings_are_warned_of_next_to_their_field(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any]
) -> None:
    seed(accepting_new_patients=False)
    read = pro_api.get(URL, headers=pro_pool.auth("pro")).body
    assert read["accepting_new_patients"] is False
    assert [(w["code"], w["field"], w["reason"]) for w in read["warnings"]] == [
        ("new_patients_not_accepted", f"settings.visit_reasons.{i}.new_patients", reason)
        for i, reason in enumerate(["consultation", "long", "short", "first-visit"])  # not by-phone: not online
    ]

    settings = copy.deepcopy(read["settings"])
    for reason in settings["visit_reasons"]:
        reason["new_patients"] = reason["id"] == "first-visit"  # a new-patient-only reason is left online
    for period in settings["sites"][0]["hours"]:
        period["reasons"] = [r for r in period["reasons"] if r != "short"]
    preview = pro_api.post(f"{URL}/preview", {"settings": settings, "days": 1}, headers=pro_pool.auth("pro"))
    expected = [
        ("reason_never_offered", "settings.visit_reasons.2.online", "short"),
        ("new_patients_not_accepted", "settings.visit_reasons.3.new_patients", "first-visit"),
    ]
    assert [(w["code"], w["field"], w["reason"]) for w in preview.body["warnings"]] == expected
    saved = pro_api.put(URL, {"version": 0, "settings": settings}, headers=pro_pool.auth("pro"))
    assert saved.status == 200, saved.body  # warned of, not refused
    assert [(w["code"], w["field"], w["reason"]) for w in saved.body["warnings"]] == expected

    settings["visit_reasons"][3]["online"] = False  # booked by phone only: nothing to warn of for it
    settings["visit_reasons"][2]["online"] = False
    again = pro_api.put(URL, {"version": 1, "settings": settings}, headers=pro_pool.auth("pro"))
    assert again.body["warnings"] == []


def test_every_language_of_a_reason_is_kept_by_a_save_and_can_be_changed(
    pro_api: Api, pro_pool: ProPool, seed: Callable[..., Any], store: Store
) -> None:
    """A reason's name and instructions in Italian, Spanish and Russian are read, saved back unchanged by a save
    that changes something else, and changed by one that changes them; a language a reason lacks stays missing."""
    record = practitioner_record()
    record["visit_reasons"][0] = make_reason(
        "consultation",
        20,
        label={"fr": "Consultation", "en": "Consultation", "it": "Visita", "es": "Consulta", "ru": "Консультация"},
        instructions={"fr": "À jeun.", "en": "Fasting.", "it": "A digiuno.", "es": "En ayunas.", "ru": "Натощак."},
    )
    record["visit_reasons"][1]["label"]["es"] = "Consulta larga"  # Spanish only: Italian and Russian are missing
    record["visit_reasons"][2]["label"]["de"] = "Kurzer Termin"  # a language the site does not publish
    seed(record=record)
    read = pro_api.get(URL, headers=pro_pool.auth("pro")).body["settings"]
    first = read["visit_reasons"][0]
    assert first["label"] == {
        "fr": "Consultation",
        "en": "Consultation",
        "it": "Visita",
        "es": "Consulta",
        "ru": "Консультация",
    }
    assert first["instructions"]["ru"] == "Натощак."
    assert read["visit_reasons"][1]["label"] == {
        "fr": "Motif long",
        "en": "Reason long",
        "it": None,
        "es": "Consulta larga",
        "ru": None,
    }

    hours = mornings_only(read)
    saved = pro_api.put(URL, {"version": 0, "settings": hours}, headers=pro_pool.auth("pro"))
    assert saved.status == 200, saved.body
    assert saved.body["settings"]["visit_reasons"] == read["visit_reasons"]
    stored = json.loads(store.profile_for_edit("pr-test")["record"])["visit_reasons"]  # type: ignore[index]
    assert stored[0]["label"] == record["visit_reasons"][0]["label"]
    assert stored[0]["instructions"] == record["visit_reasons"][0]["instructions"]
    assert stored[1]["label"] == {"fr": "Motif long", "en": "Reason long", "es": "Consulta larga"}  # no null written
    assert stored[2]["label"]["de"] == "Kurzer Termin"  # not shown in the settings, and kept by their save

    renamed = copy.deepcopy(saved.body["settings"])
    renamed["visit_reasons"][0]["label"]["it"] = "Visita medica"
    renamed["visit_reasons"][0]["instructions"]["es"] = None  # emptied: Spanish readers get the French
    renamed["visit_reasons"][1]["label"]["ru"] = "Долгий приём"
    again = pro_api.put(URL, {"version": 1, "settings": renamed}, headers=pro_pool.auth("pro"))
    assert again.status == 200, again.body
    now = pro_api.get(URL, headers=pro_pool.auth("pro")).body["settings"]["visit_reasons"]
    assert now[0]["label"]["it"] == "Visita medica"
    assert now[0]["instructions"] == {
        "fr": "À jeun.",
        "en": "Fasting.",
        "it": "A digiuno.",
        "es": None,
        "ru": "Натощак.",
    }
    assert now[1]["label"]["ru"] == "Долгий приём"
