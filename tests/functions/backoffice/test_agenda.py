"""The back-office agenda: days and weeks, an appointment's patient details (audited), and what the practice does
to appointments: cancel and move (the patient is e-mailed), no-shows, bookings taken by phone and blocked times,
all under the booking engine's no-double-booking transactions."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from icalendar import Calendar

from chalicelib.core.errors import Unavailable
from tests.functions.conftest import Api, Clock, ProPool, code_in, hold_body, local, patient, text_of
from tests.functions.factories import practitioner_record, reason

Outbox = Callable[[], list[Any]]
AGENDA = "/v1/pro/practitioners/pr-test/agenda"


def book_online(api: Api, outbox: Outbox, start: str, **who: Any) -> dict[str, Any]:
    """A patient's online booking through the patient API (hold, e-mailed code, confirm)."""
    key = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    held = api.post("/v1/appointments", hold_body(start, patient=patient(**who)), headers=key)
    assert held.status == 201, held.body
    confirmed = api.post(f"/v1/appointments/{held.body['id']}/confirm", {"code": code_in(outbox()[-1])})
    assert confirmed.status == 200, confirmed.body
    return confirmed.body


def free_starts(api: Api, day: str, reason: str = "consultation") -> list[str]:
    answer = api.get(f"/v1/practitioners/pr-test/slots?from={day}&days=1&reason={reason}")
    return [slot["start"] for slot in answer.body["slots"]]


@pytest.fixture
def practice(seed: Callable[..., Any]) -> None:
    seed()
    seed(id="pr-other", given_name="Marc", family_name="Autre")


@pytest.mark.usefixtures("practice")
def test_a_day_and_a_week_with_each_patient_shown_recorded_in_the_audit_log(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, store: Any
) -> None:
    first = book_online(pro_api, outbox, local(2, 9))
    later = book_online(pro_api, outbox, local(4, 10), email="jean@example.org", given_name="Jean", kind="new")
    pending = pro_api.post(
        "/v1/appointments",
        hold_body(local(2, 11), patient=patient(email="p@example.org")),
        headers={"Idempotency-Key": "pending-1"},
    )
    assert pending.status == 201

    day = pro_api.get(f"{AGENDA}?from=2027-03-02", headers=pro_pool.auth("pro"))
    assert day.status == 200, day.body
    assert day.body["timezone"] == "Europe/Monaco"
    assert [(a["start"], a["status"], a["patient"]) for a in day.body["appointments"]] == [
        (
            "2027-03-02T09:00:00+01:00",
            "confirmed",
            {"given_name": "Louise", "family_name": "Rossi", "kind": "existing"},
        ),
        ("2027-03-02T11:00:00+01:00", "held", None),  # awaiting its code: no name yet
    ]
    assert day.body["appointments"][0]["reason_label"] == "Motif consultation"
    assert day.headers["Cache-Control"] == "no-store"

    week = pro_api.get(f"{AGENDA}?from=2027-03-01&days=7", headers=pro_pool.auth("pro"))
    assert [a["id"] for a in week.body["appointments"] if a["status"] == "confirmed"] == [first["id"], later["id"]]

    def audit(appointment_id: str) -> list[dict[str, Any]]:
        return store.audit_of_appointment(appointment_id, "pr-test", store.appointment(appointment_id).audit_days)

    entries = audit(first["id"])
    assert [(e["action"], e["subject"], e["role"], e["practitioner_id"]) for e in entries] == [
        ("list", pro_pool.subs["pro"], "professional", "pr-test"),
        ("list", pro_pool.subs["pro"], "professional", "pr-test"),
    ]
    assert [e["appointment_ids"] for e in entries] == [[first["id"]], [first["id"]]]  # Tuesday's patients shown
    assert [e["action"] for e in audit(later["id"])] == ["list"]  # shown in the week only
    assert audit(pending.body["id"]) == []  # no patient was shown


@pytest.mark.usefixtures("practice")
def test_a_patients_details_are_recorded_in_the_audit_log_before_they_are_shown(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = book_online(pro_api, outbox, local(2, 9), phone="+377 93 00 11 22")
    shown = pro_api.get(f"/v1/pro/appointments/{booked['id']}", headers=pro_pool.auth("secretary"))
    assert shown.status == 200, shown.body
    assert shown.body["patient"] == {
        "given_name": "Louise",
        "family_name": "Rossi",
        "email": "louise@example.org",
        "phone": "+377 93 00 11 22",
        "kind": "existing",
        "birth_date": None,  # given only for a relative booked from a patient space
    }
    assert shown.body["booked_by"] is None
    assert shown.body["source"] == "online"
    [entry] = store.audit_of_appointment(booked["id"])
    assert entry["action"] == "read"
    assert (entry["subject"], entry["role"]) == (pro_pool.subs["secretary"], "secretary")
    assert entry["at"] == "2027-03-01T06:00:00Z"  # the clock: 07:00 in Monaco
    assert entry["token_id"]
    assert not {"Louise", "Rossi", "louise@example.org"} & {str(v) for v in entry.values()}

    def broken(*_: Any) -> None:
        raise Unavailable("The audit log cannot be written; nothing was shown.")

    monkeypatch.setattr(type(store), "write_audit", broken)
    refused = pro_api.get(f"/v1/pro/appointments/{booked['id']}", headers=pro_pool.auth("pro"))
    assert refused.status == 503
    assert "Louise" not in str(refused.body)


@pytest.mark.usefixtures("practice")
def test_the_practice_cancels_the_patient_is_emailed_and_the_time_is_free_again(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, store: Any
) -> None:
    booked = book_online(pro_api, outbox, local(2, 9))
    assert "2027-03-02T09:00:00+01:00" not in free_starts(pro_api, "2027-03-02")
    sent = len(outbox())

    cancelled = pro_api.post(f"/v1/pro/appointments/{booked['id']}/cancel", headers=pro_pool.auth("pro"))
    assert cancelled.status == 200, cancelled.body
    assert (cancelled.body["status"], cancelled.body["cancelled_by"], cancelled.body["emailed"]) == (
        "cancelled",
        "practitioner",
        True,
    )
    assert "2027-03-02T09:00:00+01:00" in free_starts(pro_api, "2027-03-02")
    [message] = outbox()[sent:]
    assert message["To"] == "louise@example.org"
    assert "annulé" in message["Subject"].lower()

    again = pro_api.post(f"/v1/pro/appointments/{booked['id']}/cancel", headers=pro_pool.auth("pro"))
    assert (again.status, again.body["status"]) == (200, "cancelled")
    assert len(outbox()) == sent + 1  # no second e-mail
    patient_view = pro_api.get(
        f"/v1/appointments/{booked['id']}", headers={"Authorization": f"Bearer {booked['manage_token']}"}
    )
    assert patient_view.body["status"] == "cancelled"
    assert [e["action"] for e in store.audit_of_appointment(booked["id"])] == ["cancel", "cancel"]


@pytest.mark.usefixtures("practice")
def test_the_practice_moves_an_appointment_to_any_free_time_of_the_same_length(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox
) -> None:
    booked = book_online(pro_api, outbox, local(2, 9))
    other = book_online(pro_api, outbox, local(2, 10), email="jean@example.org")
    sent = len(outbox())

    taken = pro_api.post(
        f"/v1/pro/appointments/{booked['id']}/move", {"start": local(2, 10, 10)}, headers=pro_pool.auth("pro")
    )
    assert (taken.status, taken.body["error"]["code"]) == (409, "slot_taken")  # overlaps 10:00-10:20

    # 12:30 is after the morning's opening: the practice may still give it.
    moved = pro_api.post(
        f"/v1/pro/appointments/{booked['id']}/move", {"start": local(2, 12, 30)}, headers=pro_pool.auth("pro")
    )
    assert moved.status == 200, moved.body
    assert (moved.body["start"], moved.body["end"], moved.body["emailed"]) == (
        "2027-03-02T12:30:00+01:00",
        "2027-03-02T12:50:00+01:00",
        True,
    )
    assert "2027-03-02T09:00:00+01:00" in free_starts(pro_api, "2027-03-02")
    [message] = outbox()[sent:]
    assert message["To"] == "louise@example.org"
    assert "12:30" in text_of(message)
    assert other["id"] != booked["id"]

    for start, field in ((local(1, 6), "start"), (local(2, 12, 31), "start")):  # passed; off the 5-minute grid
        refused = pro_api.post(
            f"/v1/pro/appointments/{booked['id']}/move", {"start": start}, headers=pro_pool.auth("pro")
        )
        assert (refused.status, refused.body["error"]["field"]) == (422, field)


@pytest.mark.usefixtures("practice")
def test_a_no_show_is_marked_once_the_time_has_come(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, clock: Clock
) -> None:
    booked = book_online(pro_api, outbox, local(2, 9))
    url = f"/v1/pro/appointments/{booked['id']}/no-show"
    early = pro_api.post(url, {"no_show": True}, headers=pro_pool.auth("pro"))
    assert (early.status, early.body["error"]["code"]) == (409, "not_started")

    clock.advance(days=1, hours=2, minutes=30)  # Tuesday 09:30
    marked = pro_api.post(url, {}, headers=pro_pool.auth("pro"))
    assert (marked.status, marked.body["no_show"]) == (200, True)
    day = pro_api.get(f"{AGENDA}?from=2027-03-02", headers=pro_pool.auth("pro"))
    assert day.body["appointments"][0]["no_show"] is True
    undone = pro_api.post(url, {"no_show": False}, headers=pro_pool.auth("pro"))
    assert undone.body["no_show"] is False
    late = pro_api.post(f"/v1/pro/appointments/{booked['id']}/cancel", headers=pro_pool.auth("pro"))
    assert (late.status, late.body["error"]["code"]) == (409, "too_late")


@pytest.mark.usefixtures("practice")
def test_an_appointment_taken_by_phone_goes_through_the_same_transaction(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox
) -> None:
    online = book_online(pro_api, outbox, local(2, 9))
    url = "/v1/pro/practitioners/pr-test/appointments"
    caller = {"given_name": "Paul", "family_name": "Vial", "email": "paul@example.org", "kind": "new"}
    clash = pro_api.post(
        url,
        {"site": "main", "reason": "long", "start": local(2, 8, 40), "patient": caller},
        headers=pro_pool.auth("secretary"),
    )
    assert (clash.status, clash.body["error"]["code"]) == (409, "slot_taken")  # 08:40-09:10 meets 09:00

    sent = len(outbox())
    # A phone-only visit reason, at a time outside the online grid: the practice decides.
    taken = pro_api.post(
        url,
        {"site": "main", "reason": "by-phone", "start": local(2, 12, 5), "patient": caller},
        headers=pro_pool.auth("secretary"),
    )
    assert taken.status == 201, taken.body
    assert (taken.body["source"], taken.body["status"], taken.body["emailed"]) == ("phone", "confirmed", True)
    assert (taken.body["start"], taken.body["end"]) == ("2027-03-02T12:05:00+01:00", "2027-03-02T12:25:00+01:00")
    [confirmation] = outbox()[sent:]
    assert confirmation["To"] == "paul@example.org"
    token = re.search(r"#id=[0-9a-f]{20}&token=([A-Za-z0-9_-]+)", text_of(confirmation))
    assert token, "the confirmation carries the manage link"
    own_view = pro_api.get(
        f"/v1/appointments/{taken.body['id']}", headers={"Authorization": f"Bearer {token.group(1)}"}
    )
    assert (own_view.status, own_view.body["reason"]) == (200, "by-phone")

    no_email = pro_api.post(
        url,
        {
            "site": "main",
            "reason": "consultation",
            "start": local(3, 9),
            "patient": {"given_name": "Ana", "family_name": "Bo", "phone": "+377 93 11 22 33"},
        },
        headers=pro_pool.auth("pro"),
    )
    assert (no_email.status, no_email.body["emailed"]) == (201, None)
    hold = pro_api.post("/v1/appointments", hold_body(local(3, 9)), headers={"Idempotency-Key": "over-a-phone-booking"})
    assert (hold.status, hold.body["error"]["code"]) == (409, "slot_taken")
    released = pro_api.post(f"/v1/pro/appointments/{no_email.body['id']}/cancel", headers=pro_pool.auth("pro"))
    assert (released.status, released.body["emailed"]) == (200, None)
    assert "2027-03-03T09:00:00+01:00" in free_starts(pro_api, "2027-03-03")
    moved = pro_api.post(
        f"/v1/pro/appointments/{taken.body['id']}/move", {"start": local(2, 12, 30)}, headers=pro_pool.auth("pro")
    )
    assert moved.status == 200, moved.body
    assert online["id"]

    for body, field in (
        ({"site": "annex", "reason": "consultation", "start": local(3, 10), "patient": caller}, "site"),
        ({"site": "main", "reason": "nope", "start": local(3, 10), "patient": caller}, "reason"),
        (
            {"site": "main", "reason": "consultation", "start": local(3, 10), "patient": {**caller, "email": "x"}},
            "patient.email",
        ),
    ):
        refused = pro_api.post(url, body, headers=pro_pool.auth("pro"))
        assert (refused.status, refused.body["error"]["field"]) == (422, field)


@pytest.mark.usefixtures("practice")
@pytest.mark.parametrize("address", ["paul,vial@example.org", "paul;x@example.org", "paul\x00@example.org"])
def test_a_phone_booking_refuses_an_address_the_mailer_cannot_use(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, address: str
) -> None:
    caller = {"given_name": "Paul", "family_name": "Vial", "email": address, "kind": "new"}
    answer = pro_api.post(
        "/v1/pro/practitioners/pr-test/appointments",
        {"site": "main", "reason": "consultation", "start": local(2, 9), "patient": caller},
        headers=pro_pool.auth("secretary"),
    )
    assert (answer.status, answer.body["error"]["code"], answer.body["error"]["field"]) == (
        422,
        "invalid_input",
        "patient.email",
    )
    assert local(2, 9) in free_starts(pro_api, "2027-03-02")  # nothing was written
    assert outbox() == []


@pytest.mark.usefixtures("practice")
def test_a_blocked_time_takes_no_booking_and_can_be_released(pro_api: Api, pro_pool: ProPool, outbox: Outbox) -> None:
    url = "/v1/pro/practitioners/pr-test/blocks"
    blocked = pro_api.post(
        url, {"site": "main", "start": local(2, 14), "end": local(2, 15)}, headers=pro_pool.auth("pro")
    )
    assert blocked.status == 201, blocked.body
    assert (blocked.body["status"], blocked.body["source"], blocked.body["patient"]) == ("blocked", "block", None)
    starts = free_starts(pro_api, "2027-03-02")
    assert "2027-03-02T14:40:00+01:00" not in starts
    assert "2027-03-02T15:00:00+01:00" in starts
    hold = pro_api.post("/v1/appointments", hold_body(local(2, 14, 20)), headers={"Idempotency-Key": "over-a-block"})
    assert (hold.status, hold.body["error"]["code"]) == (409, "slot_taken")
    day = pro_api.get(f"{AGENDA}?from=2027-03-02", headers=pro_pool.auth("pro"))
    assert [(a["status"], a["source"]) for a in day.body["appointments"]] == [("blocked", "block")]

    book_online(pro_api, outbox, local(2, 16))
    over = pro_api.post(
        url, {"site": "main", "start": local(2, 15, 30), "end": local(2, 16, 30)}, headers=pro_pool.auth("pro")
    )
    assert (over.status, over.body["error"]["code"]) == (409, "slot_taken")
    long = pro_api.post(
        url, {"site": "main", "start": local(2, 8), "end": local(2, 16, 5)}, headers=pro_pool.auth("pro")
    )
    assert (long.status, long.body["error"]["field"]) == (422, "end")

    released = pro_api.post(f"/v1/pro/appointments/{blocked.body['id']}/cancel", headers=pro_pool.auth("pro"))
    assert (released.status, released.body["status"]) == (200, "cancelled")
    assert "2027-03-02T14:00:00+01:00" in free_starts(pro_api, "2027-03-02")
    day = pro_api.get(f"{AGENDA}?from=2027-03-02", headers=pro_pool.auth("pro"))
    assert [a["source"] for a in day.body["appointments"]] == ["online"]  # a released block is not listed


def test_a_home_visit_taken_by_phone_tells_the_patient_it_is_at_home(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, seed: Callable[..., Any]
) -> None:
    """The e-mail and its calendar file said "Où : Cabinet, <the practice's address>" for a visit at home; the manage
    page is told it is at home too."""
    home = reason("home-visit", 40, new_patients=False, online=False, at_home=True)
    seed(visit_reasons=[*practitioner_record()["visit_reasons"], home])
    caller = {"given_name": "Paul", "family_name": "Vial", "email": "paul@example.org", "kind": "existing"}
    for reason_id, place in (("home-visit", "À votre domicile"), ("by-phone", "Cabinet du port, 1 quai Antoine Ier")):
        sent = len(outbox())
        start = local(2, 14) if reason_id == "home-visit" else local(2, 16)
        taken = pro_api.post(
            "/v1/pro/practitioners/pr-test/appointments",
            {"site": "main", "reason": reason_id, "start": start, "patient": caller},
            headers=pro_pool.auth("secretary"),
        )
        assert taken.status == 201, taken.body
        [confirmation] = outbox()[sent:]
        text = text_of(confirmation)
        where = next(line for line in text.splitlines() if line.startswith("Où"))
        assert " ".join(where.replace(":", " : ").split()).startswith(f"Où : {place}"), where
        [attachment] = [a for a in confirmation.iter_attachments() if a.get_content_type() == "text/calendar"]
        event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
        assert str(event["LOCATION"]).startswith(place)
        token = re.search(r"#id=[0-9a-f]{20}&token=([A-Za-z0-9_-]+)", text)
        assert token, "the confirmation carries the manage link"
        view = pro_api.get(
            f"/v1/appointments/{taken.body['id']}", headers={"Authorization": f"Bearer {token.group(1)}"}
        )
        assert view.body["at_home"] is (reason_id == "home-visit")  # what the manage page says


@pytest.mark.usefixtures("practice")
def test_no_name_email_or_phone_reaches_the_logs(
    pro_api: Api, pro_pool: ProPool, outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    booked = book_online(pro_api, outbox, local(2, 9), phone="+377 93 44 55 66")
    auth = pro_pool.auth("pro")
    pro_api.get(f"{AGENDA}?from=2027-03-02", headers=auth)
    pro_api.get(f"/v1/pro/appointments/{booked['id']}", headers=auth)
    pro_api.post(f"/v1/pro/appointments/{booked['id']}/move", {"start": local(2, 10)}, headers=auth)
    pro_api.post(f"/v1/pro/appointments/{booked['id']}/cancel", headers=auth)
    caller = {
        "given_name": "Paulette",
        "family_name": "Vialatte",
        "email": "paulette@example.org",
        "phone": "+377 93 77 88 99",
    }
    pro_api.post(
        "/v1/pro/practitioners/pr-test/appointments",
        {"site": "main", "reason": "consultation", "start": local(2, 11), "patient": caller},
        headers=auth,
    )
    assert "back-office: appointment" in caplog.text  # the changes are logged, by id
    for personal in (
        "Louise",
        "Rossi",
        "louise@example.org",
        "93 44 55 66",
        "Paulette",
        "Vialatte",
        "paulette@",
        "93 77 88 99",
    ):
        assert personal not in caplog.text
